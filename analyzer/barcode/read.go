package barcode

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"sort"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// Symbology names a barcode type.
type Symbology string

// The symbologies Read reports.
const (
	DataMatrix Symbology = "datamatrix"
	QR         Symbology = "qr"
	Code128    Symbology = "code128"
	EAN13      Symbology = "ean13"
	UPCA       Symbology = "upca"
	EAN8       Symbology = "ean8"
)

// Code is one barcode found in a photo.
type Code struct {
	Symbology Symbology
	// Text is the decoded data with FNC1 as \x1d. For a GS1 symbol it starts with the
	// symbology identifier (]d2, ]Q3, ]C1, or ]e0 for EAN-13/UPC-A), so ParseGS1(Text) works.
	Text string
	GS1  *GS1 // nil when the code holds no valid GS1 data
	// Bounds is where the code is, in the input image's coordinates (approximate).
	Bounds image.Rectangle
	// Note says, in plain words, why a code's number is not taken as a product (a restricted
	// circulation number or a coupon); GS1 then carries no GTIN. Empty otherwise.
	Note string
}

// maxPatch is the largest side, in pixels, of a region handed to gozxing: big enough for
// ≥ 4 px per module on a 64×64 DataMatrix, small enough to decode in a few milliseconds.
const maxPatch = 320

// Read finds barcodes in a decoded photo. It stops at the first GS1 code carrying a GTIN (the
// common case on a medicine pack) and returns it with anything found before it; otherwise it
// returns every code it found (EAN-13/UPC-A get a GS1 value with just the GTIN). It works on one
// goroutine. When ctx ends first, Read returns the codes found so far together with an error
// wrapping ctx.Err().
func Read(ctx context.Context, img image.Image) ([]Code, error) {
	if img == nil || img.Bounds().Empty() {
		return nil, errors.New("the photo is empty, so there is no barcode to read")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("barcode search did not start: %w", err)
	}
	r := &reader{ctx: ctx, origin: img.Bounds().Min, seen: map[string]bool{}}
	g := toGray(img)
	done := r.search(g)
	if !done && ctx.Err() == nil && len(r.codes) == 0 {
		done = r.rescue()
	}
	if !done && ctx.Err() != nil {
		return r.codes, fmt.Errorf("barcode search stopped before it finished: %w", ctx.Err())
	}
	return r.codes, nil
}

// Best returns the most useful GS1 data among codes: a 2D or GS1-128 code with a GTIN first,
// then an EAN-13/UPC-A GTIN. ok is false when no code carries a GTIN.
func Best(codes []Code) (GS1, bool) {
	for _, linear := range []bool{false, true} {
		for _, c := range codes {
			isLinear := isLinearGTIN(c.Symbology)
			if c.GS1 != nil && c.GS1.GTIN != "" && isLinear == linear {
				return *c.GS1, true
			}
		}
	}
	return GS1{}, false
}

type reader struct {
	ctx    context.Context
	origin image.Point
	codes  []Code
	seen   map[string]bool
	// reduced holds the reduced copies of the photo made so far, by factor.
	reduced map[int]*gray
	dm      *dmReader
	qr      *qrReader
	upc     gozxing.Reader
	c128    gozxing.Reader
	// pending are the detections that failed on grids worth sampling again (at most
	// maxPending), with the mapping of each bitmap to the input, in the order found.
	pending []pendingGrid
}

// pendingGrid is a DataMatrix or QR detection kept for a rescue.
type pendingGrid struct {
	dm      *dmGrid
	qr      *qrGrid
	toInput func(x, y float64) (float64, float64)
}

// maxPending bounds the rescues Read tries on a frame in which nothing was read (each samples
// a grid up to 14 times for DataMatrix, 150 for QR).
const maxPending = 6

// decodeDM reads a DataMatrix symbol in bmp, keeping a failed grid worth a rescue.
func (r *reader) decodeDM(bmp *gozxing.BinaryBitmap, toInput func(x, y float64) (float64, float64)) (*gozxing.Result, error) {
	res, grid, err := r.dm.Decode(bmp)
	if grid != nil && len(r.pending) < maxPending {
		r.pending = append(r.pending, pendingGrid{dm: grid, toInput: toInput})
	}
	return res, err
}

