package barcode

// The generated corpus in testdata/corpus: GS1 codes (the zint symbols in testdata) photographed
// badly on purpose — perspective, blur, noise, JPEG quality 30, glare, a lighting gradient, a
// curved pack, inverted print, close-up and far — one folder per degradation, each photo beside a
// .txt with the text its code holds; and testdata/corpus/nocode-*: images with no code at all.
// TestWriteGeneratedCorpus rewrites it (MEDINVENTORY_WRITE_CORPUS=1); the tests only read it.

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// genSymbols are the testdata symbols and the text each holds (GS separators dropped).
var genSymbols = []struct {
	file, text string
	linear     bool
}{
	{"dm_full.png", "01095060001343521727123110AB-123421SN00012345", false},
	{"dm_short.png", "010501234567890017280600", false},
	{"dm_long.png", "01040123456789011729022810LOT2024X7Q21A1B2C3D4E5F6G7H83024", false},
	{"qr_gs1.png", "01095060001343521727060010QR7", false},
	{"gs1_128.png", "01095060001343521728013110X9", true},
	{"ean13.png", "5901234123457", true},
	{"upca.png", "036000291452", true},
}

// degradation is one folder of the generated corpus.
type degradation struct {
	name    string
	shot    func(rng *rand.Rand, s *shot)
	quality int
}

// shot is how one generated photo is taken.
type shot struct {
	module            float64 // pixels per module
	angle             float64 // radians
	persp             float64 // corner jitter as a fraction of the label side
	curve             float64 // cylinder: fraction of a half turn the label wraps
	blur              int     // box-blur passes
	noise             float64
	glare             float64 // strength of a bright spot over the code
	gradient          float64 // light falloff across the frame
	invert            bool
	mirror            bool // the symbol seen from behind (through clear film): left and right swapped
	cxFrac, cyFrac    float64
	sizeFrac          float64 // when > 0: the code's longer side as a fraction of the frame height (overrides module)
	background, paper color.RGBA
	ink               color.RGBA
	frameW, frameH    int
	quietModules      float64
	symW, symH        float64
}

var degradations = []degradation{
	{"plain", func(r *rand.Rand, s *shot) {}, 80},
	{"rotated", func(r *rand.Rand, s *shot) { s.angle = (20 + r.Float64()*50) * math.Pi / 180 }, 80},
	{"perspective", func(r *rand.Rand, s *shot) { s.persp = 0.12 + r.Float64()*0.08 }, 80},
	{"blur", func(r *rand.Rand, s *shot) { s.blur = 2; s.module *= 1.6 }, 80},
	{"noise", func(r *rand.Rand, s *shot) { s.noise = 18 }, 80},
	{"jpeg-q30", func(r *rand.Rand, s *shot) {}, 30},
	{"glare", func(r *rand.Rand, s *shot) { s.glare = 0.75 }, 80},
	{"gradient", func(r *rand.Rand, s *shot) { s.gradient = 0.7 }, 80},
	{"curved", func(r *rand.Rand, s *shot) { s.curve = 0.45 }, 80},
	{"inverted", func(r *rand.Rand, s *shot) { s.invert = true }, 80},
	{"closeup", func(r *rand.Rand, s *shot) { s.sizeFrac = 0.75 + r.Float64()*0.15 }, 80},
	{"far", func(r *rand.Rand, s *shot) { s.module = 2.2 }, 80},
}

const genCorpusDir = "testdata/corpus"

