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

// Importing the data folder, a folder or file inside it, or a link into it is refused in words
// and adds nothing; the rest of the same import goes on.
func TestAddPathsRefusesTheDataFolder(t *testing.T) {
	ctx := context.Background()
	dir := inventoryWithPhotos(t, 2)
	st := open(t, dir)
	// What a killed import or the thumbnail cache leaves: photo-like files the app made.
	os.MkdirAll(filepath.Join(dir, "photos", "tmp"), 0o700)
	writeJPEG(t, filepath.Join(dir, "photos", "tmp", "left.jpg"), 40, 30, 7)
	os.MkdirAll(filepath.Join(dir, "cache"), 0o700)
	writeJPEG(t, filepath.Join(dir, "cache", "thumb.jpg"), 40, 30, 9)
	stored, _ := filepath.Glob(filepath.Join(dir, "photos", "*", "*.jpg"))
	if len(stored) == 0 {
		t.Fatal("no stored photo")
	}

	outside := t.TempDir()
	writeJPEG(t, filepath.Join(outside, "new.jpg"), 40, 30, 200)
	if err := os.Symlink(dir, filepath.Join(outside, "link-to-data")); err != nil {
		t.Skip("no symlinks:", err)
	}
	os.Symlink(filepath.Join(dir, "cache", "thumb.jpg"), filepath.Join(outside, "thumb-link.jpg"))
	linkDir := filepath.Join(t.TempDir(), "data-link")
	os.Symlink(dir, linkDir)

	for _, c := range []struct {
		name  string
		paths []string
		added int
	}{
		{"the data folder", []string{dir}, 0},
		{"a subfolder", []string{filepath.Join(dir, "photos")}, 0},
		{"the cache", []string{filepath.Join(dir, "cache")}, 0},
		{"a stored photo", []string{stored[0]}, 0},
		{"a link to the data folder", []string{linkDir}, 0},
		{"a folder holding links into it", []string{outside}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			var refused []store.AddOutcome
			sum, err := st.AddPaths(ctx, c.paths, nil, func(o store.AddOutcome) {
				if o.Err != nil {
					refused = append(refused, o)
				}
			})
			if err != nil || sum.Added != c.added || sum.Duplicates != 0 || len(refused) == 0 {
				t.Fatalf("summary %+v, err %v, refused %d", sum, err, len(refused))
			}
			for _, o := range refused {
				if !errors.Is(o.Err, store.ErrInsideDataDir) || !strings.Contains(o.Err.Error(), "never imported again") {
					t.Errorf("%s: %v", o.Path, o.Err)
				}
			}
		})
	}
	if n := countStored(t, dir); n != 3 {
		t.Fatalf("%d photo files stored; want the 2 there were and the 1 new", n)
	}
}
