// Package outfile writes the files the user names for the app's output — an export, a report, a
// backup — so that a failure never leaves half a file and nothing but a regular file is ever
// replaced.
//
// Write looks at the name first (Lstat, never an open, so a FIFO cannot block it):
//
//   - a new name, or an existing regular file: written atomically — a temporary file in the same
//     folder, fsync, rename over the name (and fsync of the folder), so the old file stays as it
//     was until the new one is complete;
//   - a symbolic link to a regular file: the link is followed and its target written the same way;
//     the link stays a link;
//   - a link that leads nowhere, a folder, a device (/dev/null, /dev/full), a FIFO or a socket:
//     refused with a plain message (*NotRegularError), nothing written.
//
// Temporary files are named ".medinventory-<kind>-<digits>"; Write removes those of its own kind
// that a killed run left in the folder (only exact matches, only when older than StaleAfter, so a
// run still writing is never disturbed).
package outfile

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"medinventory/assets/i18n"
)

// TempPrefix starts the name of every temporary file the app writes beside an output file.
const TempPrefix = ".medinventory-"

// StaleAfter is how long a temporary file must have been left unchanged before Write takes it for
// a killed run's leftover and removes it.
var StaleAfter = time.Hour

// Rename is os.Rename; tests replace it to make the last step fail.
var Rename = os.Rename

// NotRegularError says that a name given for an output file is not a file that may be replaced.
type NotRegularError struct {
	Path string
	What string // "a device", "a FIFO (named pipe)", "a folder", …
}

func (e *NotRegularError) Error() string {
	if e.What == "a folder" {
		return i18n.T("%s is a folder, not a regular file: choose a file name inside it", e.Path)
	}
	return i18n.T("%s (%s) is not a regular file: choose a file name", e.Path, e.What)
}

// ErrDiskFull matches every *DiskFullError; a write function's own error that already says which
// disk is full can match it too (its Unwrap returns ErrDiskFull), and is then returned as it is.
var ErrDiskFull = i18n.Err("the disk is full")

// DiskFullError says that the disk holding the output file's folder is full. Nothing was replaced:
// a file that was there before is unchanged.
type DiskFullError struct {
	Dir string
	Err error
}

func (e *DiskFullError) Error() string {
	return i18n.T("the disk holding %s is full: the file was not written (a file of that name is unchanged). Make room on that disk or choose a folder on another disk", e.Dir)
}

func (e *DiskFullError) Unwrap() []error { return []error{ErrDiskFull, e.Err} }

// Target returns the path that writing path replaces: path itself for a new name or a regular
// file, the final target for a symbolic link to a regular file. Anything else is refused with a
// *NotRegularError.
func Target(path string) (string, error) {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return path, nil
	}
	if err != nil {
		return "", i18n.Errorf("cannot look at %s: %w", path, err)
	}
	target := path
	if st.Mode()&fs.ModeSymlink != 0 {
		real, err := filepath.EvalSymlinks(path)
		if err != nil {
			dest, _ := os.Readlink(path)
			return "", &NotRegularError{Path: path, What: "a link to " + dest + ", which does not exist"}
		}
		if st, err = os.Lstat(real); err != nil {
			return "", i18n.Errorf("cannot look at %s: %w", real, err)
		}
		target = real
	}
	if !st.Mode().IsRegular() {
		return "", &NotRegularError{Path: path, What: describe(st.Mode())}
	}
	return target, nil
}

func describe(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a file"
}

// Write writes path (see the package doc) with what write writes to a buffered writer. kind names
// the temporary files (".medinventory-<kind>-*"): "export", "backup", "report".
func Write(path, kind string, write func(io.Writer) error) error {
	target, err := Target(path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(target)
	pattern := TempPrefix + kind + "-"
	RemoveLeftovers(dir, pattern)
	tmp, err := os.CreateTemp(dir, pattern+"*")
	if err != nil {
		return folderError(dir, err)
	}
	if st, err := os.Stat(target); err == nil {
		_ = tmp.Chmod(st.Mode().Perm()) // a replaced file keeps who may read it; a new one is private (0600)
	}
	bw := bufio.NewWriterSize(tmp, 256<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// Looked at again just before the rename: never rename over what is no longer a regular file.
		var now string
		if now, err = Target(target); err == nil && now != target {
			err = &NotRegularError{Path: path, What: "changed while it was written"}
		}
	}
	if err == nil {
		err = Rename(tmp.Name(), target)
	}
	if err != nil {
		os.Remove(tmp.Name())
		var nr *NotRegularError
		switch {
		case errors.Is(err, ErrDiskFull):
			return err // already says which disk
		case isNoSpace(err):
			return &DiskFullError{Dir: dir, Err: err}
		case errors.As(err, &nr):
			return err
		}
		return i18n.Errorf("cannot write %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// folderError words the failure to create a file in dir.
func folderError(dir string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return i18n.Errorf("the folder %s does not exist: choose an existing folder (%w)", dir, err)
	case errors.Is(err, fs.ErrPermission) || isReadOnlyFS(err):
		return i18n.Errorf("cannot write in %s: the folder is read-only: choose another folder (%w)", dir, err)
	case isNoSpace(err):
		return &DiskFullError{Dir: dir, Err: err}
	}
	return i18n.Errorf("cannot write in %s: %w", dir, err)
}

// RemoveLeftovers removes the regular files in dir named pattern+<digits> (a killed run's
// temporary files) that have not changed for StaleAfter. Nothing else is touched.
func RemoveLeftovers(dir, pattern string) (removed []string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	for _, e := range ents {
		if !IsTempName(e.Name(), pattern) || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil || time.Since(info.ModTime()) < StaleAfter {
			continue
		}
		if os.Remove(filepath.Join(dir, e.Name())) == nil {
			removed = append(removed, e.Name())
		}
	}
	return removed
}

// IsTempName reports whether name is pattern followed by the digits os.CreateTemp adds, exactly.
func IsTempName(name, pattern string) bool {
	rest, ok := strings.CutPrefix(name, pattern)
	if !ok || rest == "" {
		return false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// syncDir makes the rename durable (Windows has no folder fsync; its rename is durable enough).
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
