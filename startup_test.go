package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"medinventory/store"
)

func TestChooseStartupDialog(t *testing.T) {
	title, text := `Medicine Inventory cannot start`, `the inventory at "C:\Users\Zoë\x" cannot be opened: it's locked`
	has := func(names ...string) func(string) (string, error) {
		return func(name string) (string, error) {
			for _, n := range names {
				if n == name {
					return "/usr/bin/" + name, nil
				}
			}
			return "", errors.New("not found")
		}
	}
	for _, c := range []struct {
		goos  string
		tools []string
		want  startupDialog
	}{
		{"windows", nil, startupDialog{messageBox: true}},
		{"darwin", nil, startupDialog{argv: []string{"osascript", "-e", "on run argv", "-e",
			`display alert (item 1 of argv) message (item 2 of argv) as critical buttons {"OK"} default button "OK"`, "-e", "end run", title, text}}},
		{"linux", []string{"zenity", "kdialog"}, startupDialog{argv: []string{"/usr/bin/zenity", "--error", "--no-markup", "--width=420", "--title", title, "--text", text}}},
		{"linux", []string{"kdialog"}, startupDialog{argv: []string{"/usr/bin/kdialog", "--title", title, "--error", text}}},
		{"freebsd", []string{"zenity"}, startupDialog{argv: []string{"/usr/bin/zenity", "--error", "--no-markup", "--width=420", "--title", title, "--text", text}}},
		{"linux", nil, startupDialog{}},
	} {
		if got := chooseStartupDialog(c.goos, has(c.tools...), title, text); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s with %v: %#v\nwant %#v", c.goos, c.tools, got, c.want)
		}
	}
}

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
	dialogEnv := []string{"PATH=" + fake + string(os.PathListSeparator) + os.Getenv("PATH"), noDialogEnv + "="}
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

// Once Fyne runs, a start-up error gets a window of its own with the message and a Close button.
func TestStartupErrorInFyneWindow(t *testing.T) {
	t.Setenv(noDialogEnv, "")
	a := test.NewTempApp(t)
	var stderr strings.Builder
	reportStartupErrorInWindow(a, &stderr, fmt.Errorf("cannot start the analysis: %w", errors.New("disk I/O error")))
	var win fyne.Window
	var titles []string
	for _, w := range a.Driver().AllWindows() {
		titles = append(titles, w.Title())
		if w.Title() == "Medicine Inventory cannot start" {
			win = w
		}
	}
	if win == nil {
		t.Fatalf("no window titled as the error; windows: %q", titles)
	}
	var texts []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			texts = append(texts, w.Text)
		case *widget.Button:
			texts = append(texts, "["+w.Text+"]")
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(win.Content())
	if want := []string{"cannot start the analysis: disk I/O error", "[Close]"}; !reflect.DeepEqual(texts, want) {
		t.Fatalf("window shows %q; want %q", texts, want)
	}
	if stderr.String() != "medinventory: cannot start the analysis: disk I/O error\n" {
		t.Fatalf("stderr %q", stderr.String())
	}
}
