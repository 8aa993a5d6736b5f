package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"medinventory/store"
)

// backupOf writes a backup archive of the inventory in dir (n photos) and returns its path.
func backupOf(t *testing.T, dir string) string {
	t.Helper()
	st := open(t, dir)
	var buf bytes.Buffer
	if _, err := st.Backup(context.Background(), &buf, t.TempDir(), "test", nil); err != nil {
		t.Fatal(err)
	}
	st.Close()
	p := filepath.Join(t.TempDir(), "b.zip")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// A restore killed between its two renames is finished at the next start, which says so; the data
// from before is kept.
func TestInterruptedRestoreIsFinishedAtNextStart(t *testing.T) {
	ctx := context.Background()
	archive := backupOf(t, inventoryWithPhotos(t, 2)) // the backup: 2 photos
	dir := inventoryWithPhotos(t, 1)                  // the data there now: 1 photo
	killed := errors.New("killed")
	store.SetRestoreHook(func() error { return killed })
	_, err := store.Restore(ctx, archive, dir, time.Now())
	store.SetRestoreHook(nil)
	if !errors.Is(err, killed) {
		t.Fatalf("restore: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the hook did not stop between the renames: %v", err)
	}
	st := open(t, dir)
	r := st.OpenReport().Restore
	if r == nil || !r.Finished || r.KeptAt == "" {
		t.Fatalf("report: %+v", r)
	}
	if n := countStored(t, dir); n != 2 {
		t.Fatalf("%d photos after finishing the restore, want the backup's 2", n)
	}
	if n := countStored(t, r.KeptAt); n != 1 {
		t.Fatalf("%d photos kept from before, want 1", n)
	}
	if msg := st.OpenReport().Messages(); len(msg) != 1 || !strings.Contains(msg[0], "finished") || !strings.Contains(msg[0], r.KeptAt) {
		t.Fatalf("message: %q", msg)
	}
	st.Close()
	if r := open(t, dir).OpenReport().Restore; r != nil {
		t.Fatalf("reported twice: %+v", r)
	}
}

// The state an interrupted restore by an earlier version leaves (the data dir renamed aside, the
// unpacked copy never marked as checked) is undone at the next start, which says so.
func TestInterruptedOldRestoreIsUndone(t *testing.T) {
	dir := inventoryWithPhotos(t, 1)
	kept := dir + ".before-restore-20261201-101500"
	half := filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".restoring-123456")
	if err := os.Rename(dir, kept); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(half, "photos"), 0o700); err != nil {
		t.Fatal(err)
	}
	st := open(t, dir)
	r := st.OpenReport().Restore
	if r == nil || r.Finished || r.Leftover != half {
		t.Fatalf("report: %+v", r)
	}
	if n := countStored(t, dir); n != 1 {
		t.Fatalf("%d photos after undoing, want the 1 from before", n)
	}
	if _, err := os.Stat(half); err != nil {
		t.Fatalf("the half-done copy was not left: %v", err)
	}
	if msg := st.OpenReport().Messages(); len(msg) != 1 || !strings.Contains(msg[0], "undone") {
		t.Fatalf("message: %q", msg)
	}
}
