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
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
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
	dm      *datamatrix.DataMatrixReader
	qr      gozxing.Reader
	upc     gozxing.Reader
	c128    gozxing.Reader
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
	r.dm = datamatrix.NewDataMatrixReader()
	r.qr = qrcode.NewQRCodeReader()
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
	for _, c := range loc.candidates() {
		if r.ctx.Err() != nil {
			return false
		}
		c.angle = loc.angleOf(c)
		if r.tryCandidate(g, c) {
			return true
		}
	}
	if r.ctx.Err() != nil || !large {
		return false
	}
	// 2. The whole frame: a close-up, or a linear code or QR code the regions did not isolate.
	return r.tryWhole(g)
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
	if res, err := r.dm.Decode(bmp, nil); err == nil {
		if r.add(DataMatrix, res, p.toInput) {
			return true
		}
	} else if masked, ok := isolate(bmp, p.pix, n); ok {
		// Print close to the code can mislead gozxing's corner search: blank everything outside
		// the code's own box and try again.
		if mb, ok := bitmap(masked, n, n); ok {
			if res, err := r.dm.Decode(mb, nil); err == nil && r.add(DataMatrix, res, p.toInput) {
				return true
			}
		}
	}
	if res, err := r.qr.Decode(bmp, nil); err == nil {
		if r.add(QR, res, p.toInput) {
			return true
		}
	}
	return r.tryLinear(&gray{pix: p.pix, stride: n, w: n, h: n}, p.toInput, false)
}

// tryLinear tries the linear readers on an image and on it turned 90°. hard scans every few rows
// of the whole image (gozxing's TRY_HARDER), else 15 rows around the middle.
func (r *reader) tryLinear(g *gray, toInput func(x, y float64) (float64, float64), hard bool) bool {
	for turn := 0; turn < 2; turn++ {
		if r.ctx.Err() != nil {
			return false
		}
		v, back := view{g: g}, toInput
		if turn == 1 {
			v.transposed = true
			back = func(x, y float64) (float64, float64) { return toInput(y, x) }
		}
		// The row scan reads rows only, thresholding each by its own histogram (as the hybrid
		// binarizer does for rows).
		bmp, err := gozxing.NewBinaryBitmap(gozxing.NewGlobalHistgramBinarizer(v.source()))
		if err != nil {
			continue
		}
		rows := &blackRows{bmp: bmp, done: map[int]*gozxing.BitArray{}}
		for _, dec := range []gozxing.Reader{r.upc, r.c128} {
			res := r.confirmedLinear(v, rows, dec.(rowDecoder), hard)
			if res == nil {
				continue
			}
			sym := Code128
			switch res.GetBarcodeFormat() {
			case gozxing.BarcodeFormat_EAN_13:
				sym = EAN13
			case gozxing.BarcodeFormat_UPC_A:
				sym = UPCA
			case gozxing.BarcodeFormat_EAN_8:
				sym = EAN8
			}
			if r.add(sym, res, back) {
				return true
			}
		}
	}
	return false
}

// rowDecoder is what gozxing's 1D readers do with one row of pixels.
type rowDecoder interface {
	DecodeRow(rowNumber int, row *gozxing.BitArray, hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error)
}

// minLinearRows is how many different scan lines must decode a linear code to the same text
// before it counts (as zxing-cpp's default minLineCount): a single line through a texture or
// print can pass a check digit by chance; two lines that agree almost never do.
const minLinearRows = 2

// maxSingles is how many texts seen on one row only get a second sampling (each costs a few
// decodes of a wide row; print and textures make many).
const maxSingles = 4

