package settings

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// What is saved is read back; a folder without the files, or with a damaged one, reads as the
// defaults (7 backups kept), and a file is never left half written.
func TestSettingsRoundTripAndDefaults(t *testing.T) {
	dir := t.TempDir()
	if got := Load(dir); got != (App{}) {
		t.Fatalf("no file: %+v", got)
	}
	if got := LoadBackups(dir); got.Keep != DefaultKeep || got.Folder != "" {
		t.Fatalf("no file: %+v", got)
	}
	a := App{BaseURL: "http://localhost:1234/v1", Model: "m", Detail: "high", Concurrency: 2, RequestsPerMinute: 30, WatchFolder: "/in"}
	if err := Save(dir, a); err != nil {
		t.Fatal(err)
	}
	if got := Load(dir); got != a {
		t.Fatalf("read back %+v, want %+v", got, a)
	}
	b := Backups{Folder: "/media/usb", Auto: true, Keep: 3, LastBackup: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC), LastFile: "x.zip"}
	if err := SaveBackups(dir, b); err != nil {
		t.Fatal(err)
	}
	if got := LoadBackups(dir); got != b {
		t.Fatalf("read back %+v, want %+v", got, b)
	}
	if err := os.WriteFile(filepath.Join(dir, "settings.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := Load(dir); got != (App{}) {
		t.Fatalf("damaged file: %+v", got)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
	if len(Files) != 2 {
		t.Fatalf("Files %v", Files)
	}
}
