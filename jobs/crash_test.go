package jobs_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"medinventory/jobs"
	"medinventory/store"
)

const crashEnv = "JOBS_TEST_CRASH_HELPER_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashEnv); dir != "" {
		crashHelper(dir)
		return
	}
	os.Exit(m.Run())
}

// crashHelper runs in a child process: it starts a pool whose handler announces the job on stdout
// and then works forever, until the parent kills the process with SIGKILL.
func crashHelper(dir string) {
	ctx := context.Background()
	st, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	p := jobs.New(st.DB(), jobs.Options{ReadDB: st.ReadDB(), LeaseDuration: 300 * time.Millisecond})
	p.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, progress func(float64)) (jobs.Commit, error) {
		fmt.Printf("started %d %d\n", j.ID, j.Attempt)
		progress(0.5)
		select {} // mid-job, forever
	}))
	if err := p.Start(ctx); err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	select {}
}

// The honest crash test: a real process is SIGKILLed while a job runs (its lease is being renewed).
// The next pool takes the job back once the lease expires, runs it again, and its effect exists once.
func TestCrashMidJobRerunsAndEffectExistsOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	st := openStore(t, dir)
	p, lb := newPool(t, st, jobs.Options{SafetyInterval: 50 * time.Millisecond})
	id := enqueue(t, p, kindTest, jobs.EnqueueOpts{UniqueKey: "photo-sha"})

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, fmt.Sprintf("started %d 1", id)) {
		cmd.Process.Kill()
		t.Fatalf("child said %q, %v", line, err)
	}
	// Let it renew its lease at least once, then kill it without any chance to clean up.
	time.Sleep(150 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	j, _ := p.Get(context.Background(), id)
	if j.State != jobs.StateRunning {
		t.Fatalf("after the kill the job is %s, want still running (leased by the dead process)", j.State)
	}
	p.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		return effectCommit(j.ID), nil
	}))
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	j = waitState(t, p, id, jobs.StateDone)
	if j.Attempt != 2 {
		t.Fatalf("attempt %d, want 2 (the killed run counts)", j.Attempt)
	}
	if n := effects(t, st, id); n != 1 {
		t.Fatalf("%d effects, want exactly 1", n)
	}
	noDBErrors(t, lb)
}
