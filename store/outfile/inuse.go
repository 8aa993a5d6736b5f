package outfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
)

// fileInUse reports whether err means another program holds the file open (Excel keeps a CSV it
// shows locked on Windows). It is osFileInUse; tests replace it.
var fileInUse = osFileInUse

// WriteExport is Write for an export or a report the user named: a rename that another program's
// open file refused (Excel on Windows) is said in words, with what to do.
func WriteExport(path string, write func(io.Writer) error) error {
	err := Write(path, "export", write)
	var rename *os.LinkError // only the last step, the rename, meets a file held open
	if errors.As(err, &rename) && fileInUse(err) {
		return &inUseError{name: filepath.Base(path), err: err}
	}
	return err
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
