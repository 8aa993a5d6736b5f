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
	"medinventory/store/settings"
	"medinventory/store/syncclient"
	"medinventory/store/watch"
	"medinventory/ui/cli"
)

// backend is the app's non-UI half: the store, the job pool and the analysis client, wired
// together. The window and the command-line tools each make one.
type backend struct {
	sess    *cli.Session
	st      *store.Store
	pool    *jobs.Pool
	offline bool

	mu       sync.RWMutex
	settings settings.App
	client   *analyzer.Client
	keySrc   string
	watcher  *watch.Watcher
	handler  *pipeline.Handler
	ctx      context.Context // set by start: the app's lifetime

	restoreFile string // a backup to restore once the window has closed (wiring_backups.go)

	hub hubSync // the background sync with the district hub (wiring.go, below the backend)
}

// defaultConcurrency is how many photos are analysed at once unless the settings say otherwise.
const defaultConcurrency = 4

// openCLIBackend is openBackend for the commands (cli.Env.OpenBackend).
func openCLIBackend(ctx context.Context, sess *cli.Session, opt cli.BackendOptions) (cli.Backend, error) {
	b, err := openBackend(ctx, sess, opt)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// openBackend opens the store (read-only when opt.ReadOK and the data dir cannot be written),
// brings the job table to its shape, reads the settings and the key, and registers the jobs.
func openBackend(ctx context.Context, sess *cli.Session, opt cli.BackendOptions) (*backend, error) {
	st, err := cli.OpenStore(ctx, sess, opt.ReadOK)
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
	b := &backend{sess: sess, st: st, offline: opt.Offline}
	b.settings = settings.Load(sess.Dir)
	key, src := analyzer.LoadAPIKey()
	b.keySrc = src
	sess.Redact.AddSecret(key)
	b.client = analyzer.NewClient(analyzerConfig(b.settings, key))

	conc := b.settings.Concurrency
	if opt.Concurrency > 0 {
		conc = opt.Concurrency
	}
	if conc <= 0 {
		conc = defaultConcurrency
	}
	// Twice as many workers as photos in flight: half prepare the next photos while the others wait
	// for the network; the handler bounds each stage to conc (see pipeline.HandlerOptions).
	b.pool = jobs.New(st.DB(), jobs.Options{ReadDB: st.ReadDB(), Logger: sess.Log,
		Concurrency: map[string]int{pipeline.Queue: pipeline.Workers(conc), queueMaintenance: 1}})
	b.handler = pipeline.NewHandler(st, b.model, pipeline.HandlerOptions{Offline: opt.Offline, Concurrency: conc, Logger: sess.Log})
	b.pool.Register(pipeline.Kind, pipeline.Queue, b.handler)
	b.pool.Register(kindMaintenance, queueMaintenance, jobs.HandlerFunc(b.maintenance))
	if (sess.StartFresh || st.OpenReport().OlderCopy != nil) && !st.ReadOnly() {
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

// Store is the inventory.
func (b *backend) Store() *store.Store { return b.st }

// Pool is the job pool.
func (b *backend) Pool() *jobs.Pool { return b.pool }

// HasKey says whether the analysis client has an API key.
func (b *backend) HasKey() bool { return b.model().HasKey() }

// ServerURL is the model's server in use.
func (b *backend) ServerURL() string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.client.Config().BaseURL
}

// Start runs the pool (and its daily maintenance).
func (b *backend) Start(ctx context.Context) error {
	b.ctx = ctx
	b.pool.Schedule(kindMaintenance, 24*time.Hour)
	// The photos' memory budget and Go's memory limit follow what the process holds outside Go's
	// heap (the window's is 100–150 MB), so that the whole stays under photomem.Target.
	go photomem.Govern(ctx, 500*time.Millisecond, func(l photomem.Limits) { b.handler.SetDecodeBudget(l.Photos) })
	return b.pool.Start(ctx)
}

// Close stops the workers (running jobs get until the deadline, then go back to the queue) and
// closes the store (checkpointing the WAL).
func (b *backend) Close(grace time.Duration) error {
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
	b.stopSync()
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
	// The photos people see counted ("3 of 8 analysed"); the daily maintenance is none of theirs.
	return q.Pool.Counts(ctx, pipeline.Queue)
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

// The maintenance job's kind and its queue (one worker): existing inventories hold jobs under these
// names, never change them.
const (
	kindMaintenance  = "maintenance"
	queueMaintenance = "maintenance"
)

// maintenance is the daily housekeeping job (pool.Schedule, in backend.Start): the app's temp files, photo files no row names
// (adopted back), thumbnails photos lack, old finished jobs, the database's statistics. Each step only logs when it fails; the job itself never fails.
func (b *backend) maintenance(ctx context.Context, job *jobs.Job, progress func(float64)) (jobs.Commit, error) {
	// The photos folder is never pruned by comparing it with the database (which may be an older
	// copy): only the app's own temp files are cleaned; a photo file no row names is adopted back.
	n, err := b.st.CleanTempFiles(int64(time.Hour / time.Millisecond))
	if err != nil {
		b.sess.Log.Warn("maintenance: temp files", "err", err)
	}
	b.adoptPhotoFiles(ctx, adoptMinAge)
	// Photos analysed before thumbnails were stored get theirs, decoded under the memory budget;
	// photos still queued get theirs from their analysis.
	pending := func(photoID int64) (bool, error) { return pipeline.Pending(ctx, b.pool, photoID) }
	if made, err := b.handler.MakeMissingThumbnails(ctx, pending); err != nil {
		b.sess.Log.Warn("maintenance: thumbnails", "made", made, "err", err)
	} else if made > 0 {
		b.sess.Log.Info("maintenance: thumbnails made", "photos", made)
	}
	progress(0.3)
	pruned, err := b.pool.Prune(ctx, 30*24*time.Hour)
	if err != nil {
		b.sess.Log.Warn("maintenance: prune", "err", err)
	}
	progress(0.6)
	if err := b.st.Optimize(ctx); err != nil {
		b.sess.Log.Warn("maintenance: optimize", "err", err)
	}
	b.sess.Log.Info("maintenance done", "temp_files_removed", n, "jobs_pruned", pruned)
	return nil, nil
}

// adoptMinAge: a photo file younger than this may be an import about to commit its row.
const adoptMinAge = int64(10 * time.Minute / time.Millisecond)

// adoptPhotoFiles registers again, and queues for analysis, every photo file that the database
// does not list (see store.AdoptPhotoFiles); files it cannot adopt are left untouched and logged.
func (b *backend) adoptPhotoFiles(ctx context.Context, minAge int64) {
	ad, err := b.st.AdoptPhotoFiles(ctx, minAge, b.enqueueTx)
	if err != nil {
		b.sess.Log.Warn("maintenance: adopt photo files", "err", err)
	}
	for _, a := range ad {
		if a.Err != nil {
			b.sess.Log.Warn("a file in the photos folder was left as it is", "file", a.Path, "reason", a.Err)
		} else {
			b.sess.Log.Info("a photo the database did not list was registered again and queued", "file", a.Path, "photo_id", a.Photo.ID)
		}
	}
	if len(ad) > 0 {
		b.pool.Notify()
	}
}

// analyzerConfig is the effective client configuration: settings override the environment.
func analyzerConfig(s settings.App, key string) analyzer.Config {
	cfg := analyzer.ConfigFromEnv()
	if key != "" {
		cfg.APIKey = key
	}
	if s.BaseURL != "" {
		cfg.BaseURL = s.BaseURL
	}
	if s.Model != "" {
		cfg.Model = s.Model
	}
	if s.Detail != "" {
		cfg.Detail = analyzer.Detail(s.Detail)
	}
	if s.RequestsPerMinute > 0 {
		cfg.RequestsPerMinute = s.RequestsPerMinute
	}
	return cfg
}

// Background sync with the district hub (issue 28): while the window is open, a goroutine owned
// by the backend syncs every few minutes once this laptop joined a hub (medinventory sync --hub
// URL --code CODE), and sooner again after a failure; the status bar asks HubSyncStatus. The
// goroutine starts when the window first asks (the commands never do: they sync only when told),
// and ends with the app's context or Close.

// How often the window syncs, and the first wait after a failure (doubled up to syncEvery).
const (
	syncEvery   = 5 * time.Minute
	syncRetry   = 30 * time.Second
	syncAtStart = 5 * time.Second
)

// hubSync is the background sync's state.
type hubSync struct {
	mu      sync.Mutex
	failing bool
	once    sync.Once
	wg      sync.WaitGroup
	stop    chan struct{}
	soon    chan struct{} // SyncSoon: sync now rather than at the next turn
}

// startSync starts the background sync until ctx ends or Close (which waits for it).
func (b *backend) startSync(ctx context.Context) {
	if b.st.ReadOnly() || ctx == nil {
		return
	}
	b.hub.mu.Lock()
	defer b.hub.mu.Unlock()
	if b.hub.stop != nil {
		return
	}
	b.hub.stop = make(chan struct{})
	stop := b.hub.stop
	if b.hub.soon == nil {
		b.hub.soon = make(chan struct{}, 1)
	}
	soon := b.hub.soon
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-stop:
		case <-ctx.Done():
		}
		cancel()
	}()
	b.hub.wg.Add(1)
	go func() {
		defer b.hub.wg.Done()
		wait := syncAtStart
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			case <-soon:
			}
			err := b.syncOnce(ctx)
			switch {
			case err == nil:
				wait = syncEvery
			case wait >= syncEvery || wait == syncAtStart:
				wait = syncRetry
			default:
				wait = min(2*wait, syncEvery)
			}
		}
	}()
}

