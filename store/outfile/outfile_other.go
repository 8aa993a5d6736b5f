//go:build !windows

package outfile

// osFileInUse: on Linux and macOS a file open in another program can still be replaced by a
// rename, so there is no such error.
func osFileInUse(error) bool { return false }
