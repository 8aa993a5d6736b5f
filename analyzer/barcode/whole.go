package barcode

// The whole-frame passes: the photo as plain gozxing sees it, then on a white margin, squared,
// enlarged when tiny and reduced when large.

import (
	"math"

	"github.com/makiuchi-d/gozxing"
)

func (r *reader) tryWhole(g *gray) bool {
	long := max(g.w, g.h)
	// 1. The frame as it is, as plain gozxing would see it: linear codes at up to ~4000 px (their
	// bars are thin), 2D codes at up to ~2000 px.
	for _, target := range []int{4096, nativeMax} {
		if r.ctx.Err() != nil {
			return false
		}
		f := max(1, (long+target-1)/target)
		small := r.scaled(g, f).compact()
		scale := func(x, y float64) (float64, float64) { return x * float64(f), y * float64(f) }
		if target == 4096 {
			if r.tryLinear(r.scaled(g, f), scale, true) {
				return true
			}
			continue
		}
		bmp, ok := bitmap(small.pix, small.w, small.h)
		if !ok {
			continue
		}
		// DataMatrix only unreduced: a reduced frame is better read padded, below.
		if f == 1 {
			if res, err := r.dm.Decode(bmp); err == nil && r.add(DataMatrix, res, scale) {
				return true
			}
		}
		if res, err := r.qr.Decode(bmp, hintsHard); err == nil && r.add(QR, res, scale) {
			return true
		}
	}
	// 2. The frame on a white margin, square (gozxing's DataMatrix detector needs a quiet zone
	// all round and reads a skewed or rectangular code far better with one), enlarged when it is
	// small (2 px modules) and reduced when it is large (a close-up filling a 12 MP frame).
	steps := paddedSteps(long)
	for _, step := range steps {
		if r.ctx.Err() != nil {
			return false
		}
		if r.tryPadded(r.paddedPatch(g, step, false)) {
			return true
		}
	}
	// 3. Light on dark, at the smallest scale (close-ups): the frame's pixels inverted, then put
	// on a white margin (inverting after padding would make the margin black and leave a tightly
	// cropped code without its quiet zone).
	if r.ctx.Err() != nil {
		return false
	}
	return r.tryPadded(r.paddedPatch(g, steps[len(steps)-1], true))
}

// paddedPatch is the whole frame at step input pixels per patch pixel on a white margin,
// inverted first when invert is set.
func (r *reader) paddedPatch(g *gray, step float64, invert bool) *patch {
	long := max(g.w, g.h)
	if step < 1.5 {
		// Enlarging (or nearly 1:1): resample.
		if invert {
			g = g.inverted()
		}
		n := int(math.Ceil(float64(long) * 1.25 / step))
		cx, cy := float64(g.w)/2, float64(g.h)/2
		return &patch{pix: g.warp(cx, cy, 0, step, n), n: n, cx: cx, cy: cy, stp: step}
	}
	// Reducing: box-average by a whole factor and copy onto a white square.
	f := int(math.Round(step))
	small := r.scaled(g, f)
	if invert {
		small = small.inverted()
	}
	return padded(small, f)
}

// padded copies small (g reduced by f) into the middle of a white square 1.25× its longer side.
func padded(small *gray, f int) *patch {
	n := max(small.w, small.h) * 5 / 4
	pix := make([]byte, n*n)
	for i := range pix {
		pix[i] = 255
	}
	x0, y0 := (n-small.w)/2, (n-small.h)/2
	for y := 0; y < small.h; y++ {
		copy(pix[(y0+y)*n+x0:], small.pix[y*small.stride:y*small.stride+small.w])
	}
	// The patch's centre is the input's centre (in input pixels); one patch pixel spans f.
	cx := (float64(x0) - float64(n)/2) * -float64(f)
	cy := (float64(y0) - float64(n)/2) * -float64(f)
	return &patch{pix: pix, n: n, cx: cx, cy: cy, stp: float64(f)}
}

// nativeMax is the largest side at which the whole frame goes to the 2D readers unreduced.
const nativeMax = 2048

// paddedSteps are the input pixels per output pixel of the padded whole-frame passes for a photo
// whose longer side is long: enlarged for tiny renderings, about 1000 and 500 px for photos (a
// close-up's modules are large; a code small in the frame is the region search's).
func paddedSteps(long int) []float64 {
	switch {
	case long <= 400:
		return []float64{1, 1 / 1.5, 0.5}
	case long <= 1000:
		return []float64{1, float64(long) / 400}
	}
	k := float64((long + coarseTarget/2) / coarseTarget) // the locator's factor: its copy is reused
	return []float64{k, 2 * k}
}

// scaled returns g reduced by f, reusing a reduction already made whose factor divides f (the
// locator's coarse copy, typically), so a 12 MP frame is read once for all the reduced passes.
func (r *reader) scaled(g *gray, f int) *gray {
	if f <= 1 {
		return g
	}
	if s, ok := r.reduced[f]; ok {
		return s
	}
	src, k := g, 1
	for d, s := range r.reduced {
		if f%d == 0 && d > k {
			src, k = s, d
		}
	}
	s := src.downscale(f / k)
	if r.reduced == nil {
		r.reduced = map[int]*gray{}
	}
	r.reduced[f] = s
	return s
}

// tryPadded reads a padded whole frame: DataMatrix with the hybrid binarizer, then with a global
// threshold (better on an evenly lit close-up whose modules are larger than the hybrid's blocks),
// then QR.
func (r *reader) tryPadded(p *patch) bool {
	src, err := gozxing.NewPlanarYUVLuminanceSource(p.pix, p.n, p.n, 0, 0, p.n, p.n, false)
	if err != nil {
		return false
	}
	sources := []gozxing.LuminanceSource{src}
	var hybrid *gozxing.BinaryBitmap // the upright hybrid bitmap, binarized once for both readers
	for _, s := range sources {
		for _, bz := range []gozxing.Binarizer{gozxing.NewHybridBinarizer(s), gozxing.NewGlobalHistgramBinarizer(s)} {
			bmp, err := gozxing.NewBinaryBitmap(bz)
			if err != nil {
				continue
			}
			if hybrid == nil {
				hybrid = bmp
			}
			if res, err := r.dm.Decode(bmp); err == nil {
				return r.add(DataMatrix, res, p.toInput)
			}
		}
	}
	if hybrid != nil {
		if res, err := r.qr.Decode(hybrid, nil); err == nil {
			return r.add(QR, res, p.toInput)
		}
	}
	return false
}
