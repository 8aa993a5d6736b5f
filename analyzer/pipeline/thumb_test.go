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
