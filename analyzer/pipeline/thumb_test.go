package pipeline_test

import (
	"context"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

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
// without one, decoded under the budget; a photo that cannot be opened is skipped, not fatal.
func TestMakeMissingThumbnails(t *testing.T) {
	f := newFixture(t, "", true)
	ctx := context.Background()
	var photos []store.Photo
	for i, sym := range []string{"dm_full.png", "dm_short.png", "dm_long.png"} {
		p := filepath.Join(t.TempDir(), "pack.jpg")
		photoWithCode(t, p, sym, int64(2+i))
		res, err := f.st.AddPhoto(ctx, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		photos = append(photos, res.Photo)
	}
	// The second photo's file is damaged after it was stored.
	if err := os.WriteFile(f.st.PhotoFile(photos[1]), []byte("not a photo any more"), 0o600); err != nil {
		t.Fatal(err)
	}
	made, err := f.h.MakeMissingThumbnails(ctx)
	if err != nil || made != 2 {
		t.Fatalf("made %d, %v; want 2", made, err)
	}
	for i, p := range photos {
		fh, err := os.Open(store.ThumbFile(f.st.PhotoFile(p)))
		if i == 1 {
			if err == nil {
				fh.Close()
				t.Errorf("a thumbnail for the damaged photo")
			}
			continue
		}
		if err != nil {
			t.Fatalf("photo %d: no thumbnail: %v", i, err)
		}
		cfg, err := jpeg.DecodeConfig(fh)
		fh.Close()
		if err != nil || max(cfg.Width, cfg.Height) != store.ThumbSize {
			t.Errorf("photo %d: thumbnail %+v, %v", i, cfg, err)
		}
	}
	// Once made, nothing more to do (the damaged photo is tried again, and skipped again).
	if made, err := f.h.MakeMissingThumbnails(ctx); err != nil || made != 0 {
		t.Fatalf("second run made %d, %v", made, err)
	}
	// A cancelled run stops.
	os.Remove(store.ThumbFile(f.st.PhotoFile(photos[0])))
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if made, err := f.h.MakeMissingThumbnails(cctx); err == nil || made != 0 {
		t.Fatalf("cancelled run made %d, %v", made, err)
	}
}
