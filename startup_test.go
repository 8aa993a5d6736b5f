package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"medinventory/store"
	"medinventory/ui/startup"
)

// The three start-up errors the issue names reach a window (here a stand-in zenity that records
// what it was asked to show), as well as standard error; with MEDINVENTORY_NO_DIALOG set, only
// standard error.
func TestStartupErrorsShownInAWindow(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the stand-in dialog is a shell script named zenity; Linux only")
	}
	fake := t.TempDir()
	rec := filepath.Join(fake, "shown.txt")
	script := fmt.Sprintf("#!/bin/sh\nfor a in \"$@\"; do printf '%%s\\n' \"$a\"; done >> %q\necho ---- >> %q\n", rec, rec)
	if err := os.WriteFile(filepath.Join(fake, "zenity"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	dialogEnv := []string{"PATH=" + fake + string(os.PathListSeparator) + os.Getenv("PATH"), startup.NoDialogEnv + "="}
	shown := func() string {
		b, _ := os.ReadFile(rec)
		os.Remove(rec)
		return string(b)
	}

	// 1. The window is already open (this test holds its lock).
	open := t.TempDir()
	l, err := store.AcquireLock(open, "window")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	r := runBin(t, dialogEnv, "--data-dir", open)
	got := shown()
	wantPID := fmt.Sprintf("(process %d)", os.Getpid())
	if r.code != 3 || !strings.Contains(got, "--title\nMedicine Inventory is already open\n") || !strings.Contains(got, wantPID) ||
		!strings.Contains(r.stderr, wantPID) {
		t.Errorf("already open: exit %d, stderr %q, shown:\n%s", r.code, r.stderr, got)
	}

	// 2. A data dir that cannot be opened (a file stands where the folder should be).
	notDir := filepath.Join(t.TempDir(), "inventory")
	if err := os.WriteFile(notDir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = runBin(t, dialogEnv, "--data-dir", notDir)
	got = shown()
	if r.code != 1 || !strings.Contains(got, "Medicine Inventory cannot start") || !strings.Contains(got, "cannot create the data folder "+notDir) {
		t.Errorf("data dir: exit %d, stderr %q, shown:\n%s", r.code, r.stderr, got)
	}

	// 3. A database written by a newer version.
	newer := t.TempDir()
	st := openDB(t, newer)
	if _, err := st.DB().ExecContext(context.Background(), fmt.Sprintf("PRAGMA user_version = %d", store.SchemaVersion()+1)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	r = runBin(t, dialogEnv, "--data-dir", newer)
	got = shown()
	if r.code != 1 || !strings.Contains(got, "Medicine Inventory cannot start") || !strings.Contains(got, "newer version") {
		t.Errorf("newer database: exit %d, stderr %q, shown:\n%s", r.code, r.stderr, got)
	}

	// With MEDINVENTORY_NO_DIALOG (as every other test runs), standard error only.
	r = runBin(t, []string{"PATH=" + fake + string(os.PathListSeparator) + os.Getenv("PATH")}, "--data-dir", open)
	if got := shown(); r.code != 3 || got != "" || !strings.Contains(r.stderr, "already open") {
		t.Errorf("no dialog: exit %d, stderr %q, shown:\n%s", r.code, r.stderr, got)
	}
}
