package jobs_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"medinventory/jobs"
)

// The tests' kind of job and its queue: the pool knows no other.
const (
	kindTest  = "test"
	queueTest = "work"
)

func TestEnqueueIsIdempotentByUniqueKey(t *testing.T) {
	db := openDB(t, t.TempDir())
	p, _ := newPool(t, db, jobs.Options{})
	ctx := context.Background()
	id1, created, err := p.Enqueue(ctx, kindTest, []byte(`{"a":1}`), jobs.EnqueueOpts{UniqueKey: "sha-1"})
	if err != nil || !created {
		t.Fatalf("first enqueue: id %d created %v err %v", id1, created, err)
	}
	// The same key again, inside a caller's transaction, as store.AddPhoto's callback does.
	tx, err := db.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	id2, created, err := jobs.EnqueueTx(ctx, tx, kindTest, []byte(`{"a":2}`), jobs.EnqueueOpts{UniqueKey: "sha-1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if id2 != id1 || created {
		t.Fatalf("second enqueue: id %d created %v, want id %d created false", id2, created, id1)
	}
	var n int
	var payload string
	if err := db.ReadDB().QueryRow(`SELECT COUNT(*), MAX(payload) FROM jobs`).Scan(&n, &payload); err != nil {
		t.Fatal(err)
	}
	if n != 1 || payload != `{"a":1}` {
		t.Fatalf("%d jobs with payload %s, want 1 untouched job", n, payload)
	}
	// Another key, and no key at all, are new jobs.
	if _, created, err := p.Enqueue(ctx, kindTest, nil, jobs.EnqueueOpts{UniqueKey: "sha-2"}); err != nil || !created {
		t.Fatalf("a different key was not enqueued: %v", err)
	}
	if _, created, err := p.Enqueue(ctx, kindTest, nil, jobs.EnqueueOpts{}); err != nil || !created {
		t.Fatalf("a job without key was not enqueued: %v", err)
	}
}

func TestRunsJobAndCommitsResultWithDone(t *testing.T) {
	db := openDB(t, t.TempDir())
	p, lb := newPool(t, db, jobs.Options{})
	var progressSeen atomic.Bool
	p.Register(kindTest, queueTest, jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, progress func(float64)) (jobs.Commit, error) {
		progress(0.5)
		progressSeen.Store(true)
		if string(j.Payload) != `{"x":1}` || j.Attempt != 1 || j.MaxAttempts != 8 {
			return nil, jobs.PermanentError(fmt.Sprintf("unexpected job %+v", j), nil)
		}
		return effectCommit(j.ID), nil
	}))
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	id, _, err := p.Enqueue(context.Background(), kindTest, []byte(`{"x":1}`), jobs.EnqueueOpts{})
	if err != nil {
		t.Fatal(err)
	}
	j := waitState(t, p, id, jobs.StateDone)
	if j.Attempt != 1 || j.Progress != 1 || j.LastError != "" {
		t.Fatalf("done job: %+v", j)
	}
	if n := effects(t, db, id); n != 1 {
		t.Fatalf("%d effects, want 1", n)
	}
	if !progressSeen.Load() {
		t.Fatal("handler did not run")
	}
	noDBErrors(t, lb)
}

func TestCommitErrorRollsBackAndRetries(t *testing.T) {
	db := openDB(t, t.TempDir())
	p, _ := newPool(t, db, jobs.Options{BackoffBase: time.Millisecond, BackoffCap: time.Millisecond})
	var runs atomic.Int32
	p.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		n := runs.Add(1)
		return func(ctx context.Context, tx *sql.Tx) error {
			if err := effectCommit(j.ID)(ctx, tx); err != nil {
				return err
			}
			if n == 1 {
				return errors.New("disk full") // after writing: the insert must be rolled back
			}
			return nil
		}, nil
	}))
	start(t, p)
	id := enqueue(t, p, kindTest, jobs.EnqueueOpts{})
	j := waitState(t, p, id, jobs.StateDone)
	if j.Attempt != 2 || effects(t, db, id) != 1 {
		t.Fatalf("attempt %d, %d effects; want 2 attempts and 1 effect", j.Attempt, effects(t, db, id))
	}
}

