package barcode

// DataMatrix decoding that also reads a mirrored symbol (printed on clear film and seen from
// behind): gozxing's detector finds a mirrored symbol's L-shaped finder just as well, but samples
// its grid reflected, so the decoder's error correction fails. The reflection that keeps the L in
// place is the one across the diagonal from the bottom-left to the top-right corner; decoding the
// sampled grid reflected that way costs no second detection.

import (
	"strconv"

	"github.com/makiuchi-d/gozxing"
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
	res, err := r.dec.Decode(bits)
	if err != nil {
		mirrored, merr := r.dec.Decode(reflectL(bits))
		if merr != nil {
			return nil, err // the symbol's own error, not the mirror's
		}
		res = mirrored
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
