package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// renameFile is os.Rename; tests replace it to make the last step of an export fail.
var renameFile = os.Rename

// fileInUse reports whether err means another program holds the file open (Excel keeps a CSV it
// shows locked on Windows). It is osFileInUse; tests replace it.
var fileInUse = osFileInUse

// writeAtomically writes path through a temporary file beside it and a rename, so a failure never
// leaves half a file under the name (and an older file of that name stays as it was).
func writeAtomically(path string, write func(io.Writer) error) error {
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
			return &fileInUseError{name: filepath.Base(path), err: err}
		}
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}

// fileInUseError says, in words, that the file cannot be replaced while another program has it open.
type fileInUseError struct {
	name string
	err  error
}

func (e *fileInUseError) Error() string {
	return e.name + " is open in another program (Excel?): close it and export again"
}

func (e *fileInUseError) Unwrap() error { return e.err }
