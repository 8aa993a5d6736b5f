package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gen2brain/heic"
)

// TestAddPhotoHEIC: a HEIC photo is stored with its size, whichever decoder gen2brain/heic uses —
// the system libheif (this test binary, when libheif.so is installed: there its DecodeConfig
// fails, and every HEIC used to be refused as damaged) or WebAssembly (-tags nodynamic; CI runs
// both). A grid photo rotated by its container (as an iPhone writes them) gets its turned size.
func TestAddPhotoHEIC(t *testing.T) {
	if err := heic.Dynamic(); err != nil {
		t.Logf("HEIC through WebAssembly (%v)", err)
	} else {
		t.Log("HEIC through the system libheif")
	}
	st := open(t, t.TempDir())
	for _, c := range []struct {
		file string
		w, h int
	}{{"small.heic", 320, 240}, {"grid_irot.heic", 1346, 1346}} {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("photo", "heif", "testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			src := filepath.Join(t.TempDir(), "IMG_0001.HEIC")
			if err := os.WriteFile(src, data, 0o644); err != nil {
				t.Fatal(err)
			}
			res, err := st.AddPhoto(context.Background(), src, nil)
			if err != nil {
				t.Fatal(err)
			}
			if p := res.Photo; p.Format != "heic" || p.Width != c.w || p.Height != c.h {
				t.Errorf("stored %+v, want heic %d×%d", p, c.w, c.h)
			}
		})
	}
	// A HEIC cut short is refused as damaged, and nothing is stored.
	data, err := os.ReadFile(filepath.Join("photo", "heif", "testdata", "small.heic"))
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "cut.heic")
	if err := os.WriteFile(src, data[:300], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddPhoto(context.Background(), src, nil); err == nil {
		t.Error("a HEIC cut short was accepted")
	}
}