// Each queue runs as many workers as the caller gave it, no more: the handler blocks until the test
// releases it, one job at a time, so the jobs overlap as much as the pool lets them, and the peak
// is read over the whole run.
func TestConcurrencyNeverExceedsLimit(t *testing.T) {
	for _, limit := range []int{1, 3} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			db := openDB(t, t.TempDir())
			p, lb := newPool(t, db, jobs.Options{Concurrency: map[string]int{queueTest: limit}})
			b := newBlocker()
			p.Register(kindTest, queueTest, b)
			const n = 12
			for range n {
				enqueue(t, p, kindTest, jobs.EnqueueOpts{})
			}
			start(t, p)
			b.waitEntered(t, limit)
			for range n {
				b.release <- struct{}{} // taken by a running job: one ends, the next may start
			}
			waitDone(t, p, n)
			if got := int(b.peak.Load()); got != limit {
				t.Fatalf("peak concurrency %d, want %d (the queue's limit, reached and never passed)", got, limit)
			}
			noDBErrors(t, lb)
		})
	}
}

// blocker is a handler whose runs block until released, counting how many run at once.
type blocker struct {
	active  atomic.Int32
	peak    atomic.Int32 // the most running at once since the last resetPeak
	release chan struct{}
	entered chan struct{} // one value per run, once it counts as active
}

func newBlocker() *blocker {
	return &blocker{release: make(chan struct{}), entered: make(chan struct{}, 64)}
}

func (b *blocker) Work(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
	n := b.active.Add(1)
	for {
		if p := b.peak.Load(); n <= p || b.peak.CompareAndSwap(p, n) {
			break
		}
	}
	defer b.active.Add(-1)
	b.entered <- struct{}{}
	select {
	case <-b.release:
		return effectCommit(j.ID), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// waitEntered waits until n more runs have begun (and count as active), giving up shortly before
// the test's deadline.
func (b *blocker) waitEntered(t testing.TB, n int) {
	t.Helper()
	giveUp := time.NewTimer(time.Until(giveUpAt(t)))
	defer giveUp.Stop()
	for i := range n {
		select {
		case <-b.entered:
		case <-giveUp.C:
			t.Fatalf("gave up waiting for run %d of %d to begin: it did not before the test's deadline", i+1, n)
		}
	}
}

func TestSetConcurrencyAtRunTime(t *testing.T) {
	db := openDB(t, t.TempDir())
	p, _ := newPool(t, db, jobs.Options{Concurrency: map[string]int{queueTest: 1}})
	b := newBlocker()
	p.Register(kindTest, queueTest, b)
	for range 6 {
		enqueue(t, p, kindTest, jobs.EnqueueOpts{})
	}
	start(t, p)
	b.waitEntered(t, 1)
	p.SetConcurrency(queueTest, 4)
	b.waitEntered(t, 3) // four running: none has been released
	if n := b.active.Load(); n != 4 {
		t.Fatalf("%d running, want 4", n)
	}
	if c := counts(t, p); c.Running != 4 || c.Queued != 2 {
		t.Fatalf("counts %+v, want 4 running 2 queued", c)
	}
	p.SetConcurrency(queueTest, 1)
	b.release <- struct{}{}
	b.release <- struct{}{}
	waitDone(t, p, 2)
	// From here on at most 2 may run at once (the two still busy; no new one until both end) and,
	// once they end, 1. The peak is checked over the whole rest of the run, not after a sleep:
	// a job started too early at any moment raises it.
	b.peak.Store(b.active.Load())
	for range 4 {
		b.release <- struct{}{}
	}
	waitDone(t, p, 6)
	if n := b.peak.Load(); n > 2 {
		t.Fatalf("%d ran at once after lowering the concurrency to 1 with 2 busy; no new job may start until they end", n)
	}
}

func TestBackoffScheduleWithFullJitter(t *testing.T) {
	db := openDB(t, t.TempDir())
	clk := &clock{t: time.UnixMilli(1_800_000_000_000)}
	p, _ := newPool(t, db, jobs.Options{
		BackoffBase: time.Second, BackoffCap: 5 * time.Second,
		Now: clk.Now, Rand: func() float64 { return 0.5 },
	})
	p.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		return nil, errors.New("connection reset") // a plain error is retryable
	}))
	start(t, p)
	id := enqueue(t, p, kindTest, jobs.EnqueueOpts{MaxAttempts: 6})
	// Half of min(cap, base·2^(n-1)) with Rand fixed at 0.5.
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 2500 * time.Millisecond, 2500 * time.Millisecond}
	for i, w := range want {
		j := waitJob(t, p, id, fmt.Sprintf("to fail attempt %d", i+1), func(j jobs.JobInfo) bool {
			return j.State == jobs.StateRetrying && j.Attempt == i+1
		})
		if got := j.RunAfter.Sub(clk.Now()); got != w {
			t.Fatalf("after attempt %d: retry in %v, want %v", i+1, got, w)
		}
		if !strings.Contains(j.LastError, "connection reset") {
			t.Fatalf("last error %q", j.LastError)
		}
		clk.Add(w)
		p.Notify()
	}
	j := waitState(t, p, id, jobs.StateFailed)
	if j.Attempt != 6 {
		t.Fatalf("failed after %d attempts, want 6", j.Attempt)
	}
}

