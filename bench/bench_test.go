package bench

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"maragu.dev/goqite"
	goqitejobs "maragu.dev/goqite/jobs"

	"medinventory/jobs"
	"medinventory/store"
)

// goqite's schema_sqlite.sql (v0.4.0).
const goqiteSchema = `create table goqite (
  id text primary key default ('m_' || lower(hex(randomblob(16)))),
  created text not null default (strftime('%Y-%m-%dT%H:%M:%fZ')),
  updated text not null default (strftime('%Y-%m-%dT%H:%M:%fZ')),
  queue text not null,
  body blob not null,
  timeout text not null default (strftime('%Y-%m-%dT%H:%M:%fZ')),
  received integer not null default 0,
  priority integer not null default 0
) strict;
create trigger goqite_updated_timestamp after update on goqite begin
  update goqite set updated = strftime('%Y-%m-%dT%H:%M:%fZ') where id = old.id;
end;
create index goqite_queue_priority_created_idx on goqite (queue, priority desc, created);`

const workers = 4

func openStore(b *testing.B) *store.Store {
	b.Helper()
	st, err := store.Open(context.Background(), b.TempDir(), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// The workload, identical on both sides: b.N jobs, each enqueued in its own transaction by the
// benchmark goroutine while 4 workers claim it, run a no-op handler and complete it, on the same
// kind of database (the app's store: WAL, synchronous=NORMAL, one write connection with immediate
// transactions). jobs/s is end-to-end throughput; ratio_vs_goqite in the jobs run compares with the
// goqite run measured just before it in the same process.

var goqiteRate atomic.Uint64 // jobs/s of the last goqite run, as float bits ×1000

func BenchmarkEnqueueClaimComplete(b *testing.B) {
	b.Run("goqite", func(b *testing.B) {
		st := openStore(b)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		if _, err := st.DB().ExecContext(ctx, goqiteSchema); err != nil {
			b.Fatal(err)
		}
		q := goqite.New(goqite.NewOpts{DB: st.DB(), Name: "bench"})
		// goqite's runner polls; 1 ms is its best case (its default is 100 ms, and it also sleeps
		// one poll interval whenever all workers are busy).
		r := goqitejobs.NewRunner(goqitejobs.NewRunnerOpts{Limit: workers, Queue: q, PollInterval: time.Millisecond})
		var done atomic.Int64
		all := make(chan struct{})
		n := int64(b.N)
		r.Register("noop", func(ctx context.Context, m []byte) error {
			if done.Add(1) == n {
				close(all)
			}
			return nil
		})
		stopped := make(chan struct{})
		go func() { r.Start(ctx); close(stopped) }()
		b.ReportAllocs()
		b.ResetTimer()
		start := time.Now()
		for range b.N {
			if _, err := goqitejobs.Create(ctx, q, "noop", goqite.Message{Body: []byte(`{"photo_id":1}`)}); err != nil {
				b.Fatal(err)
			}
		}
		<-all
		cancel() // waits for the running jobs, including their deletes
		<-stopped
		b.StopTimer()
		rate := float64(b.N) / time.Since(start).Seconds()
		goqiteRate.Store(uint64(rate * 1000))
		b.ReportMetric(rate, "jobs/s")
	})
	b.Run("jobs", func(b *testing.B) {
		st := openStore(b)
		ctx := context.Background()
		p := jobs.New(st.DB(), jobs.Options{ReadDB: st.ReadDB(), Concurrency: map[string]int{"noop": workers}})
		var done atomic.Int64
		all := make(chan struct{})
		n := int64(b.N)
		p.Register("noop", "noop", jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
			if done.Add(1) == n {
				close(all)
			}
			return nil, nil
		}))
		if err := p.Start(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		start := time.Now()
		for range b.N {
			if _, _, err := p.Enqueue(ctx, "noop", []byte(`{"photo_id":1}`), jobs.EnqueueOpts{}); err != nil {
				b.Fatal(err)
			}
		}
		<-all
		if err := p.Stop(ctx); err != nil { // waits until every completion is recorded
			b.Fatal(err)
		}
		b.StopTimer()
		rate := float64(b.N) / time.Since(start).Seconds()
		b.ReportMetric(rate, "jobs/s")
		if g := goqiteRate.Load(); g > 0 {
			b.ReportMetric(rate/(float64(g)/1000), "ratio_vs_goqite")
		}
	})
}
