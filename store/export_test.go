package store

import "io"

// SetWriteSeam replaces the file-write seam: every temp file a photo is copied into writes through
// wrap. Tests use it to inject a full disk.
func SetWriteSeam(s *Store, wrap func(w io.Writer) io.Writer) {
	s.createFile = func(dir, pattern string) (writeFile, error) {
		f, err := createTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		return wrapped{f, wrap(f)}, nil
	}
}

type wrapped struct {
	writeFile
	w io.Writer
}

func (w wrapped) Write(p []byte) (int, error) { return w.w.Write(p) }
