package store_test

import (
	"errors"
	"strings"
	"testing"

	"medinventory/assets/i18n"
	"medinventory/store"
)

// The store's errors speak the language chosen after they were made, and still match with
// errors.Is.
func TestErrorsInFrench(t *testing.T) {
	i18n.Set("fr")
	defer i18n.Set("en")
	dir := t.TempDir()
	l, err := store.AcquireLock(dir, "window")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	_, err = store.AcquireLock(dir, "window")
	if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "Medicine Inventory est déjà ouvert sur cet inventaire") ||
		!strings.Contains(err.Error(), "Passez à la fenêtre déjà ouverte") {
		t.Fatalf("second lock in French: %v", err)
	}
	if got := store.ErrEntryNotFound.Error(); got != "cette saisie n'existe plus" || !store.IsNotFound(store.ErrEntryNotFound) {
		t.Fatalf("ErrEntryNotFound in French = %q", got)
	}
	if _, ok := store.ParseExpiry("mars 2027"); !ok {
		t.Fatal("a French month is refused")
	}
	i18n.Set("en")
	if got := store.ErrEntryNotFound.Error(); got != "this entry no longer exists" {
		t.Fatalf("ErrEntryNotFound in English = %q", got)
	}
}
