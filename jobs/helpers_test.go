package jobs_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"medinventory/jobs"
)

// testDB is a real SQLite file opened as an application opens it: a write pool of one connection
// with immediate transactions, and a read pool. Nothing is mocked.
type testDB struct{ w, r *sql.DB }

func (d *testDB) DB() *sql.DB     { return d.w }
func (d *testDB) ReadDB() *sql.DB { return d.r }

// dbFile is the database file in dir.
func dbFile(dir string) string { return filepath.Join(dir, "jobs.db") }

// dsn is the connection string the tests use (the settings design.md measured for this workload).
func dsn(path string, readOnly bool) string {
	s := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"
	if readOnly {
		s += "&_pragma=query_only(1)"
	}
	return s
}

// openPools opens the database in dir (made if missing) with the job table (jobs.CreateSchema) and
// the tests' own table of effects and of results that name their job. Each call is another set of
// connections, as another process would have.
func openPools(ctx context.Context, dir string) (*testDB, error) {
	w, err := sql.Open("sqlite", dsn(dbFile(dir), false))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	r, err := sql.Open("sqlite", dsn(dbFile(dir), true))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(4)
	d := &testDB{w: w, r: r}
	if err := jobs.CreateSchema(ctx, w); err != nil {
		d.Close()
		return nil, err
	}
	if _, err := w.ExecContext(ctx, `
		CREATE TABLE IF NOT EXISTS test_effects (job_id INTEGER NOT NULL, note TEXT NOT NULL DEFAULT '');
		CREATE TABLE IF NOT EXISTS test_results (id INTEGER PRIMARY KEY, job_id INTEGER REFERENCES jobs(id))`); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func (d *testDB) Close() {
	d.w.Close()
	d.r.Close()
}

// openDB opens the test database in dir, closed when the test ends.
func openDB(t testing.TB, dir string) *testDB {
	t.Helper()
	d, err := openPools(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d
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

func newPool(t testing.TB, db *testDB, opts jobs.Options) (*jobs.Pool, *logBuf) {
	t.Helper()
	lb := &logBuf{}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if opts.ReadDB == nil {
		opts.ReadDB = db.ReadDB()
	}
	p := jobs.New(db.DB(), opts)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		p.Stop(ctx)
	})
	return p, lb
}

func start(t testing.TB, p *jobs.Pool) {
	t.Helper()
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// effectCommit inserts one row into test_effects for the job: the visible effect whose count
// proves exactly-once.
func effectCommit(jobID int64) jobs.Commit {
	return func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO test_effects (job_id) VALUES (?)`, jobID)
		return err
	}
}

func effects(t testing.TB, db *testDB, jobID int64) int {
	t.Helper()
	var n int
	if err := db.ReadDB().QueryRow(`SELECT COUNT(*) FROM test_effects WHERE job_id = ?`, jobID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// waitUntil waits until cond holds: it checks cond, then again each time events arrive on the
// Events channel of one of pools — the pools whose work makes cond true. The database stays the
// truth (cond reads it); an event only says when to look again, so events taken by an earlier wait
// or coalesced by the pool cost nothing. It is a liveness check, not a timing assertion: it gives
// up only shortly before the test's own deadline (go test -timeout), with a message saying what
// never happened, instead of letting the whole binary be killed without one. Nothing else may
// read those pools' events meanwhile.
func waitUntil(t testing.TB, what string, cond func() bool, pools ...*jobs.Pool) {
	t.Helper()
	if len(pools) == 0 {
		t.Fatalf("waiting for %s: no pool to wait on", what)
	}
	giveUp := time.NewTimer(time.Until(giveUpAt(t)))
	defer giveUp.Stop()
	cases := []reflect.SelectCase{{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(giveUp.C)}}
	for _, p := range pools {
		cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(p.Events())})
	}
	// drain takes the events already there without waiting (a default case), so that a burst of
	// events costs one look at the database, not one per event.
	drain := append(cases[1:len(cases):len(cases)], reflect.SelectCase{Dir: reflect.SelectDefault})
	for !cond() {
		if i, _, _ := reflect.Select(cases); i == 0 {
			t.Fatalf("gave up waiting for %s: it did not happen before the test's deadline", what)
		}
		for {
			if i, _, _ := reflect.Select(drain); i == len(drain)-1 {
				break
			}
		}
	}
}

// giveUpAt is when a liveness wait gives up: shortly before the test's deadline (a minute from now
// when it has none, as for a benchmark).
func giveUpAt(t testing.TB) time.Time {
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok {
			return dl.Add(-5 * time.Second)
		}
	}
	return time.Now().Add(time.Minute)
}

// get reads one job and fails the test on any error.
func get(t testing.TB, p *jobs.Pool, id int64) jobs.JobInfo {
	t.Helper()
	j, err := p.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// counts reads the totals of every queue and fails the test on any error.
func counts(t testing.TB, p *jobs.Pool) jobs.Counts {
	t.Helper()
	c, err := p.Counts(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// waitJob waits until job id of p satisfies ok (see waitUntil; p is the pool that runs the job)
// and returns it as last read.
func waitJob(t testing.TB, p *jobs.Pool, id int64, what string, ok func(jobs.JobInfo) bool) jobs.JobInfo {
	t.Helper()
	var j jobs.JobInfo
	waitUntil(t, fmt.Sprintf("job %d %s", id, what), func() bool {
		j = get(t, p, id)
		return ok(j)
	}, p)
	return j
}

// waitState waits until job id of p is in state want (p is the pool that runs the job).
func waitState(t testing.TB, p *jobs.Pool, id int64, want jobs.State) jobs.JobInfo {
	t.Helper()
	return waitJob(t, p, id, "to be "+string(want), func(j jobs.JobInfo) bool { return j.State == want })
}

// waitDone waits until n jobs of p's database are done, the work of p.
func waitDone(t testing.TB, p *jobs.Pool, n int) {
	t.Helper()
	waitUntil(t, fmt.Sprintf("%d jobs done", n), func() bool { return counts(t, p).Done == n }, p)
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

// passes counts a pool's dispatcher passes (jobs.OnIdle), so a test can wait until the dispatcher
// has looked at the queue after something happened — the moment a claim would have been made —
// and then assert that nothing was claimed, without sleeping and hoping.
type passes struct {
	mu   sync.Mutex
	n    int
	tick chan struct{}
}

func watchPasses(p *jobs.Pool) *passes {
	ps := &passes{tick: make(chan struct{}, 1)}
	jobs.OnIdle(p, func(string) {
		ps.mu.Lock()
		ps.n++
		ps.mu.Unlock()
		select {
		case ps.tick <- struct{}{}:
		default:
		}
	})
	return ps
}

func (ps *passes) count() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.n
}

// after returns once the dispatcher has made a whole pass that began after after was called. The
// pass in progress (if any) may have begun before, so it waits for two, waking the dispatcher
// (Notify) each time it looks, as the dispatcher may be asleep.
func (ps *passes) after(t testing.TB, p *jobs.Pool) {
	t.Helper()
	target := ps.count() + 2
	giveUp := time.NewTimer(time.Until(giveUpAt(t)))
	defer giveUp.Stop()
	for ps.count() < target {
		p.Notify()
		select {
		case <-ps.tick:
		case <-time.After(100 * time.Millisecond): // a Notify that came while the dispatcher was busy
		case <-giveUp.C:
			t.Fatal("gave up waiting for the dispatcher to look at the queue again: it did not before the test's deadline")
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

func enqueuePayload(t testing.TB, p *jobs.Pool, payload string, opts jobs.EnqueueOpts) int64 {
	t.Helper()
	id, _, err := p.Enqueue(context.Background(), kindTest, []byte(payload), opts)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
