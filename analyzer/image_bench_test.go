package analyzer

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gen2brain/heic"
)

// photoJPEG12MP is a generated 4032×3024 photo-like JPEG (quality 92, 4:2:0): smooth gradients,
// sensor-like noise and blocks of dark, text-like strokes, a few MB like a phone photo.
var photoJPEG12MP = sync.OnceValue(func() []byte {
	img := photoLike(4032, 3024)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 92}); err != nil {
		panic(err)
	}
	return buf.Bytes()
})

// photoLike draws a photo-like image: vertical/horizontal colour gradients, per-pixel noise and
// rows of high-contrast strokes (like the small print on a medicine box).
func photoLike(w, h int) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	seed := uint32(2463534242)
	rnd := func() uint32 { seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5; return seed }
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := 60 + 140*x/w + int(rnd()%24)
			// "text": 6-px-high glyph rows with strokes, in a band of boxes over the picture
			if (y/40)%3 == 1 && (x/600)%2 == 0 {
				gx, gy := x%14, y%40
				if gy >= 8 && gy < 30 && (gx < 2 || (gy%11 < 2 && gx < 10) || (rnd()%7 == 0 && gx < 10)) {
					v = 20 + int(rnd()%20)
				}
			}
			img.Y[y*img.YStride+x] = byte(min(v, 255))
		}
	}
	for y := 0; y < (h+1)/2; y++ {
		for x := 0; x < (w+1)/2; x++ {
			i := y*img.CStride + x
			img.Cb[i] = byte(100 + 50*y/h + int(rnd()%6))
			img.Cr[i] = byte(150 - 60*x/w + int(rnd()%6))
		}
	}
	return img
}

// heicFile12MP encodes the photo as HEIC with heif-enc (Debian package libheif-examples) once.
var heicFile12MP = sync.OnceValues(func() ([]byte, error) {
	enc, err := exec.LookPath("heif-enc")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "heicbench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "photo.jpg")
	dst := filepath.Join(dir, "photo.heic")
	if err := os.WriteFile(src, photoJPEG12MP(), 0o600); err != nil {
		return nil, err
	}
	if out, err := exec.Command(enc, "-q", "80", "-o", dst, src).CombinedOutput(); err != nil {
		return nil, &os.PathError{Op: "heif-enc", Path: string(out), Err: err}
	}
	return os.ReadFile(dst)
})

func heicOrSkip(b *testing.B) []byte {
	data, err := heicFile12MP()
	if err != nil {
		b.Skipf("no 12 MP HEIC: heif-enc (apt-get install libheif-examples) is needed to make one: %v", err)
	}
	return data
}

