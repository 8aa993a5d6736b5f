package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"medinventory/store"
	"medinventory/store/photo"
)

func open(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// countRows is the single integer a query returns (a count); a failing query fails the test, so
// that it cannot pass an assertion that wants zero.
func countRows(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// writeJPEG writes a w×h JPEG whose pixels depend on seed (so different seeds give different files).
func writeJPEG(t *testing.T, path string, w, h int, seed uint8) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x) ^ seed, uint8(y) + seed, seed, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOpenMigratesAndReopens(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var v int
	if err := st.ReadDB().QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != store.SchemaVersion() || v < 1 {
		t.Fatalf("user_version = %d, %v; want %d", v, err, store.SchemaVersion())
	}
	var mode string
	if err := st.DB().QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
	var fk int
	if err := st.DB().QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d, %v", fk, err)
	}
	if _, err := st.AddEntry(context.Background(), map[string]string{"name": "Amoxicillin"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, store.DBName))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("db file mode %v, %v; want 0600", info.Mode().Perm(), err)
	}
	st2 := open(t, dir)
	es, err := st2.ListEntries(context.Background(), store.Filter{})
	if err != nil || len(es) != 1 || es[0].Name != "Amoxicillin" {
		t.Fatalf("after reopen: %v, %v", es, err)
	}
	if err := st2.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestFutureVersionRefusedUntouched(t *testing.T) {
	dir := t.TempDir()
	st := open(t, dir)
	if _, err := st.DB().Exec(fmt.Sprintf("PRAGMA user_version = %d", store.SchemaVersion()+5)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	path := filepath.Join(dir, store.DBName)
	before := fileHash(t, dir)
	_, err := store.Open(context.Background(), dir, store.Options{})
	if !errors.Is(err, store.ErrTooNew) {
		t.Fatalf("err = %v; want ErrTooNew", err)
	}
	if !strings.Contains(err.Error(), "newer version") || !strings.Contains(err.Error(), "update the app") {
		t.Fatalf("message not plain: %v", err)
	}
	if after := fileHash(t, dir); after != before {
		t.Fatalf("the database files changed:\n%s\n%s", before, after)
	}
	_ = path
}

// fileHash summarises every file in dir (names, sizes and content).
func fileHash(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(p, "logs") {
			return nil
		}
		data, _ := os.ReadFile(p)
		fmt.Fprintf(&b, "%s %x\n", filepath.Base(p), sha256.Sum256(data))
		return nil
	})
	return b.String()
}

func TestNotADatabase(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, store.DBName), []byte("this is not sqlite, just text that is long enough to look like a header ........................................"), 0o600)
	_, err := store.Open(context.Background(), dir, store.Options{})
	if err == nil {
		t.Fatal("opened a text file as a database")
	}
}

func TestAddPhotoAndDuplicate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := open(t, dir)
	src := filepath.Join(t.TempDir(), "box.jpg")
	writeJPEG(t, src, 64, 48, 1)
	calls := 0
	res, err := st.AddPhoto(ctx, src, func(tx *sql.Tx, p store.Photo) error { calls++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	p := res.Photo
	if res.Duplicate || p.ID == 0 || p.Width != 64 || p.Height != 48 || p.Format != "jpeg" || p.OriginalName != "box.jpg" {
		t.Fatalf("photo = %+v", res)
	}
	want := filepath.Join(dir, "photos", p.SHA256[:2], p.SHA256+".jpg")
	if st.PhotoFile(p) != want {
		t.Fatalf("path %s, want %s", st.PhotoFile(p), want)
	}
	info, err := os.Stat(want)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("stored file: %v %v", info, err)
	}
	dinfo, _ := os.Stat(filepath.Dir(want))
	if dinfo.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode %v", dinfo.Mode().Perm())
	}
	// Same bytes under another name: a duplicate, then not called.
	src2 := filepath.Join(t.TempDir(), "copy.jpg")
	data, _ := os.ReadFile(src)
	os.WriteFile(src2, data, 0o644)
	res2, err := st.AddPhoto(ctx, src2, func(tx *sql.Tx, p store.Photo) error { calls++; return nil })
	if err != nil || !res2.Duplicate || res2.Photo.ID != p.ID {
		t.Fatalf("duplicate: %+v %v", res2, err)
	}
	if calls != 1 {
		t.Fatalf("then called %d times", calls)
	}
	if n := countRows(t, st.ReadDB(), "SELECT COUNT(*) FROM photos"); n != 1 {
		t.Fatalf("%d photo rows", n)
	}
}

