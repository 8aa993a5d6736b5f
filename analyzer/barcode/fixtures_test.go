package barcode

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// The symbols in testdata/ were made with zint 2.11.1 (see testdata/README.md); every photo-like
// fixture is built from them here.

// loadSymbol reads a testdata PNG as a gray bitmap (black modules, no quiet zone).
func loadSymbol(t testing.TB, name string) *image.Gray {
	t.Helper()
	return loadSymbolPath(t, filepath.Join("testdata", name))
}

func loadSymbolPath(t testing.TB, name string) *image.Gray {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			g.Set(x, y, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return g
}

// scene describes one photo-like fixture.
type scene struct {
	W, H     int
	Angle    float64 // degrees, counter-clockwise
	Coverage float64 // the symbol's area as a fraction of the frame (DataMatrix/QR), or pixels per module (linear codes)
	Linear   bool
	Seed     uint64
	Quality  int     // JPEG quality; 0 keeps the raw RGBA
	Noise    float64 // Gaussian noise sigma
	CX, CY   float64 // where the symbol's centre goes, as fractions of the frame (0 → random)
}

// render paints a cluttered, noisy, unevenly lit scene with the symbol on a white label,
// JPEG-compresses and decodes it. It returns the photo and the symbol's centre.
func render(sym *image.Gray, s scene) (image.Image, image.Point) {
	rng := rand.New(rand.NewPCG(s.Seed, 7))
	img := image.NewRGBA(image.Rect(0, 0, s.W, s.H))
	// Background: uneven light on a coloured surface.
	br, bg, bb := 90+rng.Float64()*100, 80+rng.Float64()*100, 70+rng.Float64()*100
	for y := 0; y < s.H; y++ {
		row := img.Pix[y*img.Stride:]
		fy := float64(y) / float64(s.H)
		for x := 0; x < s.W; x++ {
			l := 0.75 + 0.35*float64(x)/float64(s.W) - 0.2*fy
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = clamp(br*l), clamp(bg*l), clamp(bb*l), 255
		}
	}
	unit := float64(s.W) / 4032
	// Clutter: boxes of other packs, and lines of text-like strokes on some of them.
	for i := 0; i < 14; i++ {
		w, h := (200+rng.Float64()*900)*unit, (150+rng.Float64()*700)*unit
		x, y := rng.Float64()*float64(s.W), rng.Float64()*float64(s.H)
		c := color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
		fillRot(img, x, y, w, h, rng.Float64()*math.Pi, func(u, v float64) (color.RGBA, bool) { return c, true })
		textLines(img, rng, x, y, w, h, unit)
	}
	if sym == nil {
		return finish(img, rng, s, image.Point{})
	}
	// The label and the symbol.
	sw, sh := float64(sym.Rect.Dx()), float64(sym.Rect.Dy())
	var dw, dh float64 // symbol size in the scene
	if s.Linear {
		dw = s.Coverage * sw / 2
		dh = dw * sh / sw
	} else {
		a := s.Coverage * float64(s.W*s.H)
		dw = math.Sqrt(a * sw / sh)
		dh = a / dw
	}
	cx, cy := s.CX*float64(s.W), s.CY*float64(s.H)
	if s.CX == 0 {
		m := math.Hypot(dw, dh)*0.9 + 20
		cx = m + rng.Float64()*(float64(s.W)-2*m)
		cy = m + rng.Float64()*(float64(s.H)-2*m)
	}
	ang := s.Angle * math.Pi / 180
	module := dw / (sw / 2) // zint's scale 1 draws 2 px per module
	qz := 2.5 * module      // quiet zone
	if s.Linear {
		qz = 10 * module
	}
	// The pack the code is printed on: a pale box with lines of print up to the quiet zone.
	pw, ph := (dw+2*qz)*2.8, (dh+2*qz)*2.2
	pcos, psin := math.Cos(ang), math.Sin(ang)
	off := (pw - dw - 2*qz) / 2 * 0.8 // the code sits towards one end of the pack
	px, py := cx-off*pcos, cy-off*psin
	packC := color.RGBA{uint8(200 + rng.IntN(50)), uint8(200 + rng.IntN(50)), uint8(200 + rng.IntN(50)), 255}
	fillRot(img, px, py, pw, ph, ang, func(u, v float64) (color.RGBA, bool) { return packC, true })
	size := math.Max(module*2.2, 10*unit)
	inkC := color.RGBA{uint8(rng.IntN(80)), uint8(rng.IntN(80)), uint8(rng.IntN(80)), 255}
	for ly := -ph/2 + size; ly < ph/2-size; ly += size * 1.7 {
		for lx := -pw/2 + size; lx < pw/2-size; lx += size * (0.55 + rng.Float64()*0.4) {
			if rng.IntN(6) == 0 {
				lx += size * 0.8
				continue
			}
			w, h := size*(0.15+rng.Float64()*0.35), size*(0.5+rng.Float64()*0.5)
			// Pack coordinates → scene (the same rotation fillRot applies).
			sx := px + lx*pcos - ly*psin
			sy := py + lx*psin + ly*pcos
			fillRot(img, sx, sy, w, h, ang, func(u, v float64) (color.RGBA, bool) { return inkC, true })
		}
	}
	paper := color.RGBA{236, 234, 228, 255}
	ink := color.RGBA{28, 30, 34, 255}
	fillRot(img, cx, cy, dw+2*qz, dh+2*qz, ang, func(u, v float64) (color.RGBA, bool) {
		// u, v in [0,1) over the label; supersample 2×2 for soft, photo-like edges.
		lw, lh := dw+2*qz, dh+2*qz
		dark := 0
		for k := 0; k < 4; k++ {
			px := (u*lw + (float64(k%2)-0.5)*0.5 - qz) / dw * sw
			py := (v*lh + (float64(k/2)-0.5)*0.5 - qz) / dh * sh
			if px >= 0 && py >= 0 && px < sw && py < sh && sym.Pix[int(py)*sym.Stride+int(px)] < 128 {
				dark++
			}
		}
		t := float64(dark) / 4
		return color.RGBA{mix(paper.R, ink.R, t), mix(paper.G, ink.G, t), mix(paper.B, ink.B, t), 255}, true
	})
	return finish(img, rng, s, image.Pt(int(cx), int(cy)))
}

// finish adds sensor noise and JPEG-compresses the scene.
func finish(img *image.RGBA, rng *rand.Rand, s scene, at image.Point) (image.Image, image.Point) {
	if s.Noise > 0 {
		for i := 0; i < len(img.Pix); i += 4 {
			n := rng.NormFloat64() * s.Noise
			img.Pix[i] = clamp(float64(img.Pix[i]) + n)
			img.Pix[i+1] = clamp(float64(img.Pix[i+1]) + n)
			img.Pix[i+2] = clamp(float64(img.Pix[i+2]) + n)
		}
	}
	if s.Quality == 0 {
		return img, at
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: s.Quality}); err != nil {
		panic(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		panic(err)
	}
	return out, at
}

// fillRot paints a w×h rectangle centred at (cx, cy) and rotated by ang; paint gets the
// rectangle's normalised coordinates.
func fillRot(img *image.RGBA, cx, cy, w, h, ang float64, paint func(u, v float64) (color.RGBA, bool)) {
	cos, sin := math.Cos(ang), math.Sin(ang)
	rx := math.Abs(w/2*cos) + math.Abs(h/2*sin)
	ry := math.Abs(w/2*sin) + math.Abs(h/2*cos)
	b := img.Rect.Intersect(image.Rect(int(cx-rx)-1, int(cy-ry)-1, int(cx+rx)+2, int(cy+ry)+2))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			u := (dx*cos + dy*sin + w/2) / w
			v := (-dx*sin + dy*cos + h/2) / h
			if u < 0 || v < 0 || u >= 1 || v >= 1 {
				continue
			}
			if c, ok := paint(u, v); ok {
				i := img.PixOffset(x, y)
				img.Pix[i], img.Pix[i+1], img.Pix[i+2] = c.R, c.G, c.B
			}
		}
	}
}

// textLines scatters dark letter-like strokes in lines inside a box: edges that look like print.
func textLines(img *image.RGBA, rng *rand.Rand, x, y, w, h, unit float64) {
	ink := color.RGBA{uint8(rng.IntN(60)), uint8(rng.IntN(60)), uint8(rng.IntN(60)), 255}
	size := (14 + rng.Float64()*30) * unit
	for ly := y - h/2 + size; ly < y+h/2-size; ly += size * 1.8 {
		for lx := x - w/2 + size; lx < x+w/2-size; lx += size * (0.6 + rng.Float64()*0.4) {
			if rng.IntN(7) == 0 {
				lx += size
				continue
			}
			sw, sh := size*(0.15+rng.Float64()*0.4), size*(0.5+rng.Float64()*0.5)
			fillRot(img, lx, ly, sw, sh, 0, func(u, v float64) (color.RGBA, bool) { return ink, true })
		}
	}
}

func clamp(v float64) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v + 0.5)
}

func mix(a, b uint8, t float64) uint8 { return clamp(float64(a)*(1-t) + float64(b)*t) }
