package pipeline

import "image"

// dHash is a 64-bit difference hash of an image: the image is reduced to 9×8 cells of average
// brightness and each bit says whether a cell is brighter than its right-hand neighbour. Photos
// that look alike (the same pack shot twice) differ in few bits; see stock.PhotosLookAlike. Each
// cell is averaged over a fixed grid of samples, so a 12-megapixel photo costs the same ~18,000
// pixel reads as a small one.
func dHash(img image.Image) uint64 {
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
