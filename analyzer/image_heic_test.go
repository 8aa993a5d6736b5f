package analyzer

import (
	"os"
	"testing"

	"github.com/gen2brain/heic"
)

// TestLoadImageHEIC opens HEIC photos with whichever decoder gen2brain/heic uses here (the system
// libheif when libheif.so is installed, WebAssembly with -tags nodynamic; CI runs both): before the
// size was read from the container, a system libheif made every HEIC "damaged".
func TestLoadImageHEIC(t *testing.T) {
	if err := heic.Dynamic(); err != nil {
		t.Logf("HEIC through WebAssembly (%v)", err)
	} else {
		t.Log("HEIC through the system libheif")
	}
	for _, c := range []struct {
		file string
		w, h int
	}{{"small.heic", 320, 240}, {"tall.heic", 240, 320}} {
		t.Run(c.file, func(t *testing.T) {
			img, info, err := LoadImageFile("../store/photo/heif/testdata/" + c.file)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); info.Format != "heic" || b.Dx() != c.w || b.Dy() != c.h || info.Width != c.w {
				t.Errorf("%v %+v, want %d×%d", b, info, c.w, c.h)
			}
		})
	}
	data, err := os.ReadFile("../store/photo/heif/testdata/small.heic")
	if err != nil {
		t.Fatal(err)
	}
	cut := t.TempDir() + "/cut.heic"
	if err := os.WriteFile(cut, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadImageFile(cut); err == nil {
		t.Error("half a HEIC opened")
	}
}
