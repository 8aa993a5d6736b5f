package pipeline_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"sync"
	"testing"
)

// photoKey names one generated test photo: the same key is the same bytes.
type photoKey struct {
	symbol string
	seed   int64
	w, h   int
}

// photoCache holds each generated photo's JPEG bytes, so a photo several tests use is drawn and
// encoded once per test binary (under -race both cost seconds at phone size).
var photoCache sync.Map // any comparable key → []byte

// cachedJPEG returns the JPEG (at quality) of the image draw makes, drawing it only the first time key is asked for.
func cachedJPEG(t *testing.T, key any, quality int, draw func() image.Image) []byte {
	t.Helper()
	if b, ok := photoCache.Load(key); ok {
		return b.([]byte)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, draw(), &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	b, _ := photoCache.LoadOrStore(key, buf.Bytes())
	return b.([]byte)
}

// writePhoto writes the noisy photo k names (see noisyPhoto) to path as a quality-90 JPEG.
func writePhoto(t *testing.T, path string, k photoKey) {
	t.Helper()
	writeFile(t, path, cachedJPEG(t, k, 90, func() image.Image { return noisyPhoto(t, k) }))
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
