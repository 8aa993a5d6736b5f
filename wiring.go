package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"medinventory/analyzer"
	"medinventory/analyzer/pipeline"
	"medinventory/jobs"
	"medinventory/store"
	"medinventory/store/photo/photomem"
	"medinventory/store/watch"
)

// backend is the app's non-UI half: the store, the job pool and the analysis client, wired
// together. The window and the command-line tools each make one.
type backend struct {
	sess    *session
	st      *store.Store
	pool    *jobs.Pool
	offline bool

	mu       sync.RWMutex
	settings appSettings
	client   *analyzer.Client
	keySrc   string
	watcher  *watch.Watcher
	handler  *pipeline.Handler
	ctx      context.Context // set by start: the app's lifetime

	restoreFile string // a backup to restore once the window has closed (gui_backups.go)
}

// defaultConcurrency is how many photos are analysed at once unless the settings say otherwise.
const defaultConcurrency = 4

type backendOptions struct {
	offline     bool
	concurrency int  // overrides the settings when > 0
	readOK      bool // only reads: a read-only data dir is opened read-only
}

func openBackend(ctx context.Context, sess *session, opt backendOptions) (*backend, error) {
	st, err := openStore(ctx, sess, opt.readOK)
	if err != nil {
		return nil, err
	}
	if !st.ReadOnly() {
		// The job table is the pool's: made where missing (store.Open migrated an older one) before
		// anything enqueues or lists (the command-line tools list without starting the pool).
		if err := jobs.CreateSchema(ctx, st.DB()); err != nil {
			st.Close()
			return nil, fmt.Errorf("open the task list: %w", err)
		}
	}
	b := &backend{sess: sess, st: st, offline: opt.offline}
	b.settings = loadSettings(sess.dir)
	key, src := analyzer.LoadAPIKey()
	b.keySrc = src
	sess.redact.addSecret(key)
	b.client = analyzer.NewClient(analyzerConfig(b.settings, key))

	conc := b.settings.Concurrency
	if opt.concurrency > 0 {
		conc = opt.concurrency
	}
	if conc <= 0 {
		conc = defaultConcurrency
	}
	// Twice as many workers as photos in flight: half prepare the next photos while the others wait
	// for the network; the handler bounds each stage to conc (see pipeline.HandlerOptions).
	b.pool = jobs.New(st.DB(), jobs.Options{ReadDB: st.ReadDB(), Logger: sess.log,
		Concurrency: map[string]int{pipeline.Queue: pipeline.Workers(conc), queueMaintenance: 1}})
	b.handler = pipeline.NewHandler(st, b.model, pipeline.HandlerOptions{Offline: opt.offline, Concurrency: conc, Logger: sess.log})
	b.pool.Register(pipeline.Kind, pipeline.Queue, b.handler)
	b.pool.Register(kindMaintenance, queueMaintenance, jobs.HandlerFunc(b.maintenance))
	if (sess.startFresh || st.OpenReport().OlderCopy != nil) && !st.ReadOnly() {
		b.adoptPhotoFiles(ctx, 0) // --start-fresh, --continue-with-this-copy: list the photos again at once
	}
	return b, nil
}

// model returns the current analysis client.
func (b *backend) model() pipeline.Model {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.client
}

// enqueueTx queues a new photo's analysis inside the transaction that stores the photo.
func (b *backend) enqueueTx(tx *sql.Tx, p store.Photo) error {
	_, _, err := pipeline.EnqueueTx(context.Background(), tx, p)
	return err
}

// Import adds files and folders and queues each new photo's analysis.
func (b *backend) Import(ctx context.Context, paths []string, report func(store.AddOutcome)) (store.AddSummary, error) {
	sum, err := b.st.AddPaths(ctx, paths, b.enqueueTx, func(o store.AddOutcome) {
		if o.Added() {
			b.pool.Notify()
		}
		if report != nil {
			report(o)
		}
	})
	b.pool.Notify()
	return sum, err
}

// start runs the pool (and its daily maintenance).
func (b *backend) start(ctx context.Context) error {
	b.ctx = ctx
	b.pool.Schedule(kindMaintenance, 24*time.Hour)
	// The photos' memory budget and Go's memory limit follow what the process holds outside Go's
	// heap (the window's is 100–150 MB), so that the whole stays under photomem.Target.
	go photomem.Govern(ctx, 500*time.Millisecond, func(l photomem.Limits) { b.handler.SetDecodeBudget(l.Photos) })
	return b.pool.Start(ctx)
}

// close stops the workers (running jobs get until the deadline, then go back to the queue) and
// closes the store (checkpointing the WAL).
func (b *backend) close(grace time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	var errs []error
	b.mu.Lock()
	w := b.watcher
	b.watcher = nil
	b.mu.Unlock()
	if w != nil {
		w.Close()
	}
	if err := b.pool.Stop(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		errs = append(errs, fmt.Errorf("stop workers: %w", err))
	}
	if err := b.st.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close inventory: %w", err))
	}
	return errors.Join(errs...)
}

// queueView adapts the pool to the window's Queue interface: the window shows the analyze queue
// (pipeline.Queue) only — its jobs, its totals and its events, never the daily maintenance.
type queueView struct {
	*jobs.Pool
	events chan jobs.Event
}

// newQueueView makes the window's view of p. Its Events carries the pool's events of the analyze
// queue until ctx ends.
func newQueueView(ctx context.Context, p *jobs.Pool) queueView {
	q := queueView{Pool: p, events: make(chan jobs.Event, 64)}
	go q.forward(ctx, p.Events())
	return q
}

// forward passes on the events of the analyze queue, in order. When the window reads slowly it
// waits; the pool meanwhile coalesces its events and never waits for it.
func (q queueView) forward(ctx context.Context, in <-chan jobs.Event) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-in:
			if ev.Queue != pipeline.Queue {
				continue
			}
			select {
			case q.events <- ev:
			case <-ctx.Done():
				return
			}
		}
	}
}

// Events is the analyze queue's events.
func (q queueView) Events() <-chan jobs.Event { return q.events }

// Counts is the analyze queue's totals.
func (q queueView) Counts(ctx context.Context) (jobs.Counts, error) {
	return analysisCounts(ctx, q.Pool)
}

// analysisCounts is the totals of the analyze queue: the photos people see counted ("3 of 8
// analysed"); the daily maintenance is none of their photos.
func analysisCounts(ctx context.Context, p *jobs.Pool) (jobs.Counts, error) {
	return p.Counts(ctx, pipeline.Queue)
}

// Jobs lists the analyze queue for the window: everything not finished, and what finished in the
// last day, newest first.
func (q queueView) Jobs(ctx context.Context) ([]jobs.JobInfo, error) {
	list, err := q.List(ctx, jobs.ListFilter{Queue: pipeline.Queue, Limit: 2000})
	if err != nil {
		return nil, err
	}
	cutoff := time.Now().Add(-24 * time.Hour)
	out := list[:0]
	for _, j := range list {
		if (j.State == jobs.StateDone || j.State == jobs.StateCancelled) && j.UpdatedAt.Before(cutoff) {
			continue
		}
		out = append(out, j)
	}
	return out, nil
}