func BenchmarkDecodeJPEGBaseline(b *testing.B) {
	data := photoJPEG12MP()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPreprocessJPEG12MP(b *testing.B) {
	data := photoJPEG12MP()
	b.SetBytes(int64(len(data)))
	var up Upload
	b.ResetTimer()
	for b.Loop() {
		var err error
		if up, _, err = Preprocess(bytes.NewReader(data), DetailHigh); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(100*float64(len(up.JPEG))/float64(len(data)), "sent/orig%")
}

// BenchmarkPreprocessVsDecodeJPEG12MP times a bare image/jpeg decode and LoadImage+PrepareUpload
// of the same file alternately in one loop and reports their ratio (target ≤ 1.5) and the upload
// size as a percentage of the original (target ≤ 5%).
func BenchmarkPreprocessVsDecodeJPEG12MP(b *testing.B) {
	data := photoJPEG12MP()
	b.Logf("original: %d bytes (%.1f MB)", len(data), float64(len(data))/1e6)
	benchRatio(b, data, func() error { _, err := jpeg.Decode(bytes.NewReader(data)); return err })
}

// BenchmarkPreprocessVsDecodeJPEG12MPOrient6 is the same for a portrait phone photo: the file
// says "rotate 90°" (EXIF orientation 6), so LoadImage also rotates the full-size planes.
func BenchmarkPreprocessVsDecodeJPEG12MPOrient6(b *testing.B) {
	data := withSegments(photoJPEG12MP(), exifSegment(6, "II"))
	benchRatio(b, data, func() error { _, err := jpeg.Decode(bytes.NewReader(data)); return err })
}

// BenchmarkPreprocessVsDecodeHEIC12MP is the same for a 12 MP HEIC, against a bare heic.Decode.
func BenchmarkPreprocessVsDecodeHEIC12MP(b *testing.B) {
	data := heicOrSkip(b)
	b.Logf("original: %d bytes (%.1f MB)", len(data), float64(len(data))/1e6)
	benchRatio(b, data, func() error { _, err := heic.Decode(bytes.NewReader(data)); return err })
}

func BenchmarkDecodeHEICBaseline(b *testing.B) {
	data := heicOrSkip(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := heic.Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPreprocessHEIC12MP(b *testing.B) {
	data := heicOrSkip(b)
	checkSameUpload(b, data, photoJPEG12MP())
	b.SetBytes(int64(len(data)))
	var up Upload
	b.ResetTimer()
	for b.Loop() {
		var err error
		if up, _, err = Preprocess(bytes.NewReader(data), DetailHigh); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(100*float64(len(up.JPEG))/float64(len(data)), "sent/orig%")
}

// checkSameUpload fails the benchmark if the uploads made from two encodings of the same photo
// differ by more than compression noise (it caught scrambled colour planes from a HEIC decoder).
func checkSameUpload(b *testing.B, x, y []byte) {
	ux, _, err := Preprocess(bytes.NewReader(x), DetailHigh)
	if err != nil {
		b.Fatal(err)
	}
	uy, _, err := Preprocess(bytes.NewReader(y), DetailHigh)
	if err != nil {
		b.Fatal(err)
	}
	ix, _ := jpeg.Decode(bytes.NewReader(ux.JPEG))
	iy, _ := jpeg.Decode(bytes.NewReader(uy.JPEG))
	if ix == nil || iy == nil || ix.Bounds() != iy.Bounds() {
		b.Fatalf("uploads differ in size")
	}
	var sum [3]float64
	r := ix.Bounds()
	for yy := r.Min.Y; yy < r.Max.Y; yy += 3 {
		for xx := r.Min.X; xx < r.Max.X; xx += 3 {
			r1, g1, b1, _ := ix.At(xx, yy).RGBA()
			r2, g2, b2, _ := iy.At(xx, yy).RGBA()
			for i, d := range []float64{float64(r1) - float64(r2), float64(g1) - float64(g2), float64(b1) - float64(b2)} {
				sum[i] += math.Abs(d) / 257
			}
		}
	}
	n := float64((r.Dx() + 2) / 3 * ((r.Dy() + 2) / 3))
	for i, s := range sum {
		if s/n > 6 {
			b.Fatalf("channel %d differs by %.1f on average between the two uploads", i, s/n)
		}
	}
}

func benchRatio(b *testing.B, data []byte, baseline func() error) {
	var up Upload
	var tBase, tPre time.Duration
	if err := baseline(); err != nil { // warm up (HEIC: compiles the decoder once)
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if err := baseline(); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		var err error
		if up, _, err = Preprocess(bytes.NewReader(data), DetailHigh); err != nil {
			b.Fatal(err)
		}
		tBase += t1.Sub(t0)
		tPre += time.Since(t1)
	}
	b.ReportMetric(float64(tPre)/float64(tBase), "ratio")
	b.ReportMetric(float64(tBase.Milliseconds())/float64(b.N), "decode-ms/op")
	b.ReportMetric(float64(tPre.Milliseconds())/float64(b.N), "preprocess-ms/op")
	b.ReportMetric(100*float64(len(up.JPEG))/float64(len(data)), "sent/orig%")
}
