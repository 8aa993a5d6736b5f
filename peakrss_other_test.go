//go:build !unix

package main

import "os"

// peakRSSKB reports no peak memory on Windows: its os.ProcessState carries only times (the
// process's memory counters are gone with its handle).
func peakRSSKB(*os.ProcessState) (int64, bool) { return 0, false }