// TestWriteGeneratedCorpus writes testdata/corpus; run it only to change the corpus:
//
//	MEDINVENTORY_WRITE_CORPUS=1 go test -run TestWriteGeneratedCorpus ./analyzer/barcode/
func TestWriteGeneratedCorpus(t *testing.T) {
	if os.Getenv("MEDINVENTORY_WRITE_CORPUS") == "" {
		t.Skip("set MEDINVENTORY_WRITE_CORPUS=1 to rewrite testdata/corpus")
	}
	syms := make([]*image.Gray, len(genSymbols))
	for i, s := range genSymbols {
		syms[i] = loadSymbol(t, s.file)
	}
	for di, d := range degradations {
		dir := filepath.Join(genCorpusDir, d.name)
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 3; k++ {
			si := (di + k*3) % len(genSymbols)
			rng := rand.New(rand.NewPCG(uint64(di*10+k), 14))
			img := takeShot(rng, syms[si], genSymbols[si].linear, d)
			name := strings.TrimSuffix(genSymbols[si].file, ".png") + "-" + string(rune('a'+k))
			writeJPEG(t, filepath.Join(dir, name+".jpg"), img, d.quality)
			if err := os.WriteFile(filepath.Join(dir, name+".txt"), []byte(genSymbols[si].text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Images without a code: pack-like scenes with print, pills on a tray, random bars.
	dir := filepath.Join(genCorpusDir, "nocode-generated")
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 4; k++ {
		img, _ := render(nil, scene{W: 800, H: 600, Seed: uint64(500 + k), Noise: 5})
		writeJPEG(t, filepath.Join(dir, "packs-"+string(rune('a'+k))+".jpg"), img, 75)
		rng := rand.New(rand.NewPCG(uint64(k), 3))
		writeJPEG(t, filepath.Join(dir, "pills-"+string(rune('a'+k))+".jpg"), pills(rng), 75)
		writeJPEG(t, filepath.Join(dir, "bars-"+string(rune('a'+k))+".jpg"), randomBars(rng), 75)
	}
}

func writeJPEG(t *testing.T, path string, img image.Image, q int) {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// takeShot paints one photo: a lit surface, a pale pack with print, the code on it.
func takeShot(rng *rand.Rand, sym *image.Gray, linear bool, d degradation) *image.RGBA {
	s := &shot{module: 4 + rng.Float64()*2, angle: (rng.Float64()*16 - 8) * math.Pi / 180,
		cxFrac: 0.4 + rng.Float64()*0.2, cyFrac: 0.4 + rng.Float64()*0.2, frameW: 640, frameH: 480,
		paper: color.RGBA{236, 234, 226, 255}, ink: color.RGBA{25, 28, 35, 255},
		background:   color.RGBA{uint8(60 + rng.IntN(120)), uint8(60 + rng.IntN(120)), uint8(60 + rng.IntN(120)), 255},
		quietModules: 2, symW: float64(sym.Rect.Dx()) / 2, symH: float64(sym.Rect.Dy()) / 2}
	if linear {
		s.quietModules = 10
		s.module = 2 + rng.Float64()
	}
	d.shot(rng, s)
	if s.sizeFrac > 0 {
		s.module = s.sizeFrac * float64(s.frameH) / max(s.symW, s.symH)
	}
	if s.invert {
		s.paper, s.ink = color.RGBA{30, 32, 40, 255}, color.RGBA{225, 225, 215, 255}
	}
	W, H := s.frameW, s.frameH
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	for y := 0; y < H; y++ {
		for x := 0; x < W; x++ {
			l := 0.85 + 0.25*float64(x)/float64(W)
			c := s.background
			img.SetRGBA(x, y, color.RGBA{clamp(float64(c.R) * l), clamp(float64(c.G) * l), clamp(float64(c.B) * l), 255})
		}
	}
	for i := 0; i < 4; i++ {
		textLines(img, rng, rng.Float64()*float64(W), rng.Float64()*float64(H), 200, 120, float64(W)/4032*3)
	}
	// The label (code plus quiet zone) in label units (modules), centred at (cx, cy).
	lw, lh := s.symW+2*s.quietModules, s.symH+2*s.quietModules
	cx, cy := s.cxFrac*float64(W), s.cyFrac*float64(H)
	// Corners of the label in the photo, before perspective: rotated rectangle.
	cos, sin := math.Cos(s.angle), math.Sin(s.angle)
	hw, hh := lw*s.module/2, lh*s.module/2
	var quad [4][2]float64
	for i, c := range [4][2]float64{{-hw, -hh}, {hw, -hh}, {hw, hh}, {-hw, hh}} {
		jx, jy := (rng.Float64()*2-1)*s.persp*2*hw, (rng.Float64()*2-1)*s.persp*2*hh
		quad[i] = [2]float64{cx + c[0]*cos - c[1]*sin + jx, cy + c[0]*sin + c[1]*cos + jy}
	}
	hinv := squareToQuad(quad).inverse()
	// Print around the code on the pack: the pack is the label grown 1.6×.
	pack := color.RGBA{uint8(200 + rng.IntN(40)), uint8(200 + rng.IntN(40)), uint8(195 + rng.IntN(40)), 255}
	if s.invert {
		pack = s.paper
	}
	for y := 0; y < H; y++ {
		for x := 0; x < W; x++ {
			dark := 0
			inside := false
			for k := 0; k < 4; k++ {
				px, py := float64(x)+0.25+0.5*float64(k%2), float64(y)+0.25+0.5*float64(k/2)
				u, v := hinv.apply(px, py)
				if s.curve > 0 {
					// A cylinder whose axis is vertical: the label's middle faces the camera, its
					// sides turn away (compressed towards the edges).
					a := (u - 0.5) * 2
					if math.Abs(a) >= 1 {
						continue
					}
					u = 0.5 + math.Asin(a*math.Sin(s.curve*math.Pi/2))/(s.curve*math.Pi)
				}
				if u < -0.3 || v < -0.3 || u >= 1.3 || v >= 1.3 {
					continue
				}
				inside = true
				mx, my := u*lw-s.quietModules, v*lh-s.quietModules
				if s.mirror {
					mx = s.symW - mx - 1e-9
				}
				if mx >= 0 && my >= 0 && mx < s.symW && my < s.symH && sym.Pix[int(my*2)*sym.Stride+int(mx*2)] < 128 {
					dark++
				}
			}
			if !inside {
				continue
			}
			t := float64(dark) / 4
			bg := pack
			u, v := hinv.apply(float64(x)+0.5, float64(y)+0.5)
			if u >= 0 && v >= 0 && u < 1 && v < 1 {
				bg = s.paper
			}
			img.SetRGBA(x, y, color.RGBA{mix(bg.R, s.ink.R, t), mix(bg.G, s.ink.G, t), mix(bg.B, s.ink.B, t), 255})
		}
	}
	for i := 0; i < s.blur; i++ {
		boxBlur(img)
	}
	if s.glare > 0 || s.gradient > 0 || s.noise > 0 {
		gx, gy := cx+(rng.Float64()-0.5)*hw, cy+(rng.Float64()-0.5)*hh
		r2 := math.Pow(math.Max(hw, hh)*0.6, 2)
		for y := 0; y < H; y++ {
			for x := 0; x < W; x++ {
				i := img.PixOffset(x, y)
				light := 1 - s.gradient*float64(x)/float64(W)
				g := s.glare * 255 * math.Exp(-(math.Pow(float64(x)-gx, 2)+math.Pow(float64(y)-gy, 2))/r2)
				n := rng.NormFloat64() * s.noise
				for c := 0; c < 3; c++ {
					img.Pix[i+c] = clamp(float64(img.Pix[i+c])*light + g + n)
				}
			}
		}
	}
	return img
}

// homography maps (u, v) to (x, y) projectively: x = (a u + b v + c)/(g u + h v + 1), ...
type homography [9]float64

// squareToQuad is Heckbert's mapping of the unit square onto a quadrilateral (corners in order
// (0,0), (1,0), (1,1), (0,1)).
func squareToQuad(q [4][2]float64) homography {
	x0, y0, x1, y1, x2, y2, x3, y3 := q[0][0], q[0][1], q[1][0], q[1][1], q[2][0], q[2][1], q[3][0], q[3][1]
	dx1, dx2, dx3 := x1-x2, x3-x2, x0-x1+x2-x3
	dy1, dy2, dy3 := y1-y2, y3-y2, y0-y1+y2-y3
	den := dx1*dy2 - dx2*dy1
	g := (dx3*dy2 - dx2*dy3) / den
	h := (dx1*dy3 - dx3*dy1) / den
	return homography{x1 - x0 + g*x1, x3 - x0 + h*x3, x0, y1 - y0 + g*y1, y3 - y0 + h*y3, y0, g, h, 1}
}

func (m homography) apply(x, y float64) (float64, float64) {
	w := m[6]*x + m[7]*y + m[8]
	return (m[0]*x + m[1]*y + m[2]) / w, (m[3]*x + m[4]*y + m[5]) / w
}

func (m homography) inverse() homography {
	a, b, c, d, e, f, g, h, i := m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]
	return homography{e*i - f*h, c*h - b*i, b*f - c*e, f*g - d*i, a*i - c*g, c*d - a*f, d*h - e*g, b*g - a*h, a*e - b*d}
}

func boxBlur(img *image.RGBA) {
	src := append([]byte(nil), img.Pix...)
	W, H := img.Rect.Dx(), img.Rect.Dy()
	for y := 1; y < H-1; y++ {
		for x := 1; x < W-1; x++ {
			for c := 0; c < 3; c++ {
				s := 0
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						s += int(src[(y+dy)*img.Stride+(x+dx)*4+c])
					}
				}
				img.Pix[y*img.Stride+x*4+c] = uint8(s / 9)
			}
		}
	}
}

// pills paints tablets and capsules (with a printed stripe or score line) on a tray.
func pills(rng *rand.Rand) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	tray := color.RGBA{uint8(150 + rng.IntN(80)), uint8(150 + rng.IntN(80)), uint8(150 + rng.IntN(80)), 255}
	fillRot(img, 400, 300, 800, 600, 0, func(u, v float64) (color.RGBA, bool) { return tray, true })
	for i := 0; i < 25; i++ {
		x, y := rng.Float64()*800, rng.Float64()*600
		w, h := 40+rng.Float64()*60, 25+rng.Float64()*30
		c := color.RGBA{uint8(180 + rng.IntN(75)), uint8(120 + rng.IntN(135)), uint8(100 + rng.IntN(155)), 255}
		fillRot(img, x, y, w, h, rng.Float64()*math.Pi, func(u, v float64) (color.RGBA, bool) {
			du, dv := (u-0.5)*2, (v-0.5)*2
			if du*du+dv*dv > 1 {
				return c, false
			}
			if math.Abs(du) < 0.04 { // score line
				return color.RGBA{c.R / 2, c.G / 2, c.B / 2, 255}, true
			}
			shade := 0.75 + 0.25*(1-dv)
			return color.RGBA{clamp(float64(c.R) * shade), clamp(float64(c.G) * shade), clamp(float64(c.B) * shade), 255}, true
		})
	}
	return img
}

// randomBars paints patches of random vertical bars (the look of a barcode with none of its
// structure), the hardest case for a linear reader's false reads.
func randomBars(rng *rand.Rand) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	fillRot(img, 400, 300, 800, 600, 0, func(u, v float64) (color.RGBA, bool) { return color.RGBA{235, 235, 230, 255}, true })
	for p := 0; p < 3; p++ {
		x0, y0 := 40+rng.Float64()*400, 40+rng.Float64()*400
		unit := 1.5 + rng.Float64()*2
		x := x0
		for k := 0; k < 70; k++ {
			w := unit * float64(1+rng.IntN(4))
			if k%2 == 0 {
				fillRot(img, x+w/2, y0+60, w, 120, 0, func(u, v float64) (color.RGBA, bool) { return color.RGBA{20, 20, 25, 255}, true })
			}
			x += w
		}
	}
	return img
}

// TestGeneratedCorpusNeverWorseThanPlain reads the checked-in generated corpus: every code plain
// gozxing reads, Read reads too; no code at all on the images that hold none.
func TestGeneratedCorpusNeverWorseThanPlain(t *testing.T) {
	imgs := loadCorpus(t, genCorpusDir)
	if len(imgs) < 40 {
		t.Fatalf("only %d images in %s", len(imgs), genCorpusDir)
	}
	if raceOn || testing.Short() {
		imgs = imgs[:len(imgs)/3] // the race detector makes image loops ~10× slower
	}
	scores, order := scoreCorpus(t, imgs)
	reportScores(t, scores, order)
	for _, f := range order {
		s := scores[f]
		if len(s.worse) > 0 || s.falseOurs > 0 {
			t.Errorf("%s: plain gozxing reads what Read does not, or a false code: %v", f, s.worse)
		}
	}
}
