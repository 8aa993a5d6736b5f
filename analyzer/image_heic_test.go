package analyzer

import (
	"bytes"
	"image"
	"os"
	"runtime"
	"testing"

	"github.com/gen2brain/heic"
)

// TestLoadImageHEIC opens HEIC photos with whichever decoder gen2brain/heic uses here (the system
// libheif when libheif.so is installed, WebAssembly with -tags nodynamic; CI runs both): before the
// size was read from the container, a system libheif made every HEIC "damaged". The decoded image
// has the size package heif reads from the container (its TestSizeOfFixtures), grid and irot too.
func TestLoadImageHEIC(t *testing.T) {
	if err := heic.Dynamic(); err != nil {
		t.Logf("HEIC through WebAssembly (%v)", err)
	} else {
		t.Log("HEIC through the system libheif")
	}
	for _, c := range []struct {
		file string
		w, h int
	}{{"small.heic", 320, 240}, {"tall.heic", 240, 320}, {"grid_irot.heic", 1346, 1346}} {
		t.Run(c.file, func(t *testing.T) {
			if testing.Short() && c.file == "grid_irot.heic" {
				t.Skip("a grid of tiles turned by irot, as an iPhone writes them: decoding takes a while")
			}
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

// TestDecodeHEICHoldsNoWebAssemblyMemory: a HEIC decoded through WebAssembly (-tags nodynamic)
// keeps only its own pixels alive, not the module memory the decoder grew (about 5× the image's
// size: 200 MB for 12 MP), which the app used to hold through the whole analysis.
func TestDecodeHEICHoldsNoWebAssemblyMemory(t *testing.T) {
	if heic.Dynamic() == nil {
		t.Skip("HEIC goes through the system libheif here, whose images are Go memory already: run with -tags nodynamic")
	}
	data, err := os.ReadFile("../store/photo/heif/testdata/grid_irot.heic") // 1346×1346
	if err != nil {
		t.Fatal(err)
	}
	small, err := os.ReadFile("../store/photo/heif/testdata/small.heic")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeHEIC(bytes.NewReader(small)); err != nil { // compiles the module once
		t.Fatal(err)
	}
	inUse := func() int64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapInuse)
	}
	before := inUse()
	img, err := decodeHEIC(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	held := inUse() - before
	pixels := int64(pixelBytes(img))
	if held > 2*pixels {
		t.Errorf("decoding a 1346×1346 HEIC left %.1f MB in use while the image is held; its pixels take %.1f MB", float64(held)/(1<<20), float64(pixels)/(1<<20))
	}
	runtime.KeepAlive(img)
}

// pixelBytes is the size of img's pixel buffers.
func pixelBytes(img image.Image) int {
	switch m := img.(type) {
	case *image.YCbCr:
		return len(m.Y) + len(m.Cb) + len(m.Cr)
	case *image.Gray:
		return len(m.Pix)
	case *image.RGBA:
		return len(m.Pix)
	case *image.NRGBA:
		return len(m.Pix)
	}
	return 0
}
