package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
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
	if os.Getenv("DISPLAY") == "" {
		t.Skip("needs an X server: set DISPLAY (Xvfb will do)")
	}
	if _, err := exec.LookPath("xdotool"); err != nil {
		t.Skip("needs xdotool")
	}
	data, in1, in2 := t.TempDir(), t.TempDir(), t.TempDir()
	photoJPEG(t, filepath.Join(in1, "a.jpg"), 420)
	photoJPEG(t, filepath.Join(in2, "b.jpg"), 421)
	photoJPEG(t, filepath.Join(in2, "c.jpg"), 422)
	if r := runBin(t, nil, "--data-dir", data, "import", in1); r.code != 0 {
		t.Fatalf("import: %d %s", r.code, r.stderr)
	}
	db := filepath.Join(data, store.DBName)
	old, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if r := runBin(t, nil, "--data-dir", data, "import", in2); r.code != 0 {
		t.Fatalf("import: %d %s", r.code, r.stderr)
	}
	os.Remove(db + "-wal")
	os.Remove(db + "-shm")
	if err := os.WriteFile(db, old, 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadDir(data)

	xdo := func(args ...string) string {
		b, _ := exec.Command("xdotool", args...).CombinedOutput()
		return strings.TrimSpace(string(b))
	}
	waitWindow := func(name string) string {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
			if id := xdo("search", "--name", name); id != "" && !strings.Contains(id, " ") {
				return strings.Fields(id)[0]
			}
		}
		t.Fatalf("no window named %q appeared", name)
		return ""
	}
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

	env := append(cleanEnv(), startup.NoDialogEnv+"=", "DISPLAY="+os.Getenv("DISPLAY"), "HOME="+t.TempDir())
	gui := exec.Command(binary(t), "--data-dir", data)
	gui.Env = env
	// A file, not a pipe: the window opened again inherits it, and Wait would wait for it too.
	errFile, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer errFile.Close()
	gui.Stderr = errFile
	stderr := func() string { b, _ := os.ReadFile(errFile.Name()); return string(b) }
	if err := gui.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- gui.Wait() }()
	defer func() {
		select {
		case <-exited:
		default:
			gui.Process.Kill()
		}
	}()
	win := waitWindow("^" + startup.OlderCopyTitle + "$")
	time.Sleep(time.Second) // drawn
	shot(win, "older-copy.png")
	if xdo("search", "--name", "could not be opened") != "" {
		t.Fatal("the generic \"could not be opened\" window came too")
	}

	// Quit, Continue with this copy, …: the second button, with the keyboard.
	xdo("windowfocus", win)
	xdo("key", "--window", win, "Tab", "Tab", "space")
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("after Continue: %v\n%s", err, stderr())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("still running after Continue\n%s", stderr())
	}
	main := waitWindow("^Medicine Inventory$")
	pid, err := strconv.Atoi(xdo("getwindowpid", main))
	if err != nil || pid == gui.Process.Pid {
		t.Fatalf("the window opened again: pid %q (%v)", xdo("getwindowpid", main), err)
	}
	relaunched, _ := os.FindProcess(pid)
	defer relaunched.Kill()
	time.Sleep(2 * time.Second)
	shot(main, "older-copy-continued.png")
	cmdline, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if !strings.Contains(string(cmdline), "--continue-with-this-copy") {
		t.Fatalf("opened again with %q", cmdline)
	}
	relaunched.Signal(syscall.SIGTERM)
	for deadline := time.Now().Add(15 * time.Second); relaunched.Signal(syscall.Signal(0)) == nil; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the window did not close on SIGTERM")
		}
	}

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
		t.Fatalf("the data folder changed beyond the database: %q → %q\n%s", names(before), names(after), stderr())
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
	if os.Getenv("DISPLAY") == "" {
		t.Skip("needs an X server: set DISPLAY (Xvfb will do)")
	}
	if _, err := exec.LookPath("xdotool"); err != nil {
		t.Skip("needs xdotool")
	}
	parent, in1, in2, backups := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	data := filepath.Join(parent, "inventory")
	photoJPEG(t, filepath.Join(in1, "a.jpg"), 430)
	photoJPEG(t, filepath.Join(in2, "b.jpg"), 431)
	photoJPEG(t, filepath.Join(in2, "c.jpg"), 432)
	if r := runBin(t, nil, "--data-dir", data, "import", in1); r.code != 0 {
		t.Fatalf("import: %d %s", r.code, r.stderr)
	}
	db := filepath.Join(data, store.DBName)
	old, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if r := runBin(t, nil, "--data-dir", data, "import", in2); r.code != 0 {
		t.Fatalf("import: %d %s", r.code, r.stderr)
	}
	backup := filepath.Join(backups, store.BackupName(time.Now()))
	if r := runBin(t, nil, "--data-dir", data, "backup", "-o", backup); r.code != 0 {
		t.Fatalf("backup: %d %s", r.code, r.stderr)
	}
	c := settings.LoadBackups(data)
	c.Folder = backups
	if err := settings.SaveBackups(data, c); err != nil {
		t.Fatal(err)
	}
	os.Remove(db + "-wal")
	os.Remove(db + "-shm")
	if err := os.WriteFile(db, old, 0o600); err != nil {
		t.Fatal(err)
	}

	xdo := func(args ...string) string {
		b, _ := exec.Command("xdotool", args...).CombinedOutput()
		return strings.TrimSpace(string(b))
	}
	waitWindow := func(name string) string {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
			if id := xdo("search", "--name", name); id != "" && !strings.Contains(id, " ") {
				return strings.Fields(id)[0]
			}
		}
		t.Fatalf("no window named %q appeared", name)
		return ""
	}
	env := append(cleanEnv(), startup.NoDialogEnv+"=", "DISPLAY="+os.Getenv("DISPLAY"), "HOME="+t.TempDir())
	gui := exec.Command(binary(t), "--data-dir", data)
	gui.Env = env
	errFile, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer errFile.Close()
	gui.Stderr = errFile
	stderr := func() string { b, _ := os.ReadFile(errFile.Name()); return string(b) }
	if err := gui.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- gui.Wait() }()
	defer func() {
		select {
		case <-exited:
		default:
			gui.Process.Kill()
		}
	}()
	win := waitWindow("^" + startup.OlderCopyTitle + "$")
	time.Sleep(time.Second)
	xdo("windowfocus", win)
	// Quit, Continue with this copy, Another backup…, Restore the newest backup…
	xdo("key", "--window", win, "Tab", "Tab", "Tab", "Tab", "space")
	time.Sleep(time.Second)
	xdo("key", "--window", win, "Tab", "Tab", "space") // the confirmation: Cancel, Restore
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("after Restore: %v\n%s", err, stderr())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("still running after Restore\n%s", stderr())
	}
	if !strings.Contains(stderr(), "restored "+backup) {
		t.Fatalf("no restore said:\n%s", stderr())
	}
	main := waitWindow("^Medicine Inventory$")
	pid, err := strconv.Atoi(xdo("getwindowpid", main))
	if err != nil || pid == gui.Process.Pid {
		t.Fatalf("the window opened again: pid %q (%v)", xdo("getwindowpid", main), err)
	}
	relaunched, _ := os.FindProcess(pid)
	defer relaunched.Kill()
	relaunched.Signal(syscall.SIGTERM)
	for deadline := time.Now().Add(15 * time.Second); relaunched.Signal(syscall.Signal(0)) == nil; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the window did not close on SIGTERM")
		}
	}
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
