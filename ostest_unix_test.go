//go:build unix

package main

import (
	"os"
	"runtime"
	"syscall"
)

// peakRSSKB is an exited process's peak resident set size in KiB, and whether the OS reports it.
// Linux and the BSDs report ru_maxrss in KiB, macOS in bytes.
func peakRSSKB(ps *os.ProcessState) (int64, bool) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok || ru.Maxrss == 0 {
		return 0, false
	}
	kb := int64(ru.Maxrss)
	if runtime.GOOS == "darwin" {
		kb /= 1024
	}
	return kb, true
}

// mkfifo makes a named pipe (a FIFO) at path.
func mkfifo(path string) error { return syscall.Mkfifo(path, 0o600) }
