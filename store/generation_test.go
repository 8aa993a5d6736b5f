package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"medinventory/store"
)

// copyFile copies src to dst (test helper; a failure fails the test).
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// An older copy of the same inventory's database put back (the file copied, photos added, the
// copy put back) is refused at open with ErrOlderCopy, read-only too, and the file is not changed;
// continuing with it at the user's choice registers the photos added since again, deleting nothing.
func TestRollbackToAnOlderCopyIsRefusedThenContinued(t *testing.T) {
	ctx := context.Background()
	dir := inventoryWithPhotos(t, 1)
	db := filepath.Join(dir, store.DBName)
	old := filepath.Join(t.TempDir(), "old.db")
	copyFile(t, db, old)

	st := open(t, dir)
	in := t.TempDir()
	for i := 0; i < 2; i++ {
		p := filepath.Join(in, "new"+string(rune('a'+i))+".jpg")
		writeJPEG(t, p, 40, 30, uint8(10+i))
		if _, err := st.AddPhoto(ctx, p, nil); err != nil {
			t.Fatal(err)
		}
	}
	if g, err := st.Generation(ctx); err != nil || g < 2 {
		t.Fatalf("change count after adding 2 photos: %d %v", g, err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	// The sync tool puts the old copy back.
	copyFile(t, old, db)
	for _, suf := range []string{"-wal", "-shm"} {
		os.Remove(db + suf)
	}
	before, _ := os.ReadFile(db)
	for _, opts := range []store.Options{{}, {ReadOnly: true}, {StartFresh: false}} {
		_, err := store.Open(ctx, dir, opts)
		var ie *store.IdentityError
		if !errors.Is(err, store.ErrOlderCopy) || !errors.As(err, &ie) || ie.Kind != store.IdentityRolledBack {
			t.Fatalf("open %+v of an older copy: %v", opts, err)
		}
		if ie.Photos != 2 || ie.DBGeneration >= ie.FolderGeneration {
			t.Fatalf("error: %+v", ie)
		}
		for _, want := range []string{"older copy", "Nothing was changed", "restore", "continue with this copy", "2 photo(s)"} {
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("the message lacks %q: %v", want, err)
			}
		}
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
		t.Fatal("the refused database was changed")
	}
	if n := countStored(t, dir); n != 3 {
		t.Fatalf("%d photo files, want 3", n)
	}

	// Continue with this copy.
	st, err := store.Open(ctx, dir, store.Options{ContinueOlderCopy: true})
	if err != nil {
		t.Fatalf("continue with the older copy: %v", err)
	}
	rep := st.OpenReport()
	if rep.OlderCopy == nil || rep.OlderCopy.Photos != 2 || len(rep.Messages()) != 1 || !strings.Contains(rep.Messages()[0], "older copy") {
		t.Fatalf("report: %+v %q", rep, rep.Messages())
	}
	queued := 0
	ad, err := st.AdoptPhotoFiles(ctx, 0, func(tx *sql.Tx, p store.Photo) error { queued++; return nil })
	if err != nil || len(ad) != 2 || queued != 2 {
		t.Fatalf("adopted %+v (%d queued): %v", ad, queued, err)
	}
	for _, a := range ad {
		if a.Err != nil {
			t.Fatalf("%s: %v", a.Path, a.Err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st = open(t, dir)
	if rep := st.OpenReport(); rep.OlderCopy != nil {
		t.Fatalf("reported again: %+v", rep)
	}
	if n := countRows(t, st.ReadDB(), `SELECT count(*) FROM photos`); n != 3 {
		t.Fatalf("%d photos listed, want 3", n)
	}
}

// A database that has moved on is taken, the count in the id file follows it, and a restored
// backup (older than the folder's count) is taken as it is.
func TestNewerDatabaseAndRestoredBackupAreTaken(t *testing.T) {
	ctx := context.Background()
	dir := inventoryWithPhotos(t, 1)
	archive := backupOf(t, dir)
	st := open(t, dir)
	receivedLine(t, st, "Zinc", "Z", "2028-01-31", 5)
	st.Close()
	b, err := os.ReadFile(filepath.Join(dir, store.MarkerName))
	if err != nil || !strings.Contains(string(b), "changes: ") {
		t.Fatalf("id file: %q %v", b, err)
	}
	open(t, dir).Close()
	if _, err := store.Restore(ctx, archive, dir, st.Now()); err != nil {
		t.Fatal(err)
	}
	st, err = store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatalf("open after restoring an older backup: %v", err)
	}
	st.Close()
}
