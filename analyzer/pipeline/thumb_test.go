package pipeline_test

import (
	"context"
	"database/sql"
	"errors"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"medinventory/analyzer/pipeline"
	"medinventory/jobs"
	"medinventory/store"
)

// The analysis stores the window's thumbnail from its own decode of the photo.
func TestAnalysisStoresThumbnail(t *testing.T) {
	f := newFixture(t, "", true) // offline: the barcode and the thumbnail are all the work
	p := filepath.Join(t.TempDir(), "pack.jpg")
	photoWithCode(t, p, "dm_full.png", 3)
	photo, _ := f.run(t, p)
	thumb := store.ThumbFile(f.st.PhotoFile(photo))
	fh, err := os.Open(thumb)
	if err != nil {
		t.Fatalf("no thumbnail: %v", err)
	}
	cfg, err := jpeg.DecodeConfig(fh)
	fh.Close()
	if err != nil || max(cfg.Width, cfg.Height) != store.ThumbSize {
		t.Fatalf("thumbnail %+v, %v; want a JPEG fitted in %d px", cfg, err, store.ThumbSize)
	}
	// Recovering unlisted photo files never takes a thumbnail for a photo.
	if ad, err := f.st.AdoptPhotoFiles(context.Background(), -1, nil); err != nil || len(ad) != 0 {
		t.Fatalf("adopted %+v (%v)", ad, err)
	}
}

// Photos analysed before thumbnails were stored get theirs once, in the background: every photo
// without one whose analysis is not still to run, decoded under the budget; a photo that cannot
// be opened is skipped, not fatal.
func TestMakeMissingThumbnails(t *testing.T) {
	f := newFixture(t, "", true)
	ctx := context.Background()
	if err := jobs.CreateSchema(ctx, f.st.DB()); err != nil {
		t.Fatal(err)
	}
	pool := jobs.New(f.st.DB(), jobs.Options{ReadDB: f.st.ReadDB()})
	pending := func(id int64) (bool, error) { return pipeline.Pending(ctx, pool, id) }
	var photos []store.Photo
	var queued int64 // the job of the last photo: its analysis is still to run
	for i, sym := range []string{"dm_full.png", "dm_short.png", "dm_long.png", "dm_full.png"} {
		p := filepath.Join(t.TempDir(), "pack.jpg")
		photoWithCode(t, p, sym, int64(2+i))
		var enqueue func(*sql.Tx, store.Photo) error
		if i == 3 {
			enqueue = func(tx *sql.Tx, p store.Photo) (err error) {
				queued, _, err = pipeline.EnqueueTx(ctx, tx, p)
				return err
			}
		}
		res, err := f.st.AddPhoto(ctx, p, enqueue)
		if err != nil {
			t.Fatal(err)
		}
		photos = append(photos, res.Photo)
	}
	// The second photo's file is damaged after it was stored.
	if err := os.WriteFile(f.st.PhotoFile(photos[1]), []byte("not a photo any more"), 0o600); err != nil {
		t.Fatal(err)
	}
	made, err := f.h.MakeMissingThumbnails(ctx, pending)
	if err != nil || made != 2 {
		t.Fatalf("made %d, %v; want 2", made, err)
	}
	hasThumb := func(i int) bool {
		fh, err := os.Open(store.ThumbFile(f.st.PhotoFile(photos[i])))
		if err != nil {
			return false
		}
		defer fh.Close()
		cfg, err := jpeg.DecodeConfig(fh)
		if err != nil || max(cfg.Width, cfg.Height) != store.ThumbSize {
			t.Errorf("photo %d: thumbnail %+v, %v", i, cfg, err)
		}
		return true
	}
	for i, want := range []bool{true, false, true, false} {
		if got := hasThumb(i); got != want {
			t.Errorf("photo %d: thumbnail %v, want %v (1: damaged; 3: its analysis is queued)", i, got, want)
		}
	}
	// Once made, nothing more to do (the damaged photo is tried again, and skipped again).
	if made, err := f.h.MakeMissingThumbnails(ctx, pending); err != nil || made != 0 {
		t.Fatalf("second run made %d, %v", made, err)
	}
	// A photo whose analysis will not run any more (cancelled here) gets its thumbnail.
	if err := pool.Cancel(ctx, queued); err != nil {
		t.Fatal(err)
	}
	if made, err := f.h.MakeMissingThumbnails(ctx, pending); err != nil || made != 1 || !hasThumb(3) {
		t.Fatalf("after the cancel: made %d, %v; want the queued photo's thumbnail", made, err)
	}
	// A cancelled run stops, and so does one that cannot tell what is pending.
	os.Remove(store.ThumbFile(f.st.PhotoFile(photos[0])))
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if made, err := f.h.MakeMissingThumbnails(cctx, pending); err == nil || made != 0 {
		t.Fatalf("cancelled run made %d, %v", made, err)
	}
	broken := func(int64) (bool, error) { return false, errors.New("database is locked") }
	if made, err := f.h.MakeMissingThumbnails(ctx, broken); err == nil || made != 0 || hasThumb(0) {
		t.Fatalf("with the job list unreadable: made %d, %v; want nothing made and the error", made, err)
	}
}
