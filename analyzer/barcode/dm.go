package barcode

// DataMatrix decoding that also reads a mirrored symbol (printed on clear film and seen from
// behind): gozxing's detector finds a mirrored symbol's L-shaped finder just as well, but samples
// its grid reflected, so the decoder's error correction fails. The reflection that keeps the L in
// place is the one across the diagonal from the bottom-left to the top-right corner; decoding the
// sampled grid reflected that way costs no second detection.

import (
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

// Decode finds and decodes a DataMatrix symbol in bmp, as the symbol is or mirrored.
func (r *dmReader) Decode(bmp *gozxing.BinaryBitmap) (*gozxing.Result, error) {
	bm, err := bmp.GetBlackMatrix()
	if err != nil {
		return nil, err
	}
	det, err := detector.NewDetector(bm)
	if err != nil {
		return nil, err
	}
	found, err := det.Detect()
	if err != nil {
		return nil, err
	}
	bits := found.GetBits()
	res, err := r.decodeBits(bits)
	if err != nil {
		// The size is counted along the timing patterns; seen at an angle or in perspective, a
		// large symbol's count can be off by a few modules. Sample the same corners at the
		// nearest standard sizes.
		res = r.otherSizes(bm, found.GetPoints(), bits.GetWidth(), bits.GetHeight())
		if res == nil {
			return nil, err
		}
	}
	out := gozxing.NewResult(res.GetText(), res.GetRawBytes(), found.GetPoints(), gozxing.BarcodeFormat_DATA_MATRIX)
	if seg := res.GetByteSegments(); seg != nil {
		out.PutMetadata(gozxing.ResultMetadataType_BYTE_SEGMENTS, seg)
	}
	if ec := res.GetECLevel(); ec != "" {
		out.PutMetadata(gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL, ec)
	}
	out.PutMetadata(gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER, "]d"+strconv.Itoa(res.GetSymbologyModifier()))
	return out, nil
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
	sampler := common.GridSampler_GetInstance()
	tl, bl, br, tr := pts[0], pts[1], pts[2], pts[3]
	for i, n := range sizes {
		if i == 4 {
			break
		}
		d := float64(n)
		bits, err := sampler.SampleGrid(bm, n, n, 0.5, 0.5, d-0.5, 0.5, d-0.5, d-0.5, 0.5, d-0.5,
			tl.GetX(), tl.GetY(), tr.GetX(), tr.GetY(), br.GetX(), br.GetY(), bl.GetX(), bl.GetY())
		if err != nil {
			continue
		}
		if res, err := r.decodeBits(bits); err == nil {
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