func TestRetryAfterOverridesBackoff(t *testing.T) {
	db := openDB(t, t.TempDir())
	clk := &clock{t: time.UnixMilli(1_800_000_000_000)}
	p, _ := newPool(t, db, jobs.Options{Now: clk.Now, Rand: func() float64 { return 0.5 }})
	p.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		if j.Attempt == 1 {
			return nil, jobs.RetryableError("The service is busy (rate limit); trying again in 37 seconds.", 37*time.Second, nil)
		}
		return effectCommit(j.ID), nil
	}))
	start(t, p)
	id := enqueue(t, p, kindTest, jobs.EnqueueOpts{})
	j := waitState(t, p, id, jobs.StateRetrying)
	if got := j.RunAfter.Sub(clk.Now()); got != 37*time.Second {
		t.Fatalf("retry in %v, want the Retry-After 37s (the backoff would be 1s)", got)
	}
	// A job that is due now, enqueued after: once it is done the dispatcher has looked at the queue
	// again, and would have claimed the first one (earlier in the order) had it been due.
	other := enqueue(t, p, kindTest, jobs.EnqueueOpts{})
	waitState(t, p, other, jobs.StateRetrying) // its first attempt fails too; it is after the first in time
	if j := get(t, p, id); j.State != jobs.StateRetrying || j.Attempt != 1 {
		t.Fatalf("ran before its Retry-After: %s, attempt %d", j.State, j.Attempt)
	}
	clk.Add(37 * time.Second)
	p.Notify()
	waitState(t, p, id, jobs.StateDone)
}

func TestExhaustedAttemptsAndPermanentErrorFailWithMessage(t *testing.T) {
	db := openDB(t, t.TempDir())
	p, _ := newPool(t, db, jobs.Options{BackoffBase: time.Millisecond, BackoffCap: 2 * time.Millisecond})
	p.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		if string(j.Payload) == `"perm"` {
			return nil, jobs.PermanentError("This file cannot be read. Remove it.", errors.New("bad magic"))
		}
		return nil, jobs.RetryableError("The service did not answer. Check the internet connection.", 0, errors.New("timeout"))
	}))
	start(t, p)
	for _, c := range []struct {
		name, payload string
		maxAttempts   int
		wantAttempt   int
		wantErr       string
	}{
		{"retryable until the attempts are used up", `{}`, 3, 3, "The service did not answer. Check the internet connection."},
		{"permanent at the first attempt", `"perm"`, 0, 1, "This file cannot be read. Remove it."},
	} {
		t.Run(c.name, func(t *testing.T) {
			id := enqueuePayload(t, p, c.payload, jobs.EnqueueOpts{MaxAttempts: c.maxAttempts})
			j := waitState(t, p, id, jobs.StateFailed)
			if j.Attempt != c.wantAttempt || j.LastError != c.wantErr {
				t.Fatalf("failed job: attempt %d, error %q; want attempt %d, error %q", j.Attempt, j.LastError, c.wantAttempt, c.wantErr)
			}
		})
	}
}

