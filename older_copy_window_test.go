package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"medinventory/store"
	"medinventory/store/settings"
	"medinventory/ui/startup"
)

// Issue 23 item 4, in the window: the real binary, started on a data folder whose database is an
// older copy of its inventory, opens its own window for it (never the "start a new inventory"
// one); "Continue with this copy", chosen with the keyboard, opens the main window again with
// --continue-with-this-copy, which lists the photos added since again. It needs an X server
// (DISPLAY; Xvfb will do) and xdotool; MEDINVENTORY_WINDOW_SHOTS, when set, is where the
// screenshots go (older-copy.png, older-copy-continued.png).
func TestWindowOlderCopyContinued(t *testing.T) {
	needsX(t)
	data := t.TempDir()
	olderCopyOf(t, data, 420, nil)
	before, _ := os.ReadDir(data)

	shots := os.Getenv("MEDINVENTORY_WINDOW_SHOTS")
	shot := func(win, name string) {
		if shots == "" {
			return
		}
		size := "1180x720"
		if geo := xdo("getwindowgeometry", win); strings.Contains(geo, "Geometry: ") {
			size = strings.TrimSpace(geo[strings.Index(geo, "Geometry: ")+len("Geometry: "):])
		}
		p := filepath.Join(shots, name)
		if b, err := exec.Command("import", "-window", "root", "-crop", size+"+0+0", "+repage", p).CombinedOutput(); err != nil {
			t.Fatalf("import: %v %s", err, b)
		}
		t.Logf("wrote %s", p)
	}

	gui := startWindow(t, data)
	win := waitWindow(t, "^"+startup.OlderCopyTitle+"$")
	time.Sleep(time.Second) // drawn
	shot(win, "older-copy.png")
	if xdo("search", "--name", "could not be opened") != "" {
		t.Fatal("the generic \"could not be opened\" window came too")
	}

	// Quit, Continue with this copy, …: the second button, with the keyboard.
	xdo("windowfocus", win)
	xdo("key", "--window", win, "Tab", "Tab", "space")
	select {
	case err := <-gui.exited:
		if err != nil {
			t.Fatalf("after Continue: %v\n%s", err, gui.stderr())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("still running after Continue\n%s", gui.stderr())
	}
	gui.reopened(t, func(main string, pid int) {
		time.Sleep(2 * time.Second)
		shot(main, "older-copy-continued.png")
		cmdline, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
		if !strings.Contains(string(cmdline), "--continue-with-this-copy") {
			t.Fatalf("opened again with %q", cmdline)
		}
	})

	// The photos added since the copy are listed again; nothing was set aside or started anew.
	r := runBin(t, nil, "--data-dir", data, "jobs")
	if r.code != 0 || strings.Count(r.stdout, "recovered ") != 2 || strings.Contains(r.stderr, "older copy") {
		t.Fatalf("after continuing in the window: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	after, _ := os.ReadDir(data)
	names := func(es []os.DirEntry) (out []string) {
		for _, e := range es {
			// The window's lock files, its log and the database's own files may come and go.
			if !strings.HasPrefix(e.Name(), "window.") && e.Name() != "logs" && !strings.HasPrefix(e.Name(), store.DBName+"-") {
				out = append(out, e.Name())
			}
		}
		return out
	}
	if strings.Join(names(before), ",") != strings.Join(names(after), ",") {
		t.Fatalf("the data folder changed beyond the database: %q → %q\n%s", names(before), names(after), gui.stderr())
	}
}

// The older-copy window offers the newest backup: the newest archive named like a backup in
// Settings → Backups' folder, or the last one written elsewhere when that is newer; a relative
// name recorded by the backup command says nothing about where it is and is not taken.
func TestNewestBackupForTheOlderCopyWindow(t *testing.T) {
	data, folder, elsewhere := t.TempDir(), t.TempDir(), t.TempDir()
	write := func(p string, at time.Time) {
		if err := os.WriteFile(p, []byte("zip"), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, at, at)
	}
	day := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	write(filepath.Join(folder, store.BackupName(day)), day)
	newest := filepath.Join(folder, store.BackupName(day.Add(48*time.Hour)))
	write(newest, day.Add(48*time.Hour))
	write(filepath.Join(folder, "notes.zip"), day.Add(96*time.Hour)) // not named like a backup
	last := filepath.Join(elsewhere, "mine.zip")
	write(last, day.Add(24*time.Hour))
	save := func(c settings.Backups) {
		if err := settings.SaveBackups(data, c); err != nil {
			t.Fatal(err)
		}
	}

	if f, _, _ := newestBackup(data); f != "" {
		t.Fatalf("no settings: %q", f)
	}
	save(settings.Backups{Folder: folder, LastFile: last, LastBackup: day.Add(24 * time.Hour)})
	if f, made, dir := newestBackup(data); f != newest || !made.Equal(day.Add(48*time.Hour)) || dir != folder {
		t.Fatalf("got %q %v %q; want %q", f, made, dir, newest)
	}
	save(settings.Backups{Folder: folder, LastFile: last, LastBackup: day.Add(72 * time.Hour)})
	if f, made, _ := newestBackup(data); f != last || !made.Equal(day.Add(72*time.Hour)) {
		t.Fatalf("the last one written is newer: got %q %v", f, made)
	}
	save(settings.Backups{LastFile: "backups/" + filepath.Base(newest), LastBackup: day.Add(72 * time.Hour)})
	if f, _, dir := newestBackup(data); f != "" || dir != "" {
		t.Fatalf("a relative last file: got %q %q", f, dir)
	}
}

// The other choice, with the real binary: Restore the newest backup (4th button), confirmed with
// the keyboard, puts the backup made before the copy came back in place, keeps what was there
// beside it, and opens the window again on the restored inventory.
func TestWindowOlderCopyRestored(t *testing.T) {
	needsX(t)
	parent, backups := t.TempDir(), t.TempDir()
	data := filepath.Join(parent, "inventory")
	backup := filepath.Join(backups, store.BackupName(time.Now()))
	olderCopyOf(t, data, 430, func() {
		if r := runBin(t, nil, "--data-dir", data, "backup", "-o", backup); r.code != 0 {
			t.Fatalf("backup: %d %s", r.code, r.stderr)
		}
		c := settings.LoadBackups(data)
		c.Folder = backups
		if err := settings.SaveBackups(data, c); err != nil {
			t.Fatal(err)
		}
	})

	gui := startWindow(t, data)
	win := waitWindow(t, "^"+startup.OlderCopyTitle+"$")
	time.Sleep(time.Second)
	xdo("windowfocus", win)
	// Quit, Continue with this copy, Another backup…, Restore the newest backup…
	xdo("key", "--window", win, "Tab", "Tab", "Tab", "Tab", "space")
	time.Sleep(time.Second)
	xdo("key", "--window", win, "Tab", "Tab", "space") // the confirmation: Cancel, Restore
	select {
	case err := <-gui.exited:
		if err != nil {
			t.Fatalf("after Restore: %v\n%s", err, gui.stderr())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("still running after Restore\n%s", gui.stderr())
	}
	if !strings.Contains(gui.stderr(), "restored "+backup) {
		t.Fatalf("no restore said:\n%s", gui.stderr())
	}
	gui.reopened(t, nil)
	// The backup's inventory: all 3 photos, none "recovered"; the older copy kept beside it.
	r := runBin(t, nil, "--data-dir", data, "jobs")
	if r.code != 0 || strings.Count(r.stdout, ".jpg") != 3 || strings.Contains(r.stdout, "recovered") {
		t.Fatalf("after restoring in the window: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	aside, _ := filepath.Glob(filepath.Join(parent, "inventory*before-restore*", store.DBName))
	if len(aside) != 1 {
		t.Fatalf("the older copy is not kept beside: %q", aside)
	}
}
