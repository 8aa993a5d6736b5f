// Package look tells whether two photos look alike: the same pack photographed again, turned up
// to about ±10°, re-framed (moved or zoomed a little) or re-lit (brightness, contrast, white
// balance). Photos of other packs must not look alike.
//
// A photo's signature (Signature) is its red, green and blue reduced to a 32×24 grid of averages
// each: 2,307 bytes, kept with the photo. Two signatures are compared by normalised
// cross-correlation, channel by channel (which ignores brightness, contrast and white balance),
// averaged over the three, on the central 80% of the earlier photo, after trying the
// later photo turned, zoomed and moved over the range of a re-shot (Matcher); they look alike when
// the best correlation reaches Threshold. The measure of the rates, on package-like photos made in
// code, is store/look's TestLookAlikeRates.
package look

import (
	"errors"
	"image"
	"math"
)

// Grid size of a signature, and its format version (the first byte).
const (
	W, H    = 32, 24
	C       = 3 // red, green, blue: each compared on its own, so a change of white balance does not matter
	version = 2
)

// Threshold is the correlation from which two photos look alike. Measured (store/look's
// TestLookAlikeRates, 200 re-shots and 3,800 pairs of different packs): re-shots score 0.84–0.99,
// other packs −0.08–0.77; the threshold sits in the gap.
const Threshold = 0.81

// Signature is a photo's look: version, W, H, then for each channel (red, green, blue) W×H
// averages (0–255), row by row. An empty image gives nil.
func Signature(img image.Image) []byte {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w == 0 || h == 0 {
		return nil
	}
	var sum [C][W * H]uint64
	var cnt [W * H]uint64
	// A fixed budget of reads: every step-th pixel, about 8×8 per cell whatever the photo's size.
	step := max(1, min(w/(8*W), h/(8*H)))
	for y := 0; y < h; y += step {
		row := (y * H / h) * W
		for x := 0; x < w; x += step {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			i := row + x*W/w
			sum[0][i] += uint64(r)
			sum[1][i] += uint64(g)
			sum[2][i] += uint64(bl)
			cnt[i]++
		}
	}
	for i := range cnt {
		if cnt[i] == 0 { // a photo narrower or lower than the grid: the pixel under the cell's centre
			x, y := (i%W*2+1)*w/(2*W), (i/W*2+1)*h/(2*H)
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			sum[0][i], sum[1][i], sum[2][i], cnt[i] = uint64(r), uint64(g), uint64(bl), 1
		}
	}
	out := make([]byte, 3+C*W*H)
	out[0], out[1], out[2] = version, W, H
	for c := range sum {
		for i := range sum[c] {
			out[3+c*W*H+i] = uint8(sum[c][i] / cnt[i] / 257)
		}
	}
	return out
}

// ErrSignature is a signature this version cannot read.
var ErrSignature = errors.New("not a photo look signature")

func cells(sig []byte) ([]byte, error) {
	if len(sig) != 3+C*W*H || sig[0] != version || sig[1] != W || sig[2] != H {
		return nil, ErrSignature
	}
	return sig[3:], nil
}

// The re-shots a Matcher tries: turned −11°…+11° by 2°, zoomed 0.9–1.1, moved up to two cells
// (6% of the width) each way.
var (
	angles = []float64{-11, -9, -7, -5, -3, -1, 1, 3, 5, 7, 9, 11}
	scales = []float64{0.9, 0.95, 1, 1.05, 1.1}
	shifts = []float64{-2, -1, 0, 1, 2}
)

// points are the grid cells (offsets from the centre, in cells) an earlier photo is compared on:
// its central 80%, where a re-shot's turn and framing still show the same things.
var points = func() [][2]float64 {
	var p [][2]float64
	for y := 0; y < H; y++ {
		for x := 0; x < W; x++ {
			dx, dy := float64(x)+0.5-W/2.0, float64(y)+0.5-H/2.0
			if math.Abs(dx) <= 0.4*W && math.Abs(dy) <= 0.4*H {
				p = append(p, [2]float64{dx, dy})
			}
		}
	}
	return p
}()

// Matcher compares one photo (the later one, just analysed) with earlier ones: it holds the photo
// turned, zoomed and moved every way a re-shot may be, read at the earlier photo's points.
type Matcher struct {
	views  [][]float32 // each channel zero-mean, unit length
	coarse []int       // a sparse subset of views, tried first (gate)
}