func TestAddPhotoThenFailsAddsNothing(t *testing.T) {
	ctx := context.Background()
	st := open(t, t.TempDir())
	src := filepath.Join(t.TempDir(), "a.jpg")
	writeJPEG(t, src, 32, 32, 2)
	_, err := st.AddPhoto(ctx, src, func(tx *sql.Tx, p store.Photo) error { return errors.New("enqueue failed") })
	if err == nil {
		t.Fatal("no error")
	}
	if n := countRows(t, st.ReadDB(), "SELECT COUNT(*) FROM photos"); n != 0 {
		t.Fatalf("%d photo rows after a failed transaction", n)
	}
	// The file placed for it is taken out again: nothing half-added.
	if n := countStored(t, st.Dir()); n != 0 {
		t.Fatalf("%d photo files left after a failed transaction", n)
	}
	// And the photo can be added again for real.
	if res, err := st.AddPhoto(ctx, src, nil); err != nil || res.Duplicate {
		t.Fatalf("re-add: %+v %v", res, err)
	}
}

func TestAddPhotoRejects(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := open(t, dir)
	in := t.TempDir()
	good := filepath.Join(in, "good.jpg")
	writeJPEG(t, good, 40, 30, 3)
	goodBytes, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(b []byte, mode os.FileMode) func(p string) {
		return func(p string) {
			if err := os.WriteFile(p, b, mode); err != nil {
				t.Fatal(err)
			}
		}
	}
	accepted := " Add " + photo.Accepted() + " photos."
	// Each refusal's words are pinned exactly: they are what the user reads.
	cases := []struct {
		name string
		make func(p string)
		kind string
		says string
		root bool // also run as root (root can read a file without read permission)
	}{
		{"empty.jpg", write(nil, 0o644), store.PhotoEmpty, "the file is empty (0 bytes). Take or copy the photo again.", true},
		{"notes.jpg", write([]byte("hello, this is text\n"), 0o644), store.PhotoUnsupported,
			"this file is not a photo (its content is not an image this app knows)." + accepted, true},
		{"doc.pdf", write([]byte("%PDF-1.4\n..."), 0o644), store.PhotoUnsupported, "this is a PDF document, not a photo this app can read." + accepted, true},
		{"scan.tiff", write([]byte("II*\x00\x08\x00\x00\x00"), 0o644), store.PhotoUnsupported, "this is a TIFF image, not a photo this app can read." + accepted, true},
		{"truncated.jpg", write(goodBytes[:20], 0o644), store.PhotoCorrupt, "the photo is damaged or incomplete and cannot be opened. Copy or take it again.", true},
		{"nopixels.gif", write([]byte("GIF89a\x00\x00\x00\x00\x00\x00\x00;"), 0o644), store.PhotoCorrupt, "the photo says it has no pixels; it is damaged.", true},
		{"bomb.png", write(pngHeader(40000, 40000), 0o644), store.PhotoTooLarge,
			"the photo is 40000×40000 pixels (1600 megapixels); the largest accepted is 60 megapixels. Use a smaller photo.", true},
		{"huge.jpg", func(p string) {
			write(goodBytes, 0o644)(p)
			if err := os.Truncate(p, store.MaxPhotoBytes+1); err != nil { // sparse: costs no disk
				t.Fatal(err)
			}
		}, store.PhotoTooLarge, fmt.Sprintf("the file is %d MB; the largest photo accepted is %d MB. Use a smaller photo.", store.MaxPhotoBytes>>20, store.MaxPhotoBytes>>20), true},
		{"folder.jpg", func(p string) {
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
		}, store.PhotoUnsupported, "this is a folder, not a photo.", true},
		{"missing.jpg", func(p string) {}, store.PhotoUnreadable, "this file cannot be opened. Check that it still exists and add it again.", true},
		{"locked.jpg", write(goodBytes, 0o000), store.PhotoUnreadable,
			"this file cannot be opened (no permission to read it). Copy it somewhere you can open it and add it again.", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !c.root && os.Getuid() == 0 {
				t.Skip("root can read anything")
			}
			p := filepath.Join(in, c.name)
			c.make(p)
			_, err := st.AddPhoto(ctx, p, nil)
			var pe *store.PhotoError
			if !errors.As(err, &pe) || !errors.Is(err, store.ErrPhotoRejected) {
				t.Fatalf("err = %v; want a PhotoError", err)
			}
			if pe.Kind != c.kind || pe.Msg != c.says || pe.Error() != c.name+": "+c.says {
				t.Errorf("kind %s msg %q;\nwant %s %q", pe.Kind, pe.Error(), c.kind, c.says)
			}
		})
	}
	if n := countRows(t, st.ReadDB(), "SELECT COUNT(*) FROM photos"); n != 0 {
		t.Fatalf("%d photos stored from bad input", n)
	}
	// Nothing half-added: the photo store (temp folder included) has no files left.
	files := 0
	filepath.WalkDir(filepath.Join(dir, "photos"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files++
		}
		return nil
	})
	if files != 0 {
		t.Fatalf("%d files left in the photo store", files)
	}
}

