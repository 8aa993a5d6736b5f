package barcode

// Linear codes (EAN-13/UPC-A/EAN-8, Code 128): row scans whose reads count only when a second
// line, or a second sampling of the same line, agrees.

import (
	"math"

	"github.com/makiuchi-d/gozxing"
)

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
