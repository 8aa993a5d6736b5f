package startup

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"

	"medinventory/store"
)

// TestPathAdvice: a start-up error about a path says which path and what to do (on Windows the
// system's own words were the whole message box: "Path not found."); others are left as they are.
func TestPathAdvice(t *testing.T) {
	bare := &fs.PathError{Op: "mkdir", Path: `Q:\inventory`, Err: syscall.ENOENT}
	err := PathAdvice(fmt.Errorf("cannot create the data folder %s: %w", `Q:\inventory\x`, bare))
	msg := err.Error()
	for _, want := range []string{`Check that Q:\inventory exists`, "--data-dir", "cannot create the data folder"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "..") {
		t.Errorf("message %q has a doubled full stop", msg)
	}
	if !errors.Is(err, syscall.ENOENT) {
		t.Error("the advice hides the cause from errors.Is")
	}
	locked := fmt.Errorf("%w. Switch to the window that is already open", store.ErrLocked)
	if got := PathAdvice(locked); got != locked {
		t.Errorf("already open: %q, want it unchanged", got)
	}
	other := errors.New("database version 9 is newer than this app")
	if got := PathAdvice(other); got != other {
		t.Errorf("no path in it: %q, want it unchanged", got)
	}
}
