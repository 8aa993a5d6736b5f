// Package settings owns the settings kept in the data folder, and is the only code that reads or
// writes their files: settings.json (App: the model's server, model, detail, how many photos at
// once, requests per minute, the watched folder) and backups.json (Backups: Settings → Backups and
// when the last backup was made). Neither ever holds the API key (the OS keyring does). The
// window, the commands and the backups ask this package; a missing or unreadable file reads as
// the defaults.
package settings

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"
)

// The files, in the data folder. A backup archive carries both (Files).
const (
	appFile     = "settings.json"
	backupsFile = "backups.json"
)

// Files are the settings files, as a backup archive carries them.
var Files = []string{appFile, backupsFile}

// App are the settings the window edits (Settings → Analysis, the watched folder) and the
// command-line tools honour (the same fields as ui.Settings, so the two convert).
type App struct {
	BaseURL           string `json:"base_url,omitempty"`
	Model             string `json:"model,omitempty"`
	Detail            string `json:"detail,omitempty"`
	Concurrency       int    `json:"concurrency,omitempty"`
	RequestsPerMinute int    `json:"requests_per_minute,omitempty"`
	WatchFolder       string `json:"watch_folder,omitempty"`
}

// Load reads the App settings of the data folder dir.
func Load(dir string) App {
	var s App
	read(dir, appFile, &s)
	return s
}

// Save writes the App settings of the data folder dir, replacing the file whole.
func Save(dir string, s App) error { return write(dir, appFile, s) }

// Backups is Settings → Backups: where automatic backups go, how many are kept, and when the last
// backup was made (for "last backup: N days ago").
type Backups struct {
	Folder     string    `json:"folder,omitempty"`
	Auto       bool      `json:"auto,omitempty"`
	Keep       int       `json:"keep,omitempty"`
	LastBackup time.Time `json:"last_backup,omitempty"`
	LastFile   string    `json:"last_file,omitempty"`
}

// DefaultKeep is how many automatic backups are kept in the folder.
const DefaultKeep = 7

// LoadBackups reads Settings → Backups of the data folder dir (Keep is at least 1: DefaultKeep
// unless set).
func LoadBackups(dir string) Backups {
	var c Backups
	read(dir, backupsFile, &c)
	if c.Keep <= 0 {
		c.Keep = DefaultKeep
	}
	return c
}

// SaveBackups writes Settings → Backups of the data folder dir.
func SaveBackups(dir string, c Backups) error { return write(dir, backupsFile, c) }

func read(dir, name string, v any) {
	if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
		_ = json.Unmarshal(b, v)
	}
}

// write replaces the file whole: a temporary file beside it, renamed over it.
func write(dir, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, name+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, name))
}
