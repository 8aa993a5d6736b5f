package store_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"medinventory/store"
)

// truncateOnFirstWrite shortens the source file once, when the copy writes its first chunk: the
// photo changes while it is being added (a camera or a sync tool still writing it).
type truncateOnFirstWrite struct {
	w    io.Writer
	src  string
	size int64
	done bool
	err  error
}

func (c *truncateOnFirstWrite) Write(p []byte) (int, error) {
	if !c.done {
		c.done = true
		c.err = os.Truncate(c.src, c.size)
	}
	return c.w.Write(p)
}

func TestAddPhotoSourceChangesWhileCopied(t *testing.T) {
	st := open(t, t.TempDir())
	src := filepath.Join(t.TempDir(), "growing.jpg")
	writeNoiseJPEG(t, src, 200, 200) // larger than one copy buffer (32 KB)
	st0, err := os.Stat(src)
	if err != nil {
		t.Fatal(err)
	}
	if st0.Size() < 40_000 {
		t.Fatalf("the photo is %d bytes; the test needs more than one copy buffer", st0.Size())
	}
	seam := &truncateOnFirstWrite{src: src, size: 40_000}
	store.SetWriteSeam(st, func(w io.Writer) io.Writer { seam.w = w; return seam })
	_, err = st.AddPhoto(context.Background(), src, nil)
	if seam.err != nil {
		t.Fatal(seam.err)
	}
	var pe *store.PhotoError
	if !errors.As(err, &pe) || pe.Kind != store.PhotoUnreadable ||
		pe.Msg != "the file changed while it was being added. Wait until it is fully copied, then add it again." {
		t.Fatalf("err = %v; want the file-changed PhotoError", err)
	}
	noPhotoRowsOrFiles(t, st)
}

// A cancelled import (Ctrl+C) returns the context's error, not a PhotoError, and leaves nothing.
func TestAddPhotoCancelledLeavesNothing(t *testing.T) {
	st := open(t, t.TempDir())
	src := filepath.Join(t.TempDir(), "a.jpg")
	writeJPEG(t, src, 32, 32, 4)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	_, err := st.AddPhoto(ctx, src, func(*sql.Tx, store.Photo) error { called = true; return nil })
	if !errors.Is(err, context.Canceled) || errors.Is(err, store.ErrPhotoRejected) {
		t.Fatalf("err = %v; want context.Canceled", err)
	}
	if called {
		t.Error("then ran for a cancelled add")
	}
	noPhotoRowsOrFiles(t, st)
}
