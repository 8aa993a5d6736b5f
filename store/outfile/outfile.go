// Package outfile writes a command's output file (an export, a report): whole or not at all, in
// plain words when another program holds it open, and never inside the inventory's data folder
// (Inside).
package outfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// renameFile is os.Rename; tests replace it to make the last step of an export fail.
var renameFile = os.Rename

// fileInUse reports whether err means another program holds the file open (Excel keeps a CSV it
// shows locked on Windows). It is osFileInUse; tests replace it.
var fileInUse = osFileInUse

// Write writes path through a temporary file beside it and a rename, so a failure never
// leaves half a file under the name (and an older file of that name stays as it was).
func Write(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".medinventory-export-*")
	if err != nil {
		return fmt.Errorf("cannot write in %s: %w", dir, err)
	}
	bw := bufio.NewWriter(tmp)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Close()
	} else {
		tmp.Close()
	}
	if err == nil {
		err = renameFile(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		if fileInUse(err) {
			return &inUseError{name: filepath.Base(path), err: err}
		}
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}

// inUseError says, in words, that the file cannot be replaced while another program has it open.
type inUseError struct {
	name string
	err  error
}

func (e *inUseError) Error() string {
	return e.name + " is open in another program (Excel?): close it and export again"
}

func (e *inUseError) Unwrap() error { return e.err }

// Inside reports whether writing the file path would write inside the data dir (the data dir
// itself, inventory.db, the photos, any file there), with symbolic links resolved. Only the store
// writes there: a command's output file never may (an export named inventory.db would replace the
// live database).
func Inside(dataDir, path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	// Resolve the deepest existing parent, so that a link to the data dir is seen through.
	parent, name := filepath.Dir(abs), filepath.Base(abs)
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		parent, name = filepath.Dir(real), filepath.Base(real)
	} else if real, err := filepath.EvalSymlinks(parent); err == nil {
		parent = real
	}
	target := filepath.Join(parent, name)
	data := dataDir
	if real, err := filepath.EvalSymlinks(dataDir); err == nil {
		data = real
	}
	rel, err := filepath.Rel(data, target)
	if err != nil {
		return false
	}
	return rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)))
}
