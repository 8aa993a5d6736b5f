package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"medinventory/analyzer"
	"medinventory/analyzer/pipeline"
	"medinventory/jobs"
	"medinventory/store"
	"medinventory/store/watch"
	"medinventory/ui"
)

// appSettings are the settings the window edits (the same fields as ui.Settings, so the two convert) and the command-line tools honour. The window keeps
// them in Fyne's preferences and mirrors them here (<data dir>/settings.json) so that `import`
// uses the same model and server. The API key is never stored here.
type appSettings struct {
	BaseURL           string `json:"base_url,omitempty"`
	Model             string `json:"model,omitempty"`
	Detail            string `json:"detail,omitempty"`
	Concurrency       int    `json:"concurrency,omitempty"`
	RequestsPerMinute int    `json:"requests_per_minute,omitempty"`
	WatchFolder       string `json:"watch_folder,omitempty"`
}

func settingsPath(dir string) string { return filepath.Join(dir, "settings.json") }

func loadSettings(dir string) appSettings {
	var s appSettings
	if b, err := os.ReadFile(settingsPath(dir)); err == nil {
		_ = json.Unmarshal(b, &s)
	}
	return s
}

func saveSettings(dir string, s appSettings) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := settingsPath(dir) + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, settingsPath(dir))
}

// analyzerConfig is the effective client configuration: settings override the environment.
func analyzerConfig(s appSettings, key string) analyzer.Config {
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
	b.pool = jobs.New(st.DB(), jobs.Options{ReadDB: st.ReadDB(), AnalyzeConcurrency: 2 * conc, Logger: sess.log})
	b.handler = pipeline.NewHandler(st, b.model, pipeline.HandlerOptions{Offline: opt.offline, Concurrency: conc, Logger: sess.log})
	b.pool.Register(jobs.KindAnalyze, jobs.QueueAnalyze, b.handler)
	b.pool.Register(jobs.KindMaintenance, jobs.QueueMaintenance, jobs.HandlerFunc(b.maintenance))
	if sess.startFresh && !st.ReadOnly() {
		b.adoptPhotoFiles(ctx, 0) // --start-fresh: list the photos again at once
	}
	return b, nil
}

// model returns the current analysis client.
func (b *backend) model() pipeline.Model {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.client
}

func (b *backend) maintenance(ctx context.Context, job *jobs.Job, progress func(float64)) (jobs.Commit, error) {
	// The photos folder is never pruned by comparing it with the database (which may be an older
	// copy): only the app's own temp files are cleaned; a photo file no row names is adopted back.
	n, err := b.st.CleanTempFiles(int64(time.Hour / time.Millisecond))
	if err != nil {
		b.sess.log.Warn("maintenance: temp files", "err", err)
	}
	b.adoptPhotoFiles(ctx, adoptMinAge)
	progress(0.3)
	pruned, err := b.pool.Prune(ctx, 30*24*time.Hour)
	if err != nil {
		b.sess.log.Warn("maintenance: prune", "err", err)
	}
	progress(0.6)
	if err := b.st.Optimize(ctx); err != nil {
		b.sess.log.Warn("maintenance: optimize", "err", err)
	}
	b.sess.log.Info("maintenance done", "temp_files_removed", n, "jobs_pruned", pruned)
	return nil, nil
}

