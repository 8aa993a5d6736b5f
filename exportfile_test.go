package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"medinventory/store/outfile"
)

// An export over a file another program holds open (Excel on Windows, where the rename fails with
// a sharing violation) says so in words, keeps the old file as it was and leaves no temporary file.
// The failing rename is injected: Linux lets a rename replace an open file.
func TestExportToFileOpenElsewhere(t *testing.T) {
	data, outDir := t.TempDir(), t.TempDir()
	out := filepath.Join(outDir, "out.csv")
	if err := os.WriteFile(out, []byte("last week's export\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	injected := errors.New("injected: The process cannot access the file because it is being used by another process.")
	outfile.Rename = func(old, new string) error { return &os.LinkError{Op: "rename", Old: old, New: new, Err: injected} }
	fileInUse = func(err error) bool { return errors.Is(err, injected) }
	defer func() { outfile.Rename, fileInUse = os.Rename, osFileInUse }()

	var stdout, stderr bytes.Buffer
	code := run([]string{"--data-dir", data, "export", "--format", "csv", "-o", out}, &stdout, &stderr)
	want := "medinventory: out.csv is open in another program (Excel?): close it and export again\n"
	if code != exitFailed || stderr.String() != want {
		t.Fatalf("exit %d, stderr %q; want %d, %q", code, stderr.String(), exitFailed, want)
	}
	if b, _ := os.ReadFile(out); string(b) != "last week's export\n" {
		t.Fatalf("out.csv is now %q; want it untouched", b)
	}
	if left, _ := filepath.Glob(filepath.Join(outDir, ".medinventory-export-*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}

	// Any other failure keeps the path and the cause.
	fileInUse = osFileInUse
	stderr.Reset()
	code = run([]string{"--data-dir", data, "export", "--format", "csv", "-o", out}, &stdout, &stderr)
	if code != exitFailed || !strings.Contains(stderr.String(), "cannot write "+out) || !strings.Contains(stderr.String(), "injected") {
		t.Fatalf("other rename failure: exit %d, stderr %q", code, stderr.String())
	}

	// And with nothing injected, the export replaces the file.
	outfile.Rename = os.Rename
	stderr.Reset()
	if code := run([]string{"--data-dir", data, "export", "--format", "csv", "-o", out}, &stdout, &stderr); code != exitOK {
		t.Fatalf("export: exit %d, %s", code, stderr.String())
	}
	if b, _ := os.ReadFile(out); bytes.Contains(b, []byte("last week")) {
		t.Fatalf("out.csv was not replaced: %q", b)
	}
}
