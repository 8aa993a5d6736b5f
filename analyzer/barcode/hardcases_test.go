package barcode

// The hard cases of camera photos from public sets (issue 22 item 5), generated in the test from
// the zint symbols in testdata: codes tightly cropped in small frames, large multi-region
// DataMatrix symbols at an angle, mirrored symbols, light-on-dark DataMatrix and QR, strong tilt.
// Each category is scored against plain gozxing on the same images; no image is checked in.
// MEDINVENTORY_WRITE_HARD=DIR writes them as PNG (with NAME.txt) for a native reader to score:
//
//	MEDINVENTORY_WRITE_HARD=/tmp/hard go test -run TestHardCases ./analyzer/barcode/
//	/usr/bin/python3 analyzer/barcode/testdata/zxingcpp_rates.py /tmp/hard
//
// QR Model 1 is not here: zint (and every encoder available here) makes Model 2 only, and
// gozxing reads Model 2 only.

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// hardSymbol is a testdata symbol with the text it holds (GS separators dropped), or a
// look-alike with no code made by gen (2 px per module, as the zint symbols) and no text.
type hardSymbol struct {
	file, text string
	gen        func() *image.Gray
}

var (
	hsShort = hardSymbol{file: "dm_short.png", text: "010501234567890017280600"}                             // 18×18
	hsFull  = hardSymbol{file: "dm_full.png", text: "01095060001343521727123110AB-123421SN00012345"}         // 22×22
	hsDM32  = hardSymbol{file: "dm32.png", text: "01095060001343521727123110LOT32A21SER32000001"}            // 32×32, 2×2 regions
	hsDM40  = hardSymbol{file: "dm40.png", text: "01050123456789001728063010B40-7721S40X9Y8Z7W6V5U4"}        // 40×40, 2×2
	hsDM48  = hardSymbol{file: "dm48.png", text: "01040123456789011729022810LOT4821Q48R47S46T45U44V43"}      // 48×48, 2×2
	hsDM64  = hardSymbol{file: "dm64.png", text: "01095060001343521730010110BIG64LOT21SERIAL64ABCDEF012345"} // 64×64, 4×4
	hsQR    = hardSymbol{file: "qr_gs1.png", text: "01095060001343521727060010QR7"}                          // version 1
	hsQRSer = hardSymbol{file: "qr_serial.png", text: "01050123456789001728113010QLOT521QSER12345678"}       // version 3
	hsQRV6  = hardSymbol{file: "qr_v6.png", text: "01040123456789011729053110QR6LOT21QR6SERIAL0011223344"}   // version 6
	// Look-alikes with no code: the finder, timing and size of a DataMatrix or the finder and
	// timing patterns of a QR code around random modules (every detector finds them, every
	// rescue samples them; error correction must reject them all), and a block of small print.
	hsFakeDM18  = hardSymbol{file: "fake-dm18", gen: func() *image.Gray { return fakeDM(18, 1) }}
	hsFakeDM32  = hardSymbol{file: "fake-dm32", gen: func() *image.Gray { return fakeDM(32, 2) }}
	hsFakeQR21  = hardSymbol{file: "fake-qr21", gen: func() *image.Gray { return fakeQR(21, 3) }}
	hsFakeQR25  = hardSymbol{file: "fake-qr25", gen: func() *image.Gray { return fakeQR(25, 4) }}
	hsFakePrint = hardSymbol{file: "fake-print", gen: func() *image.Gray { return fakePrint(40, 5) }}
	hsFakes     = []hardSymbol{hsFakeDM18, hsFakeQR21, hsFakePrint, hsFakeDM32, hsFakeQR25}
	hardSets    = []struct {
		name string
		syms []hardSymbol
		shot func(r *rand.Rand, s *shot)
	}{
		// The code fills 80–93 % of a 60–400 px frame, with at most half a module of quiet zone.
		{"tight-dm", []hardSymbol{hsShort, hsFull, hsDM32, hsDM40, hsShort, hsFull}, tight},
		{"tight-qr", []hardSymbol{hsQR, hsQRSer, hsQRV6, hsQR, hsQRSer, hsQRV6}, tight},
		// 2×2 (and 4×4) data regions, turned 15–60° and seen 8–15 % out of square.
		{"multiregion-angle", []hardSymbol{hsDM32, hsDM40, hsDM48, hsDM64, hsDM32, hsDM40}, func(r *rand.Rand, s *shot) {
			s.angle = (15 + r.Float64()*45) * math.Pi / 180
			s.persp = 0.08 + r.Float64()*0.07
			s.module = 3.2 + r.Float64()*1.3
		}},
		{"mirrored", []hardSymbol{hsFull, hsDM32, hsShort, hsQR, hsQRSer, hsQRV6}, func(r *rand.Rand, s *shot) {
			s.mirror = true
		}},
		{"mirrored-tight", []hardSymbol{hsShort, hsDM32, hsQRSer, hsQR}, func(r *rand.Rand, s *shot) {
			tight(r, s)
			s.mirror = true
		}},
		{"inverted-dm", []hardSymbol{hsFull, hsDM32, hsShort, hsDM40}, func(r *rand.Rand, s *shot) { s.invert = true }},
		{"inverted-qr", []hardSymbol{hsQR, hsQRSer, hsQRV6, hsQRSer}, func(r *rand.Rand, s *shot) { s.invert = true }},
		{"inverted-tight", []hardSymbol{hsShort, hsDM32, hsQR, hsQRSer}, func(r *rand.Rand, s *shot) {
			tight(r, s)
			s.invert = true
		}},
		// Strong tilt: corners moved 20–30 % of the label's side.
		{"tilt", []hardSymbol{hsFull, hsDM32, hsDM40, hsQR, hsQRSer, hsQRV6}, func(r *rand.Rand, s *shot) {
			s.angle = r.Float64() * 2 * math.Pi
			s.persp = 0.20 + r.Float64()*0.10
			s.module = 4 + r.Float64()*1.5
		}},
		// No code: look-alikes framed tightly (half of them mirrored), in a photo, and light on
		// dark framed tightly.
		{"nocode-tight", hsFakes, func(r *rand.Rand, s *shot) {
			tight(r, s)
			s.mirror = r.IntN(2) == 0
		}},
		{"nocode-photo", hsFakes, func(r *rand.Rand, s *shot) { s.angle = r.Float64() * math.Pi / 2 }},
		{"nocode-inv-tight", hsFakes, func(r *rand.Rand, s *shot) {
			tight(r, s)
			s.invert = true
		}},
	}
)