// confirmedLinear scans rows middle-out as gozxing's own 1D scan does (every row/256 of the
// height when hard, else 15 rows of the middle half), each forwards and backwards, and returns the
// first text that minLinearRows different rows decode, or nil. The readers check each row's quiet
// zones and check digit. An EAN-13/UPC-A or Code 128 text only one row decodes is confirmed by a
// second sampling: the rows around it thresholded locally (the hybrid binarizer's matrix), or
// resampled larger or smaller (new pixel phases, new thresholds), must decode it too, or two
// lines of the code's bars above and below it, thresholded locally (barsAgree).
func (r *reader) confirmedLinear(v view, rows *blackRows, dec rowDecoder, hard bool) *gozxing.Result {
	w, h := v.size()
	step, lines := max(1, h>>5), 15
	if hard {
		step, lines = max(1, h>>8), h
	}
	agree := map[string]int{}
	type single struct {
		res *gozxing.Result
		y   int
	}
	var singles []single
	var row *gozxing.BitArray
	for i := 0; i < lines; i++ {
		if i%32 == 31 && r.ctx.Err() != nil {
			return nil
		}
		k := (i + 1) / 2
		y := h/2 + step*k
		if i&1 == 1 {
			y = h/2 - step*k
		}
		if y < 0 || y >= h {
			break
		}
		var err error
		if row, err = rows.get(y, row); err != nil {
			continue
		}
		for reversed := 0; reversed < 2; reversed++ {
			if reversed == 1 {
				row.Reverse()
			}
			res, err := dec.DecodeRow(y, row, hintsFast)
			if err != nil {
				continue
			}
			if reversed == 1 {
				for j, p := range res.GetResultPoints() {
					res.GetResultPoints()[j] = gozxing.NewResultPoint(float64(w)-p.GetX()-1, p.GetY())
				}
			}
			key := res.GetBarcodeFormat().String() + "\x00" + res.GetText()
			agree[key]++
			if agree[key] >= minLinearRows {
				return res
			}
			singles = append(singles, single{res, y})
			break
		}
	}
	for i, s := range singles {
		if r.ctx.Err() != nil || i == maxSingles {
			return nil
		}
		if f := s.res.GetBarcodeFormat(); f != gozxing.BarcodeFormat_EAN_13 && f != gozxing.BarcodeFormat_UPC_A && f != gozxing.BarcodeFormat_CODE_128 {
			continue // an EAN-8 holds too few digits to trust one line of it
		}
		strip, y0 := around(v, s.y)
		if localRowsAgree(strip, s.y-y0, dec, s.res) {
			return s.res
		}
		for _, k := range []float64{1.5, 2, 1.25, 0.75} {
			if resampledRowsAgree(strip, s.y-y0, k, dec, s.res) {
				return s.res
			}
		}
		if barsAgree(v, s.y, dec, s.res) {
			return s.res
		}
	}
	return nil
}

// barsAgree looks for a single-line read's bars above and below it: a printed EAN/UPC's bars are
// about 0.7× as tall as the code is wide, so the box around the read (its width plus a margin
// for the quiet zones, 0.7× its width up and down), thresholded locally, must give the same text
// and format on minLinearRows rows other than y. Light that changes across a code (vignetting,
// shade, a curved pack) can leave one line readable by its row's own histogram where the local
// thresholds read the bars on many lines (ZXing's ean13-4/12.png is such a photo).
func barsAgree(v view, y int, dec rowDecoder, res *gozxing.Result) bool {
	w, h := v.size()
	x0, x1 := math.Inf(1), math.Inf(-1)
	for _, p := range res.GetResultPoints() {
		if p != nil {
			x0, x1 = math.Min(x0, p.GetX()), math.Max(x1, p.GetX())
		}
	}
	cw := x1 - x0
	if cw < 16 {
		return false
	}
	ax, bx := max(0, int(x0-cw/8)), min(w, int(math.Ceil(x1+cw/8)))
	ay, by := max(0, int(float64(y)-0.7*cw)), min(h, int(math.Ceil(float64(y)+0.7*cw)))
	box := v.crop(ax, ay, bx-ax, by-ay)
	bmp, ok := bitmap(box.pix, box.w, box.h)
	if !ok {
		return false
	}
	m, err := bmp.GetBlackMatrix()
	if err != nil {
		return false
	}
	// At most 64 lines of the box: the bars span many.
	step, agree := max(1, box.h/64), 0
	var row *gozxing.BitArray
	for yy := (y - ay) % step; yy < box.h; yy += step {
		if yy == y-ay {
			continue // another line, not the same one thresholded differently
		}
		row = m.GetRow(yy, row)
		if rowGives(dec, yy, row, res) {
			if agree++; agree >= minLinearRows {
				return true
			}
		}
	}
	return false
}

// around returns the strip of 48 rows of v around its row y (fewer in a smaller image), and the
// strip's first row: the second sampling of a single-line read looks only there.
func around(v view, y int) (*gray, int) {
	_, h := v.size()
	y0 := min(max(0, y-24), max(0, h-48))
	return v.strip(y0, min(48, h-y0)), y0
}

// blackRows thresholds each row of a bitmap once for all the 1D readers that scan it.
type blackRows struct {
	bmp  *gozxing.BinaryBitmap
	done map[int]*gozxing.BitArray
}

