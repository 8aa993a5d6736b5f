package main

// The settings: what the window edits and the command-line tools honour, and how the backend
// puts them to use.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"medinventory/analyzer"
	"medinventory/analyzer/pipeline"
	"medinventory/store"
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
	if b, err := store.ReadSmallFile(settingsPath(dir), store.SettingsAdvice("settings.json")); err == nil {
		_ = json.Unmarshal(b, &s)
	} else if !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintln(os.Stderr, "medinventory: the default settings are used:", err)
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
	noWatcher := b.watcher == nil // read under the lock: restartWatcher sets it from another goroutine
	b.mu.Unlock()
	if err := saveSettings(b.sess.dir, as); err != nil {
		b.sess.log.Warn("save settings.json", "err", err)
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
