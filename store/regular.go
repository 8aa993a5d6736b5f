package store

import (
	"context"
	"io"
	"io/fs"
	"os"
	"syscall"

	"medinventory/assets/i18n"
)

// errNotRegular is returned by OpenRegular for anything that is not a regular file.
var errNotRegular = i18n.Err("not a regular file")

// OpenRegular opens path for reading only if it is a regular file (following symbolic links),
// without ever blocking: it looks first (Lstat/Stat), then opens with O_NONBLOCK, so that a FIFO,
// a socket or a device put where a photo was expected cannot hang the import (opening a FIFO for
// reading blocks until a writer comes), and checks the opened file again (it may have been
// swapped between the look and the open). The FileInfo is the opened file's.
func OpenRegular(path string) (*os.File, fs.FileInfo, error) {
	st, err := os.Lstat(path)
	if err != nil {
		return nil, nil, err
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		if st, err = os.Stat(path); err != nil {
			return nil, nil, err
		}
	}
	if st.IsDir() {
		return nil, st, nil
	}
	if !st.Mode().IsRegular() {
		return nil, st, errNotRegular
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	st, err = f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, st, errNotRegular
	}
	return f, st, nil
}

// errWriter remembers the error of the writer it wraps, so that a failed copy can tell a write
// failure (the disk) from a read failure (the photo).
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}

// ctxReader stops a long copy when ctx is cancelled (SIGINT/SIGTERM), between reads.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
