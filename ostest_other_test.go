//go:build !unix

package main

import (
	"errors"
	"os"
)

// peakRSSKB reports no peak memory on Windows: its os.ProcessState carries only times (the
// process's memory counters are gone with its handle).
func peakRSSKB(*os.ProcessState) (int64, bool) { return 0, false }

// mkfifo: Windows has no named pipes in the file system; a test that needs one skips.
func mkfifo(string) error { return errors.New("no FIFOs on this OS") }