// Another process adds the same photo between AddPhoto's duplicate check and its insert: its row
// wins, AddPhoto reports a duplicate, runs no then, and leaves the file that row names in place.
func TestAddPhotoRaceWithAnotherProcess(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := open(t, dir)
	src := filepath.Join(t.TempDir(), "box.jpg")
	writeJPEG(t, src, 48, 32, 7)
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	sum := fmt.Sprintf("%x", h)
	rel := "photos/" + sum[:2] + "/" + sum + ".jpg"

	// The other process: its transaction holds the write lock with the row inserted, uncommitted.
	other, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.DBName)+"?_pragma=busy_timeout(5000)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var otherID int64
	if err := tx.QueryRow(`INSERT INTO photos(sha256, stored_path, original_name, bytes, width, height, format, added_at)
		VALUES (?,?,?,?,?,?,?,?) RETURNING id`, sum, rel, "other.jpg", len(b), 48, 32, "jpeg", 1).Scan(&otherID); err != nil {
		t.Fatal(err)
	}

	type added struct {
		res store.AddResult
		err error
	}
	done := make(chan added, 1)
	called := false
	go func() {
		res, err := st.AddPhoto(ctx, src, func(*sql.Tx, store.Photo) error { called = true; return nil })
		done <- added{res, err}
	}()
	// AddPhoto checked for a duplicate (none committed yet) before it put its file in place; once
	// the file is there, the other process commits and AddPhoto's insert meets its row.
	abs := filepath.Join(dir, filepath.FromSlash(rel))
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Lstat(abs); err == nil {
			break
		}
		select {
		case a := <-done:
			t.Fatalf("AddPhoto returned before placing its file: %+v %v", a.res, a.err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("AddPhoto never placed its file")
		}
		time.Sleep(time.Millisecond)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	a := <-done
	if a.err != nil || !a.res.Duplicate || a.res.Photo.ID != otherID || a.res.Photo.OriginalName != "other.jpg" {
		t.Fatalf("AddPhoto = %+v, %v; want the other process's photo %d as a duplicate", a.res, a.err, otherID)
	}
	if called {
		t.Error("then ran for a photo another process added")
	}
	if _, err := os.Stat(abs); err != nil {
		t.Fatalf("the file the other row names was removed: %v", err)
	}
	if n := countStored(t, dir); n != 1 {
		t.Fatalf("%d photo files; want 1", n)
	}
}

// pngHeader is a PNG signature and IHDR claiming w×h (no pixel data).
func pngHeader(w, h uint32) []byte {
	img := image.NewGray(image.Rect(0, 0, 1, 1))
	var buf bytes.Buffer
	png.Encode(&buf, img)
	b := buf.Bytes()
	// IHDR data starts at byte 16: width, height big-endian; its CRC follows the 13 data bytes.
	b[16], b[17], b[18], b[19] = byte(w>>24), byte(w>>16), byte(w>>8), byte(w)
	b[20], b[21], b[22], b[23] = byte(h>>24), byte(h>>16), byte(h>>8), byte(h)
	binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
	return b[:33]
}