// tight frames the code closely in a small square frame (its side scaled to the symbol so a
// module is 2–4 px), with at most half a module of quiet zone, slightly out of focus every other
// time.
func tight(r *rand.Rand, s *shot) {
	modules := max(s.symW, s.symH)
	px := 2 + r.Float64()*2
	side := min(400, max(60, int(modules*px/0.9)))
	s.frameW, s.frameH = side, side
	s.sizeFrac = 0.80 + r.Float64()*0.13 // turned up to 3°, the code still fits in the frame
	s.quietModules = r.Float64() / 2
	s.blur = r.IntN(2)
	s.cxFrac, s.cyFrac = 0.5+(r.Float64()-0.5)*0.04, 0.5+(r.Float64()-0.5)*0.04
	s.angle = (r.Float64()*6 - 3) * math.Pi / 180
}

// hardPerSet is how many photos each category has (its symbols in turn).
const hardPerSet = 10

var (
	hardOnce sync.Once
	hardImgs []corpusImage
)

// hardCorpus makes the hard-case photos once per process (deterministic: seeded per image),
// each photo 480×360 unless its category frames it tightly, JPEG quality 75.
func hardCorpus(t testing.TB) []corpusImage {
	hardOnce.Do(func() {
		syms := map[string]*image.Gray{}
		for _, set := range hardSets {
			for _, h := range set.syms {
				if syms[h.file] == nil && h.gen != nil {
					syms[h.file] = h.gen()
				} else if syms[h.file] == nil {
					syms[h.file] = loadSymbol(t, h.file)
				}
			}
		}
		for si, set := range hardSets {
			d := degradation{name: set.name, quality: 75, shot: func(r *rand.Rand, s *shot) {
				s.frameW, s.frameH = 480, 360
				set.shot(r, s)
			}}
			for k := 0; k < hardPerSet; k++ {
				h := set.syms[k%len(set.syms)]
				rng := rand.New(rand.NewPCG(uint64(si*100+k), 22))
				raw := takeShot(rng, syms[h.file], false, d)
				var buf bytes.Buffer
				if err := jpeg.Encode(&buf, raw, &jpeg.Options{Quality: d.quality}); err != nil {
					panic(err)
				}
				img, err := jpeg.Decode(&buf)
				if err != nil {
					panic(err)
				}
				name := fmt.Sprintf("%s-%d", strings.TrimSuffix(h.file, ".png"), k)
				hardImgs = append(hardImgs, corpusImage{folder: set.name, name: name, img: img, want: h.text})
			}
		}
	})
	if len(hardImgs) == 0 {
		t.Fatal("the hard-case corpus was not made")
	}
	return hardImgs
}

