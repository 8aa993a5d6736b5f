package startup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"medinventory/store"
)

// texts lists the labels (as they read) and the visible buttons ("[text]") under o, in order.
func texts(t *testing.T, o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.Button:
			out = append(out, "["+w.Text+"]")
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		default:
			if wid, ok := o.(fyne.Widget); ok {
				r := test.TempWidgetRenderer(t, wid)
				for _, c := range r.Objects() {
					walk(c)
				}
			}
		}
	}
	walk(o)
	return out
}

// button finds the visible button labelled text under o.
func button(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() || found != nil {
			return
		}
		switch w := o.(type) {
		case *widget.Button:
			if w.Text == text {
				found = w
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		default:
			if wid, ok := o.(fyne.Widget); ok {
				r := test.TempWidgetRenderer(t, wid)
				for _, c := range r.Objects() {
					walk(c)
				}
			}
		}
	}
	walk(o)
	if found == nil {
		t.Fatalf("no button %q in %q", text, texts(t, o))
	}
	return found
}

func olderCopy(dir string) *store.IdentityError {
	return &store.IdentityError{Dir: dir, Kind: store.IdentityRolledBack, Photos: 2, Marker: true, DBGeneration: 5, FolderGeneration: 11}
}

// The older copy of the inventory gets its own window: what happened, and the two ways on —
// restore the newest backup (asked first, then passed on with its file) or continue with this
// copy. It never offers to start a new inventory.
func TestOlderCopyWindowChoices(t *testing.T) {
	backup := filepath.Join(t.TempDir(), "medinventory-backup-2026-12-01-093000.zip")
	made := time.Date(2026, 12, 1, 9, 30, 0, 0, time.Local)
	oc := OlderCopy{Err: olderCopy("/data/inv"), NewestBackup: backup, BackupMade: made, BackupFolder: filepath.Dir(backup)}

	for _, c := range []struct {
		name           string
		tap            []string // buttons in the window, then in its dialog
		what, file     string
		windowDisplays bool
	}{
		{"restore", []string{"Restore the newest backup…", "Restore"}, ChoiceRestore, backup, false},
		{"restore cancelled, then continue", []string{"Restore the newest backup…", "Cancel", "Continue with this copy"}, ChoiceContinue, "", false},
		{"continue", []string{"Continue with this copy"}, ChoiceContinue, "", false},
		{"quit", []string{"Quit"}, ChoiceQuit, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			calls := 0
			var what, file string
			w := ShowOlderCopy(a, oc, func(wh, f string) { calls++; what, file = wh, f })
			w.Show()
			all := strings.Join(texts(t, w.Content()), "\n")
			for _, want := range []string{"older copy of your inventory", "/data/inv", "6 changes fewer", "2 photos in the photos folder are not in this copy",
				"Nothing has been changed", "The newest backup is " + backup + ", made 1 Dec 2026 09:30", "before-restore",
				"registered again and queued", "Nothing is deleted", "[Quit]", "[Continue with this copy]", "[Another backup…]", "[Restore the newest backup…]"} {
				if !strings.Contains(all, want) {
					t.Fatalf("the window lacks %q:\n%s", want, all)
				}
			}
			if strings.Contains(strings.ToLower(all), "new inventory") || strings.Contains(strings.ToLower(all), "start fresh") {
				t.Fatalf("the window offers a new inventory:\n%s", all)
			}
			for _, b := range c.tap {
				var in fyne.CanvasObject = w.Content()
				if top := w.Canvas().Overlays().Top(); top != nil {
					in = top
				}
				test.Tap(button(t, in, b))
			}
			if calls != 1 || what != c.what || file != c.file {
				t.Fatalf("choice: %d call(s), %q %q; want %q %q", calls, what, file, c.what, c.file)
			}
			for _, open := range a.Driver().AllWindows() {
				if open == w {
					t.Fatal("the window stayed open after the choice")
				}
			}
		})
	}
}

// With no backup known, the restore button asks for the file; closing the window is quitting.
func TestOlderCopyWindowWithoutABackup(t *testing.T) {
	a := test.NewTempApp(t)
	var got []string
	w := ShowOlderCopy(a, OlderCopy{Err: olderCopy("/data/inv")}, func(wh, f string) { got = append(got, wh+":"+f) })
	w.Show()
	all := strings.Join(texts(t, w.Content()), "\n")
	if !strings.Contains(all, "No backup folder is set; you choose the backup file") || strings.Contains(all, "[Another backup…]") {
		t.Fatalf("window:\n%s", all)
	}
	test.Tap(button(t, w.Content(), "Restore the newest backup…"))
	if top := w.Canvas().Overlays().Top(); top == nil {
		t.Fatal("no file chooser opened")
	}
	if len(got) != 0 {
		t.Fatalf("a choice before a file was chosen: %q", got)
	}
	w.Close()
	if strings.Join(got, ",") != ChoiceQuit+":" {
		t.Fatalf("closing the window: %q", got)
	}
}

// A backup folder without backups is named, so the person knows where to look.
func TestOlderCopyTextNamesTheEmptyBackupFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	s := olderCopyText(OlderCopy{Err: olderCopy("/data/inv"), BackupFolder: dir})
	if !strings.Contains(s, "No backup was found in the backup folder "+dir) {
		t.Fatal(s)
	}
}

// What opening put right is shown once, in a dialog over the window, in the store's words; with
// nothing to say, no dialog.
func TestNotesShownInTheWindow(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("Medicine Inventory")
	w.Resize(fyne.NewSize(900, 700))
	w.Show()
	if d := ShowNotes(w, nil); d != nil || w.Canvas().Overlays().Top() != nil {
		t.Fatal("a dialog with nothing to say")
	}
	rep := store.OpenReport{TotalsRepaired: []int64{4, 9}, Restore: &store.InterruptedRestore{Finished: true, Dir: "/data/inv", KeptAt: "/data/inv.before-restore-x"}}
	msgs := rep.Messages()
	if len(msgs) != 2 {
		t.Fatalf("messages: %q", msgs)
	}
	ShowNotes(w, msgs)
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog")
	}
	all := strings.Join(texts(t, top), "\n")
	for _, want := range append([]string{NotesTitle, "[OK]"}, msgs...) {
		if !strings.Contains(all, want) {
			t.Fatalf("the dialog lacks %q:\n%s", want, all)
		}
	}
	test.Tap(button(t, top, "OK"))
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("the dialog stayed after OK")
	}
}

// The upgrade's progress, as the progress window shows it: the line and the bar.
func TestProgressWindow(t *testing.T) {
	a := test.NewTempApp(t)
	p := NewProgress(a)
	p.Window().Show()
	p.Set(store.MigrationProgress{Done: 12000, Total: 60000})
	all := strings.Join(texts(t, p.Window().Content()), "\n")
	if !strings.Contains(all, "Upgrading the inventory… 12,000 of 60,000 entries") || !strings.Contains(all, "opens by itself") {
		t.Fatalf("progress window:\n%s", all)
	}
	if p.bar.Value != 0.2 {
		t.Fatalf("bar at %v, want 0.2", p.bar.Value)
	}
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 60007: "60,007", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
