package look_test

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

func TestDHashBaseline(t *testing.T) {
	pattern := func(x, y int) uint8 { return uint8((x*7 + y*3) % 256) }
	big := gradient(900, 800, func(x, y int) uint8 { return pattern(x/100, y/100) * 20 })
	small := gradient(90, 80, func(x, y int) uint8 { return pattern(x/10, y/10) * 20 })
	brighter := gradient(900, 800, func(x, y int) uint8 { return pattern(x/100, y/100)*20 + 10 })
	mirrored := gradient(900, 800, func(x, y int) uint8 { return pattern((899-x)/100, y/100) * 20 })
	h := dHash64(big)
	if d := bits.OnesCount64(h ^ dHash64(small)); d > 4 {
		t.Errorf("the same picture at another size differs in %d bits", d)
	}
	if d := bits.OnesCount64(h ^ dHash64(brighter)); d > 4 {
		t.Errorf("the same picture a little brighter differs in %d bits", d)
	}
	if d := bits.OnesCount64(h ^ dHash64(mirrored)); d <= stock.SimilarHashDistance {
		t.Errorf("a mirrored picture differs in only %d bits", d)
	}
	if dHash64(image.NewGray(image.Rect(0, 0, 0, 0))) != 0 {
		t.Error("an empty image hashes to 0")
	}
	// A sub-image (non-zero Min) is read from its own bounds.
	sub := big.SubImage(image.Rect(0, 0, 900, 800))
	if dHash64(sub) != h {
		t.Error("sub-image hash differs")
	}
}

// dHash64 is the look-alike hash of release 0.1, kept as the measure's baseline (TestLookAlikeRates):
// a 64-bit difference hash of an image: the image is reduced to 9×8 cells of average
// brightness and each bit says whether a cell is brighter than its right-hand neighbour. Photos
// that look alike (the same pack shot twice) differ in few bits; see stock.PhotosLookAlike. Each
// cell is averaged over a fixed grid of samples, so a 12-megapixel photo costs the same ~18,000
// pixel reads as a small one.
func dHash64(img image.Image) uint64 {
	const cols, rows, samples = 9, 8, 16
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w == 0 || h == 0 {
		return 0
	}
	var cell [rows][cols]uint64
	for cy := 0; cy < rows; cy++ {
		for cx := 0; cx < cols; cx++ {
			var sum uint64
			for sy := 0; sy < samples; sy++ {
				y := b.Min.Y + (cy*samples+sy)*h/(rows*samples)
				for sx := 0; sx < samples; sx++ {
					x := b.Min.X + (cx*samples+sx)*w/(cols*samples)
					r, g, bl, _ := img.At(x, y).RGBA()
					sum += uint64(299*r+587*g+114*bl) / 1000
				}
			}
			cell[cy][cx] = sum
		}
	}
	var hash uint64
	for y := 0; y < rows; y++ {
		for x := 0; x < cols-1; x++ {
			hash <<= 1
			if cell[y][x] > cell[y][x+1] {
				hash |= 1
			}
		}
	}
	return hash
}
