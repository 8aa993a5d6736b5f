package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"

	"medinventory/store/outfile"
)

// fileInUse reports whether err means another program holds the file open (Excel keeps a CSV it
// shows locked on Windows). It is osFileInUse; tests replace it.
var fileInUse = osFileInUse

// writeAtomically writes path through a temporary file beside it and a rename (store/outfile), so a
// failure never leaves half a file under the name and only a regular file is ever replaced.
func writeAtomically(path string, write func(io.Writer) error) error {
	err := outfile.Write(path, "export", write)
	var rename *os.LinkError // only the last step, the rename, meets a file held open
	if errors.As(err, &rename) && fileInUse(err) {
		return &fileInUseError{name: filepath.Base(path), err: err}
	}
	return err
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
