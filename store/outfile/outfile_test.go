package outfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

func write(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func noTemps(t *testing.T, dir string) {
	t.Helper()
	if left, _ := filepath.Glob(filepath.Join(dir, TempPrefix+"*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func TestWriteNewAndExisting(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "new.csv")
	if err := Write(p, "export", write("one")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Fatalf("new name: %q", b)
	}
	os.Chmod(p, 0o644)
	if err := Write(p, "export", write("two")); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); runtime.GOOS != "windows" && st.Mode().Perm() != 0o644 {
		t.Fatalf("the replaced file's mode is %v; want it kept (0644)", st.Mode().Perm())
	}
	if b, _ := os.ReadFile(p); string(b) != "two" {
		t.Fatalf("existing file: %q", b)
	}
	// A failing write leaves the old file whole and no temporary file.
	err := Write(p, "export", func(w io.Writer) error { io.WriteString(w, "half"); return errors.New("boom") })
	if err == nil || err.Error() != "cannot write "+p+": boom" {
		t.Fatalf("err %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "two" {
		t.Fatalf("after a failed write: %q", b)
	}
	noTemps(t, dir)
}

func TestWriteFollowsSymlinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.csv")
	os.WriteFile(real, []byte("old"), 0o600)
	link := filepath.Join(dir, "link.csv")
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if err := Write(link, "export", write("new")); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Lstat(link); st.Mode()&fs.ModeSymlink == 0 {
		t.Fatal("the link is no longer a link")
	}
	if b, _ := os.ReadFile(real); string(b) != "new" {
		t.Fatalf("target: %q", b)
	}

	dangling := filepath.Join(dir, "dangling.csv")
	os.Symlink(filepath.Join(dir, "gone", "x.csv"), dangling)
	err := Write(dangling, "export", write("new"))
	want := dangling + " (a link to " + filepath.Join(dir, "gone", "x.csv") + ", which does not exist) is not a regular file: choose a file name"
	if err == nil || err.Error() != want {
		t.Fatalf("dangling link: %v; want %q", err, want)
	}
	if runtime.GOOS != "windows" {
		dev := filepath.Join(dir, "null.csv")
		os.Symlink("/dev/null", dev)
		if err := Write(dev, "export", write("x")); err == nil || !strings.Contains(err.Error(), "(a device) is not a regular file") {
			t.Fatalf("link to /dev/null: %v", err)
		}
	}
	noTemps(t, dir)
}

func TestWriteReadOnlyFolder(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o500)
	defer os.Chmod(ro, 0o700)
	err := Write(filepath.Join(ro, "out.csv"), "export", write("x"))
	if os.Geteuid() == 0 || runtime.GOOS == "windows" {
		// root writes anyway: check the wording on the error the OS gives everyone else.
		err = folderError(ro, &fs.PathError{Op: "open", Path: ro, Err: fs.ErrPermission})
	}
	if err == nil || !strings.HasPrefix(err.Error(), "cannot write in "+ro+": the folder is read-only: choose another folder") {
		t.Fatalf("read-only folder: %v", err)
	}
	err = Write(filepath.Join(dir, "missing", "out.csv"), "export", write("x"))
	if err == nil || !strings.HasPrefix(err.Error(), "the folder "+filepath.Join(dir, "missing")+" does not exist: choose an existing folder") {
		t.Fatalf("missing folder: %v", err)
	}
}

// A full disk names the output's folder, keeps the old file and leaves no temporary file.
func TestWriteDiskFull(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.csv")
	os.WriteFile(p, []byte("old"), 0o600)
	enospc := &fs.PathError{Op: "write", Path: p, Err: syscall.ENOSPC}
	if runtime.GOOS == "windows" {
		enospc.Err = syscall.Errno(112)
	}
	err := Write(p, "export", func(io.Writer) error { return fmt.Errorf("write the report: %w", enospc) })
	var df *DiskFullError
	if !errors.As(err, &df) || df.Dir != dir || !strings.HasPrefix(err.Error(), "the disk holding "+dir+" is full: the file was not written") {
		t.Fatalf("err %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("old file: %q", b)
	}
	noTemps(t, dir)
}

// A killed run's temporary files are removed by the next write of the same kind: only exact
// names, only old ones, only regular files.
func TestWriteRemovesLeftovers(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-2 * StaleAfter)
	mk := func(name string, age time.Time) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("x"), 0o600)
		os.Chtimes(p, age, age)
		return p
	}
	gone := []string{mk(".medinventory-backup-123456", old), mk(".medinventory-backup-9", old)}
	kept := []string{
		mk(".medinventory-backup-777", time.Now()),           // a run still writing
		mk(".medinventory-backup-12.zip", old),               // not the app's pattern
		mk(".medinventory-backup-", old),                     // no digits
		mk(".medinventory-export-123", old),                  // another kind
		mk("medinventory-backup-2026-01-01-101010.zip", old), // a real backup
	}
	os.Mkdir(filepath.Join(dir, ".medinventory-backup-555"), 0o700)
	kept = append(kept, filepath.Join(dir, ".medinventory-backup-555"))
	if err := Write(filepath.Join(dir, "b.zip"), "backup", write("zip")); err != nil {
		t.Fatal(err)
	}
	for _, p := range gone {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("leftover %s not removed", p)
		}
	}
	for _, p := range kept {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s was removed", p)
		}
	}
}

// A write function's error that already names the full disk (it matches ErrDiskFull) is kept.
func TestWriteKeepsAWordedDiskFullError(t *testing.T) {
	dir := t.TempDir()
	worded := &wordedFull{}
	err := Write(filepath.Join(dir, "b.zip"), "backup", func(io.Writer) error { return worded })
	if err != worded {
		t.Fatalf("err %v (%T); want the write's own error", err, err)
	}
	noTemps(t, dir)
}

type wordedFull struct{}

func (*wordedFull) Error() string   { return "the disk holding the backup folder X is full" }
func (*wordedFull) Unwrap() []error { return []error{ErrDiskFull, syscall.ENOSPC} }
