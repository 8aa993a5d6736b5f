//go:build !linux

package photomem

// residentBytes: not read on this system (the fixed Budget applies).
func residentBytes() (int64, bool) { return 0, false }