func TestWaitingBurnsNoAttempt(t *testing.T) {
	db := openDB(t, t.TempDir())
	p, _ := newPool(t, db, jobs.Options{})
	var online atomic.Bool
	var runs atomic.Int32
	p.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		runs.Add(1)
		if !online.Load() {
			return nil, jobs.WaitingError("offline", "No internet connection. The task runs when you are online.", 0, nil)
		}
		return effectCommit(j.ID), nil
	}))
	start(t, p)
	id := enqueue(t, p, kindTest, jobs.EnqueueOpts{})
	for i := range 3 {
		j := waitState(t, p, id, jobs.StateWaiting)
		if j.Attempt != 0 || j.WaitReason != "offline" || !strings.Contains(j.LastError, "No internet") {
			t.Fatalf("waiting job: attempt %d reason %q error %q", j.Attempt, j.WaitReason, j.LastError)
		}
		if n := runs.Load(); n != int32(i+1) {
			t.Fatalf("%d runs, want %d", n, i+1)
		}
		// Another reason must not wake it. Wake has done all it does when it returns (one UPDATE),
		// so the job is still waiting now, untouched — or it was woken (then it is queued, or it ran
		// again, which the run count shows).
		p.Wake("no_key")
		if j := get(t, p, id); j.State != jobs.StateWaiting || runs.Load() != int32(i+1) {
			t.Fatalf("Wake with another reason woke the job: %s, %d runs", j.State, runs.Load())
		}
		p.Wake("offline")
	}
	online.Store(true)
	j := waitState(t, p, id, jobs.StateDone)
	if j.Attempt != 1 || runs.Load() != 4 {
		t.Fatalf("attempt %d after %d runs; want attempt 1 after 3 waits and one real try", j.Attempt, runs.Load())
	}
}

func TestWaitingRecheckAfterRetryAfter(t *testing.T) {
	db := openDB(t, t.TempDir())
	p, _ := newPool(t, db, jobs.Options{})
	var runs atomic.Int32
	p.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		if runs.Add(1) == 1 {
			return nil, jobs.WaitingError("circuit_open", "The analysis service is failing; trying again shortly.", 30*time.Millisecond, nil)
		}
		return effectCommit(j.ID), nil
	}))
	start(t, p)
	id := enqueue(t, p, kindTest, jobs.EnqueueOpts{})
	j := waitState(t, p, id, jobs.StateDone) // via the timer: no Wake, no Notify
	if j.Attempt != 1 || runs.Load() != 2 {
		t.Fatalf("attempt %d runs %d", j.Attempt, runs.Load())
	}
}

func TestCancel(t *testing.T) {
	db := openDB(t, t.TempDir())
	p, _ := newPool(t, db, jobs.Options{Concurrency: map[string]int{queueTest: 1}, ShutdownGrace: 10 * time.Millisecond})
	var committed atomic.Bool
	started := make(chan int64, 1)
	p.Register(kindTest, queueTest, jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		started <- j.ID
		<-ctx.Done()
		// A handler that ignores the cancellation and returns success anyway: its Commit must
		// still not run.
		return func(ctx context.Context, tx *sql.Tx) error { committed.Store(true); return nil }, nil
	}))
	running := enqueue(t, p, kindTest, jobs.EnqueueOpts{})
	queued := enqueue(t, p, kindTest, jobs.EnqueueOpts{})
	start(t, p)
	if id := <-started; id != running {
		t.Fatalf("started %d, want %d", id, running)
	}
	if err := p.Cancel(context.Background(), queued); err != nil {
		t.Fatal(err)
	}
	if j := get(t, p, queued); j.State != jobs.StateCancelled {
		t.Fatalf("queued job is %s after Cancel", j.State)
	}
	if err := p.Cancel(context.Background(), running); err != nil {
		t.Fatal(err)
	}
	waitState(t, p, running, jobs.StateCancelled)
	if committed.Load() {
		t.Fatal("a cancelled job's Commit ran")
	}
	if err := p.Cancel(context.Background(), running); err == nil {
		t.Fatal("cancelling a cancelled job gave no error")
	}
	if err := p.Cancel(context.Background(), 9999); !errors.Is(err, jobs.ErrNotFound) {
		t.Fatalf("cancel unknown: %v", err)
	}
	// Retry brings a cancelled job back with its attempts reset.
	if err := p.Retry(context.Background(), queued); err != nil {
		t.Fatal(err)
	}
	<-started
	j := get(t, p, queued)
	if j.State != jobs.StateRunning || j.Attempt != 1 {
		t.Fatalf("retried job: %s attempt %d", j.State, j.Attempt)
	}
}