// enqueueTx queues a new photo's analysis inside the transaction that stores the photo.
func (b *backend) enqueueTx(tx *sql.Tx, p store.Photo) error {
	payload, _ := json.Marshal(pipeline.Payload{PhotoID: p.ID})
	_, _, err := jobs.EnqueueTx(context.Background(), tx, jobs.KindAnalyze, payload,
		jobs.EnqueueOpts{UniqueKey: p.SHA256, PhotoID: p.ID})
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
	b.pool.ScheduleMaintenance(24 * time.Hour)
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

// queueView adapts the pool to the window's Queue interface.
type queueView struct{ *jobs.Pool }

// Jobs lists the analyze queue for the window: everything not finished, and what finished in the
// last day, newest first.
func (q queueView) Jobs(ctx context.Context) ([]jobs.JobInfo, error) {
	list, err := q.List(ctx, jobs.ListFilter{Queue: jobs.QueueAnalyze, Limit: 2000})
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

func (b *backend) uiSettings() ui.Settings {
	b.mu.RLock()
	defer b.mu.RUnlock()
	s := b.settings
	return ui.Settings(s)
}

// ApplySettings makes new settings take effect: a new client, the pool's concurrency, the watched
// folder; waiting photos are re-checked. The settings are mirrored for the command-line tools.
func (b *backend) ApplySettings(s ui.Settings) error {
	as := appSettings(s)
	if as.WatchFolder != "" {
		abs, err := filepath.Abs(as.WatchFolder)
		if err != nil {
			return fmt.Errorf("the watched folder %q cannot be used: %w", as.WatchFolder, err)
		}
		data, _ := filepath.Abs(b.sess.dir)
		if rel, err := filepath.Rel(data, abs); err == nil && !strings.HasPrefix(rel, "..") {
			return errors.New("the watched folder cannot be the inventory's own data folder or inside it; choose the folder your photos arrive in")
		}
		if rel, err := filepath.Rel(abs, data); err == nil && !strings.HasPrefix(rel, "..") {
			return errors.New("the watched folder cannot contain the inventory's data folder; choose the folder your photos arrive in")
		}
		if st, err := os.Stat(abs); err != nil || !st.IsDir() {
			return fmt.Errorf("the watched folder %s does not exist or is not a folder", abs)
		}
		as.WatchFolder = abs
	}
	key, src := analyzer.LoadAPIKey()
	b.sess.redact.addSecret(key)
	client := analyzer.NewClient(analyzerConfig(as, key))
	b.mu.Lock()
	old := b.settings
	b.settings, b.client, b.keySrc = as, client, src
	b.mu.Unlock()
	if err := saveSettings(b.sess.dir, as); err != nil {
		b.sess.log.Warn("save settings.json", "err", err)
	}
	if as.Concurrency > 0 {
		b.pool.SetConcurrency(jobs.QueueAnalyze, 2*as.Concurrency)
		b.handler.SetConcurrency(as.Concurrency)
	}
	if as.WatchFolder != old.WatchFolder || (as.WatchFolder != "" && b.watcher == nil) {
		b.restartWatcher()
	}
	b.pool.Wake("")
	return nil
}

// TestConnection tries the settings with key ("" = the current key).
func (b *backend) TestConnection(ctx context.Context, s ui.Settings, key string) error {
	if key == "" {
		key, _ = analyzer.LoadAPIKey()
	}
	b.sess.redact.addSecret(key)
	as := appSettings(s)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return analyzer.NewClient(analyzerConfig(as, key)).TestConnection(ctx)
}

// APIKeySource says where the key comes from.
func (b *backend) APIKeySource() string {
	_, src := analyzer.LoadAPIKey()
	return src
}

// SaveAPIKey stores the key in the OS keyring and puts it to use.
func (b *backend) SaveAPIKey(key string) error {
	b.sess.redact.addSecret(key)
	if err := analyzer.SaveAPIKey(key); err != nil {
		return err
	}
	return b.ApplySettings(b.uiSettings())
}

// restartWatcher (re)starts the watched folder, if one is set.
func (b *backend) restartWatcher() {
	b.mu.Lock()
	old := b.watcher
	b.watcher = nil
	dir := b.settings.WatchFolder
	b.mu.Unlock()
	if old != nil {
		old.Close()
	}
	if dir == "" || b.ctx == nil {
		return
	}
	w, err := watch.New(dir, watch.Options{Logger: b.sess.log}, func(path string) {
		_, err := b.Import(b.ctx, []string{path}, func(o store.AddOutcome) {
			if o.Err != nil {
				b.sess.log.Warn("watched folder: file skipped", "file", filepath.Base(o.Path), "reason", reason(o.Err))
			} else if o.Added() {
				b.sess.log.Info("watched folder: photo added", "file", filepath.Base(o.Path))
			}
		})
		if err != nil && b.ctx.Err() == nil {
			b.sess.log.Warn("watched folder: import", "err", err)
		}
	})
	if err != nil {
		b.sess.log.Warn("watched folder", "dir", dir, "err", err)
		return
	}
	if err := w.Start(b.ctx); err != nil {
		b.sess.log.Warn("watched folder start", "dir", dir, "err", err)
		return
	}
	b.mu.Lock()
	b.watcher = w
	b.mu.Unlock()
}
