package jobs_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"

	"medinventory/jobs"
)

// TestCreateSchemaOnItsOwn: the pool works on a database nobody else prepared — no store, no
// migrations — because jobs makes its own table; a second CreateSchema changes nothing.
func TestCreateSchemaOnItsOwn(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "jobs.db")+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
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
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer p.Stop(ctx)
	id, _, err := p.Enqueue(ctx, "echo", nil, jobs.EnqueueOpts{UniqueKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if got := <-done; got != id {
		t.Fatalf("ran job %d, enqueued %d", got, id)
	}
	waitState(t, p, id, jobs.StateDone)
}

// TestCreateSchemaKeepsTheStoresTable: on an inventory whose job table came from the store's first
// migration, CreateSchema (run by Start) leaves the table and its indexes exactly as they were.
func TestCreateSchemaKeepsTheStoresTable(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, t.TempDir())
	schema := func() string {
		rows, err := st.ReadDB().QueryContext(ctx, `SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master
			WHERE tbl_name = 'jobs' ORDER BY type, name`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out += s + "\n"
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	before := schema()
	if before == "" {
		t.Fatal("the store made no job table")
	}
	if err := jobs.CreateSchema(ctx, st.DB()); err != nil {
		t.Fatal(err)
	}
	if after := schema(); after != before {
		t.Fatalf("CreateSchema changed the store's job table:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}
