//go:build unix

package barcode

import (
	"syscall"
	"time"
)

// cpuNow is the process's CPU time (user + system). Benchmarks run with -cpu 1 time Read by it,
// so a machine busy with other work does not inflate the figures the way wall time does.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
