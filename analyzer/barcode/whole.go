package barcode

// The whole-frame passes: the photo as plain gozxing sees it, then on a white margin, squared,
// enlarged when tiny and reduced when large.

import (
	"image"
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
			if res, err := r.decodeDM(bmp, scale); err == nil && r.add(DataMatrix, res, scale) {
				return true
			}
		}
		if res, err := r.decodeQR(bmp, hintsHard, scale); err == nil && r.add(QR, res, scale) {
			return true
		}
	}
	// 2. The frame on a white margin, square (gozxing's DataMatrix detector needs a quiet zone
	// all round and reads a skewed or rectangular code far better with one), enlarged when it is
	// small (2 px modules) and reduced when it is large (a close-up filling a 12 MP frame).
	steps, more := paddedSteps(long)
	made := map[float64]*patch{} // by step, for the light-on-dark passes
	for _, step := range steps {
		if r.ctx.Err() != nil {
			return false
		}
		p := r.paddedPatch(g, step)
		made[step] = p
		if r.tryPadded(p) {
			return true
		}
	}
	// The passes below are for a frame in which nothing has been read: a code already read
	// (a plain DataMatrix, an EAN-13) says the frame is not light-on-dark or too small to read.
	nothing := len(r.codes) == 0
	if nothing {
		for _, step := range more {
			if r.ctx.Err() != nil {
				return false
			}
			p := r.paddedPatch(g, step)
			made[step] = p
			if r.tryPadded(p) {
				return true
			}
		}
	}
	// 3. Light on dark, at the smallest scale (close-ups; every scale for a small frame in which
	// nothing was read): the frame's pixels inverted on the white margin (inverting the whole
	// patch would make the margin black and leave a tightly cropped code without its quiet zone).
	inv := steps[len(steps)-1:]
	if long <= 400 && nothing {
		inv = append(steps, more...)
	}
	for _, step := range inv {
		if r.ctx.Err() != nil {
			return false
		}
		if r.tryPadded(made[step].inverted()) {
			return true
		}
	}
	// 4. A tiny frame in which nothing was read: the enlarged patches sharpened (unsharp masking
	// over 1.5 modules of a code filling the frame at 2–3 px modules), as a blurred code's
	// modules run together at the threshold.
	if len(r.codes) == 0 && long <= 200 {
		for _, step := range append(steps[len(steps)-1:], more...) {
			if r.ctx.Err() != nil {
				return false
			}
			if p := made[step]; p != nil && r.trySharpened(p.sharpened(int(math.Round(1.5/step)), 2)) {
				return true
			}
		}
	}
	return false
}

// paddedPatch is the whole frame at step input pixels per patch pixel on a white margin.
func (r *reader) paddedPatch(g *gray, step float64) *patch {
	long := max(g.w, g.h)
	if step < 1.5 {
		// Enlarging (or nearly 1:1): resample. warp paints white where no input pixel is.
		n := int(math.Ceil(float64(long) * 1.25 / step))
		cx, cy := float64(g.w)/2, float64(g.h)/2
		inside := func(c float64, size int) (int, int) {
			lo, hi := n, 0
			for o := 0; o < n; o++ {
				if v := c + (float64(o)+0.5-float64(n)/2)*step - 0.5; v >= 0 && v < float64(size-1) {
					lo, hi = min(lo, o), o+1
				}
			}
			return lo, hi
		}
		x0, x1 := inside(cx, g.w)
		y0, y1 := inside(cy, g.h)
		return &patch{pix: g.warp(cx, cy, 0, step, n), n: n, cx: cx, cy: cy, stp: step, in: image.Rect(x0, y0, x1, y1)}
	}
	// Reducing: box-average by a whole factor and copy onto a white square.
	return padded(r.scaled(g, int(math.Round(step))), int(math.Round(step)))
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
	return &patch{pix: pix, n: n, cx: cx, cy: cy, stp: float64(f), in: image.Rect(x0, y0, x0+small.w, y0+small.h)}
}

