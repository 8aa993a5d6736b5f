package store_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"medinventory/store"
)

// A backup restores into a new folder whole; an archive naming a file outside the inventory
// (zip slip) or holding a file its manifest does not list is refused and nothing is written.
func TestBackupRestoreAndHostileArchives(t *testing.T) {
	ctx := context.Background()
	dir := inventoryWithPhotos(t, 2)
	st := open(t, dir)
	var buf bytes.Buffer
	m, err := st.Backup(ctx, &buf, t.TempDir(), "test", []string{"settings.json"})
	if err != nil || m.Photos != 2 {
		t.Fatalf("backup: %+v %v", m, err)
	}
	good := filepath.Join(t.TempDir(), "b.zip")
	os.WriteFile(good, buf.Bytes(), 0o600)
	target := filepath.Join(t.TempDir(), "restored")
	res, err := store.Restore(ctx, good, target, st.Now())
	if err != nil || res.KeptAt != "" {
		t.Fatalf("restore: %+v %v", res, err)
	}
	if n := countStored(t, target); n != 2 {
		t.Fatalf("%d photos restored", n)
	}
	st2 := open(t, target)
	if id1, _ := st.ID(ctx); func() string { id2, _ := st2.ID(ctx); return id2 }() != id1 {
		t.Fatal("the restored inventory has another id")
	}

	hostile := func(name string, extra string) string {
		var zb bytes.Buffer
		zw := zip.NewWriter(&zb)
		content := []byte("x")
		w, _ := zw.Create(name)
		w.Write(content)
		sum := sha256.Sum256(content)
		files := []store.ManifestFile{{Name: name, Size: 1, SHA256: hex.EncodeToString(sum[:])}}
		if extra != "" {
			w, _ := zw.Create(extra)
			w.Write(content)
		}
		mw, _ := zw.Create(store.ManifestName)
		json.NewEncoder(mw).Encode(store.Manifest{Format: store.BackupFormat, SchemaVersion: 1, Files: files})
		zw.Close()
		p := filepath.Join(t.TempDir(), "h.zip")
		os.WriteFile(p, zb.Bytes(), 0o600)
		return p
	}
	for _, tc := range []struct{ name, archive, says string }{
		{"a file above the folder", hostile("../../evil.db", ""), "outside the inventory"},
		{"a photo outside the list", hostile("inventory.db", "photos/../../evil"), "does not list"},
		{"an absolute path", hostile("/etc/passwd", ""), "outside the inventory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "x")
			_, err := store.Restore(ctx, tc.archive, out, st.Now())
			if !errors.Is(err, store.ErrBadBackup) || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("got %v; want a refusal saying %q", err, tc.says)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("the refused archive left a folder")
			}
		})
	}
}
