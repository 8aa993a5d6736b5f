package store

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"medinventory/assets/i18n"
)

// ErrLocked is returned by AcquireLock when another process holds the lock. The message is shown
// to the user as it is, and starts with the product's name.
var ErrLocked = i18n.Err("Medicine Inventory is already open on this inventory")

// Lock is a held lock file; Release lets it go. The operating system releases it too if the
// process dies, so a crash never leaves the inventory locked.
//
// The holder's process id goes in a separate file, <name>.pid, not in the lock file itself: on
// Windows a LockFileEx lock stops every other process from reading the locked file, so the "already
// open (process N)" message could never read it there.
type Lock struct {
	f       *os.File
	pidPath string
}

// AcquireLock takes the lock file <dir>/<name>.lock without waiting. The window takes "window" so
// that one person does not open two windows on one inventory; command-line tools do not need it.
func AcquireLock(dir, name string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, name+".lock")
	pidPath := filepath.Join(dir, name+".pid")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, i18n.Errorf("open lock file: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if pid := readPID(pidPath); pid != "" {
			return nil, i18n.Errorf("%w (process %s). Switch to the window that is already open, or close it first", ErrLocked, pid)
		}
		return nil, i18n.Errorf("%w. Switch to the window that is already open, or close it first", ErrLocked)
	}
	// A pid file left by a crash is simply overwritten: the lock, not this file, says who holds it.
	_ = os.WriteFile(pidPath, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600)
	return &Lock{f: f, pidPath: pidPath}, nil
}

// readPID reads the holder's process id from its pid file, "" if there is none that makes sense.
func readPID(path string) string {
	b, err := ReadSmallFile(path, "") // size-checked: a pid file is a few bytes
	if err != nil {
		return ""
	}
	pid := strings.TrimSpace(string(b))
	if n, err := strconv.Atoi(pid); err != nil || n <= 0 {
		return ""
	}
	return pid
}

// Release lets the lock go.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = os.Remove(l.pidPath)
	_ = unlockFile(l.f)
	err := l.f.Close()
	l.f = nil
	return err
}
