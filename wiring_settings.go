//go:build !hub

package main

// The settings as the backend puts them to use (the client, the concurrency, the watched folder),
// the connection in use, and the watched folder itself. The settings files are store/settings'.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"medinventory/analyzer"
	"medinventory/analyzer/pipeline"
	"medinventory/store"
	"medinventory/store/settings"
	"medinventory/store/watch"
	"medinventory/ui"
	"medinventory/ui/cli"
)

// Settings are the settings in use, as the window shows them (it keeps no copy).
func (b *backend) Settings() ui.Settings {
	b.mu.RLock()
	defer b.mu.RUnlock()
	s := b.settings
	return ui.Settings(s)
}

// ApplySettings makes new settings take effect: a new client, the pool's concurrency, the watched
// folder; waiting photos are re-checked. The settings are mirrored for the command-line tools.
func (b *backend) ApplySettings(s ui.Settings) error {
	as := settings.App(s)
	if as.WatchFolder != "" {
		abs, err := filepath.Abs(as.WatchFolder)
		if err != nil {
			return fmt.Errorf("the watched folder %q cannot be used: %w", as.WatchFolder, err)
		}
		data, _ := filepath.Abs(b.sess.Dir)
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
	b.sess.Redact.AddSecret(key)
	client := analyzer.NewClient(analyzerConfig(as, key))
	b.mu.Lock()
	old := b.settings
	b.settings, b.client, b.keySrc = as, client, src
	noWatcher := b.watcher == nil // read under the lock: restartWatcher sets it from another goroutine
	b.mu.Unlock()
	if err := settings.Save(b.sess.Dir, as); err != nil {
		b.sess.Log.Warn("save settings.json", "err", err)
	}
	if as.Concurrency > 0 {
		b.pool.SetConcurrency(pipeline.Queue, pipeline.Workers(as.Concurrency))
		b.handler.SetConcurrency(as.Concurrency)
	}
	if as.WatchFolder != old.WatchFolder || (as.WatchFolder != "" && noWatcher) {
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
	b.sess.Redact.AddSecret(key)
	as := settings.App(s)
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
	b.sess.Redact.AddSecret(key)
	if err := analyzer.SaveAPIKey(key); err != nil {
		return err
	}
	return b.ApplySettings(b.Settings())
}

// Connection says which server, model and key the window's analyses actually use: the settings,
// else OPENAI_BASE_URL / OPENAI_MODEL, else OpenAI's defaults.
func (b *backend) Connection() ui.Connection {
	key, src := analyzer.LoadAPIKey()
	b.mu.RLock()
	s := b.settings
	b.mu.RUnlock()
	cfg := analyzerConfig(s, key)
	from := "default"
	switch {
	case s.BaseURL != "":
		from = "settings"
	case strings.TrimSpace(os.Getenv("OPENAI_BASE_URL")) != "":
		from = "environment"
	}
	return ui.Connection{BaseURL: cfg.BaseURL, BaseURLFrom: from, Model: cfg.Model, KeySource: src, OpenAI: cfg.IsOpenAI()}
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
	w, err := watch.New(dir, watch.Options{Logger: b.sess.Log}, func(path string) {
		_, err := b.Import(b.ctx, []string{path}, func(o store.AddOutcome) {
			if o.Err != nil {
				b.sess.Log.Warn("watched folder: file skipped", "file", filepath.Base(o.Path), "reason", cli.Reason(o.Err))
			} else if o.Added() {
				b.sess.Log.Info("watched folder: photo added", "file", filepath.Base(o.Path))
			}
		})
		if err != nil && b.ctx.Err() == nil {
			b.sess.Log.Warn("watched folder: import", "err", err)
		}
	})
	if err != nil {
		b.sess.Log.Warn("watched folder", "dir", dir, "err", err)
		return
	}
	if err := w.Start(b.ctx); err != nil {
		b.sess.Log.Warn("watched folder start", "dir", dir, "err", err)
		return
	}
	b.mu.Lock()
	b.watcher = w
	b.mu.Unlock()
}

// HubSyncStatus is the status bar's view of sync (ui.HubSync; the background sync is in wiring.go).
func (b *backend) HubSyncStatus() ui.HubSyncStatus {
	b.hub.once.Do(func() { b.startSync(b.ctx) })
	info, err := b.st.SyncInfo(context.Background())
	if err != nil || !info.Joined() {
		return ui.HubSyncStatus{}
	}
	s := ui.HubSyncStatus{Joined: true, Laptops: info.Laptops, Failing: b.syncFailing()}
	if info.LastSync > 0 {
		s.LastSync = time.UnixMilli(info.LastSync)
	}
	return s
}

// restartRequested is set by RestartAtQuit: once the window has closed and everything has shut
// down, runGUI opens it again (relaunch).
var restartRequested atomic.Bool

// RestartAtQuit opens the window again once it has closed (Settings → Language applies from the
// next start: ui.Restarter).
func (b *backend) RestartAtQuit() { restartRequested.Store(true) }