// stopSync ends the background sync and waits for it.
func (b *backend) stopSync() {
	b.hub.mu.Lock()
	if b.hub.stop != nil {
		close(b.hub.stop)
	} else {
		b.hub.stop = make(chan struct{}) // never starts now
		close(b.hub.stop)
	}
	b.hub.mu.Unlock()
	b.hub.wg.Wait()
}

// syncOnce syncs when this laptop joined a hub and has its token.
func (b *backend) syncOnce(ctx context.Context) error {
	info, err := b.st.SyncInfo(ctx)
	if err != nil || !info.Joined() {
		return nil
	}
	token := syncclient.LoadToken(info.DataID)
	if token == "" {
		return nil
	}
	c := &syncclient.Client{Store: b.st, HubURL: info.HubURL, Token: token, Retries: 1, Timeout: time.Minute}
	res, err := c.Sync(ctx)
	b.hub.mu.Lock()
	b.hub.failing = err != nil && ctx.Err() == nil
	b.hub.mu.Unlock()
	if err != nil {
		if ctx.Err() == nil {
			b.sess.Log.Warn("background sync failed", "err", err)
		}
		return err
	}
	if res.SentRows+res.Rows > 0 {
		b.sess.Log.Info("synced", "sent", res.SentRows, "received", res.Rows, "conflicts", res.Conflicts, "laptops", res.Laptops)
	}
	return nil
}

// SyncSoon asks the background sync to run now (ui.HubSyncSoon: a conflict was just settled in
// the window, and the choice should reach the other laptops without waiting 5 minutes). It never
// blocks; a request while one is pending is merged with it; without the background sync it does
// nothing.
func (b *backend) SyncSoon() {
	b.hub.mu.Lock()
	soon := b.hub.soon
	b.hub.mu.Unlock()
	if soon == nil {
		return
	}
	select {
	case soon <- struct{}{}:
	default:
	}
}

// syncFailing says whether the last background sync could not reach the hub.
func (b *backend) syncFailing() bool {
	b.hub.mu.Lock()
	defer b.hub.mu.Unlock()
	return b.hub.failing
}
