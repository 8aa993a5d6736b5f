//go:build unix

package store_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used (user + system). The benchmarks report it per
// operation beside ns/op: on a shared machine the wall time also counts waiting for a core.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
