package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 23 item 7 through the real binary: a restore stopped between its two renames (the data
// folder moved aside, the checked restored copy not yet in its place) is finished at the next
// start and said once — not a new, empty inventory because the command (or the window) made the
// data folder for its log and lock before the store could see the restore (as it did: store.Open
// finished it only when no folder had the data folder's name). Stopped earlier (only a
// half-unpacked copy), it is undone. The window says the same in its start-up dialog
// (sess.OpenMessages).
func TestInterruptedRestoreFinishedOrUndoneAtNextStart(t *testing.T) {
	for _, finished := range []bool{true, false} {
		parent, in := t.TempDir(), t.TempDir()
		data := filepath.Join(parent, "inventory")
		photoJPEG(t, filepath.Join(in, "a.jpg"), 440)
		if r := runBin(t, nil, "--data-dir", data, "import", in); r.code != 0 {
			t.Fatalf("import: %d %s", r.code, r.stderr)
		}
		kept := filepath.Join(parent, "inventory.before-restore-20261207-150000")
		if err := os.Rename(data, kept); err != nil {
			t.Fatal(err)
		}
		copyTree(t, kept, filepath.Join(parent, ".inventory.restoring-x1"))
		want := "it has been undone"
		if finished {
			if err := os.Rename(filepath.Join(parent, ".inventory.restoring-x1"), filepath.Join(parent, ".inventory.restored-20261207-150000")); err != nil {
				t.Fatal(err)
			}
			want = "it has now been finished"
		}
		r := runBin(t, nil, "--data-dir", data, "jobs")
		if r.code != 0 || !strings.Contains(r.stdout, "a.jpg") || !strings.Contains(r.stderr, "A restore had been stopped before it finished; "+want) {
			t.Fatalf("finished=%v: exit %d\n%s\n%s", finished, r.code, r.stdout, r.stderr)
		}
		if r := runBin(t, nil, "--data-dir", data, "jobs"); r.code != 0 || strings.Contains(r.stderr, "restore") {
			t.Fatalf("finished=%v, said again: exit %d\n%s", finished, r.code, r.stderr)
		}
	}
}
