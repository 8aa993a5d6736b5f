package jobs_test

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"medinventory/jobs"
	"medinventory/store"
)

func openStore(t testing.TB, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.DB().Exec(`CREATE TABLE IF NOT EXISTS test_effects (job_id INTEGER NOT NULL, note TEXT NOT NULL DEFAULT '')`); err != nil {
		t.Fatal(err)
	}
	return st
}

// logBuf collects the pool's log lines so a test can check that no database error surfaced.
type logBuf struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func newPool(t testing.TB, st *store.Store, opts jobs.Options) (*jobs.Pool, *logBuf) {
	t.Helper()
	lb := &logBuf{}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if opts.ReadDB == nil {
		opts.ReadDB = st.ReadDB()
	}
	p := jobs.New(st.DB(), opts)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		p.Stop(ctx)
	})
	return p, lb
}

// effectCommit inserts one row into test_effects for the job: the visible effect whose count
// proves exactly-once.
func effectCommit(jobID int64) jobs.Commit {
	return func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO test_effects (job_id) VALUES (?)`, jobID)
		return err
	}
}

func effects(t testing.TB, st *store.Store, jobID int64) int {
	t.Helper()
	var n int
	if err := st.ReadDB().QueryRow(`SELECT COUNT(*) FROM test_effects WHERE job_id = ?`, jobID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// waitFor polls cond until it holds; it fails the test after a generous limit (it is a liveness
// check, not a timing assertion).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(3 * time.Millisecond)
	}
}

func waitState(t testing.TB, p *jobs.Pool, id int64, want jobs.State) jobs.JobInfo {
	t.Helper()
	var j jobs.JobInfo
	waitFor(t, "job to be "+string(want), func() bool {
		var err error
		j, err = p.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return j.State == want
	})
	return j
}

func enqueue(t testing.TB, p *jobs.Pool, kind string, opts jobs.EnqueueOpts) int64 {
	t.Helper()
	id, _, err := p.Enqueue(context.Background(), kind, []byte(`{}`), opts)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func noDBErrors(t testing.TB, lb *logBuf) {
	t.Helper()
	s := strings.ToLower(lb.String())
	for _, bad := range []string{"busy", "locked", "level=error"} {
		if strings.Contains(s, bad) {
			t.Fatalf("the pool logged %q:\n%s", bad, lb.String())
		}
	}
}

// clock is a settable clock for the backoff tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