// decodeQR reads a QR code in bmp, keeping a failed grid worth a rescue.
func (r *reader) decodeQR(bmp *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}, toInput func(x, y float64) (float64, float64)) (*gozxing.Result, error) {
	res, grid, err := r.qr.Decode(bmp, hints)
	if grid != nil && len(r.pending) < maxPending {
		r.pending = append(r.pending, pendingGrid{qr: grid, toInput: toInput})
	}
	return res, err
}

// rescue samples the kept grids again (see dmReader.Rescue, qrReader.Rescue), in the order
// found; it returns true when it read a GS1 code with a GTIN.
func (r *reader) rescue() bool {
	for _, p := range r.pending {
		if r.ctx.Err() != nil {
			return false
		}
		if p.dm != nil {
			if res := r.dm.Rescue(p.dm); res != nil && r.add(DataMatrix, res, p.toInput) {
				return true
			}
		} else if res := r.qr.Rescue(p.qr); res != nil && r.add(QR, res, p.toInput) {
			return true
		}
	}
	return false
}

var (
	hintsHard = map[gozxing.DecodeHintType]interface{}{
		gozxing.DecodeHintType_TRY_HARDER: true,
		gozxing.DecodeHintType_ASSUME_GS1: true,
	}
	hintsFast = map[gozxing.DecodeHintType]interface{}{
		gozxing.DecodeHintType_ASSUME_GS1: true,
	}
)

// search runs the strategy; it returns true when it found a GS1 code with a GTIN.
func (r *reader) search(g *gray) bool {
	r.dm = newDMReader()
	r.qr = newQRReader()
	// EAN-13 (which covers UPC-A) and EAN-8; not UPC-E, whose six digits a texture passes too easily.
	r.upc = oned.NewMultiFormatUPCEANReader(map[gozxing.DecodeHintType]interface{}{
		gozxing.DecodeHintType_POSSIBLE_FORMATS: []gozxing.BarcodeFormat{gozxing.BarcodeFormat_EAN_13, gozxing.BarcodeFormat_EAN_8}})
	r.c128 = oned.NewCode128Reader()
	defer r.rank()

	// A small photo is mostly a close-up: the whole frame first. A large one usually shows the
	// code small among other print: the regions first, the whole frame (reduced) after them.
	large := g.w*g.h > wholeFirstPixels
	if !large && r.tryWhole(g) {
		return true
	}
	// 1. Regions of high local contrast, best first, each rotated upright.
	loc := newLocator(g, r.scaled)
	cands := loc.candidates()
	for i := range cands {
		if r.ctx.Err() != nil {
			return false
		}
		cands[i].angle = loc.angleOf(cands[i])
		if r.tryCandidate(g, cands[i]) {
			return true
		}
	}
	// The best regions again light on dark, when nothing was read.
	for i := 0; i < min(len(cands), invertedRegions) && len(r.codes) == 0; i++ {
		if r.ctx.Err() != nil {
			return false
		}
		if r.tryInvertedCandidate(g, cands[i]) {
			return true
		}
	}
	if r.ctx.Err() != nil {
		return false
	}
	if !large {
		// 2. A small frame in which nothing was read: the whole of it turned upright by the
		// direction of its edges (a large code at an angle that no region covers).
		return len(r.codes) == 0 && r.tryUpright(g, loc)
	}
	// 2. The whole frame: a close-up, or a linear code or QR code the regions did not isolate.
	return r.tryWhole(g)
}

// uprightMax is the largest side of the frame that tryUpright turns at full resolution.
const uprightMax = 1000

// tryUpright turns the whole frame by the direction of its edges (when that is more than 10°
// from upright), on a white margin, at most uprightMax px across, and reads it as a padded
// frame.
func (r *reader) tryUpright(g *gray, loc *locator) bool {
	long := max(g.w, g.h)
	diag := math.Hypot(float64(g.w), float64(g.h))
	whole := candidate{cx: float64(g.w) / 2, cy: float64(g.h) / 2, side: float64(long)}
	ang := loc.angleOf(whole)
	if math.Abs(ang) < 10*math.Pi/180 {
		return false
	}
	step := max(1, float64(long)/uprightMax)
	n := int(diag * 1.1 / step)
	p := &patch{pix: g.warp(whole.cx, whole.cy, ang, step, n), n: n, cx: whole.cx, cy: whole.cy, ang: ang, stp: step}
	return r.tryPadded(p)
}

// wholeFirstPixels is the photo size up to which the whole frame is tried before the regions.
const wholeFirstPixels = 3_000_000

