package main

import (
	"strings"
	"testing"
)

// Issue 23 item 4: an older copy of the inventory's database put back is refused by every
// command; --continue-with-this-copy takes it and lists the photos added since again.
func TestCLIOlderCopyIsRefusedThenContinued(t *testing.T) {
	data := t.TempDir()
	olderCopyOf(t, data, 320, nil) // the sync tool puts the old copy back
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
