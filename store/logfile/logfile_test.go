package logfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkLogFiles fails if any log file is over max bytes or holds NUL bytes (a write at a stale
// offset after a truncation) or if there are not want of them (any number up to 3 when want is 0),
// and returns all their text.
func checkLogFiles(t *testing.T, dir string, max int64, want int) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "medinventory.log*"))
	if want == 0 && len(files) > 3 || want != 0 && len(files) != want {
		t.Fatalf("log files %v; want %d", files, want)
	}
	var all strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(b)) > max {
			t.Fatalf("%s is %d bytes; the cap is %d", filepath.Base(f), len(b), max)
		}
		if bytes.IndexByte(b, 0) >= 0 {
			t.Fatalf("%s has NUL bytes: a write landed past the end of the emptied log", filepath.Base(f))
		}
		all.Write(b)
	}
	return all.String()
}

// twoLogWriters opens the log in dir twice, as two processes would (keeping 2 old files).
func twoLogWriters(t *testing.T, dir string, max int64) (a, b *File) {
	t.Helper()
	var err error
	if a, err = Open(dir, max, 2); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if b, err = Open(dir, max, 2); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return a, b
}

// Windows will not rename a log that another process (the window, beside an import) holds open.
// The rename is made to fail the way it fails there; two writers share the log, and a third handle
// appends to it as a plain program would. Rotation falls back to copy-truncate: no write fails, no
// file passes the cap, and lines written after the rotation land at the emptied log's new end.
func TestLogRotationWhenRenameRefused(t *testing.T) {
	dir := t.TempDir()
	const max = 1000
	refused := errors.New("injected: The process cannot access the file because it is being used by another process.")
	a, b := twoLogWriters(t, dir, max)
	for _, r := range []*File{a, b} {
		r.rename = func(oldpath, newpath string) error {
			if oldpath == r.path {
				return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: refused}
			}
			return os.Rename(oldpath, newpath)
		}
	}
	held, err := os.OpenFile(a.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()

	for i := 0; i < 200; i++ {
		w := a
		if i%3 == 0 {
			w = b
		}
		if _, err := fmt.Fprintf(w, "line %03d from %p: some words to fill the log\n", i, w); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		checkLogFiles(t, dir, max, 0)
	}
	if _, err := held.WriteString("from the held handle\n"); err != nil {
		t.Fatal(err)
	}
	all := checkLogFiles(t, dir, max, 3)
	for _, want := range []string{"line 199", "line 198", "from the held handle"} {
		if !strings.Contains(all, want) {
			t.Errorf("%q is missing from the logs", want)
		}
	}
}

// Where the rename works (Linux, macOS), a writer whose log another process rotated away follows
// it to the new file instead of filling medinventory.log.1 past the cap.
func TestLogRotationFollowedByOtherWriter(t *testing.T) {
	dir := t.TempDir()
	const max = 1000
	a, b := twoLogWriters(t, dir, max)
	for i := 0; i < 200; i++ {
		w := a
		if i%2 == 0 {
			w = b
		}
		if _, err := fmt.Fprintf(w, "line %03d: some words to fill the log up\n", i); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		checkLogFiles(t, dir, max, 0)
	}
	all := checkLogFiles(t, dir, max, 3)
	if !strings.Contains(all, "line 199") || !strings.Contains(all, "line 198") {
		t.Errorf("the last lines are missing from the logs")
	}
}

func TestLogRotationAndRedaction(t *testing.T) {
	dir := t.TempDir()
	rf, err := Open(dir, 1000, 2)
	if err != nil {
		t.Fatal(err)
	}
	red := &Redactor{W: rf}
	red.AddSecret("my-very-secret-value")
	for i := 0; i < 100; i++ {
		red.Write([]byte("line with key my-very-secret-value and sk-abcdefghijklmnop and Bearer abc.def.ghijkl\n"))
	}
	rf.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "medinventory.log*"))
	if len(files) != 3 {
		t.Fatalf("files %v; want the log and 2 old ones", files)
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if len(b) > 1000 {
			t.Fatalf("%s is %d bytes", f, len(b))
		}
		if bytes.Contains(b, []byte("secret-value")) || bytes.Contains(b, []byte("sk-abc")) || bytes.Contains(b, []byte("abc.def")) {
			t.Fatalf("%s has a secret: %s", f, b)
		}
	}
}