// rank puts the most useful codes first: 2D and GS1-128 codes carrying a GTIN, then EAN/UPC
// GTINs, then the rest, each group in the order found.
func (r *reader) rank() {
	class := func(c Code) int {
		switch {
		case c.GS1 != nil && c.GS1.GTIN != "" && !isLinearGTIN(c.Symbology):
			return 0
		case c.GS1 != nil && c.GS1.GTIN != "":
			return 1
		}
		return 2
	}
	sort.SliceStable(r.codes, func(i, j int) bool { return class(r.codes[i]) < class(r.codes[j]) })
}

// patch is a resampled square of the input and the mapping back to input coordinates.
type patch struct {
	pix              []byte
	n                int
	cx, cy, ang, stp float64
	in               image.Rectangle // where the input shows in a padded whole-frame patch
}

func (p *patch) toInput(x, y float64) (float64, float64) {
	half := float64(p.n) / 2
	dx, dy := (x-half)*p.stp, (y-half)*p.stp
	cos, sin := cosSin(p.ang)
	return p.cx + dx*cos - dy*sin, p.cy + dx*sin + dy*cos
}

func (r *reader) tryCandidate(g *gray, c candidate) bool {
	crop := c.side * 1.15
	step := max(1, crop/maxPatch)
	n := int(crop / step)
	if n < 24 {
		return false
	}
	p := &patch{pix: g.warp(c.cx, c.cy, c.angle, step, n), n: n, cx: c.cx, cy: c.cy, ang: c.angle, stp: step}
	bmp, ok := bitmap(p.pix, n, n)
	if !ok {
		return false
	}
	if res, err := r.decodeDM(bmp, p.toInput); err == nil {
		if r.add(DataMatrix, res, p.toInput) {
			return true
		}
	} else if masked, ok := isolate(bmp, p.pix, n); ok {
		// Print close to the code can mislead gozxing's corner search: blank everything outside
		// the code's own box and try again.
		if mb, ok := bitmap(masked, n, n); ok {
			if res, err := r.decodeDM(mb, p.toInput); err == nil && r.add(DataMatrix, res, p.toInput) {
				return true
			}
		}
	}
	if res, err := r.decodeQR(bmp, nil, p.toInput); err == nil {
		if r.add(QR, res, p.toInput) {
			return true
		}
	}
	return r.tryLinear(&gray{pix: p.pix, stride: n, w: n, h: n}, p.toInput, false)
}

// invertedRegions is how many of the best regions are tried light on dark when nothing was read.
const invertedRegions = 6

// tryInvertedCandidate reads a region's crop with its pixels inverted (a DataMatrix printed
// light on dark in a dark box: inverted, the box becomes its quiet zone).
func (r *reader) tryInvertedCandidate(g *gray, c candidate) bool {
	crop := c.side * 1.15
	step := max(1, crop/maxPatch)
	n := int(crop / step)
	if n < 24 {
		return false
	}
	p := &patch{pix: g.warp(c.cx, c.cy, c.angle, step, n), n: n, cx: c.cx, cy: c.cy, ang: c.angle, stp: step}
	for i, v := range p.pix {
		p.pix[i] = 255 - v
	}
	bmp, ok := bitmap(p.pix, n, n)
	if !ok {
		return false
	}
	if res, err := r.decodeDM(bmp, p.toInput); err == nil && r.add(DataMatrix, res, p.toInput) {
		return true
	}
	if res, err := r.decodeQR(bmp, nil, p.toInput); err == nil && r.add(QR, res, p.toInput) {
		return true
	}
	return false
}

