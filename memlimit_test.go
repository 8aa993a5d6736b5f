package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// The app runs with the soft memory limit unless GOMEMLIMIT says otherwise.
func TestMemoryLimitIsSet(t *testing.T) {
	if os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOMEMLIMIT is set: it wins over the app's limit")
	}
	if got := debug.SetMemoryLimit(-1); got != memoryLimit {
		t.Errorf("memory limit %d MB, want %d MB", got>>20, memoryLimit>>20)
	}
}
