package main

import (
	"context"
	"testing"
	"time"

	"medinventory/analyzer/pipeline"
	"medinventory/jobs"
	"medinventory/store"
)

// The window sees the analyze queue only: the daily maintenance's events never reach it, and the
// totals it shows ("1 of 1 analysed") leave the maintenance job out — the pool itself knows no
// queue by name.
func TestWindowQueueShowsTheAnalyzeQueueOnly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := store.Open(ctx, t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := jobs.CreateSchema(ctx, st.DB()); err != nil {
		t.Fatal(err)
	}
	// Photo 42, the analysis's subject (the store's job table has a foreign key to photos).
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO photos (id, sha256, stored_path, original_name, bytes, width, height, format, added_at)
		VALUES (42, 'x', 'photos/x', 'x.jpg', 1, 1, 1, 'jpeg', 0)`); err != nil {
		t.Fatal(err)
	}
	pool := jobs.New(st.DB(), jobs.Options{ReadDB: st.ReadDB()})
	noop := jobs.HandlerFunc(func(context.Context, *jobs.Job, func(float64)) (jobs.Commit, error) { return nil, nil })
	pool.Register(pipeline.Kind, pipeline.Queue, noop)
	pool.Register(kindMaintenance, queueMaintenance, noop)
	q := newQueueView(ctx, pool)
	if err := pool.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer pool.Stop(context.Background())

	// The maintenance job runs to its end first: its events are in the stream before any of the
	// analysis, so the forwarder has dropped them by the time the analysis's events come out.
	mid, _, err := pool.Enqueue(ctx, kindMaintenance, nil, jobs.EnqueueOpts{})
	if err != nil {
		t.Fatal(err)
	}
	for {
		j, err := pool.Get(ctx, mid)
		if err != nil {
			t.Fatal(err)
		}
		if j.State == jobs.StateDone {
			break
		}
		time.Sleep(5 * time.Millisecond) // polling the table, a liveness wait
	}
	aid, _, err := pool.Enqueue(ctx, pipeline.Kind, nil, jobs.EnqueueOpts{Subject: 42})
	if err != nil {
		t.Fatal(err)
	}
	for ev := range q.Events() {
		if ev.Queue != pipeline.Queue || ev.JobID != aid || ev.Subject != 42 {
			t.Fatalf("the window got %+v; want only the analysis (job %d, photo 42)", ev, aid)
		}
		if ev.State == jobs.StateDone {
			if ev.Counts != (jobs.Counts{Done: 1}) {
				t.Fatalf("the done event counts %+v; want the analyze queue's 1 done", ev.Counts)
			}
			break
		}
	}
	if c, err := q.Counts(ctx); err != nil || c != (jobs.Counts{Done: 1}) {
		t.Fatalf("window counts %+v, %v; want 1 done (the maintenance job is not a photo)", c, err)
	}
	if all, err := pool.Counts(ctx, ""); err != nil || all.Done != 2 {
		t.Fatalf("pool counts %+v, %v; want both jobs done", all, err)
	}
}