// get copies row y, thresholded, into row (a new one when row is nil or of another size) and
// returns it: the caller may reverse it.
func (b *blackRows) get(y int, row *gozxing.BitArray) (*gozxing.BitArray, error) {
	src, ok := b.done[y]
	if !ok {
		var err error
		if src, err = b.bmp.GetBlackRow(y, nil); err != nil {
			return nil, err
		}
		b.done[y] = src
	}
	if row == nil || row.GetSize() != src.GetSize() {
		row = gozxing.NewBitArray(src.GetSize())
	}
	copy(row.GetBitArray(), src.GetBitArray())
	return row, nil
}

// localRowsAgree decodes the rows y-2…y+2 of strip (see around) as the hybrid binarizer
// thresholds them (by the brightness of each 8×8 block's surroundings, where the row scan used
// the row's own histogram) and says whether any other row gives res's text and format.
func localRowsAgree(strip *gray, y int, dec rowDecoder, res *gozxing.Result) bool {
	bmp, ok := bitmap(strip.pix, strip.w, strip.h)
	if !ok {
		return false
	}
	m, err := bmp.GetBlackMatrix()
	if err != nil {
		return false
	}
	var row *gozxing.BitArray
	for yy := max(0, y-2); yy <= min(strip.h-1, y+2); yy++ {
		if yy == y {
			continue // another line, not the same one thresholded differently
		}
		row = m.GetRow(yy, row)
		if rowGives(dec, yy, row, res) {
			return true
		}
	}
	return false
}

// rowGives says whether row, read forwards or backwards, decodes to res's text and format.
func rowGives(dec rowDecoder, y int, row *gozxing.BitArray, res *gozxing.Result) bool {
	for reversed := 0; reversed < 2; reversed++ {
		if reversed == 1 {
			row.Reverse()
		}
		if got, err := dec.DecodeRow(y, row, hintsFast); err == nil &&
			got.GetText() == res.GetText() && got.GetBarcodeFormat() == res.GetBarcodeFormat() {
			return true
		}
	}
	return false
}

// resampledRowsAgree decodes lines 1–3 px above and below row y of g (a strip from around),
// sampled k× larger or smaller (bilinear), and says whether any of them gives res's text and
// format.
func resampledRowsAgree(g *gray, y int, k float64, dec rowDecoder, res *gozxing.Result) bool {
	// Rows at least one input pixel away from y, up to three.
	var offs []float64
	for d := 1.0; d <= 3; d += 1 / k {
		offs = append(offs, -d, d)
	}
	w, h := int(float64(g.w)*k), len(offs)
	pix := make([]byte, w*h)
	for oy := 0; oy < h; oy++ {
		sy := float64(y) + 0.5 + offs[oy]
		for ox := 0; ox < w; ox++ {
			pix[oy*w+ox] = g.bilinear((float64(ox)+0.5)/k, sy)
		}
	}
	bmp, ok := bitmap(pix, w, h)
	if !ok {
		return false
	}
	var row *gozxing.BitArray
	for oy := 0; oy < h; oy++ {
		var err error
		if row, err = bmp.GetBlackRow(oy, row); err == nil && rowGives(dec, oy, row, res) {
			return true
		}
	}
	return false
}

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
			if res, err := r.dm.Decode(bmp, nil); err == nil && r.add(DataMatrix, res, scale) {
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
	for i, step := range steps {
		if r.ctx.Err() != nil {
			return false
		}
		var p *patch
		if step < 1.5 {
			// Enlarging (or nearly 1:1): resample.
			n := int(math.Ceil(float64(long) * 1.25 / step))
			cx, cy := float64(g.w)/2, float64(g.h)/2
			p = &patch{pix: g.warp(cx, cy, 0, step, n), n: n, cx: cx, cy: cy, stp: step}
		} else {
			// Reducing: box-average by a whole factor and copy onto a white square.
			f := int(math.Round(step))
			p = padded(r.scaled(g, f), f)
		}
		if r.tryPadded(p, i == len(steps)-1) { // inverted at the smallest scale (close-ups)
			return true
		}
	}
	return false
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
// then inverted (light on dark) when invert is set, then QR.
func (r *reader) tryPadded(p *patch, invert bool) bool {
	src, err := gozxing.NewPlanarYUVLuminanceSource(p.pix, p.n, p.n, 0, 0, p.n, p.n, false)
	if err != nil {
		return false
	}
	sources := []gozxing.LuminanceSource{src}
	if invert {
		sources = append(sources, gozxing.NewInvertedLuminanceSource(src))
	}
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
			if res, err := r.dm.Decode(bmp, nil); err == nil {
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