func TestRetryAllFailed(t *testing.T) {
	db := openDB(t, t.TempDir())
	p, _ := newPool(t, db, jobs.Options{})
	var ok atomic.Bool
	p.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		if !ok.Load() {
			return nil, jobs.PermanentError("The key was refused.", nil)
		}
		return effectCommit(j.ID), nil
	}))
	start(t, p)
	a, b := enqueue(t, p, kindTest, jobs.EnqueueOpts{}), enqueue(t, p, kindTest, jobs.EnqueueOpts{})
	waitState(t, p, a, jobs.StateFailed)
	waitState(t, p, b, jobs.StateFailed)
	if err := p.Retry(context.Background(), 12345); !errors.Is(err, jobs.ErrNotFound) {
		t.Fatalf("retry unknown: %v", err)
	}
	ok.Store(true)
	n, err := p.RetryAllFailed(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("RetryAllFailed: %d, %v", n, err)
	}
	waitState(t, p, a, jobs.StateDone)
	j := waitState(t, p, b, jobs.StateDone)
	if j.Attempt != 1 || j.LastError != "" {
		t.Fatalf("retried job: %+v", j)
	}
	if err := p.Retry(context.Background(), a); err == nil {
		t.Fatal("retrying a done job gave no error")
	}
}

func TestPauseResume(t *testing.T) {
	db := openDB(t, t.TempDir())
	p, _ := newPool(t, db, jobs.Options{})
	var runs atomic.Int32
	p.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		runs.Add(1)
		return effectCommit(j.ID), nil
	}))
	ps := watchPasses(p)
	start(t, p)
	p.Pause()
	if !p.Paused() {
		t.Fatal("Paused() is false")
	}
	id := enqueue(t, p, kindTest, jobs.EnqueueOpts{})
	// The dispatcher has been woken (by the enqueue and again by after) and has looked at the queue
	// since: had it claimed the job, the claim would be in the table now.
	ps.after(t, p)
	if j := get(t, p, id); j.State != jobs.StateQueued || j.Attempt != 0 || runs.Load() != 0 {
		t.Fatalf("while paused the job is %s (attempt %d, %d runs); want queued, untouched", j.State, j.Attempt, runs.Load())
	}
	p.Resume()
	waitState(t, p, id, jobs.StateDone)
}

func TestGracefulStopReleasesLeases(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir)
	p, _ := newPool(t, db, jobs.Options{ShutdownGrace: 50 * time.Millisecond})
	b := newBlocker()
	p.Register(kindTest, "", b)
	id := enqueue(t, p, kindTest, jobs.EnqueueOpts{})
	start(t, p)
	b.waitEntered(t, 1)
	err := p.Stop(context.Background())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop = %v, want DeadlineExceeded (the job had to be interrupted)", err)
	}
	if err2 := p.Stop(context.Background()); err2 != err {
		t.Fatalf("second Stop = %v, want the first result", err2)
	}
	j := get(t, p, id)
	if j.State != jobs.StateQueued || j.Attempt != 0 {
		t.Fatalf("after Stop: %s attempt %d, want queued with attempt 0", j.State, j.Attempt)
	}
	var owner sql.NullString
	if err := db.ReadDB().QueryRow(`SELECT lease_owner FROM jobs WHERE id = ?`, id).Scan(&owner); err != nil {
		t.Fatal(err)
	}
	if owner.Valid {
		t.Fatalf("lease still held by %s", owner.String)
	}
	// The next start runs it.
	p2, _ := newPool(t, db, jobs.Options{})
	p2.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		return effectCommit(j.ID), nil
	}))
	start(t, p2)
	j = waitState(t, p2, id, jobs.StateDone)
	if j.Attempt != 1 || effects(t, db, id) != 1 {
		t.Fatalf("attempt %d effects %d", j.Attempt, effects(t, db, id))
	}
}

func TestGracefulStopWaitsForRunningJobs(t *testing.T) {
	db := openDB(t, t.TempDir())
	p, _ := newPool(t, db, jobs.Options{ShutdownGrace: time.Minute})
	started, finish := make(chan struct{}), make(chan struct{})
	p.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		close(started)
		<-finish // still running when Stop begins
		return effectCommit(j.ID), nil
	}))
	// The job may finish only once Stop is waiting for it.
	jobs.OnStopWaits(p, func() { close(finish) })
	id := enqueue(t, p, kindTest, jobs.EnqueueOpts{})
	start(t, p)
	<-started
	if err := p.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if j := get(t, p, id); j.State != jobs.StateDone || effects(t, db, id) != 1 {
		t.Fatalf("after a graceful Stop the job is %s with %d effects", j.State, effects(t, db, id))
	}
}

