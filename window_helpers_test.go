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
	"medinventory/ui/startup"
)

// What the tests that drive the real window share: an X server and xdotool, finding a window,
// starting the window on a data folder and ending the one it opened again.

// needsX skips a test that drives the real window when there is no X server or no xdotool.
func needsX(t *testing.T) {
	t.Helper()
	if os.Getenv("DISPLAY") == "" {
		t.Skip("needs an X server: set DISPLAY (Xvfb will do)")
	}
	if _, err := exec.LookPath("xdotool"); err != nil {
		t.Skip("needs xdotool")
	}
}

// xdo runs xdotool and returns what it printed, trimmed.
func xdo(args ...string) string {
	b, _ := exec.Command("xdotool", args...).CombinedOutput()
	return strings.TrimSpace(string(b))
}

// waitWindow waits up to 30 s for exactly one window whose name matches the regexp name and
// returns its id.
func waitWindow(t *testing.T, name string) string {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		if id := xdo("search", "--name", name); id != "" && !strings.Contains(id, " ") {
			return strings.Fields(id)[0]
		}
	}
	t.Fatalf("no window named %q appeared", name)
	return ""
}

// olderCopyOf makes data an inventory whose database is an older copy of itself, as a copied
// folder or a sync tool leaves it: photo a.jpg imported, the database copied, b.jpg and c.jpg
// imported (then between, if any, runs), and the copy put back. seed picks the photos.
func olderCopyOf(t *testing.T, data string, seed int, between func()) {
	t.Helper()
	in1, in2 := t.TempDir(), t.TempDir()
	photoJPEG(t, filepath.Join(in1, "a.jpg"), seed)
	photoJPEG(t, filepath.Join(in2, "b.jpg"), seed+1)
	photoJPEG(t, filepath.Join(in2, "c.jpg"), seed+2)
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
	if between != nil {
		between()
	}
	os.Remove(db + "-wal")
	os.Remove(db + "-shm")
	if err := os.WriteFile(db, old, 0o600); err != nil {
		t.Fatal(err)
	}
}

// startedWindow is the window of the real binary started on a data folder by startWindow.
type startedWindow struct {
	cmd    *exec.Cmd
	exited chan error // the process's end (Wait)
	errs   string     // the file its stderr goes to
}

// stderr is what the window wrote to stderr so far.
func (w *startedWindow) stderr() string { b, _ := os.ReadFile(w.errs); return string(b) }

// startWindow starts the window on data (start-up dialogs allowed, on this test's X server); it is
// killed at the end of the test if still running.
func startWindow(t *testing.T, data string) *startedWindow {
	t.Helper()
	gui := exec.Command(binary(t), "--data-dir", data)
	gui.Env = append(cleanEnv(), startup.NoDialogEnv+"=", "DISPLAY="+os.Getenv("DISPLAY"), "HOME="+t.TempDir())
	// A file, not a pipe: the window opened again inherits it, and Wait would wait for it too.
	errFile, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { errFile.Close() })
	gui.Stderr = errFile
	if err := gui.Start(); err != nil {
		t.Fatal(err)
	}
	w := &startedWindow{cmd: gui, exited: make(chan error, 1), errs: errFile.Name()}
	go func() { w.exited <- gui.Wait() }()
	t.Cleanup(func() {
		select {
		case <-w.exited:
		default:
			gui.Process.Kill()
		}
	})
	return w
}

// reopened finds the main window the first one opened again (another process) and ends it with
// SIGTERM; check, if any, runs first with that window's id and process.
func (w *startedWindow) reopened(t *testing.T, check func(win string, pid int)) {
	t.Helper()
	main := waitWindow(t, "^Medicine Inventory$")
	pid, err := strconv.Atoi(xdo("getwindowpid", main))
	if err != nil || pid == w.cmd.Process.Pid {
		t.Fatalf("the window opened again: pid %q (%v)", xdo("getwindowpid", main), err)
	}
	relaunched, _ := os.FindProcess(pid)
	defer relaunched.Kill()
	if check != nil {
		check(main, pid)
	}
	relaunched.Signal(syscall.SIGTERM)
	for deadline := time.Now().Add(15 * time.Second); relaunched.Signal(syscall.Signal(0)) == nil; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the window did not close on SIGTERM")
		}
	}
}