// writeHard writes the hard cases under dir as FOLDER/NAME.png and NAME.txt.
func writeHard(t *testing.T, dir string, imgs []corpusImage) {
	for _, ci := range imgs {
		sub := filepath.Join(dir, ci.folder)
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, ci.img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, ci.name+".png"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, ci.name+".txt"), []byte(ci.want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHardCases reads the hard cases: every code plain gozxing reads, Read reads too (image by
// image), no code other than the one in the image, and at least hardFloor codes per category.
func TestHardCases(t *testing.T) {
	imgs := hardCorpus(t)
	if dir := os.Getenv("MEDINVENTORY_WRITE_HARD"); dir != "" {
		writeHard(t, dir, imgs)
	}
	if raceOn {
		t.Skip("image loops are ~10× slower under the race detector; this test checks read rates, not concurrency")
	}
	scores, order := scoreCorpus(t, imgs)
	reportScores(t, scores, order)
	for _, f := range order {
		s := scores[f]
		if len(s.worse) > 0 {
			t.Errorf("%s: plain gozxing reads what Read does not: %v", f, s.worse)
		}
		if s.falseOurs > 0 {
			t.Errorf("%s: %d code(s) read on images that hold none: %v", f, s.falseOurs, s.worse)
		}
		if len(s.other) > 0 {
			t.Errorf("%s: codes that are not in the image: %v", f, s.other)
		}
		if s.ours < hardFloor[f] {
			t.Errorf("%s: Read reads %d of %d; it read %d when this test was written", f, s.ours, s.images, hardFloor[f])
		}
	}
}

// hardFloor is what Read reads per category (measured by TestHardCases when it was written).
var hardFloor = map[string]int{
	"tight-dm": 10, "tight-qr": 10, "multiregion-angle": 9, "mirrored": 10, "mirrored-tight": 10,
	"inverted-dm": 10, "inverted-qr": 10, "inverted-tight": 10, "tilt": 8,
}

// symbolCanvas is a white n×m-module symbol image at 2 px per module and a way to darken one.
func symbolCanvas(n, m int) (*image.Gray, func(x, y int)) {
	g := image.NewGray(image.Rect(0, 0, 2*n, 2*m))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	return g, func(x, y int) {
		for k := 0; k < 4; k++ {
			g.Pix[(2*y+k/2)*g.Stride+2*x+k%2] = 0
		}
	}
}

// fakeDM is an n×n DataMatrix look-alike: the solid L, the alternating timing edges, and
// random modules inside.
func fakeDM(n int, seed uint64) *image.Gray {
	rng := rand.New(rand.NewPCG(seed, 5))
	g, dark := symbolCanvas(n, n)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			switch {
			case x == 0 || y == n-1:
				dark(x, y)
			case y == 0:
				if x%2 == 0 {
					dark(x, y)
				}
			case x == n-1:
				if y%2 == 1 {
					dark(x, y)
				}
			case rng.IntN(2) == 0:
				dark(x, y)
			}
		}
	}
	return g
}

// fakeQR is an n×n QR look-alike: three finder patterns with their separators, the timing
// patterns, and random modules elsewhere.
func fakeQR(n int, seed uint64) *image.Gray {
	rng := rand.New(rand.NewPCG(seed, 6))
	g, dark := symbolCanvas(n, n)
	finder := func(x, y int) (in, on bool) { // in a finder's 8×8 corner area; dark there
		for _, c := range [][2]int{{0, 0}, {n - 7, 0}, {0, n - 7}} {
			dx, dy := x-c[0], y-c[1]
			if dx >= -1 && dy >= -1 && dx <= 7 && dy <= 7 {
				if dx < 0 || dy < 0 || dx == 7 || dy == 7 {
					return true, false // separator
				}
				ring := dx == 0 || dy == 0 || dx == 6 || dy == 6
				core := dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4
				return true, ring || core
			}
		}
		return false, false
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if in, on := finder(x, y); in {
				if on {
					dark(x, y)
				}
				continue
			}
			if x == 6 || y == 6 {
				if (x+y)%2 == 0 {
					dark(x, y)
				}
				continue
			}
			if rng.IntN(2) == 0 {
				dark(x, y)
			}
		}
	}
	return g
}