// nativeMax is the largest side at which the whole frame goes to the 2D readers unreduced.
const nativeMax = 2048

// paddedSteps are the input pixels per output pixel of the padded whole-frame passes for a photo
// whose longer side is long: enlarged for tiny renderings, about 1000 and 500 px for photos (a
// close-up's modules are large; a code small in the frame is the region search's). more are
// further enlargements for a frame of at most 200 px in which nothing else was read: a tightly
// cropped code of 2–3 px modules, whose corners gozxing finds to a module's accuracy only at 3–4×.
func paddedSteps(long int) (steps, more []float64) {
	switch {
	case long <= 200:
		return []float64{1, 1 / 1.5, 0.5}, []float64{1.0 / 3, 0.25}
	case long <= 400:
		return []float64{1, 1 / 1.5, 0.5}, nil
	case long <= 1000:
		return []float64{1, float64(long) / 400}, nil
	}
	k := float64((long + coarseTarget/2) / coarseTarget) // the locator's factor: its copy is reused
	return []float64{k, 2 * k}, nil
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
			if res, err := r.decodeDM(bmp, p.toInput); err == nil {
				return r.add(DataMatrix, res, p.toInput)
			}
		}
	}
	if hybrid != nil {
		if res, err := r.decodeQR(hybrid, nil, p.toInput); err == nil {
			return r.add(QR, res, p.toInput)
		}
	}
	return false
}

// inverted returns a copy of a padded whole-frame patch with the frame's pixels inverted (light
// print on a dark ground becomes dark on light) and the margin left white.
func (p *patch) inverted() *patch {
	out := *p
	out.pix = append([]byte(nil), p.pix...)
	for y := p.in.Min.Y; y < p.in.Max.Y; y++ {
		row := out.pix[y*p.n+p.in.Min.X : y*p.n+p.in.Max.X]
		for x, v := range row {
			row[x] = 255 - v
		}
	}
	return &out
}

// trySharpened reads a sharpened patch as tryPadded does, then QR with a global threshold too.
func (r *reader) trySharpened(p *patch) bool {
	if r.tryPadded(p) {
		return true
	}
	src, err := gozxing.NewPlanarYUVLuminanceSource(p.pix, p.n, p.n, 0, 0, p.n, p.n, false)
	if err != nil {
		return false
	}
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewGlobalHistgramBinarizer(src))
	if err != nil {
		return false
	}
	if res, err := r.decodeQR(bmp, nil, p.toInput); err == nil {
		return r.add(QR, res, p.toInput)
	}
	return false
}

// sharpened returns a copy of the patch unsharp-masked: each pixel pushed k times its
// difference from the mean of the (2·rad+1)² square around it.
func (p *patch) sharpened(rad int, k float64) *patch {
	n := p.n
	rows := make([]int32, n*n) // horizontal window sums
	for y := 0; y < n; y++ {
		row := p.pix[y*n : y*n+n]
		var sum int32
		for x := 0; x < min(rad, n); x++ {
			sum += int32(row[x])
		}
		for x := 0; x < n; x++ {
			if x+rad < n {
				sum += int32(row[x+rad])
			}
			if x-rad-1 >= 0 {
				sum -= int32(row[x-rad-1])
			}
			rows[y*n+x] = sum
		}
	}
	out := *p
	out.pix = make([]byte, n*n)
	for x := 0; x < n; x++ {
		cw := min(x+rad, n-1) - max(x-rad, 0) + 1
		var sum int32
		for y := 0; y < min(rad, n); y++ {
			sum += rows[y*n+x]
		}
		for y := 0; y < n; y++ {
			if y+rad < n {
				sum += rows[(y+rad)*n+x]
			}
			if y-rad-1 >= 0 {
				sum -= rows[(y-rad-1)*n+x]
			}
			ch := min(y+rad, n-1) - max(y-rad, 0) + 1
			v := float64(p.pix[y*n+x])
			mean := float64(sum) / float64(cw*ch)
			out.pix[y*n+x] = byte(min(255, max(0, v+k*(v-mean))))
		}
	}
	return &out
}
