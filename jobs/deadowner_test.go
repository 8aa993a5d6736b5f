//go:build !windows

package jobs_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"medinventory/jobs"
)

// Issue 13 case 8: after a kill -9 the rerun does not sit silent until the dead process's lease
// expires (60 s by default; an hour here): a lease whose owner process on this host is gone is
// taken back at start, while a live owner's lease is left alone.
func TestLeaseOfDeadProcessIsTakenBackAtOnce(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, t.TempDir())
	p, _ := newPool(t, db, jobs.Options{SafetyInterval: time.Hour})
	dead := enqueue(t, p, kindTest, jobs.EnqueueOpts{UniqueKey: "dead"})
	live := enqueue(t, p, kindTest, jobs.EnqueueOpts{UniqueKey: "live"})

	// A process id that is certainly gone: a child that has exited and been reaped.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("cannot run true:", err)
	}
	host, _ := os.Hostname()
	until := time.Now().Add(time.Hour).UnixMilli()
	for id, pid := range map[int64]int{dead: cmd.Process.Pid, live: os.Getppid()} {
		owner := fmt.Sprintf("%s:%d:abcdef/1", host, pid)
		if _, err := db.DB().Exec(`UPDATE jobs SET state = 'running', attempt = 1, lease_owner = ?, lease_until = ? WHERE id = ?`,
			owner, until, id); err != nil {
			t.Fatal(err)
		}
	}
	p.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		return effectCommit(j.ID), nil
	}))
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitState(t, p, dead, jobs.StateDone)
	// Start took back what it takes back before it returned: the live lease is still there.
	if j := get(t, p, live); j.State != jobs.StateRunning {
		t.Fatalf("the live process's job is %s; its lease must be left alone", j.State)
	}
}
