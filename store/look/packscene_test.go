package look_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// packScene is a medicine pack lying on a table, drawn in code so that the look-alike measure has
// realistic photos: a box with a coloured band, a title, lines of small print, a logo and a
// barcode or DataMatrix, on a textured background. Coordinates are the scene's, in frame heights
// (the frame is 4:3, x in [0, 4/3], y in [0, 1]).
type packScene struct {
	bg, bg2          [3]float64 // table colours
	bgFreq           float64
	cx, cy, w, h, rt float64 // the box: centre, size, rotation on the table (radians)
	box, band, ink   [3]float64
	bandTop          bool
	bandFrac         float64
	title            []rect     // title letters
	print            []rect     // small print
	words            rect       // around the title and the print
	logo             [3]float64 // x, y, radius (in box units)
	logoCol          [3]float64
	code             []float64 // barcode bar edges (box units), or nil
	matrix           [][]bool  // DataMatrix modules, or nil
	codeX, codeY     float64
	codeW, codeH     float64
}

type rect struct{ x0, y0, x1, y1 float64 }

func randColor(r *rand.Rand, lo, hi float64) [3]float64 {
	return [3]float64{lo + r.Float64()*(hi-lo), lo + r.Float64()*(hi-lo), lo + r.Float64()*(hi-lo)}
}

// newPackScene makes pack number seed. Packs of one template (same seed/1000) share the box's
// design — colours, band, logo and layout — and differ in their words and code: a sibling product.
func newPackScene(seed uint64) *packScene {
	tr := rand.New(rand.NewPCG(seed/1000, 1))
	r := rand.New(rand.NewPCG(seed, 2))
	s := &packScene{}
	s.bg = randColor(tr, 60, 200)
	s.bg2 = randColor(tr, 60, 200)
	s.bgFreq = 3 + tr.Float64()*10
	s.cx, s.cy = 2.0/3+(tr.Float64()-0.5)*0.2, 0.5+(tr.Float64()-0.5)*0.15
	s.w, s.h = 0.7+tr.Float64()*0.35, 0.45+tr.Float64()*0.25
	s.rt = (tr.Float64() - 0.5) * 0.3
	s.box = randColor(tr, 170, 255)
	s.band = randColor(tr, 0, 230)
	s.ink = randColor(tr, 0, 90)
	s.bandTop = tr.IntN(2) == 0
	s.bandFrac = 0.15 + tr.Float64()*0.25
	s.logo = [3]float64{0.1 + tr.Float64()*0.8, 0.1 + tr.Float64()*0.8, 0.05 + tr.Float64()*0.08}
	s.logoCol = randColor(tr, 0, 255)
	// Words: the title's letters and lines of small print (these differ between siblings).
	tx, ty := 0.08+r.Float64()*0.1, 0.3+r.Float64()*0.15
	for i, n := 0, 5+r.IntN(8); i < n; i++ {
		lw := 0.03 + r.Float64()*0.04
		s.title = append(s.title, rect{tx, ty, tx + lw, ty + 0.09 + r.Float64()*0.03})
		tx += lw + 0.015
	}
	for line := 0; line < 3+r.IntN(4); line++ {
		y := ty + 0.16 + float64(line)*0.055
		x := 0.08
		for x < 0.55+r.Float64()*0.3 {
			lw := 0.01 + r.Float64()*0.05
			s.print = append(s.print, rect{x, y, x + lw, y + 0.025})
			x += lw + 0.012
		}
	}
	s.words = rect{1, 1, 0, 0}
	for _, rr := range append(append([]rect(nil), s.title...), s.print...) {
		s.words = rect{min(s.words.x0, rr.x0), min(s.words.y0, rr.y0), max(s.words.x1, rr.x1), max(s.words.y1, rr.y1)}
	}
	s.codeX, s.codeY = 0.62+tr.Float64()*0.1, 0.55+tr.Float64()*0.1
	if tr.IntN(2) == 0 {
		s.codeW, s.codeH = 0.28, 0.2
		x := 0.0
		for x < 1 {
			x += 0.01 + r.Float64()*0.03
			s.code = append(s.code, x)
		}
	} else {
		s.codeW, s.codeH = 0.18, 0.24
		s.matrix = make([][]bool, 14)
		for i := range s.matrix {
			s.matrix[i] = make([]bool, 14)
			for j := range s.matrix[i] {
				s.matrix[i][j] = i == 13 || j == 0 || (i == 0 && j%2 == 0) || (j == 13 && i%2 == 1) || r.IntN(2) == 0
			}
		}
	}
	return s
}

func in(r rect, x, y float64) bool { return x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1 }

