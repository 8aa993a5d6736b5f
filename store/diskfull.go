package store

import (
	"errors"
	"io"
	"os"
	"strings"
	"syscall"

	sqlite "modernc.org/sqlite"

	"medinventory/assets/i18n"
)

// ErrDiskFull matches every *DiskFullError with errors.Is.
var ErrDiskFull = i18n.Err("the disk holding the inventory is full")

// LowSpaceBytes is the free space below which the window warns that the disk is nearly full.
const LowSpaceBytes = 500 << 20

// DiskFullError is a write that failed because the disk holding the data dir is full. It is never
// reported as a bad photo: the photo is fine, the disk is not. Nothing was half-added: the temp
// file is removed and no row was committed.
type DiskFullError struct {
	Dir  string
	Free uint64 // bytes free when the error was seen
	Err  error
}

func (e *DiskFullError) Error() string {
	return i18n.T("the disk holding the inventory is full: %d MB free. Make room on that disk (empty the trash, move large files elsewhere), then add the photos again; nothing was half-added",
		e.Free>>20)
}

func (e *DiskFullError) Unwrap() []error { return []error{ErrDiskFull, e.Err} }

// isNoSpace reports whether err is the operating system's or SQLite's "no space left".
func isNoSpace(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, ErrDiskFull) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == 13 { // SQLITE_FULL
		return true
	}
	return strings.Contains(err.Error(), "database or disk is full")
}

// diskFull turns a write error caused by a full disk into a *DiskFullError (other errors pass
// through unchanged).
func (s *Store) diskFull(err error) error {
	if !isNoSpace(err) {
		return err
	}
	var de *DiskFullError
	if errors.As(err, &de) {
		return err
	}
	free, _ := FreeSpace(s.dir)
	return &DiskFullError{Dir: s.dir, Free: free, Err: err}
}

// writeFile is the temp file a photo is copied into: the seam where tests inject a full disk.
type writeFile interface {
	io.Writer
	Name() string
	Sync() error
	Close() error
}

func createTemp(dir, pattern string) (writeFile, error) { return os.CreateTemp(dir, pattern) }

// LowSpace returns the free bytes on the disk holding the data dir and whether they are below
// LowSpaceBytes (false when the free space cannot be read).
func (s *Store) LowSpace() (free uint64, low bool) {
	free, err := FreeSpace(s.dir)
	if err != nil {
		return 0, false
	}
	return free, free < LowSpaceBytes
}