func TestAddPathsFolders(t *testing.T) {
	ctx := context.Background()
	st := open(t, t.TempDir())
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "a", "b"), 0o755)
	writeJPEG(t, filepath.Join(root, "one.jpg"), 20, 20, 10)
	writeJPEG(t, filepath.Join(root, "a", "two.jpg"), 20, 20, 11)
	writeJPEG(t, filepath.Join(root, "a", "b", "three.jpg"), 20, 20, 12)
	os.WriteFile(filepath.Join(root, "a", "readme.txt"), []byte("hello"), 0o644)
	os.WriteFile(filepath.Join(root, ".hidden.jpg"), []byte("junk"), 0o644)
	// What Windows and macOS leave in folders is passed over silently, not listed as skipped.
	os.WriteFile(filepath.Join(root, "desktop.ini"), []byte("[.ShellClassInfo]"), 0o644)
	os.WriteFile(filepath.Join(root, "a", "Thumbs.db"), []byte("junk"), 0o644)
	os.WriteFile(filepath.Join(root, "a", "._two.jpg"), []byte("junk"), 0o644)
	os.MkdirAll(filepath.Join(root, "__MACOSX", "a"), 0o755)
	os.WriteFile(filepath.Join(root, "__MACOSX", "a", "two.jpg"), []byte("junk"), 0o644)
	// A symlink loop: a/b/up -> root, and a self-referencing link.
	os.Symlink(root, filepath.Join(root, "a", "b", "up"))
	os.Symlink(filepath.Join(root, "self"), filepath.Join(root, "self"))

	var outs []store.AddOutcome
	sum, err := st.AddPaths(ctx, []string{root, filepath.Join(root, "one.jpg")}, nil, func(o store.AddOutcome) { outs = append(outs, o) })
	if err != nil {
		t.Fatal(err)
	}
	if sum.Added != 3 || sum.Duplicates != 1 || sum.Skipped != 2 {
		t.Fatalf("summary %+v; outcomes %+v", sum, outs)
	}
	var skipped []string
	for _, o := range outs {
		if o.Err != nil {
			skipped = append(skipped, filepath.Base(o.Path)+": "+o.Err.Error())
		}
	}
	joined := strings.Join(skipped, "\n")
	if !strings.Contains(joined, "readme.txt") || !strings.Contains(joined, "self") {
		t.Fatalf("skipped: %s", joined)
	}
}

// Four readers use the read pool while four writers add and edit entries: no read or write fails.
// Each reader reads again as soon as another write has finished, while the next one is under way,
// so reads and writes overlap all along; the readers no longer spin, so the test's CPU (each read
// is ~15 ms under -race, checkptr in the pure-Go SQLite) no longer grows with how slow the machine
// is. With WAL and the busy timeout taken out of the store's connections it fails at once
// (about a hundred SQLITE_BUSY errors), as it did with 50 spinning writes per writer.
func TestConcurrentReadersDuringWrites(t *testing.T) {
	const writers, writesEach = 4, 15
	ctx := context.Background()
	st := open(t, t.TempDir())
	var errs atomic.Int64
	var firstErr atomic.Pointer[error] // a Value would panic on errors of two types
	fail := func(err error) {
		errs.Add(1)
		firstErr.CompareAndSwap(nil, &err)
	}
	var (
		mu      sync.Mutex
		wrote   = sync.NewCond(&mu)
		written int  // writes finished, guarded by mu
		stopped bool // the writers are done, guarded by mu
	)
	var reads atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen := -1
			for {
				mu.Lock()
				for written == seen && !stopped {
					wrote.Wait()
				}
				seen = written
				mu.Unlock()
				if seen == writers*2*writesEach {
					return
				}
				if _, err := st.ListEntries(ctx, store.Filter{Search: "a", Limit: 50}); err != nil {
					fail(err)
				}
				reads.Add(1)
			}
		}()
	}
	var ww sync.WaitGroup
	for w := 0; w < writers; w++ {
		ww.Add(1)
		go func(w int) {
			defer ww.Done()
			for i := 0; i < writesEach; i++ {
				e, err := st.AddEntry(ctx, map[string]string{"name": fmt.Sprintf("Drug %d-%d", w, i), "quantity": "3"})
				if err == nil {
					_, err = st.UpdateEntry(ctx, e.ID, map[string]string{"lot": "L" + fmt.Sprint(i)})
				}
				if err != nil {
					fail(err)
				}
				mu.Lock()
				written += 2 // counted even when failed, so the readers finish
				mu.Unlock()
				wrote.Broadcast()
			}
		}(w)
	}
	ww.Wait()
	mu.Lock()
	stopped = true
	mu.Unlock()
	wrote.Broadcast()
	wg.Wait()
	if errs.Load() != 0 {
		t.Fatalf("%d errors, first: %v", errs.Load(), *firstErr.Load())
	}
	t.Logf("%d reads during %d writes", reads.Load(), writers*2*writesEach)
	if reads.Load() < writers*writesEach {
		t.Fatalf("only %d reads during %d writes: the readers hardly ran beside the writers", reads.Load(), writers*2*writesEach)
	}
	es, _ := st.ListEntries(ctx, store.Filter{})
	if len(es) != writers*writesEach {
		t.Fatalf("%d entries", len(es))
	}
}

