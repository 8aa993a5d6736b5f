package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrLocked is returned by AcquireLock when another process holds the lock. The message is shown
// to the user as it is, and starts with the product's name.
//
//lint:ignore ST1005 a proper noun, not a capitalised error string
var ErrLocked = errors.New("Medicine Inventory is already open on this inventory")

// Lock is a held lock file; Release lets it go. The operating system releases it too if the
// process dies, so a crash never leaves the inventory locked.
type Lock struct {
	f *os.File
}

// AcquireLock takes the lock file <dir>/<name>.lock without waiting. The window takes "window" so
// that one person does not open two windows on one inventory; command-line tools do not need it.
func AcquireLock(dir, name string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, name+".lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := lockFile(f); err != nil {
		pid := ""
		if b, rerr := os.ReadFile(path); rerr == nil {
			pid = strings.TrimSpace(string(b))
		}
		f.Close()
		if pid != "" {
			return nil, fmt.Errorf("%w (process %s). Switch to the window that is already open, or close it first", ErrLocked, pid)
		}
		return nil, fmt.Errorf("%w. Switch to the window that is already open, or close it first", ErrLocked)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return &Lock{f: f}, nil
}

// Release lets the lock go.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = unlockFile(l.f)
	err := l.f.Close()
	l.f = nil
	return err
}
