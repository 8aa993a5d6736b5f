package barcode

// DataMatrix decoding that also reads a mirrored symbol (printed on clear film and seen from
// behind): gozxing's detector finds a mirrored symbol's L-shaped finder just as well, but samples
// its grid reflected, so the decoder's error correction fails. The reflection that keeps the L in
// place is the one across the diagonal from the bottom-left to the top-right corner; decoding the
// sampled grid reflected that way costs no second detection.
//
// A grid that shows the finder but fails error correction is kept (a dmGrid) for a rescue that
// Read runs only when nothing else was read: sampling the same corners at the nearest standard
// sizes (a large symbol seen at an angle is counted a few modules off), then with the corners
// nudged by part of a module (on 2–3 px modules the detector's corners are that far off).

import (
	"math"
	"sort"
	"strconv"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/datamatrix/decoder"
	"github.com/makiuchi-d/gozxing/datamatrix/detector"
)

// dmReader is gozxing's DataMatrixReader (detector then decoder) with the mirrored reading.
type dmReader struct {
	dec *decoder.Decoder
}

func newDMReader() *dmReader { return &dmReader{dec: decoder.NewDecoder()} }

// dmGrid is a detected symbol whose sampled grid showed the finder but failed error correction:
// the thresholded image, the corner module centres (top-left, bottom-left, bottom-right,
// top-right) and the size counted.
type dmGrid struct {
	bm   *gozxing.BitMatrix
	pts  []gozxing.ResultPoint
	w, h int
}

// Decode finds and decodes a DataMatrix symbol in bmp, as the symbol is or mirrored. When it
// fails on a grid worth a rescue, it returns that grid too.
func (r *dmReader) Decode(bmp *gozxing.BinaryBitmap) (*gozxing.Result, *dmGrid, error) {
	bm, err := bmp.GetBlackMatrix()
	if err != nil {
		return nil, nil, err
	}
	det, err := detector.NewDetector(bm)
	if err != nil {
		return nil, nil, err
	}
	found, err := det.Detect()
	if err != nil {
		return nil, nil, err
	}
	bits := found.GetBits()
	res, err := r.decodeBits(bits)
	if err != nil {
		// A grid with the finder whose error correction failed, not one sampled from some
		// other rectangle (which fails earlier, or shows no finder).
		if _, ecc := err.(gozxing.ChecksumException); ecc && solidL(bits) {
			return nil, &dmGrid{bm, found.GetPoints(), bits.GetWidth(), bits.GetHeight()}, err
		}
		return nil, nil, err
	}
	return dmResult(res, found.GetPoints()), nil, nil
}

// Rescue samples a grid that failed again at the nearest standard sizes, then with its corners
// nudged; nil when none decodes.
func (r *dmReader) Rescue(g *dmGrid) *gozxing.Result {
	res := r.otherSizes(g.bm, g.pts, g.w, g.h)
	if res == nil {
		res = r.nudged(g.bm, g.pts, g.w, g.h)
	}
	if res == nil {
		return nil
	}
	return dmResult(res, g.pts)
}

// dmResult is a decoded symbol as gozxing's DataMatrixReader reports it.
func dmResult(res *common.DecoderResult, pts []gozxing.ResultPoint) *gozxing.Result {
	out := gozxing.NewResult(res.GetText(), res.GetRawBytes(), pts, gozxing.BarcodeFormat_DATA_MATRIX)
	if seg := res.GetByteSegments(); seg != nil {
		out.PutMetadata(gozxing.ResultMetadataType_BYTE_SEGMENTS, seg)
	}
	if ec := res.GetECLevel(); ec != "" {
		out.PutMetadata(gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL, ec)
	}
	out.PutMetadata(gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER, "]d"+strconv.Itoa(res.GetSymbologyModifier()))
	return out
}

// solidL says whether a sampled grid's left column and bottom row, the finder, are at least 80 %
// dark: a grid sampled from a DataMatrix symbol, whose corners the rescues below may correct, and
// not from some other dark-edged rectangle.
func solidL(b *gozxing.BitMatrix) bool {
	w, h := b.GetWidth(), b.GetHeight()
	dark := 0
	for y := 0; y < h; y++ {
		if b.Get(0, y) {
			dark++
		}
	}
	for x := 1; x < w; x++ {
		if b.Get(x, h-1) {
			dark++
		}
	}
	return 5*dark >= 4*(w+h-1)
}

// decodeBits decodes a sampled grid as it is, else reflected (a mirrored symbol).
func (r *dmReader) decodeBits(bits *gozxing.BitMatrix) (*common.DecoderResult, error) {
	res, err := r.dec.Decode(bits)
	if err == nil {
		return res, nil
	}
	if mirrored, merr := r.dec.Decode(reflectL(bits)); merr == nil {
		return mirrored, nil
	}
	return nil, err // the symbol's own error, not the mirror's
}

