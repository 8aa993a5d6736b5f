package jobs_test

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"medinventory/jobs"
)

// openRaw opens the database file in dir with nothing made in it: another process's connections.
func openRaw(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(dbFile(dir), false))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// TestCreateSchemaOnItsOwn: the pool works on a database nobody else prepared, because jobs makes
// its own table; a second CreateSchema changes nothing.
func TestCreateSchemaOnItsOwn(t *testing.T) {
	ctx := context.Background()
	db := openRaw(t, t.TempDir())
	for i := range 2 {
		if err := jobs.CreateSchema(ctx, db); err != nil {
			t.Fatalf("CreateSchema #%d: %v", i+1, err)
		}
	}
	p := jobs.New(db, jobs.Options{})
	done := make(chan int64, 1)
	p.Register("echo", "", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		done <- j.ID
		return nil, nil
	}))
	start(t, p)
	defer p.Stop(ctx)
	id, _, err := p.Enqueue(ctx, "echo", nil, jobs.EnqueueOpts{UniqueKey: "k", Subject: 7})
	if err != nil {
		t.Fatal(err)
	}
	if got := <-done; got != id {
		t.Fatalf("ran job %d, enqueued %d", got, id)
	}
	if j := waitState(t, p, id, jobs.StateDone); j.Subject != 7 || j.Queue != "echo" {
		t.Fatalf("job %+v; want subject 7 in queue echo (the kind's name)", j)
	}
}

// firstShape is the job table as Medicine Inventory's store migration 0001_init.sql (and this
// package, before the subject was generic) made it in every inventory: photo_id, a foreign key to
// photos, and the index jobs_photo.
const firstShape = `
CREATE TABLE photos (id INTEGER PRIMARY KEY);
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    queue        TEXT    NOT NULL,              -- analyze | maintenance
    kind         TEXT    NOT NULL,
    unique_key   TEXT,                          -- idempotency key (the photo's sha256 for analyses)
    payload      TEXT    NOT NULL DEFAULT '{}',
    photo_id     INTEGER REFERENCES photos(id),
    state        TEXT    NOT NULL DEFAULT 'queued'
                 CHECK (state IN ('queued','running','retrying','waiting','failed','done','cancelled')),
    priority     INTEGER NOT NULL DEFAULT 0,
    attempt      INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 8,
    run_after    INTEGER NOT NULL DEFAULT 0,
    lease_owner  TEXT,
    lease_until  INTEGER,
    wait_reason  TEXT    NOT NULL DEFAULT '',
    last_error   TEXT    NOT NULL DEFAULT '',
    progress     REAL    NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    finished_at  INTEGER
);
CREATE UNIQUE INDEX jobs_unique ON jobs(kind, unique_key) WHERE unique_key IS NOT NULL;
CREATE INDEX jobs_ready ON jobs(queue, priority DESC, run_after, id) WHERE state IN ('queued','retrying');
CREATE INDEX jobs_lease ON jobs(lease_until) WHERE state = 'running';
CREATE INDEX jobs_state ON jobs(state, updated_at);
CREATE INDEX jobs_photo ON jobs(photo_id);
CREATE TABLE analyses (id INTEGER PRIMARY KEY, job_id INTEGER REFERENCES jobs(id));
INSERT INTO photos (id) VALUES (1), (2), (3);
INSERT INTO jobs (queue, kind, unique_key, payload, photo_id, state, attempt, last_error, wait_reason, finished_at, created_at, updated_at) VALUES
    ('analyze', 'analyze', 'sha-1', '{"photo_id":1}', 1, 'done', 1, '', '', 1700000000500, 1700000000000, 1700000000500),
    ('analyze', 'analyze', 'sha-2', '{"photo_id":2}', 2, 'waiting', 0, 'No internet connection.', 'offline', NULL, 1700000000100, 1700000000600),
    ('analyze', 'analyze', 'sha-3', '{"photo_id":3}', 3, 'failed', 8, 'The photo could not be read.', '', 1700000000700, 1700000000200, 1700000000700),
    ('maintenance', 'maintenance', 'period-86400000-19675', '{}', NULL, 'queued', 0, '', '', NULL, 1700000000300, 1700000000300);
INSERT INTO analyses (job_id) VALUES (1);
`

