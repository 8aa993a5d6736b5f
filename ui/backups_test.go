package ui

import (
	"context"
	"strings"
	"testing"
	"time"
)

// fakeBackups is a Backend that offers backups, for the window's side only (the archive itself is
// tested in store and end to end).
type fakeBackups struct {
	last    time.Time
	free    uint64
	low     bool
	s       BackupSettings
	backups int
}

func (f *fakeBackups) ApplySettings(Settings) error                           { return nil }
func (f *fakeBackups) Settings() Settings                                     { return Settings{} }
func (f *fakeBackups) TestConnection(context.Context, Settings, string) error { return nil }
func (f *fakeBackups) APIKeySource() string                                   { return "" }
func (f *fakeBackups) SaveAPIKey(string) error                                { return nil }
func (f *fakeBackups) Connection() Connection                                 { return Connection{} }
func (f *fakeBackups) BackupSettings() BackupSettings                         { return f.s }
func (f *fakeBackups) SaveBackupSettings(s BackupSettings) error              { f.s = s; return nil }
func (f *fakeBackups) LastBackup() time.Time                                  { return f.last }
func (f *fakeBackups) RestoreAtQuit(string)                                   {}
func (f *fakeBackups) DiskSpace() (uint64, bool)                              { return f.free, f.low }
func (f *fakeBackups) CheckBackup(context.Context, string) (BackupInfo, error) {
	return BackupInfo{}, nil
}
func (f *fakeBackups) BackupNow(context.Context) (string, error) {
	f.backups++
	f.last = testToday
	return "/x.zip", nil
}

func TestBackupStatusText(t *testing.T) {
	now := testToday
	for _, tc := range []struct {
		last time.Time
		free uint64
		low  bool
		want string
	}{
		{now.Add(-2 * time.Hour), 5 << 30, false, ""},
		{now.Add(-9 * 24 * time.Hour), 5 << 30, false, "Last backup: 9 days ago"},
		{time.Time{}, 5 << 30, false, "No backup yet"},
		{now.Add(-time.Hour), 120 << 20, true, "Disk nearly full: 120 MB free"},
	} {
		if got := backupStatusText(tc.last, now, tc.free, tc.low); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

// The status bar says when the last backup is old and when the disk is nearly full.
func TestStatusBarWarnsOfOldBackupAndFullDisk(t *testing.T) {
	h := newHarness(t)
	fb := &fakeBackups{last: testToday.Add(-9 * 24 * time.Hour), free: 120 << 20, low: true, s: BackupSettings{Keep: 7}}
	h.u.d.Backend = fb
	h.start()
	if !h.u.backupBar.root.Visible() {
		t.Fatal("no backup warning in the status bar")
	}
	got := h.u.backupBar.label.Text
	if !strings.Contains(got, "Last backup: 9 days ago") || !strings.Contains(got, "Disk nearly full: 120 MB free") {
		t.Fatalf("status bar: %q", got)
	}
	h.u.ShowBackups() // opens without a display
	fb.last, fb.low = testToday, false
	h.u.refreshBackupStatus()
	if h.u.backupBar.root.Visible() {
		t.Fatalf("warning still shown: %q", h.u.backupBar.label.Text)
	}
}
