package heif

import (
	"bytes"
	"errors"
	"os"
	"testing"
)

// TestSizeOfFixtures: Size and DecodeConfig give each fixture's size (analyzer's TestLoadImageHEIC
// decodes the same files and checks the decoded image has it).
func TestSizeOfFixtures(t *testing.T) {
	for _, c := range []struct {
		file string
		w, h int
	}{{"small.heic", 320, 240}, {"tall.heic", 240, 320}, {"grid_irot.heic", 1346, 1346}} {
		data, err := os.ReadFile("testdata/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		w, h, err := Size(bytes.NewReader(data))
		if err != nil || w != c.w || h != c.h {
			t.Errorf("%s: Size = %d×%d, %v; want %d×%d", c.file, w, h, err, c.w, c.h)
		}
		cfg, err := DecodeConfig(bytes.NewBuffer(data), nil) // not a ReaderAt: read into memory
		if err != nil || cfg.Width != c.w || cfg.Height != c.h {
			t.Errorf("%s: DecodeConfig = %+v, %v", c.file, cfg, err)
		}
	}
}

func TestSizeRefusesWhatIsNotHEIF(t *testing.T) {
	data, err := os.ReadFile("testdata/small.heic")
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"empty":      nil,
		"jpeg":       {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0},
		"header":     data[:40],
		"cut":        data[:200],
		"zero sizes": append(append([]byte{}, data[:24]...), make([]byte, 64)...),
	} {
		if w, h, err := Size(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: Size = %d×%d, want an error", name, w, h)
		} else if !errors.Is(err, ErrNoSize) {
			t.Errorf("%s: %v, want ErrNoSize", name, err)
		}
	}
}

func FuzzSize(f *testing.F) {
	for _, n := range []string{"small.heic", "tall.heic"} {
		b, err := os.ReadFile("testdata/" + n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		w, h, err := Size(bytes.NewReader(b))
		if err == nil && (w <= 0 || h <= 0) {
			t.Fatalf("Size = %d×%d with no error", w, h)
		}
	})
}
