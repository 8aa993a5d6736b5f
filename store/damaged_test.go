package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"medinventory/store"
)

// A database cut short says so — what happened and what to do (restore a backup) — not SQLite's
// "database disk image is malformed (11)", for a read-write and a read-only open alike.
func TestOpenTruncatedDatabaseSaysWhatToDo(t *testing.T) {
	dir := inventoryWithPhotos(t, 3)
	db := filepath.Join(dir, store.DBName)
	st, err := os.Stat(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(db, st.Size()/2); err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{false, true} {
		_, err := store.Open(context.Background(), dir, store.Options{ReadOnly: ro})
		var de *store.DamagedDBError
		if !errors.As(err, &de) {
			t.Fatalf("read-only %v: %v (%T); want a *DamagedDBError", ro, err, err)
		}
		msg := err.Error()
		for _, want := range []string{"the inventory database " + db + " is damaged: it is cut short (",
			"KB it should have", "Nothing was changed", "medinventory restore FILE"} {
			if !strings.Contains(msg, want) {
				t.Errorf("read-only %v: %q lacks %q", ro, msg, want)
			}
		}
		if strings.Contains(msg, "(11)") || strings.Contains(msg, "malformed") {
			t.Errorf("read-only %v: %q still quotes SQLite", ro, msg)
		}
	}
	if st2, _ := os.Stat(db); st2.Size() != st.Size()/2 {
		t.Fatal("the damaged file was changed")
	}
}

// With the database and the id file both gone, the refusal names only what is there (the photos)
// and says the id file is missing, instead of citing it as evidence.
func TestMissingIDFileIsNotCitedAsThere(t *testing.T) {
	dir := inventoryWithPhotos(t, 2)
	for _, name := range []string{store.DBName, store.DBName + "-wal", store.DBName + "-shm", store.MarkerName} {
		os.Remove(filepath.Join(dir, name))
	}
	_, err := store.Open(context.Background(), dir, store.Options{})
	var ie *store.IdentityError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "holds an inventory (2 photo(s); its id file inventory.id is missing too)") {
		t.Fatalf("%v", err)
	}
}