// gate is the correlation the best coarse view must reach before all the views are tried: photos of
// other packs mostly stop there (95% score below 0.62 at all). A re-shot's best coarse view is at
// most 2°, 5% and one cell off its best view; the lowest measured scored 0.58 (TestLookAlikeRates
// fails when a re-shot is lost to the gate, as Score applies it too).
const gate = 0.5

// NewMatcher prepares the comparisons of the photo with signature sig.
func NewMatcher(sig []byte) (*Matcher, error) {
	c, err := cells(sig)
	if err != nil {
		return nil, err
	}
	m := &Matcher{views: make([][]float32, 0, len(angles)*len(scales)*len(shifts)*len(shifts))}
	buf := make([]float64, len(points))
	for ai, a := range angles {
		cos, sin := math.Cos(a*math.Pi/180), math.Sin(a*math.Pi/180)
		for si, s := range scales {
			for yi, sy := range shifts {
				for xi, sx := range shifts {
					if ai%2 == 0 && si%2 == 0 && yi%2 == 0 && xi%2 == 0 {
						m.coarse = append(m.coarse, len(m.views))
					}
					view := make([]float32, 0, C*len(points))
					for ch := 0; ch < C; ch++ {
						for i, p := range points {
							x, y := p[0]*s, p[1]*s
							buf[i] = bilinear(c[ch*W*H:(ch+1)*W*H], W/2.0+x*cos-y*sin+sx-0.5, H/2.0+x*sin+y*cos+sy-0.5)
						}
						view = append(view, unit(buf)...)
					}
					m.views = append(m.views, view)
				}
			}
		}
	}
	return m, nil
}

// Like reports whether the earlier photo with signature sig looks like the matcher's photo. A
// signature it cannot read, or a photo of one even colour, looks like nothing.
func (m *Matcher) Like(sig []byte) bool { return m.score(sig, Threshold) >= Threshold }

// Score is the best correlation of the earlier photo with the matcher's photo (−1…1; −1 when
// either cannot be compared). Below gate, it is the best of the coarse views only.
func (m *Matcher) Score(sig []byte) float64 { return m.score(sig, 2) }

// score is Score, stopping at the first view that reaches enough.
func (m *Matcher) score(sig []byte, enough float64) float64 {
	c, err := cells(sig)
	if err != nil {
		return -1
	}
	o := make([]float32, 0, C*len(points))
	buf := make([]float64, len(points))
	for ch := 0; ch < C; ch++ {
		for i, p := range points {
			buf[i] = float64(c[ch*W*H+int(p[1]+H/2.0-0.5)*W+int(p[0]+W/2.0-0.5)])
		}
		o = append(o, unit(buf)...)
	}
	dot := func(v []float32) float64 {
		var d float32
		for i := range v {
			d += v[i] * o[i]
		}
		return float64(d) / C
	}
	best := -1.0
	for _, i := range m.coarse {
		best = max(best, dot(m.views[i]))
	}
	if best < gate || best >= enough {
		return best
	}
	for _, v := range m.views {
		if best = max(best, dot(v)); best >= enough {
			break
		}
	}
	return best
}

// unit returns v less its mean, scaled to length 1 (zeros when v is flat: nothing to compare).
func unit(v []float64) []float32 {
	var mean, ss float64
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	if ss < 1e-6*float64(len(v)) {
		return make([]float32, len(v)) // flat: nothing to correlate
	}
	n := math.Sqrt(ss)
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32((x - mean) / n)
	}
	return out
}

// bilinear reads the grid between cells (x, y in cells, clamped to the edge).
func bilinear(c []byte, x, y float64) float64 {
	x = math.Max(0, math.Min(W-1, x))
	y = math.Max(0, math.Min(H-1, y))
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, W-1), min(y0+1, H-1)
	fx, fy := x-float64(x0), y-float64(y0)
	at := func(x, y int) float64 { return float64(c[y*W+x]) }
	return at(x0, y0)*(1-fx)*(1-fy) + at(x1, y0)*fx*(1-fy) + at(x0, y1)*(1-fx)*fy + at(x1, y1)*fx*fy
}
