//go:build !windows

package outfile

import (
	"errors"
	"syscall"
)

func isNoSpace(err error) bool { return errors.Is(err, syscall.ENOSPC) }

func isReadOnlyFS(err error) bool { return errors.Is(err, syscall.EROFS) }