// fakePrint is a block of small print n modules square: lines of words, each letter a few
// strokes.
func fakePrint(n int, seed uint64) *image.Gray {
	rng := rand.New(rand.NewPCG(seed, 7))
	g, dark := symbolCanvas(n, n)
	for y := 1; y+3 < n; y += 5 {
		for x := 1; x < n-1; {
			word := 2 + rng.IntN(6)
			for l := 0; l < word && x < n-1; l++ {
				for dy := 0; dy < 4; dy++ {
					if rng.IntN(3) > 0 {
						dark(x, y+dy)
					}
				}
				if x+1 < n-1 && rng.IntN(2) == 0 {
					dark(x+1, y+rng.IntN(4))
				}
				x += 2
			}
			x += 2
		}
	}
	return g
}

// cleanSymbol draws sym (2 px per module) at px pixels per module with quiet modules of margin,
// mirrored left to right and/or light on dark.
func cleanSymbol(sym *image.Gray, px, quiet int, mirror, invert bool) *image.Gray {
	mw, mh := sym.Rect.Dx()/2, sym.Rect.Dy()/2
	w, h := (mw+2*quiet)*px, (mh+2*quiet)*px
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			mx, my := x/px-quiet, y/px-quiet
			v := byte(235)
			if mx >= 0 && my >= 0 && mx < mw && my < mh {
				if mirror {
					mx = mw - 1 - mx
				}
				if sym.Pix[2*my*sym.Stride+2*mx] < 128 {
					v = 30
				}
			}
			if invert {
				v = 255 - v
			}
			g.Pix[y*g.Stride+x] = v
		}
	}
	return g
}

// TestMirroredAndInvertedSymbols: a DataMatrix (square, multi-region and rectangular) or QR code
// seen from behind (mirrored), printed light on dark, or both, on a clean ground with a quiet
// zone and with none, is read with its GS1 data.
func TestMirroredAndInvertedSymbols(t *testing.T) {
	syms := []hardSymbol{hsFull, hsDM32, {file: "dm_rect.png", text: "01095060001343521727123110R1621RECT36"}, hsQRSer}
	for _, h := range syms {
		sym := loadSymbol(t, h.file)
		for _, v := range []struct {
			name           string
			mirror, invert bool
		}{{"mirrored", true, false}, {"inverted", false, true}, {"mirrored and inverted", true, true}} {
			for _, quiet := range []int{3, 0} {
				img := cleanSymbol(sym, 4, quiet, v.mirror, v.invert)
				codes, err := Read(context.Background(), img)
				if err != nil {
					t.Fatalf("%s %s: %v", h.file, v.name, err)
				}
				ok := false
				for _, c := range codes {
					ok = ok || (sameCode(c.Text, h.text) && c.GS1 != nil && c.GS1.Serial != "")
				}
				if !ok {
					t.Errorf("%s %s, quiet zone %d modules: read %+v", h.file, v.name, quiet, codes)
				}
			}
		}
	}
}

// TestInvertedInLargePhoto: a DataMatrix or QR code printed light on dark (in a dark box two
// modules wider than the symbol) on a pack in a cluttered 3 MP photo, where the region search
// rather than the whole frame finds it, is read.
func TestInvertedInLargePhoto(t *testing.T) {
	if raceOn {
		t.Skip("image loops are ~10× slower under the race detector; this test checks reading, not concurrency")
	}
	for k, h := range []hardSymbol{hsFull, hsDM32, hsQRSer} {
		sym := loadSymbol(t, h.file)
		inv := image.NewGray(image.Rect(0, 0, sym.Rect.Dx()+8, sym.Rect.Dy()+8))
		for y := 0; y < sym.Rect.Dy(); y++ {
			for x := 0; x < sym.Rect.Dx(); x++ {
				inv.Pix[(y+4)*inv.Stride+x+4] = 255 - sym.Pix[y*sym.Stride+x]
			}
		}
		img, _ := render(inv, scene{W: 2048, H: 1536, Angle: float64(20 + 37*k), Coverage: 0.03, Seed: uint64(77 + k), Noise: 5, Quality: 85})
		codes, err := Read(context.Background(), img)
		if err != nil {
			t.Fatal(err)
		}
		ok := false
		for _, c := range codes {
			ok = ok || sameCode(c.Text, h.text)
		}
		if !ok {
			t.Errorf("%s light on dark in a 3 MP photo: read %+v", h.file, codes)
		}
	}
}
