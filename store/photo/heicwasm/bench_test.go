package heicwasm

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gen2brain/heic"
)

// photo12MP is a 4032×3024 photo-like picture (a gradient with noise and rows of strokes) as a
// JPEG, and as a HEIC made from it by heif-enc (Debian: libheif-examples) when that is installed.
var photo12MP = sync.OnceValues(func() (jpg, hc []byte) {
	const w, h = 4032, 3024
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	seed := uint32(2463534242)
	rnd := func() uint32 { seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5; return seed }
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := 60 + 140*x/w + int(rnd()%24)
			if (y/40)%3 == 1 && x%14 < 2 {
				v = 30
			}
			img.Y[y*img.YStride+x] = byte(v)
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = byte(110+rnd()%6), byte(140+rnd()%6)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		panic(err)
	}
	jpg = buf.Bytes()
	enc, err := exec.LookPath("heif-enc")
	if err != nil {
		return jpg, nil
	}
	dir, err := os.MkdirTemp("", "heicwasm-bench")
	if err != nil {
		return jpg, nil
	}
	defer os.RemoveAll(dir)
	src, dst := filepath.Join(dir, "p.jpg"), filepath.Join(dir, "p.heic")
	if os.WriteFile(src, jpg, 0o600) != nil || exec.Command(enc, "-q", "80", "-o", dst, src).Run() != nil {
		return jpg, nil
	}
	hc, _ = os.ReadFile(dst)
	return jpg, hc
})

// BenchmarkDecode12MP decodes a 12 MP HEIC here and through gen2brain/heic (the same WebAssembly
// with -tags nodynamic; the system libheif without), beside image/jpeg decoding the same photo as
// a JPEG, in the same run. module-MB is the most module memory one decode committed here (outside
// Go's heap; B/op counts only Go's allocations):
//
//	go test -tags nodynamic -run '^$' -bench Decode12MP -benchmem -benchtime 3x ./store/photo/heicwasm/
func BenchmarkDecode12MP(b *testing.B) {
	jpg, hc := photo12MP()
	if hc == nil {
		b.Skip("heif-enc is needed to make the HEIC (Debian: apt-get install libheif-examples)")
	}
	if _, err := Decode(hc); err != nil { // compiles the module
		b.Fatal(err)
	}
	b.Run("jpeg-baseline", func(b *testing.B) {
		for b.Loop() {
			if _, err := jpeg.Decode(bytes.NewReader(jpg)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("heicwasm", func(b *testing.B) {
		peakCommitted.Store(0)
		for b.Loop() {
			if _, err := Decode(hc); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(peakCommitted.Load())/(1<<20), "module-MB")
	})
	name := "gen2brain-wasm"
	if heic.Dynamic() == nil {
		name = "gen2brain-system-libheif"
	}
	b.Run(name, func(b *testing.B) {
		for b.Loop() {
			if _, err := heic.Decode(bytes.NewReader(hc)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
