package pipeline

import (
	"image"
	"image/color"
	"math/bits"
	"testing"

	"medinventory/store/stock"
)

func gradient(w, h int, f func(x, y int) uint8) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetGray(x, y, color.Gray{f(x, y)})
		}
	}
	return img
}

func TestDHash(t *testing.T) {
	pattern := func(x, y int) uint8 { return uint8((x*7 + y*3) % 256) }
	big := gradient(900, 800, func(x, y int) uint8 { return pattern(x/100, y/100) * 20 })
	small := gradient(90, 80, func(x, y int) uint8 { return pattern(x/10, y/10) * 20 })
	brighter := gradient(900, 800, func(x, y int) uint8 { return pattern(x/100, y/100)*20 + 10 })
	mirrored := gradient(900, 800, func(x, y int) uint8 { return pattern((899-x)/100, y/100) * 20 })
	h := dHash(big)
	if d := bits.OnesCount64(h ^ dHash(small)); d > 4 {
		t.Errorf("the same picture at another size differs in %d bits", d)
	}
	if d := bits.OnesCount64(h ^ dHash(brighter)); d > 4 {
		t.Errorf("the same picture a little brighter differs in %d bits", d)
	}
	if d := bits.OnesCount64(h ^ dHash(mirrored)); d <= stock.SimilarHashDistance {
		t.Errorf("a mirrored picture differs in only %d bits", d)
	}
	if dHash(image.NewGray(image.Rect(0, 0, 0, 0))) != 0 {
		t.Error("an empty image hashes to 0")
	}
	// A sub-image (non-zero Min) is read from its own bounds.
	sub := big.SubImage(image.Rect(0, 0, 900, 800))
	if dHash(sub) != h {
		t.Error("sub-image hash differs")
	}
}