// add records a decoded result; it returns true when it is a GS1 code with a GTIN.
func (r *reader) add(sym Symbology, res *gozxing.Result, toInput func(x, y float64) (float64, float64)) bool {
	text := res.GetText()
	id, _ := res.GetResultMetadata()[gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER].(string)
	var g1 *GS1
	note := ""
	switch {
	case isLinearGTIN(sym):
		if sym == EAN13 && len(text) == 13 && text[0] == '0' {
			// An EAN-13 starting with 0 is a UPC-A with the 0 in front.
			sym, text = UPCA, text[1:]
		}
		gtin := strings.Repeat("0", max(0, 14-len(text))) + text
		if len(gtin) == 14 && checkDigitOK(gtin) {
			if why := notTradeItem(gtin, sym); why != "" {
				note = why
			} else {
				g1 = &GS1{GTIN: gtin}
				text = "]e0" + "01" + gtin
			}
		}
	case id == "]d2" || id == "]Q3" || id == "]C1" || id == "]J1":
		text = strings.TrimPrefix(strings.TrimPrefix(text, id), "\x1d")
		text = id + text
		if parsed, err := ParseGS1(text); err == nil {
			g1 = &parsed
			if why := notTradeItem(g1.GTIN, sym); g1.GTIN != "" && why != "" {
				// Keep the lot and dates, but never take the number as a product.
				if g1.Other == nil {
					g1.Other = map[string]string{}
				}
				g1.Other["01"], g1.GTIN, note = g1.GTIN, "", why
			}
		}
	}
	key := string(sym) + "\x00" + text
	if r.seen[key] {
		return false
	}
	r.seen[key] = true
	r.codes = append(r.codes, Code{Symbology: sym, Text: text, GS1: g1, Note: note, Bounds: r.bounds(res.GetResultPoints(), toInput)})
	return g1 != nil && g1.GTIN != "" && !isLinearGTIN(sym)
}

// isLinearGTIN is true for the retail symbologies that hold nothing but a GTIN.
func isLinearGTIN(s Symbology) bool { return s == EAN13 || s == UPCA || s == EAN8 }

func (r *reader) bounds(pts []gozxing.ResultPoint, toInput func(x, y float64) (float64, float64)) image.Rectangle {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		if p == nil {
			continue
		}
		x, y := toInput(p.GetX(), p.GetY())
		minX, minY, maxX, maxY = math.Min(minX, x), math.Min(minY, y), math.Max(maxX, x), math.Max(maxY, y)
	}
	if math.IsInf(minX, 0) {
		return image.Rectangle{}
	}
	// A linear code reports two points on one scan line: give its bounds some height.
	if w, h := maxX-minX, maxY-minY; h < w/4 {
		minY, maxY = minY-w/4, maxY+w/4
	} else if w < h/4 {
		minX, maxX = minX-h/4, maxX+h/4
	}
	return image.Rect(int(minX), int(minY), int(math.Ceil(maxX)), int(math.Ceil(maxY))).Add(r.origin)
}

func bitmap(pix []byte, w, h int) (*gozxing.BinaryBitmap, bool) {
	src, err := gozxing.NewPlanarYUVLuminanceSource(pix, w, h, 0, 0, w, h, false)
	if err != nil {
		return nil, false
	}
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	return bmp, err == nil
}

// isolate grows a box from the patch centre while the line just outside it has more than a few
// dark pixels (so specks in the quiet zone do not stop it, but the quiet zone does), and returns
// a copy of the patch that is white outside that box.
func isolate(bmp *gozxing.BinaryBitmap, pix []byte, n int) ([]byte, bool) {
	bm, err := bmp.GetBlackMatrix()
	if err != nil {
		return nil, false
	}
	x0, y0, x1, y1 := n/2-n/20, n/2-n/20, n/2+n/20, n/2+n/20
	dark := func(xa, ya, xb, yb int) bool { // any meaningful ink on the segment?
		c, total := 0, 0
		for y := ya; y <= yb; y++ {
			for x := xa; x <= xb; x++ {
				total++
				if bm.Get(x, y) {
					c++
				}
			}
		}
		return c > max(1, total/30)
	}
	for grew := true; grew; {
		grew = false
		if x0 > 0 && dark(x0-1, y0, x0-1, y1) {
			x0, grew = x0-1, true
		}
		if x1 < n-1 && dark(x1+1, y0, x1+1, y1) {
			x1, grew = x1+1, true
		}
		if y0 > 0 && dark(x0, y0-1, x1, y0-1) {
			y0, grew = y0-1, true
		}
		if y1 < n-1 && dark(x0, y1+1, x1, y1+1) {
			y1, grew = y1+1, true
		}
	}
	if x1-x0 < 16 || y1-y0 < 16 || (x0 == 0 && x1 == n-1) {
		return nil, false
	}
	m := max(2, (x1-x0)/25)
	x0, y0, x1, y1 = max(0, x0-m), max(0, y0-m), min(n-1, x1+m), min(n-1, y1+m)
	out := make([]byte, len(pix))
	for i := range out {
		out[i] = 255
	}
	for y := y0; y <= y1; y++ {
		copy(out[y*n+x0:y*n+x1+1], pix[y*n+x0:y*n+x1+1])
	}
	return out, true
}
