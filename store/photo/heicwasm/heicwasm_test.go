package heicwasm

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gen2brain/heic"
)

const fixtures = "../heif/testdata/"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(fixtures + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestDecodeFixtures decodes the container fixtures (a plain image, a portrait, and an iPhone-style
// grid of tiles turned by irot) to the size package heif reads from their boxes, and DecodeConfig
// agrees without decoding the pixels.
func TestDecodeFixtures(t *testing.T) {
	for _, c := range []struct {
		file string
		w, h int
	}{{"small.heic", 320, 240}, {"tall.heic", 240, 320}, {"grid_irot.heic", 1346, 1346}} {
		t.Run(c.file, func(t *testing.T) {
			data := readFixture(t, c.file)
			cfg, err := DecodeConfig(bytes.NewReader(data))
			if err != nil || cfg.Width != c.w || cfg.Height != c.h {
				t.Fatalf("DecodeConfig: %+v, %v; want %d×%d", cfg, err, c.w, c.h)
			}
			img, err := Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != c.w || b.Dy() != c.h {
				t.Errorf("decoded %v, want %d×%d", b, c.w, c.h)
			}
		})
	}
}

// TestSamePixelsAsGen2brain: the same module run here gives what gen2brain/heic gives. Built with
// -tags nodynamic gen2brain/heic runs the same WebAssembly, so the pixels must be identical, but
// for the first bytes of the Y plane: gen2brain/heic v0.4.5 returns planes that alias the module's
// memory after it has called free() on them, and free writes its list pointers there (24 bytes of
// the top-left pixels of every photo, seen here). With a system libheif gen2brain/heic decodes
// with that, another build of libheif, so they must agree within a grey level on average and a
// few at the top-left corner, where free() would have left pointers in ours.
func TestSamePixelsAsGen2brain(t *testing.T) {
	const freed = 32 // bytes at the start of the Y plane a free() may overwrite in gen2brain's
	for _, name := range []string{"small.heic", "grid_irot.heic"} {
		t.Run(name, func(t *testing.T) {
			data := readFixture(t, name)
			ours, err := Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := heic.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			o, ok1 := ours.(*image.YCbCr)
			g, ok2 := theirs.(*image.YCbCr)
			if !ok1 || !ok2 {
				t.Fatalf("types %T and %T, want *image.YCbCr (what both decode this file to)", ours, theirs)
			}
			if o.Rect != g.Rect || o.SubsampleRatio != g.SubsampleRatio || o.YStride != g.YStride || o.CStride != g.CStride {
				t.Fatalf("%v %v strides %d/%d, gen2brain/heic %v %v strides %d/%d", o.Rect, o.SubsampleRatio, o.YStride, o.CStride, g.Rect, g.SubsampleRatio, g.YStride, g.CStride)
			}
			sameModule := heic.Dynamic() != nil
			var diff float64
			for i := range o.Y {
				d := abs(int(o.Y[i]) - int(g.Y[i]))
				switch {
				case i < freed && sameModule: // gen2brain's own are overwritten there
				case i < freed && d > 8:
					t.Errorf("Y[%d] = %d, the system libheif says %d: overwritten?", i, o.Y[i], g.Y[i])
				default:
					diff += d
				}
			}
			for i := range o.Cb {
				diff += abs(int(o.Cb[i])-int(g.Cb[i])) + abs(int(o.Cr[i])-int(g.Cr[i]))
			}
			mean := diff / float64(len(o.Y)+2*len(o.Cb))
			if sameModule && diff != 0 {
				t.Errorf("the same WebAssembly module gave different pixels: mean difference %.4f", mean)
			}
			if mean > 1 {
				t.Errorf("mean difference %.3f grey levels from the system libheif's decode", mean)
			}
			t.Logf("mean difference %.4f grey levels from gen2brain/heic (%s)", mean, map[bool]string{true: "the same module", false: "the system libheif"}[sameModule])
		})
	}
}

func abs(v int) float64 {
	if v < 0 {
		return float64(-v)
	}
	return float64(v)
}

// TestBadInput: what is not a whole HEIC is refused with ErrDecode, not a panic, and leaves no
// module memory behind.
func TestBadInput(t *testing.T) {
	small := readFixture(t, "small.heic")
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, image.NewGray(image.Rect(0, 0, 64, 64)), nil); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"empty":       nil,
		"half a HEIC": small[:len(small)/2],
		"header only": small[:64],
		"a JPEG":      jpg.Bytes(),
		"zeros":       make([]byte, 4096),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Decode(data); !errors.Is(err, ErrDecode) {
				t.Errorf("Decode: %v, want ErrDecode", err)
			}
			if _, err := DecodeConfig(bytes.NewReader(data)); !errors.Is(err, ErrDecode) && name != "half a HEIC" { // its header is whole
				t.Errorf("DecodeConfig: %v, want ErrDecode", err)
			}
		})
	}
	if n := reservations.Load(); n != 0 {
		t.Errorf("%d module memories still reserved after the decodes ended", n)
	}
}

