// Package settings owns the settings kept in the data folder, and is the only code that reads or
// writes their files: settings.json (App: the model's server, model, detail, how many photos at
// once, requests per minute, the watched folder, the clinic's identity, its maximum months of
// stock and the language) and backups.json (Backups: Settings → Backups and
// when the last backup was made). Neither ever holds the API key (the OS keyring does). The
// window, the commands and the backups ask this package; a missing or unreadable file reads as
// the defaults.
package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"medinventory/assets/i18n"
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
	// The clinic, printed on its reports (issue 24): its name, facility code, district, and who
	// prepares the reports.
	ClinicName     string `json:"clinic_name,omitempty"`
	ClinicCode     string `json:"clinic_code,omitempty"`
	ClinicDistrict string `json:"clinic_district,omitempty"`
	PreparedBy     string `json:"prepared_by,omitempty"`
	// MaxMonths is the maximum months of stock the clinic keeps (the monthly report's maximum
	// quantity is AMC × MaxMonths); 0 means DefaultMaxMonths (MaxMonthsOrDefault).
	MaxMonths int `json:"max_months,omitempty"`
	// HubURL is the district hub this laptop syncs with (issue 28; `medinventory sync --hub`).
	// The device token is never here: the OS keyring keeps it.
	HubURL string `json:"hub_url,omitempty"`
	// Language is the language of the window, the reports and the command line: a tag of
	// i18n.Supported ("fr", "pt-BR"…), or "" for the system's.
	Language string `json:"language,omitempty"`
}

// DefaultMaxMonths is the maximum months of stock when nobody set it (stock.DefaultMaxMonths).
const DefaultMaxMonths = 3

// MaxMonthsOrDefault is MaxMonths, or DefaultMaxMonths when it is not set.
func (s App) MaxMonthsOrDefault() int {
	if s.MaxMonths <= 0 {
		return DefaultMaxMonths
	}
	return s.MaxMonths
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

// maxFileBytes is the largest settings file read (each is a few hundred bytes): a larger one is
// damaged or not the app's, and is not read (a 2 GB settings.json once took 24 s and 2 GB of memory
// at every start). store.ReadSmallFile applies the same limit to the files a restore unpacks.
const maxFileBytes = 1 << 20

// read reads the settings file name of dir into v. A missing file leaves v as it is; a damaged
// one too, said once on stderr with what to do.
func read(dir, name string, v any) {
	path := filepath.Join(dir, name)
	b, err := readSmall(path)
	if errors.Is(err, fs.ErrNotExist) {
		return
	} else if err != nil {
		fmt.Fprintf(os.Stderr, "medinventory: the default settings are used: %v. Move %s out of the data folder (or delete it): the app then starts with default settings, which you can set again\n", err, name)
		return
	}
	_ = json.Unmarshal(b, v)
}

// readSmall reads path whole if it is a regular file of at most maxFileBytes, checked before
// reading and counted while reading; it never opens a FIFO or a device.
func readSmall(path string) ([]byte, error) {
	st, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, i18n.Errorf("%s is not a regular file", path)
	}
	if st.Size() > maxFileBytes {
		return nil, i18n.Errorf("%s is %d MB, far larger than the app ever writes it", path, st.Size()>>20)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err == nil && len(b) > maxFileBytes {
		err = i18n.Errorf("%s grew past %d bytes while it was read", path, maxFileBytes)
	}
	return b, err
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
