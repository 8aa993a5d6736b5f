package outfile

// The in-use wording (WriteExport) and Inside.

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An export over a file another program holds open (Excel on Windows, where the rename fails with
// a sharing violation) says so in words, keeps the old file as it was and leaves no temporary file.
// The failing rename is injected: Linux lets a rename replace an open file.
func TestExportToFileOpenElsewhere(t *testing.T) {
	outDir := t.TempDir()
	out := filepath.Join(outDir, "out.csv")
	if err := os.WriteFile(out, []byte("last week's export\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	injected := errors.New("injected: The process cannot access the file because it is being used by another process.")
	Rename = func(old, new string) error { return &os.LinkError{Op: "rename", Old: old, New: new, Err: injected} }
	fileInUse = func(err error) bool { return errors.Is(err, injected) }
	defer func() { Rename, fileInUse = os.Rename, osFileInUse }()
	write := func(w io.Writer) error { _, err := io.WriteString(w, "this week's export\n"); return err }

	err := WriteExport(out, write)
	want := "out.csv is open in another program (Excel?): close it and export again"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v; want %q", err, want)
	}
	if b, _ := os.ReadFile(out); string(b) != "last week's export\n" {
		t.Fatalf("out.csv is now %q; want it untouched", b)
	}
	if left, _ := filepath.Glob(filepath.Join(outDir, ".medinventory-export-*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}

	// Any other failure keeps the path and the cause.
	fileInUse = osFileInUse
	if err := WriteExport(out, write); err == nil || !strings.Contains(err.Error(), "cannot write "+out) || !strings.Contains(err.Error(), "injected") {
		t.Fatalf("other rename failure: %v", err)
	}

	// And with nothing injected, the export replaces the file.
	Rename = os.Rename
	if err := WriteExport(out, write); err != nil {
		t.Fatalf("export: %v", err)
	}
	if b, _ := os.ReadFile(out); bytes.Contains(b, []byte("last week")) {
		t.Fatalf("out.csv was not replaced: %q", b)
	}
}

func TestInsideDataDir(t *testing.T) {
	data := t.TempDir()
	os.MkdirAll(filepath.Join(data, "photos"), 0o700)
	other := t.TempDir()
	link := filepath.Join(other, "link")
	os.Symlink(data, link)
	for p, want := range map[string]bool{
		data:                                   true,
		filepath.Join(data, "inventory.db"):    true,
		filepath.Join(data, "photos", "x.csv"): true,
		filepath.Join(link, "inventory.db"):    true,
		filepath.Join(other, "x.csv"):          false,
		data + "-export.csv":                   false,
		filepath.Join(data, "..", "x.csv"):     false,
	} {
		if got := Inside(data, p); got != want {
			t.Errorf("Inside(%s) = %v, want %v", p, got, want)
		}
	}
}
