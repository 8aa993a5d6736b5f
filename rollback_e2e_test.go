package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"medinventory/store"
)

// Issue 23 item 4: an older copy of the inventory's database put back is refused by every
// command; --continue-with-this-copy takes it and lists the photos added since again.
func TestCLIOlderCopyIsRefusedThenContinued(t *testing.T) {
	data, in1, in2 := t.TempDir(), t.TempDir(), t.TempDir()
	photoJPEG(t, filepath.Join(in1, "a.jpg"), 320)
	photoJPEG(t, filepath.Join(in2, "b.jpg"), 321)
	photoJPEG(t, filepath.Join(in2, "c.jpg"), 322)
	if r := runBin(t, nil, "--data-dir", data, "import", in1); r.code != 0 {
		t.Fatalf("import: %d %s", r.code, r.stderr)
	}
	db := filepath.Join(data, store.DBName)
	old, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if r := runBin(t, nil, "--data-dir", data, "import", in2); r.code != 0 {
		t.Fatalf("import: %d %s", r.code, r.stderr)
	}
	// The sync tool puts the old copy back.
	os.Remove(db + "-wal")
	os.Remove(db + "-shm")
	if err := os.WriteFile(db, old, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"jobs"}, {"export"}} {
		r := runBin(t, nil, append([]string{"--data-dir", data}, args...)...)
		if r.code == 0 {
			t.Fatalf("%v on an older copy: exit 0\n%s", args, r.stdout)
		}
		mustContain(t, strings.Join(args, " "), r.stderr, "older copy", "2 photo(s)", "medinventory restore", "--continue-with-this-copy", "Nothing was changed")
	}
	r := runBin(t, nil, "--data-dir", data, "--continue-with-this-copy", "jobs")
	if r.code != 0 || strings.Count(r.stdout, "recovered ") != 2 {
		t.Fatalf("--continue-with-this-copy: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	mustContain(t, "--continue-with-this-copy", r.stderr, "Continuing with an older copy")
	if r := runBin(t, nil, "--data-dir", data, "jobs"); r.code != 0 || strings.Contains(r.stderr, "older copy") {
		t.Fatalf("after continuing: exit %d\n%s", r.code, r.stderr)
	}
}