// TestModuleMemoryIsOutsideGoAndFreed: a decode's module memory is reserved outside Go's heap,
// grows in place, is unmapped when the decode ends, and commits at most BytesPerPixel per pixel.
func TestModuleMemoryIsOutsideGoAndFreed(t *testing.T) {
	if allocator == nil {
		t.Skip("no reservation outside Go's heap on this system")
	}
	probe := allocator.Allocate(0, 1<<20)
	probe.Free()
	if _, ok := probe.(*inHeap); ok {
		t.Skip("no reservation outside Go's heap on this system")
	}
	data := readFixture(t, "grid_irot.heic")
	peakCommitted.Store(0)
	img, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if n := reservations.Load(); n != 0 {
		t.Errorf("%d module memories still reserved after the decode", n)
	}
	b := img.Bounds()
	perPixel := float64(peakCommitted.Load()) / float64(b.Dx()*b.Dy())
	t.Logf("module memory: %.1f MB committed at most, %.1f bytes per pixel", float64(peakCommitted.Load())/(1<<20), perPixel)
	if perPixel > BytesPerPixel {
		t.Errorf("the module committed %.1f bytes per pixel; BytesPerPixel says %d", perPixel, BytesPerPixel)
	}
}

// TestLinearMemoryGrowsInPlace: the allocator keeps the module's bytes where they are as it grows
// (no copy, no second buffer), and refuses to grow past its reservation.
func TestLinearMemoryGrowsInPlace(t *testing.T) {
	mem := allocator.Allocate(0, 64<<20)
	if _, ok := mem.(*inHeap); ok {
		t.Skip("no reservation outside Go's heap on this system")
	}
	defer mem.Free()
	a := mem.Reallocate(1 << 16)
	a[100] = 42
	b := mem.Reallocate(32 << 20)
	if &a[0] != &b[0] || b[100] != 42 || len(b) != 32<<20 {
		t.Fatalf("grew from %p to %p (len %d), byte 100 = %d", &a[0], &b[0], len(b), b[100])
	}
	b[len(b)-1] = 1 // committed: writable
	if c := mem.Reallocate(65 << 20); c != nil {
		t.Errorf("grew past the reservation to %d bytes", len(c))
	}
}

// TestEmbeddedModuleIsGen2brains: lib/heif.wasm.gz is the file of the gen2brain/heic version in
// go.mod, so that updating that module updates this copy too (or this test says to).
func TestEmbeddedModuleIsGen2brains(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/gen2brain/heic").Output()
	if err != nil {
		t.Skip("no go command to find gen2brain/heic's files:", err)
	}
	dir := strings.TrimSpace(string(out))
	theirs, err := os.ReadFile(filepath.Join(dir, "lib", "heif.wasm.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(theirs) != sha256.Sum256(heifWasm) {
		t.Errorf("lib/heif.wasm.gz differs from %s/lib/heif.wasm.gz: copy it (and its LICENSE files and heif.c) here", dir)
	}
}

// TestConcurrentDecodes: the pool decodes several photos at once; each decode has a module and a
// memory of its own, and gets the same pixels as alone.
func TestConcurrentDecodes(t *testing.T) {
	data := readFixture(t, "small.heic")
	alone, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	want := alone.(*image.YCbCr)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			img, err := Decode(data)
			if err == nil && !bytes.Equal(img.(*image.YCbCr).Y, want.Y) {
				err = errors.New("different pixels than decoded alone")
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := reservations.Load(); n != 0 {
		t.Errorf("%d module memories still reserved", n)
	}
}