// at is the scene's colour at (x, y).
func (s *packScene) at(x, y float64) [3]float64 {
	// Into the box's frame: u, v in [0, 1] inside it.
	dx, dy := x-s.cx, y-s.cy
	c, sn := math.Cos(-s.rt), math.Sin(-s.rt)
	u, v := (dx*c-dy*sn)/s.w+0.5, (dx*sn+dy*c)/s.h+0.5
	if u < 0 || u > 1 || v < 0 || v > 1 {
		// The table: two colours in soft waves, with a shadow under the box's lower right edge.
		t := 0.5 + 0.5*math.Sin(x*s.bgFreq+math.Sin(y*s.bgFreq*0.7))
		var out [3]float64
		for i := range out {
			out[i] = s.bg[i]*t + s.bg2[i]*(1-t)
		}
		if u > -0.04 && u < 1.04 && v > -0.03 && v < 1.06 && (u > 1 || v > 1) {
			for i := range out {
				out[i] *= 0.6
			}
		}
		return out
	}
	switch {
	case (s.bandTop && v < s.bandFrac) || (!s.bandTop && u < s.bandFrac*0.8):
		return s.band
	case math.Hypot(u-s.logo[0], (v-s.logo[1])*s.h/s.w) < s.logo[2]:
		return s.logoCol
	}
	if cu, cv := (u-s.codeX)/s.codeW*s.w/s.h, (v-s.codeY)/s.codeH; cu >= 0 && cu < 1 && cv >= 0 && cv < 1 {
		if s.code != nil {
			dark := false
			for i, e := range s.code {
				if cu < e {
					dark = i%2 == 0
					break
				}
			}
			if dark && cv < 0.85 {
				return [3]float64{10, 10, 10}
			}
			return [3]float64{250, 250, 250}
		}
		if s.matrix[int(cv*14)][int(cu*14)] {
			return [3]float64{10, 10, 10}
		}
		return [3]float64{250, 250, 250}
	}
	if !in(s.words, u, v) {
		return s.box
	}
	for _, rr := range s.title {
		if in(rr, u, v) {
			return s.ink
		}
	}
	for _, rr := range s.print {
		if in(rr, u, v) {
			return [3]float64{40, 40, 40}
		}
	}
	return s.box
}

// shot is how a camera took a photo of a scene: turned by angle (degrees), zoomed by scale
// (above 1: closer), moved by (dx, dy) frame heights, lit with gain and offset, a white balance
// per channel, noise, then saved as a JPEG of the given quality.
type shot struct {
	angle, scale, dx, dy float64
	gain, offset         float64
	wb                   [3]float64
	noise                float64
	quality              int
	w, h                 int
}

// photo takes the shot of the scene and returns it decoded from its JPEG.
func (s *packScene) photo(sh shot, r *rand.Rand) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, sh.w, sh.h))
	a := sh.angle * math.Pi / 180
	c, sn := math.Cos(a), math.Sin(a)
	const ss = 1 // no supersampling: the JPEG and the noise blur enough
	for py := 0; py < sh.h; py++ {
		for px := 0; px < sh.w; px++ {
			var acc [3]float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					// Frame position around the centre, in frame heights.
					fx := (float64(px)+(float64(sx)+0.5)/ss-float64(sh.w)/2)/float64(sh.h)/sh.scale - sh.dx
					fy := (float64(py)+(float64(sy)+0.5)/ss-float64(sh.h)/2)/float64(sh.h)/sh.scale - sh.dy
					x, y := fx*c-fy*sn+2.0/3, fx*sn+fy*c+0.5
					col := s.at(x, y)
					for i := range acc {
						acc[i] += col[i]
					}
				}
			}
			var px8 [3]uint8
			for i := range acc {
				v := (acc[i]/ss/ss*sh.gain+sh.offset)*sh.wb[i] + r.NormFloat64()*sh.noise
				px8[i] = uint8(max(0, min(255, math.Round(v))))
			}
			img.SetRGBA(px, py, color.RGBA{px8[0], px8[1], px8[2], 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: sh.quality}); err != nil {
		panic(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		panic(err)
	}
	return out
}

// plainShot is a first photo: nearly straight, well framed, normal light.
func plainShot(r *rand.Rand) shot {
	return shot{angle: (r.Float64() - 0.5) * 4, scale: 1, gain: 1, wb: [3]float64{1, 1, 1}, noise: 2, quality: 85, w: 320, h: 240}
}

// reShot is the same pack photographed again: turned by angle more, re-framed (zoom ±8%, moved up
// to 5% of the frame), re-lit (gain 0.75–1.25, offset ±15, white balance ±10% per channel), noisier
// and saved at a lower JPEG quality, at another size.
func reShot(first shot, angle float64, r *rand.Rand) shot {
	s := first
	s.angle += angle
	s.scale = 0.92 + r.Float64()*0.16
	s.dx, s.dy = (r.Float64()-0.5)*0.1, (r.Float64()-0.5)*0.1
	s.gain = 0.75 + r.Float64()*0.5
	s.offset = (r.Float64() - 0.5) * 30
	for i := range s.wb {
		s.wb[i] = 0.9 + r.Float64()*0.2
	}
	s.noise = 2 + r.Float64()*4
	s.quality = 55 + r.IntN(30)
	s.w, s.h = 360, 270
	return s
}
