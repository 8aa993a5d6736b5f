package photomem

import (
	"bytes"
	"os"
	"strconv"
)

// residentBytes is the process's resident memory (RSS: anonymous and file-backed pages, the
// figure the kernel's peak VmHWM follows), from /proc/self/statm.
func residentBytes() (int64, bool) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, false
	}
	f := bytes.Fields(b)
	if len(f) < 2 {
		return 0, false
	}
	pages, err := strconv.ParseInt(string(f[1]), 10, 64)
	if err != nil {
		return 0, false
	}
	return pages * int64(os.Getpagesize()), true
}
