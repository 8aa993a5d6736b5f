package store_test

// Issue 13's data-loss cases at the store level: a database that does not belong to its photos is
// refused; photo files are never deleted for want of a row (they are adopted back); a FIFO never
// hangs an import; a full disk is a full disk, with nothing half-added.

import (
	"context"
	"database/sql"
	"errors"
	"image"
	"image/jpeg"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	_ "modernc.org/sqlite"

	"medinventory/store"
)

// countStored counts the photo files in the photos folder (tmp excluded).
func countStored(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.WalkDir(filepath.Join(dir, "photos"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && d.Name() == "tmp" {
			return filepath.SkipDir
		}
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

// inventoryWithPhotos makes a data dir holding n photos and closes it.
func inventoryWithPhotos(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	in := t.TempDir()
	for i := 0; i < n; i++ {
		p := filepath.Join(in, "p"+string(rune('a'+i))+".jpg")
		writeJPEG(t, p, 40, 30, uint8(100+i))
		if _, err := st.AddPhoto(context.Background(), p, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func removeDB(t *testing.T, dir string) {
	for _, suf := range []string{"", "-wal", "-shm"} {
		os.Remove(filepath.Join(dir, store.DBName+suf))
	}
}

func wantIdentityError(t *testing.T, err error, kind string) {
	t.Helper()
	var ie *store.IdentityError
	if !errors.As(err, &ie) || !errors.Is(err, store.ErrNotThisInventory) || ie.Kind != kind {
		t.Fatalf("open: got %v; want an identity error of kind %q", err, kind)
	}
	for _, want := range []string{"medinventory restore", "--start-fresh", "Nothing was changed"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the message does not say %q: %s", want, err)
		}
	}
}

// Case 1: an emptied, deleted or replaced database is refused, and the photos stay.
func TestDatabaseThatDoesNotBelongIsRefused(t *testing.T) {
	ctx := context.Background()
	healthy := inventoryWithPhotos(t, 3) // made once, copied for each case (each changes its copy)
	for _, tc := range []struct {
		name string
		do   func(t *testing.T, dir string)
		kind string
	}{
		{"emptied", func(t *testing.T, dir string) {
			removeDB(t, dir)
			os.WriteFile(filepath.Join(dir, store.DBName), nil, 0o600) // : > inventory.db
		}, store.IdentityMissing},
		{"deleted", func(t *testing.T, dir string) { removeDB(t, dir) }, store.IdentityMissing},
		{"deleted with the id file", func(t *testing.T, dir string) {
			removeDB(t, dir)
			os.Remove(filepath.Join(dir, store.MarkerName))
		}, store.IdentityMissing},
		{"replaced by another inventory's", func(t *testing.T, dir string) {
			other := inventoryWithPhotos(t, 1)
			removeDB(t, dir)
			b, _ := os.ReadFile(filepath.Join(other, store.DBName))
			os.WriteFile(filepath.Join(dir, store.DBName), b, 0o600)
		}, store.IdentityReplaced},
		{"an older copy from before ids", func(t *testing.T, dir string) {
			removeDB(t, dir)
			makeV1Database(t, filepath.Join(dir, store.DBName))
		}, store.IdentityOlder},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, healthy)
			tc.do(t, dir)
			before, _ := os.ReadFile(filepath.Join(dir, store.DBName))
			_, err := store.Open(ctx, dir, store.Options{})
			wantIdentityError(t, err, tc.kind)
			if n := countStored(t, dir); n != 3 {
				t.Fatalf("%d photo files left; want 3", n)
			}
			after, _ := os.ReadFile(filepath.Join(dir, store.DBName))
			if string(before) != string(after) {
				t.Fatal("the refused database file was changed")
			}
			// Read-only opening refuses it too.
			if _, err := store.Open(ctx, dir, store.Options{ReadOnly: true}); !errors.Is(err, store.ErrNotThisInventory) {
				t.Fatalf("read-only open: %v", err)
			}
			// Starting fresh on purpose works; the old database is moved aside, the photos are
			// kept and adopted back.
			st, err := store.Open(ctx, dir, store.Options{StartFresh: true})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ad, err := st.AdoptPhotoFiles(ctx, 0, nil)
			if err != nil || len(ad) != 3 {
				t.Fatalf("adopted %d, %v", len(ad), err)
			}
			for _, a := range ad {
				if a.Err != nil || a.Photo.ID == 0 || !strings.HasPrefix(a.Photo.OriginalName, "recovered ") {
					t.Fatalf("adopted: %+v", a)
				}
			}
			if len(before) > 0 {
				m, _ := filepath.Glob(filepath.Join(dir, store.DBName+".set-aside-*"))
				if len(m) == 0 {
					t.Fatal("the old database was not kept aside")
				}
			}
		})
	}
}

// makeV1Database writes a database as release 0.1.0 made it: schema 1, no id.
func makeV1Database(t *testing.T, path string) {
	t.Helper()
	sqlText, err := os.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(string(sqlText) + "; PRAGMA user_version = 1;"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO photos(sha256, stored_path, original_name, bytes, width, height, format, added_at)
		VALUES ('00ff', 'photos/00/00ff.jpg', 'old.jpg', 1, 1, 1, 'jpeg', 0)`); err != nil {
		t.Fatal(err)
	}
}

// Upgrade: a database made by release 0.1.0 (no id, no id file) is adopted, not refused.
func TestUpgradeFromReleaseWithoutIDAdoptsIt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	makeV1Database(t, filepath.Join(dir, store.DBName))
	os.MkdirAll(filepath.Join(dir, "photos", "00"), 0o700)
	os.WriteFile(filepath.Join(dir, "photos", "00", "00ff.jpg"), []byte("x"), 0o600)
	st, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, err := st.ID(ctx)
	st.Close()
	if err != nil || len(id) != 32 {
		t.Fatalf("id %q, %v", id, err)
	}
	b, err := os.ReadFile(filepath.Join(dir, store.MarkerName))
	if err != nil || !strings.HasPrefix(string(b), id+"\n") {
		t.Fatalf("marker %q, %v", b, err)
	}
	st = open(t, dir) // and it opens again
	if n := countRows(t, st.ReadDB(), `SELECT count(*) FROM photos`); n != 1 {
		t.Fatalf("%d photos after the upgrade", n)
	}
}

// Case 1 (maintenance): photo files the database does not list are adopted back, never deleted;
// only the app's temp files are cleaned.
func TestUnknownPhotoFilesAreAdoptedNotDeleted(t *testing.T) {
	ctx := context.Background()
	dir := inventoryWithPhotos(t, 3)
	st := open(t, dir)
	// The database "forgets" two photos (an older copy with the same id put back).
	if _, err := st.DB().Exec(`DELETE FROM photos WHERE id IN (SELECT id FROM photos ORDER BY id LIMIT 2)`); err != nil {
		t.Fatal(err)
	}
	// A stranger file with a photo-like name but other content, and a temp file.
	stranger := filepath.Join(dir, "photos", "ab", strings.Repeat("ab", 32)+".jpg")
	os.MkdirAll(filepath.Dir(stranger), 0o700)
	os.WriteFile(stranger, []byte("not what the name says"), 0o600)
	tmp := filepath.Join(dir, "photos", "tmp", "add-123")
	os.MkdirAll(filepath.Dir(tmp), 0o700)
	os.WriteFile(tmp, []byte("half a copy"), 0o600)

	queued := 0
	ad, err := st.AdoptPhotoFiles(ctx, 0, func(tx *sql.Tx, p store.Photo) error { queued++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	got, bad := 0, 0
	for _, a := range ad {
		if a.Err != nil {
			bad++
			if a.Path != stranger {
				t.Fatalf("unexpected refusal: %+v", a)
			}
		} else {
			got++
		}
	}
	if got != 2 || bad != 1 || queued != 2 {
		t.Fatalf("adopted %d, left %d, queued %d; want 2, 1, 2", got, bad, queued)
	}
	if _, err := os.Stat(stranger); err != nil {
		t.Fatal("the stranger file was removed")
	}
	if n, err := st.CleanTempFiles(0); err != nil || n != 1 {
		t.Fatalf("temp files cleaned: %d, %v", n, err)
	}
	if n := countStored(t, dir); n != 4 {
		t.Fatalf("%d files in photos; want 4 (3 photos and the stranger)", n)
	}
	// Nothing more to adopt.
	if ad, _ := st.AdoptPhotoFiles(ctx, 0, nil); len(ad) != 1 {
		t.Fatalf("second pass: %+v", ad)
	}
}

// diskFullAfter fails every write with ENOSPC once n bytes were written.
type diskFullAfter struct {
	w io.Writer
	n int
}

func (d *diskFullAfter) Write(p []byte) (int, error) {
	if len(p) > d.n {
		k, _ := d.w.Write(p[:d.n])
		d.n = 0
		return k, &fs.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}
	}
	d.n -= len(p)
	return d.w.Write(p)
}

func wantDiskFull(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, store.ErrDiskFull) || errors.Is(err, store.ErrPhotoRejected) {
		t.Fatalf("got %v; want a full-disk error, not a rejected photo", err)
	}
	if !strings.Contains(err.Error(), "the disk holding the inventory is full: ") || !strings.Contains(err.Error(), " MB free") {
		t.Fatalf("message: %s", err)
	}
}

func noPhotoRowsOrFiles(t *testing.T, st *store.Store) {
	t.Helper()
	n := countRows(t, st.ReadDB(), `SELECT count(*) FROM photos`)
	files := 0
	filepath.WalkDir(filepath.Join(st.Dir(), "photos"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files++
		}
		return nil
	})
	if n != 0 || files != 0 {
		t.Fatalf("%d rows and %d files left; want none", n, files)
	}
}

// Case 4, by injection at the file-write seam: a full disk while copying the photo.
func TestDiskFullIsItsOwnError(t *testing.T) {
	ctx := context.Background()
	st := open(t, t.TempDir())
	store.SetWriteSeam(st, func(w io.Writer) io.Writer { return &diskFullAfter{w: w, n: 100} })
	src := filepath.Join(t.TempDir(), "a.jpg")
	writeJPEG(t, src, 64, 64, 1)
	_, err := st.AddPhoto(ctx, src, nil)
	wantDiskFull(t, err)
	noPhotoRowsOrFiles(t, st)
}

func writeNoiseJPEG(t testing.TB, path string, w, h int) {
	t.Helper()
	r := rand.New(rand.NewSource(1))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r.Read(img.Pix)
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 255
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
}

// --start-fresh on an inventory that belongs changes nothing.
func TestStartFreshLeavesAHealthyInventoryAlone(t *testing.T) {
	dir := inventoryWithPhotos(t, 2)
	st, err := store.Open(context.Background(), dir, store.Options{StartFresh: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n := countRows(t, st.ReadDB(), `SELECT count(*) FROM photos`)
	m, _ := filepath.Glob(filepath.Join(dir, store.DBName+".set-aside-*"))
	if n != 2 || len(m) != 0 {
		t.Fatalf("%d photos, set aside %v", n, m)
	}
}