// A second process's connection on the same file (the CLI while the window is open) writes too.
func TestTwoStoresOneFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := open(t, dir)
	b := open(t, dir)
	var wg sync.WaitGroup
	var failed atomic.Int64
	for _, st := range []*store.Store{a, b} {
		wg.Add(1)
		go func(st *store.Store) {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				if _, err := st.AddEntry(ctx, map[string]string{"name": "x"}); err != nil {
					failed.Add(1)
					t.Log(err)
				}
			}
		}(st)
	}
	wg.Wait()
	if failed.Load() != 0 {
		t.Fatalf("%d writes failed", failed.Load())
	}
	es, _ := a.ListEntries(ctx, store.Filter{})
	if len(es) != 80 {
		t.Fatalf("%d entries", len(es))
	}
}

func TestEditsHistoryConfirmDelete(t *testing.T) {
	ctx := context.Background()
	st := open(t, t.TempDir())
	e, err := st.AddEntry(ctx, map[string]string{"name": "Paracetamol", "expiry": "03/2027", "gtin": "4006381333931"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Expiry != "2027-03-31" || e.GTIN != "04006381333931" || e.Status != store.StatusNeedsReview {
		t.Fatalf("entry %+v", e)
	}
	if _, err := st.UpdateEntry(ctx, e.ID, map[string]string{"quantity": "-1"}); err == nil {
		t.Fatal("negative quantity accepted")
	} else {
		var fe *store.FieldError
		if !errors.As(err, &fe) || fe.Field != "quantity" {
			t.Fatalf("err %v", err)
		}
	}
	if _, err := st.UpdateEntry(ctx, e.ID, map[string]string{"gtin": "4006381333932"}); err == nil {
		t.Fatal("bad check digit accepted")
	}
	if _, err := st.UpdateEntry(ctx, e.ID, map[string]string{"expiry": "31/02/2027"}); err == nil {
		t.Fatal("31 February accepted")
	}
	e2, err := st.UpdateEntry(ctx, e.ID, map[string]string{"quantity": "12", "name": "Paracetamol 500", "lot": ""})
	if err != nil {
		t.Fatal(err)
	}
	if *e2.Quantity != 12 || e2.Name != "Paracetamol 500" || e2.Sources["name"] != store.SourceUser {
		t.Fatalf("after edit %+v", e2)
	}
	hist, _ := st.History(ctx, e.ID)
	if len(hist) != 2 { // lot unchanged ("" → "") records nothing
		t.Fatalf("history %+v", hist)
	}
	if _, err := st.ConfirmEntry(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	p, err := st.ProductByGTIN(ctx, "04006381333931")
	if err != nil || p.Name != "Paracetamol 500" {
		t.Fatalf("catalog: %+v %v", p, err)
	}
	if err := st.DeleteEntry(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if es, err := st.ListEntries(ctx, store.Filter{}); err != nil || len(es) != 0 {
		t.Fatalf("deleted entry listed (%v)", err)
	}
	if err := st.RestoreEntry(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := st.Entry(ctx, e.ID)
	if got.Deleted || got.Status != store.StatusConfirmed {
		t.Fatalf("restored %+v", got)
	}
	hist, _ = st.History(ctx, e.ID)
	fields := []string{}
	for _, h := range hist {
		fields = append(fields, h.Field)
	}
	if strings.Join(fields, ",") != "quantity,name,status,deleted,deleted" && strings.Join(fields, ",") != "name,quantity,status,deleted,deleted" {
		t.Fatalf("history fields %v", fields)
	}
	if err := st.DeleteEntry(ctx, 99999); !errors.Is(err, store.ErrEntryNotFound) {
		t.Fatalf("delete missing: %v", err)
	}
}

func TestFilters(t *testing.T) {
	ctx := context.Background()
	today := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	st, err := store.Open(ctx, t.TempDir(), store.Options{Now: func() time.Time { return today }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	add := func(name, expiry string) store.Entry {
		e, err := st.AddEntry(ctx, map[string]string{"name": name, "expiry": expiry})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	add("Zinc", "2026-10-01")        // expired
	add("Amoxicillin", "2027-01-15") // within 90 days
	add("Metformin", "2028-05-01")
	c := add("Ibuprofen 100%_x", "")
	st.ConfirmEntry(ctx, c.ID)
	names := func(f store.Filter) string {
		es, err := st.ListEntries(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, e := range es {
			n = append(n, e.Name)
		}
		return strings.Join(n, ",")
	}
	if got := names(store.Filter{}); got != "Zinc,Amoxicillin,Metformin,Ibuprofen 100%_x" {
		t.Fatalf("by expiry: %s", got)
	}
	if got := names(store.Filter{SortByName: true}); got != "Amoxicillin,Ibuprofen 100%_x,Metformin,Zinc" {
		t.Fatalf("by name: %s", got)
	}
	if got := names(store.Filter{Expired: true}); got != "Zinc" {
		t.Fatalf("expired: %s", got)
	}
	if got := names(store.Filter{ExpiresIn: 90}); got != "Amoxicillin" {
		t.Fatalf("90 days: %s", got)
	}
	if got := names(store.Filter{NeedsReview: true, SortByName: true}); got != "Amoxicillin,Metformin,Zinc" {
		t.Fatalf("needs review: %s", got)
	}
	if got := names(store.Filter{Search: "MOX"}); got != "Amoxicillin" {
		t.Fatalf("search: %s", got)
	}
	if got := names(store.Filter{Search: "100%_"}); got != "Ibuprofen 100%_x" {
		t.Fatalf("search with LIKE wildcards: %s", got)
	}
	if got := names(store.Filter{Search: "%"}); got != "Ibuprofen 100%_x" {
		t.Fatalf("search %%: %s", got)
	}
}

func TestMergeRules(t *testing.T) {
	ctx := context.Background()
	st := open(t, t.TempDir())
	src := filepath.Join(t.TempDir(), "p.jpg")
	writeJPEG(t, src, 16, 16, 7)
	res, err := st.AddPhoto(ctx, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	photo := res.Photo
	save := func(a store.Analysis, ne ...store.NewEntry) []int64 {
		tx, err := st.DB().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		a.PhotoID = photo.ID
		_, ids, err := st.SaveAnalysisTx(ctx, tx, a, ne)
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	// Offline pass: the barcode alone.
	ids := save(store.Analysis{Source: store.SourceBarcode}, store.NewEntry{Values: store.Values{GTIN: "04006381333931", Lot: "AB12", Expiry: "2027-03-31"},
		Sources: map[string]string{"gtin": "barcode", "lot": "barcode", "expiry": "barcode"}})
	id := ids[0]
	// The user fixes the location and the name meanwhile.
	if _, err := st.UpdateEntry(ctx, id, map[string]string{"name": "Mine", "location": "Shelf 2"}); err != nil {
		t.Fatal(err)
	}
	// The model's pass later: reads the lot differently, has no expiry, a name, a strength.
	ids2 := save(store.Analysis{Source: store.SourceModel, Model: "gpt-4.1-mini", TokensIn: 900, TokensOut: 120, CostUSD: 0.001},
		store.NewEntry{Values: store.Values{GTIN: "04006381333931", Lot: "A812", Name: "Panadol", Strength: "500 mg"},
			Sources: map[string]string{"gtin": "model", "lot": "model", "name": "model", "strength": "model"}})
	if len(ids2) != 1 || ids2[0] != id {
		t.Fatalf("merge made new entries: %v vs %d", ids2, id)
	}
	e, _ := st.Entry(ctx, id)
	if e.Lot != "AB12" || e.Expiry != "2027-03-31" || e.Name != "Mine" || e.Location != "Shelf 2" || e.Strength != "500 mg" {
		t.Fatalf("merged entry %+v", e)
	}
	if e.Sources["lot"] != "barcode" || e.Sources["name"] != "user" || e.Sources["strength"] != "model" {
		t.Fatalf("sources %v", e.Sources)
	}
	if !strings.Contains(e.ReviewNote, "A812") || !strings.Contains(e.ReviewNote, "AB12") {
		t.Fatalf("disagreement not noted: %q", e.ReviewNote)
	}
	u, err := st.UsageToday(ctx)
	if err != nil || u.Requests != 1 || u.TokensIn != 900 || u.TokensOut != 120 {
		t.Fatalf("usage %+v %v", u, err)
	}
}

func TestParseExpiryAndGTIN(t *testing.T) {
	cases := map[string]string{
		"2027-03-31": "2027-03-31", "03/2027": "2027-03-31", "3/2027": "2027-03-31", "02/28": "2028-02-29",
		"2027-02": "2027-02-28", "15.06.2027": "2027-06-15", "15/06/27": "2027-06-15", "13/2027": "", "2027-02-30": "",
		"abc": "", "": "", "00/2027": "", "1/1/1/1": "",
	}
	for in, want := range cases {
		got, ok := store.ParseExpiry(in)
		if (want == "") == ok || got != want {
			t.Errorf("ParseExpiry(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for in, want := range map[string]string{"4006381333931": "04006381333931", "96385074": "00000096385074",
		"036000291452": "00036000291452", "4006381333932": "", "40063813339a1": "", "123": ""} {
		got, ok := store.NormalizeGTIN(in)
		if (want == "") == ok || got != want {
			t.Errorf("NormalizeGTIN(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestLock(t *testing.T) {
	dir := t.TempDir()
	l, err := store.AcquireLock(dir, "window")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.AcquireLock(dir, "window"); !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "already open") {
		t.Fatalf("second lock: %v", err)
	}
	l.Release()
	l2, err := store.AcquireLock(dir, "window")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	l2.Release()
}

// The holder's pid must reach the "already open" message without reading the lock file, which
// Windows does not allow while it is locked: it lives in window.pid, and the lock file stays empty.
func TestLockPIDInSeparateFile(t *testing.T) {
	dir := t.TempDir()
	l, err := store.AcquireLock(dir, "window")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "window.lock")); err != nil || len(b) != 0 {
		t.Fatalf("lock file holds %q (%v); want it empty, the pid in window.pid", b, err)
	}
	_, err = store.AcquireLock(dir, "window")
	if want := fmt.Sprintf("(process %d)", os.Getpid()); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("second lock: %v; want it to name %s", err, want)
	}
	l.Release()
	if _, err := os.Stat(filepath.Join(dir, "window.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("window.pid after release: %v; want it removed", err)
	}

	// A pid file left by a crash (here, garbage) does not block the lock; it is overwritten.
	if err := os.WriteFile(filepath.Join(dir, "window.pid"), []byte("not a pid"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err = store.AcquireLock(dir, "window")
	if err != nil {
		t.Fatalf("with a stale pid file: %v", err)
	}
	defer l.Release()
	if b, _ := os.ReadFile(filepath.Join(dir, "window.pid")); strings.TrimSpace(string(b)) != fmt.Sprint(os.Getpid()) {
		t.Fatalf("window.pid = %q; want this process's id", b)
	}
}