// squareSizes are the square DataMatrix sizes (ECC 200), in modules.
var squareSizes = []int{10, 12, 14, 16, 18, 20, 22, 24, 26, 32, 36, 40, 44, 48, 52, 64, 72, 80, 88, 96, 104, 120, 132, 144}

// otherSizes resamples a square symbol found with pts (gozxing's detector's corner module
// centres: top-left, bottom-left, bottom-right, top-right) at the two standard sizes on either
// side of the counted one, within a fifth of it, nearest first, and decodes each; nil when none
// decodes.
func (r *dmReader) otherSizes(bm *gozxing.BitMatrix, pts []gozxing.ResultPoint, w, h int) *common.DecoderResult {
	if w != h || len(pts) != 4 {
		return nil
	}
	var sizes []int
	for _, s := range squareSizes {
		if s != w && 5*abs(s-w) <= w {
			sizes = append(sizes, s)
		}
	}
	sort.Slice(sizes, func(i, j int) bool { return abs(sizes[i]-w) < abs(sizes[j]-w) })
	var q [4][2]float64
	for i, p := range pts {
		q[i] = [2]float64{p.GetX(), p.GetY()}
	}
	for i, n := range sizes {
		if i == 4 {
			break
		}
		if res := r.sample(bm, q, n, n); res != nil {
			return res
		}
	}
	return nil
}

// sample samples a w×h grid whose corner module centres are q (top-left, bottom-left,
// bottom-right, top-right) and decodes it; nil when it does not decode.
func (r *dmReader) sample(bm *gozxing.BitMatrix, q [4][2]float64, w, h int) *common.DecoderResult {
	fw, fh := float64(w), float64(h)
	tl, bl, br, tr := q[0], q[1], q[2], q[3]
	bits, err := common.GridSampler_GetInstance().SampleGrid(bm, w, h, 0.5, 0.5, fw-0.5, 0.5, fw-0.5, fh-0.5, 0.5, fh-0.5,
		tl[0], tl[1], tr[0], tr[1], br[0], br[1], bl[0], bl[1])
	if err != nil {
		return nil
	}
	res, err := r.decodeBits(bits)
	if err != nil {
		return nil
	}
	return res
}

// nudged samples the grid again with its corners moved by half a module: all four out, all four
// in, the whole grid a third of a module each way, the top-right corner (which the detector
// infers rather than finds) half a module each way. The detector's corner module centres are
// off by that much on small modules (2–3 px), where a few bad samples defeat error correction.
func (r *dmReader) nudged(bm *gozxing.BitMatrix, pts []gozxing.ResultPoint, w, h int) *common.DecoderResult {
	if len(pts) != 4 {
		return nil
	}
	var q [4][2]float64
	cx, cy := 0.0, 0.0
	for i, p := range pts {
		q[i] = [2]float64{p.GetX(), p.GetY()}
		cx, cy = cx+p.GetX()/4, cy+p.GetY()/4
	}
	// One module along the top edge and along the left edge.
	mx := [2]float64{(q[3][0] - q[0][0]) / float64(max(1, w-1)), (q[3][1] - q[0][1]) / float64(max(1, w-1))}
	my := [2]float64{(q[1][0] - q[0][0]) / float64(max(1, h-1)), (q[1][1] - q[0][1]) / float64(max(1, h-1))}
	var tries [][4][2]float64
	for _, k := range []float64{0.5, -0.5} { // out, in: along each corner's diagonal, half a module
		var t [4][2]float64
		for i, p := range q {
			dx, dy := p[0]-cx, p[1]-cy
			d := math.Hypot(dx, dy)
			m := math.Hypot(mx[0], mx[1]) * math.Sqrt2
			if d == 0 {
				continue
			}
			t[i] = [2]float64{p[0] + k*m*dx/d, p[1] + k*m*dy/d}
		}
		tries = append(tries, t)
	}
	shift := func(t [4][2]float64, corners []int, ax, ay float64) [4][2]float64 {
		for _, i := range corners {
			t[i][0] += ax*mx[0] + ay*my[0]
			t[i][1] += ax*mx[1] + ay*my[1]
		}
		return t
	}
	for _, o := range [][2]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
		tries = append(tries, shift(q, []int{0, 1, 2, 3}, o[0]/3, o[1]/3))
	}
	for _, o := range [][2]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
		tries = append(tries, shift(q, []int{3}, o[0]/2, o[1]/2))
	}
	for _, t := range tries {
		if res := r.sample(bm, t, w, h); res != nil {
			return res
		}
	}
	return nil
}

// reflectL reflects a sampled DataMatrix grid (w×h modules) across its bottom-left–top-right
// diagonal, into an h×w grid: the left column becomes the bottom row and the bottom row the left
// column, so the finder stays where the decoder looks for it.
func reflectL(b *gozxing.BitMatrix) *gozxing.BitMatrix {
	w, h := b.GetWidth(), b.GetHeight()
	out, err := gozxing.NewBitMatrix(h, w)
	if err != nil {
		return b
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if b.Get(x, y) {
				out.Set(h-1-y, w-1-x)
			}
		}
	}
	return out
}