// An abandoned pool (its process "froze" and stopped renewing) loses its job to another pool once
// the lease expires; when it wakes up and finishes, its result is dropped: the effect exists once.
func TestExpiredLeaseIsTakenBackAndOldWorkerCannotCommit(t *testing.T) {
	dir := t.TempDir()
	db1 := openDB(t, dir)
	db2 := openDB(t, dir) // a second connection set, as another process would have
	// A lease far longer than the test: p1 never renews it, as a suspended process would not. (With
	// a short lease p1 kept renewing it, and when a renewal came between the push into the past
	// below and p2's first look, p2 never saw it expire: the test waited until its deadline.)
	p1, _ := newPool(t, db1, jobs.Options{LeaseDuration: time.Hour})
	frozen := make(chan struct{})
	p1started := make(chan struct{})
	p1.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		close(p1started)
		<-frozen // ignores ctx, like a process that was suspended
		return effectCommit(j.ID), nil
	}))
	id := enqueue(t, p1, kindTest, jobs.EnqueueOpts{})
	start(t, p1)
	<-p1started
	// Simulate the freeze: push the lease into the past as if renewals had stopped long ago.
	if _, err := db2.DB().Exec(`UPDATE jobs SET lease_until = 1 WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	p2, _ := newPool(t, db2, jobs.Options{SafetyInterval: 20 * time.Millisecond})
	p2.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		return effectCommit(j.ID), nil
	}))
	start(t, p2)
	j := waitState(t, p2, id, jobs.StateDone)
	if j.Attempt != 2 {
		t.Fatalf("attempt %d, want 2", j.Attempt)
	}
	close(frozen) // the first worker wakes and tries to complete
	stopCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p1.Stop(stopCtx)
	if n := effects(t, db1, id); n != 1 {
		t.Fatalf("%d effects, want exactly 1", n)
	}
	if j := get(t, p2, id); j.State != jobs.StateDone {
		t.Fatalf("the old worker changed the job to %s", j.State)
	}
}

func TestJobFromAnotherProcessIsPickedUpBySafetyTick(t *testing.T) {
	dir := t.TempDir()
	db1 := openDB(t, dir)
	db2 := openDB(t, dir)
	p, _ := newPool(t, db1, jobs.Options{SafetyInterval: 30 * time.Millisecond})
	p.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		return effectCommit(j.ID), nil
	}))
	start(t, p)
	tx, err := db2.DB().Begin()
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := jobs.EnqueueTx(context.Background(), tx, kindTest, nil, jobs.EnqueueOpts{})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil { // no Notify: only the safety tick can find it
		t.Fatal(err)
	}
	waitState(t, p, id, jobs.StateDone)
}

func TestHandlerPanicIsARetryableFailure(t *testing.T) {
	db := openDB(t, t.TempDir())
	p, _ := newPool(t, db, jobs.Options{BackoffBase: time.Millisecond, BackoffCap: time.Millisecond})
	p.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		if j.Attempt == 1 {
			panic("boom")
		}
		return effectCommit(j.ID), nil
	}))
	start(t, p)
	id := enqueue(t, p, kindTest, jobs.EnqueueOpts{})
	if j := waitState(t, p, id, jobs.StateDone); j.Attempt != 2 {
		t.Fatalf("attempt %d", j.Attempt)
	}
}

// Eight workers, a second "process" enqueueing through its own connections, and readers
// hammering Counts and List: every job completes once and no SQLITE_BUSY reaches anyone.
func TestEightWorkersAndReadersNoBusy(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir)
	other := openDB(t, dir)
	p, lb := newPool(t, db, jobs.Options{Concurrency: map[string]int{queueTest: 8}, SafetyInterval: 50 * time.Millisecond})
	p.Register(kindTest, queueTest, jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, progress func(float64)) (jobs.Commit, error) {
		progress(0.5)
		return effectCommit(j.ID), nil
	}))
	start(t, p)
	const perSide = 60
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	var readErr atomic.Value
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if _, err := p.Counts(ctx, ""); err != nil && ctx.Err() == nil {
					readErr.Store(err)
				}
				if _, err := p.List(ctx, jobs.ListFilter{Limit: 20, States: []jobs.State{jobs.StateDone}}); err != nil && ctx.Err() == nil {
					readErr.Store(err)
				}
				time.Sleep(5 * time.Millisecond) // a busy UI, not a spin: on 2 cores (and under -race) spinning readers starve the workers of CPU
			}
		}()
	}
	errs := make(chan error, 2*perSide)
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := range perSide {
			if _, _, err := p.Enqueue(ctx, kindTest, nil, jobs.EnqueueOpts{UniqueKey: fmt.Sprint("a", i)}); err != nil {
				errs <- err
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i := range perSide {
			tx, err := other.DB().BeginTx(ctx, nil)
			if err != nil {
				errs <- err
				continue
			}
			if _, _, err := jobs.EnqueueTx(ctx, tx, kindTest, nil, jobs.EnqueueOpts{Queue: queueTest, UniqueKey: fmt.Sprint("b", i)}); err != nil {
				errs <- err
			}
			if err := tx.Commit(); err != nil {
				errs <- err
			}
			p.Notify()
		}
	}()
	waitDone(t, p, 2*perSide)
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("enqueue: %v", err)
	}
	if v := readErr.Load(); v != nil {
		t.Fatalf("reader: %v", v)
	}
	var total, distinct int
	if err := db.ReadDB().QueryRow(`SELECT COUNT(*), COUNT(DISTINCT job_id) FROM test_effects`).Scan(&total, &distinct); err != nil {
		t.Fatal(err)
	}
	if total != 2*perSide || distinct != 2*perSide {
		t.Fatalf("%d effects over %d jobs, want %d each", total, distinct, 2*perSide)
	}
	noDBErrors(t, lb)
}

func TestEventsWithSlowOrAbsentReaderNeverBlockWorkers(t *testing.T) {
	db := openDB(t, t.TempDir())
	p, _ := newPool(t, db, jobs.Options{EventBuffer: 2, Concurrency: map[string]int{queueTest: 4}})
	p.Register(kindTest, queueTest, jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, progress func(float64)) (jobs.Commit, error) {
		for i := range 50 {
			progress(float64(i) / 50) // many progress calls: coalesced
		}
		return effectCommit(j.ID), nil
	}))
	start(t, p)
	const n = 300
	var last int64
	for range n {
		last = enqueue(t, p, kindTest, jobs.EnqueueOpts{Subject: 0})
	}
	// Nobody reads: the workers must still finish everything. This one wait cannot wait on the
	// events (waitDone would be their reader), so it reads the totals every few milliseconds.
	for giveUp := giveUpAt(t); counts(t, p).Done != n; time.Sleep(3 * time.Millisecond) {
		if time.Now().After(giveUp) {
			t.Fatalf("gave up waiting for %d jobs done with nobody reading the events", n)
		}
	}
	// A slow reader now gets events; the latest state of the last job arrives with fresh counts.
	deadline := time.After(time.Until(giveUpAt(t)))
	for {
		select {
		case e := <-p.Events():
			if e.JobID%50 == 0 {
				time.Sleep(time.Millisecond) // models a slow reader (not synchronisation)
			}
			if e.JobID == last && e.State == jobs.StateDone {
				if e.Counts.Done != n || e.Kind != kindTest || e.Progress != 1 {
					t.Fatalf("last event %+v", e)
				}
				return
			}
		case <-deadline:
			t.Fatal("the done event of the last job never arrived")
		}
	}
}

func TestEventsCarryStateChanges(t *testing.T) {
	db := openDB(t, t.TempDir())
	p, _ := newPool(t, db, jobs.Options{})
	p.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		if j.Attempt == 1 {
			return nil, jobs.WaitingError("no_key", "No OpenAI key is set.", 0, nil)
		}
		return nil, nil
	}))
	start(t, p)
	id := enqueue(t, p, kindTest, jobs.EnqueueOpts{})
	var states []jobs.State
	for e := range p.Events() {
		if e.JobID != id {
			continue
		}
		states = append(states, e.State)
		if e.State == jobs.StateWaiting {
			if e.Err != "No OpenAI key is set." || e.Reason != "no_key" || e.Counts.Waiting != 1 {
				t.Fatalf("waiting event %+v", e)
			}
			break
		}
	}
	want := []jobs.State{jobs.StateQueued, jobs.StateRunning, jobs.StateWaiting}
	if fmt.Sprint(states) != fmt.Sprint(want) {
		t.Fatalf("events %v, want %v", states, want)
	}
}

// A periodic job runs once per period between all the processes sharing the database, in the queue
// the caller registered its kind with; the totals of each queue are apart.
func TestScheduleOncePerPeriodAcrossPools(t *testing.T) {
	const kindCleanup, queueHousekeeping = "cleanup", "housekeeping"
	dir := t.TempDir()
	db1, db2 := openDB(t, dir), openDB(t, dir)
	var runs atomic.Int32
	h := jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		runs.Add(1)
		return nil, nil
	})
	p1, _ := newPool(t, db1, jobs.Options{})
	p2, _ := newPool(t, db2, jobs.Options{})
	for _, p := range []*jobs.Pool{p1, p2} {
		p.Register(kindCleanup, queueHousekeeping, h)
		p.Schedule(kindCleanup, 24*time.Hour)
		start(t, p)
	}
	list := func(f jobs.ListFilter) []jobs.JobInfo {
		infos, err := p1.List(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		return infos
	}
	waitUntil(t, "the periodic job to run", func() bool {
		return len(list(jobs.ListFilter{Kind: kindCleanup, States: []jobs.State{jobs.StateDone}})) == 1
	}, p1, p2) // either pool may run it
	if infos := list(jobs.ListFilter{Kind: kindCleanup}); len(infos) != 1 || infos[0].Queue != queueHousekeeping {
		t.Fatalf("periodic jobs %+v; want exactly one, in queue %s", infos, queueHousekeeping)
	}
	if runs.Load() != 1 {
		t.Fatalf("%d runs", runs.Load())
	}
	for queue, want := range map[string]jobs.Counts{queueTest: {}, queueHousekeeping: {Done: 1}, "": {Done: 1}} {
		if c, err := p1.Counts(context.Background(), queue); err != nil || c != want {
			t.Fatalf("counts of queue %q: %+v, %v; want %+v", queue, c, err, want)
		}
	}
}

func TestPruneKeepsFailedAndUnlinksReferences(t *testing.T) {
	db := openDB(t, t.TempDir())
	clk := &clock{t: time.UnixMilli(1_800_000_000_000)}
	p, _ := newPool(t, db, jobs.Options{Now: clk.Now})
	p.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		if string(j.Payload) == `"fail"` {
			return nil, jobs.PermanentError("no", nil)
		}
		return func(ctx context.Context, tx *sql.Tx) error {
			// A result row naming the job that made it (a foreign key to jobs.id).
			_, err := tx.ExecContext(ctx, `INSERT INTO test_results (job_id) VALUES (?)`, j.ID)
			return err
		}, nil
	}))
	start(t, p)
	done := enqueue(t, p, kindTest, jobs.EnqueueOpts{})
	failed := enqueuePayload(t, p, `"fail"`, jobs.EnqueueOpts{})
	waitState(t, p, done, jobs.StateDone)
	waitState(t, p, failed, jobs.StateFailed)
	if n, err := p.Prune(context.Background(), time.Hour); err != nil || n != 0 {
		t.Fatalf("prune of young jobs: %d, %v", n, err)
	}
	clk.Add(2 * time.Hour)
	n, err := p.Prune(context.Background(), time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("prune: %d, %v; want 1", n, err)
	}
	if _, err := p.Get(context.Background(), done); !errors.Is(err, jobs.ErrNotFound) {
		t.Fatalf("pruned job still there: %v", err)
	}
	if j, err := p.Get(context.Background(), failed); err != nil || j.State != jobs.StateFailed {
		t.Fatalf("failed job must stay: %+v %v", j, err)
	}
	var unlinked, all int
	if err := db.ReadDB().QueryRow(`SELECT COUNT(*) FILTER (WHERE job_id IS NULL), COUNT(*) FROM test_results`).Scan(&unlinked, &all); err != nil {
		t.Fatal(err)
	}
	if unlinked != 1 || all != 1 {
		t.Fatalf("the result of the pruned job is gone or still linked (%d unlinked of %d)", unlinked, all)
	}
}

// A Cancel from another process reaches the running handler at its next lease renewal.
func TestCancelFromAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	db1, db2 := openDB(t, dir), openDB(t, dir)
	p1, _ := newPool(t, db1, jobs.Options{LeaseDuration: 90 * time.Millisecond})
	var committed atomic.Bool
	started := make(chan struct{})
	p1.Register(kindTest, "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		close(started)
		<-ctx.Done()
		return func(context.Context, *sql.Tx) error { committed.Store(true); return nil }, nil
	}))
	id := enqueue(t, p1, kindTest, jobs.EnqueueOpts{})
	start(t, p1)
	<-started
	p2, _ := newPool(t, db2, jobs.Options{}) // not started: the CLI's pool, say
	if err := p2.Cancel(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	waitState(t, p1, id, jobs.StateCancelled) // recorded by p1, whose handler was cancelled
	if committed.Load() {
		t.Fatal("the cancelled job's Commit ran")
	}
}
