package jobs_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"medinventory/jobs"
)

// BenchmarkEnqueueClaimComplete: b.N jobs, each enqueued (its own transaction), claimed, run by a
// no-op handler and completed (its Commit in the done transaction), with 4 workers on a real
// database file. jobs/s is the whole pipeline's throughput; the floor is 2,000 jobs/s on 2 cores.
//
//	go test -run '^$' -bench EnqueueClaimComplete -benchmem ./jobs
func BenchmarkEnqueueClaimComplete(b *testing.B) {
	db := openDB(b, b.TempDir())
	p := jobs.New(db.DB(), jobs.Options{ReadDB: db.ReadDB(), Concurrency: map[string]int{queueTest: 4}})
	var done atomic.Int64
	all := make(chan struct{})
	n := int64(b.N)
	p.Register(kindTest, queueTest, jobs.HandlerFunc(func(ctx context.Context, j *jobs.Job, _ func(float64)) (jobs.Commit, error) {
		if done.Add(1) == n {
			close(all)
		}
		return nil, nil // no-op; Stop below waits until every completion is recorded
	}))
	ctx := context.Background()
	if err := p.Start(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		if _, _, err := p.Enqueue(ctx, kindTest, []byte(`{"id":1}`), jobs.EnqueueOpts{}); err != nil {
			b.Fatal(err)
		}
	}
	<-all
	if err := p.Stop(ctx); err != nil {
		b.Fatal(err)
	}
	if c, err := p.Counts(ctx, ""); err != nil || c.Done != b.N {
		b.Fatalf("%d done (%v), want %d", c.Done, err, b.N)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "jobs/s")
}