// schemaOf lists the job table's columns and indexes.
func schemaOf(t *testing.T, db *sql.DB) (cols, indexes []string) {
	t.Helper()
	for _, q := range []struct {
		sql string
		out *[]string
	}{
		{`SELECT name FROM pragma_table_info('jobs') ORDER BY cid`, &cols},
		{`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs' AND sql IS NOT NULL ORDER BY name`, &indexes},
	} {
		rows, err := db.Query(q.sql)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			*q.out = append(*q.out, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return cols, indexes
}

// dumpJobs is every job, every column, with the subject's column named.
func dumpJobs(t *testing.T, db *sql.DB, subject string) []string {
	t.Helper()
	rows, err := db.Query(`SELECT id, queue, kind, unique_key, payload, ` + subject + `, state, priority, attempt, max_attempts,
		run_after, lease_owner, lease_until, wait_reason, last_error, progress, cancel_requested, created_at, updated_at, finished_at
		FROM jobs ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals := make([]any, 20)
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(vals...))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCreateSchemaUpgradesTheFirstShape: an inventory's job table of the first shape (photo_id) is
// brought to the current one (subject_id, index jobs_subject) by CreateSchema, run by two
// "processes" at once and then again: every job is kept with every value, the foreign keys still
// hold, and the pool lists the old jobs by their subject and runs new ones.
func TestCreateSchemaUpgradesTheFirstShape(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	old := openRaw(t, dir)
	if _, err := old.Exec(firstShape); err != nil {
		t.Fatal(err)
	}
	before := dumpJobs(t, old, "photo_id")
	if len(before) != 4 {
		t.Fatalf("the fixture has %d jobs, want 4", len(before))
	}

	// Where the table cannot be upgraded (a read-only disk), the pool still lists it.
	ro, err := sql.Open("sqlite", dsn(dbFile(dir), true))
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if infos, err := jobs.New(ro, jobs.Options{}).List(ctx, jobs.ListFilter{Subject: 2}); err != nil || len(infos) != 1 || infos[0].Subject != 2 {
		t.Fatalf("listing the first shape read-only: %+v, %v; want the job of subject 2", infos, err)
	}

	// Two processes open the inventory at the same moment; then one opens it again.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		// Connections as any program may open them: deferred transactions by default.
		db, err := sql.Open("sqlite", "file:"+dbFile(dir)+"?_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = jobs.CreateSchema(ctx, db)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("CreateSchema in process %d: %v", i+1, err)
		}
	}
	if err := jobs.CreateSchema(ctx, old); err != nil {
		t.Fatalf("CreateSchema again: %v", err)
	}

	cols, indexes := schemaOf(t, old)
	if strings.Contains(strings.Join(cols, " "), "photo_id") || !strings.Contains(strings.Join(cols, " "), "subject_id") {
		t.Fatalf("columns after the upgrade: %v; want subject_id instead of photo_id", cols)
	}
	if want := []string{"jobs_lease", "jobs_ready", "jobs_state", "jobs_subject", "jobs_unique"}; !reflect.DeepEqual(indexes, want) {
		t.Fatalf("indexes after the upgrade: %v, want %v", indexes, want)
	}
	if after := dumpJobs(t, old, "subject_id"); !reflect.DeepEqual(after, before) {
		t.Fatalf("jobs changed by the upgrade:\nbefore %q\nafter  %q", before, after)
	}
	var fkProblems int
	if err := old.QueryRow(`SELECT COUNT(*) FROM pragma_foreign_key_check`).Scan(&fkProblems); err != nil || fkProblems != 0 {
		t.Fatalf("foreign key check: %d problems, %v", fkProblems, err)
	}

	p := jobs.New(old, jobs.Options{})
	infos, err := p.List(ctx, jobs.ListFilter{Subject: 2})
	if err != nil || len(infos) != 1 || infos[0].State != jobs.StateWaiting || infos[0].WaitReason != "offline" {
		t.Fatalf("jobs of subject 2: %+v, %v; want the one waiting job", infos, err)
	}
	p.Register("analyze", "analyze", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		return nil, nil
	}))
	start(t, p)
	defer p.Stop(ctx)
	id, created, err := p.Enqueue(ctx, "analyze", nil, jobs.EnqueueOpts{UniqueKey: "sha-4", Subject: 3})
	if err != nil || !created {
		t.Fatalf("enqueue after the upgrade: %v", err)
	}
	if j := waitState(t, p, id, jobs.StateDone); j.Subject != 3 {
		t.Fatalf("new job %+v; want subject 3", j)
	}
	// The unique key of an old job still refuses a duplicate.
	if _, created, err := p.Enqueue(ctx, "analyze", nil, jobs.EnqueueOpts{UniqueKey: "sha-1"}); err != nil || created {
		t.Fatalf("the old job's unique key did not hold: created %v, %v", created, err)
	}
}
