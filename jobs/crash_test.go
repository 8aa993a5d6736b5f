package jobs_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"medinventory/jobs"
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
// and then works forever, until the parent kills the process with SIGKILL. Each renewal of the
// job's lease is announced too.
func crashHelper(dir string) {
	ctx := context.Background()
	db, err := openPools(ctx, dir)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	p := jobs.New(db.DB(), jobs.Options{ReadDB: db.ReadDB(), LeaseDuration: 300 * time.Millisecond})
	p.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, progress func(float64)) (jobs.Commit, error) {
		fmt.Printf("started %d %d\n", j.ID, j.Attempt)
		progress(0.5)
		select {} // mid-job, forever
	}))
	jobs.OnRenewed(p, func(id int64) { fmt.Printf("renewed %d\n", id) })
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
	db := openDB(t, dir)
	p, lb := newPool(t, db, jobs.Options{SafetyInterval: 50 * time.Millisecond})
	id := enqueue(t, p, kindTest, jobs.EnqueueOpts{UniqueKey: "content-sha"})

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
	// A child that neither speaks nor dies is killed shortly before the test's deadline: the reads
	// below then fail with what it said last.
	stopper := time.AfterFunc(time.Until(giveUpAt(t)), func() { cmd.Process.Kill() })
	defer stopper.Stop()
	stdout := bufio.NewReader(out)
	line, err := stdout.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, fmt.Sprintf("started %d 1", id)) {
		cmd.Process.Kill()
		t.Fatalf("child said %q, %v", line, err)
	}
	leaseUntil := func() int64 {
		var until sql.NullInt64
		if err := db.ReadDB().QueryRow(`SELECT lease_until FROM jobs WHERE id = ?`, id).Scan(&until); err != nil {
			t.Fatal(err)
		}
		return until.Int64
	}
	first := leaseUntil()
	// Wait until it has renewed its lease (the lease's end moves on), then kill it without any
	// chance to clean up. It says when it has renewed; a renewal it made before first was read
	// does not count, so it is the next one. A child that dies ends its output: the read fails
	// instead of waiting.
	for leaseUntil() <= first {
		line, err = stdout.ReadString('\n')
		if err != nil || line != fmt.Sprintf("renewed %d\n", id) {
			cmd.Process.Kill()
			t.Fatalf("child said %q, %v; want it to renew the lease of job %d", line, err, id)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	j := get(t, p, id)
	if j.State != jobs.StateRunning {
		t.Fatalf("after the kill the job is %s, want still running (leased by the dead process)", j.State)
	}
	p.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		return effectCommit(j.ID), nil
	}))
	start(t, p)
	j = waitState(t, p, id, jobs.StateDone)
	if j.Attempt != 2 {
		t.Fatalf("attempt %d, want 2 (the killed run counts)", j.Attempt)
	}
	if n := effects(t, db, id); n != 1 {
		t.Fatalf("%d effects, want exactly 1", n)
	}
	noDBErrors(t, lb)
}
