package outfile

import (
	"errors"
	"syscall"
)

// ERROR_HANDLE_DISK_FULL (39) and ERROR_DISK_FULL (112).
func isNoSpace(err error) bool {
	return errors.Is(err, syscall.Errno(39)) || errors.Is(err, syscall.Errno(112))
}

// ERROR_WRITE_PROTECT (19).
func isReadOnlyFS(err error) bool { return errors.Is(err, syscall.Errno(19)) }
