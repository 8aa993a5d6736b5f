package barcode

import (
	"math/rand/v2"
	"testing"
)

// noiseGray is a w×h plane of random pixels, with a stride wider than w (as a JPEG's Y plane
// may have), so the helpers must honour the stride.
func noiseGray(w, h int, seed uint64) *gray {
	rng := rand.New(rand.NewPCG(seed, 1))
	stride := w + 7
	g := &gray{pix: make([]byte, stride*h), stride: stride, w: w, h: h}
	for i := range g.pix {
		g.pix[i] = byte(rng.IntN(256))
	}
	return g
}

// warp gives, pixel for pixel, what bilinear gives at each output pixel's centre (it inlines it).
func TestWarpIsBilinear(t *testing.T) {
	g := noiseGray(301, 207, 1)
	rng := rand.New(rand.NewPCG(2, 2))
	for k := 0; k < 50; k++ {
		cx, cy := rng.Float64()*301, rng.Float64()*207
		angle, step, n := rng.Float64()*7-3.5, 0.3+rng.Float64()*4, 1+rng.IntN(90)
		got := g.warp(cx, cy, angle, step, n)
		cos, sin := cosSin(angle)
		half := float64(n) / 2
		for oy := 0; oy < n; oy++ {
			dy := (float64(oy) + 0.5 - half) * step
			for ox := 0; ox < n; ox++ {
				dx := (float64(ox) + 0.5 - half) * step
				if want := g.bilinear(cx+dx*cos-dy*sin, cy+dx*sin+dy*cos); got[oy*n+ox] != want {
					t.Fatalf("warp(%v, %v, %v, %v, %d) at (%d, %d) = %d, bilinear %d", cx, cy, angle, step, n, ox, oy, got[oy*n+ox], want)
				}
			}
		}
	}
}

// downscale's unrolled factors average exactly as the plain box average does.
func TestDownscaleIsBoxAverage(t *testing.T) {
	g := noiseGray(103, 61, 3)
	for _, f := range []int{2, 3, 4, 5} {
		d := g.downscale(f)
		if d.w != g.w/f || d.h != g.h/f {
			t.Fatalf("f=%d: %d×%d", f, d.w, d.h)
		}
		for y := 0; y < d.h; y++ {
			for x := 0; x < d.w; x++ {
				s := 0
				for dy := 0; dy < f; dy++ {
					for dx := 0; dx < f; dx++ {
						s += int(g.pix[(y*f+dy)*g.stride+x*f+dx])
					}
				}
				if want := byte(s / (f * f)); d.pix[y*d.stride+x] != want {
					t.Fatalf("f=%d at (%d, %d): %d, want %d", f, x, y, d.pix[y*d.stride+x], want)
				}
			}
		}
	}
}

// A transposed view's rows, strips and luminance source are the image's columns.
func TestViewTransposed(t *testing.T) {
	g := noiseGray(37, 23, 4)
	at := func(x, y int) byte { return g.pix[y*g.stride+x] }
	for _, transposed := range []bool{false, true} {
		v := view{g: g, transposed: transposed}
		want := func(x, y int) byte { // the view's pixel (x, y)
			if transposed {
				return at(y, x)
			}
			return at(x, y)
		}
		w, h := v.size()
		if transposed != (w == g.h && h == g.w) {
			t.Fatalf("transposed %v: size %d×%d", transposed, w, h)
		}
		src := v.source()
		row := make([]byte, 3) // too short: GetRow must allocate
		for y := 0; y < h; y++ {
			var err error
			if row, err = src.GetRow(y, row); err != nil {
				t.Fatal(err)
			}
			for x := 0; x < w; x++ {
				if row[x] != want(x, y) {
					t.Fatalf("transposed %v: row %d col %d = %d, want %d", transposed, y, x, row[x], want(x, y))
				}
			}
		}
		if _, err := src.GetRow(h, nil); err == nil {
			t.Errorf("transposed %v: row %d of %d read without an error", transposed, h, h)
		}
		s := v.strip(3, 5)
		m := src.GetMatrix()
		for y := 0; y < 5; y++ {
			for x := 0; x < w; x++ {
				if s.pix[y*s.stride+x] != want(x, y+3) || m[(y+3)*w+x] != want(x, y+3) {
					t.Fatalf("transposed %v: strip/matrix differ at (%d, %d)", transposed, x, y+3)
				}
			}
		}
	}
}
