//go:build !linux && !windows

package photomem

// residentBytes: not read on this system, macOS included (task_info would give it; the fixed
// Budget applies).
func residentBytes() (int64, bool) { return 0, false }
