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
// its own table, even when two processes make it at the same moment; a further CreateSchema
// changes nothing and keeps every job.
func TestCreateSchemaOnItsOwn(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openRaw(t, dir)

	// Two processes open the database at the same moment.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		// Connections as any program may open them: deferred transactions by default.
		other, err := sql.Open("sqlite", "file:"+dbFile(dir)+"?_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = jobs.CreateSchema(ctx, other)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("CreateSchema in process %d: %v", i+1, err)
		}
	}
	cols, indexes := schemaOf(t, db)
	if !strings.Contains(strings.Join(cols, " "), "subject_id") {
		t.Fatalf("columns: %v; want subject_id among them", cols)
	}
	if want := []string{"jobs_lease", "jobs_ready", "jobs_state", "jobs_subject", "jobs_unique"}; !reflect.DeepEqual(indexes, want) {
		t.Fatalf("indexes: %v, want %v", indexes, want)
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

	// Made again on a table with a job in it: nothing changes.
	before := dumpJobs(t, db)
	if err := jobs.CreateSchema(ctx, db); err != nil {
		t.Fatalf("CreateSchema again: %v", err)
	}
	if after := dumpJobs(t, db); len(before) != 1 || !reflect.DeepEqual(after, before) {
		t.Fatalf("jobs changed by CreateSchema:\nbefore %q\nafter  %q", before, after)
	}
	if _, indexes2 := schemaOf(t, db); !reflect.DeepEqual(indexes2, indexes) {
		t.Fatalf("indexes changed by CreateSchema: %v, then %v", indexes, indexes2)
	}
}

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

// dumpJobs is every job, every column.
func dumpJobs(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT id, queue, kind, unique_key, payload, subject_id, state, priority, attempt, max_attempts,
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
