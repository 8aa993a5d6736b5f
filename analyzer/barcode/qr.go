package barcode

// QR decoding that tolerates strong tilt: gozxing's detector finds the three finder patterns of
// a tilted symbol but counts its size from their distances over one averaged module size, which
// perspective skews (near modules look larger than far ones), and then places the grid by the
// alignment pattern it looked for where that wrong size says it is. When the grid it sampled
// fails error correction, the same finder patterns are sampled again at the neighbouring sizes
// (one version either side), and with the bottom-right corner, which a parallelogram misplaces
// in perspective, moved around: a rescue that Read runs only when nothing else was read.

import (
	"sort"
	"strconv"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// qrReader is gozxing's QRCodeReader (detector then decoder) with the resampling at other sizes.
type qrReader struct {
	dec *decoder.Decoder
}

func newQRReader() *qrReader { return &qrReader{dec: decoder.NewDecoder()} }

// qrGrid is a detected QR code whose format information read but whose data failed error
// correction: the thresholded image, the finder pattern centres (bottom-left, top-left,
// top-right) and the size counted.
type qrGrid struct {
	bm    *gozxing.BitMatrix
	pts   []gozxing.ResultPoint
	dim   int
	hints map[gozxing.DecodeHintType]interface{}
}

// Decode finds and decodes a QR code in bmp (Model 2, as it is or mirrored). When it fails on a
// grid worth a rescue, it returns that grid too.
func (r *qrReader) Decode(bmp *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, *qrGrid, error) {
	bm, err := bmp.GetBlackMatrix()
	if err != nil {
		return nil, nil, err
	}
	found, err := detector.NewDetector(bm).Detect(hints)
	if err != nil {
		return nil, nil, err
	}
	res, err := r.dec.Decode(found.GetBits(), hints)
	if err != nil {
		// The format information read (it lies beside the finder patterns, which are where the
		// detector says), the data did not: the grid is misplaced further out.
		if _, ecc := err.(gozxing.ChecksumException); ecc {
			return nil, &qrGrid{bm, found.GetPoints(), found.GetBits().GetWidth(), hints}, err
		}
		return nil, nil, err
	}
	return qrResult(res, found.GetPoints()), nil, nil
}

// Rescue samples a grid that failed again (see otherSizes); nil when none decodes.
func (r *qrReader) Rescue(g *qrGrid) *gozxing.Result {
	res := r.otherSizes(g.bm, g.pts, g.dim, g.hints)
	if res == nil {
		return nil
	}
	return qrResult(res, append([]gozxing.ResultPoint(nil), g.pts...))
}

// qrResult is a decoded code as gozxing's QRCodeReader reports it.
func qrResult(res *common.DecoderResult, points []gozxing.ResultPoint) *gozxing.Result {
	// A mirrored code: swap the bottom-left and the top-right points, as gozxing does.
	if meta, ok := res.GetOther().(*decoder.QRCodeDecoderMetaData); ok {
		meta.ApplyMirroredCorrection(points)
	}
	out := gozxing.NewResult(res.GetText(), res.GetRawBytes(), points, gozxing.BarcodeFormat_QR_CODE)
	if seg := res.GetByteSegments(); len(seg) > 0 {
		out.PutMetadata(gozxing.ResultMetadataType_BYTE_SEGMENTS, seg)
	}
	if ec := res.GetECLevel(); ec != "" {
		out.PutMetadata(gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL, ec)
	}
	out.PutMetadata(gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER, "]Q"+strconv.Itoa(res.GetSymbologyModifier()))
	return out
}

// otherSizes samples the symbol whose finder pattern centres are pts (bottom-left, top-left,
// top-right) again: at dim with its bottom-right corner moved around (see cornerTries), and at one
// version smaller and larger with the alignment pattern where that size puts it, then with the
// parallelogram's corner; nil when none decodes (at most 29 samplings).
func (r *qrReader) otherSizes(bm *gozxing.BitMatrix, pts []gozxing.ResultPoint, dim int, hints map[gozxing.DecodeHintType]interface{}) *common.DecoderResult {
	if len(pts) < 3 {
		return nil
	}
	bl, tl, tr := pts[0], pts[1], pts[2]
	decode := func(d int, t *common.PerspectiveTransform) *common.DecoderResult {
		bits, err := detector.Detector_sampleGrid(bm, t, d)
		if err != nil {
			return nil
		}
		res, err := r.dec.Decode(bits, hints)
		if err != nil {
			return nil
		}
		return res
	}
	for _, d := range []int{dim, dim - 4, dim + 4} {
		if d < 21 || d > 177 {
			continue
		}
		if d != dim && d > 21 {
			// The alignment pattern where this size puts it (the one found was looked for
			// where the other size put it).
			if a := findAlignment(bm, bl, tl, tr, d); a != nil {
				if res := decode(d, detector.Detector_createTransform(tl, tr, bl, a, d)); res != nil {
					return res
				}
			}
		}
		tries := cornerTries(tl, tr, bl, d)
		if d != dim {
			tries = tries[:1] // the parallelogram only
		}
		for _, t := range tries {
			if res := decode(d, t); res != nil {
				return res
			}
		}
	}
	return nil
}

// cornerTries are grids for a QR code of dim modules with finder pattern centres tl, tr and
// bl, its bottom-right corner placed where a parallelogram puts it and around that, up to two
// modules off in each direction, nearest first: in perspective the far corner is not where the
// other three put it, and a version 1 code has no alignment pattern to show where it is.
func cornerTries(tl, tr, bl gozxing.ResultPoint, dim int) []*common.PerspectiveTransform {
	between := float64(dim - 7)
	ux, uy := (tr.GetX()-tl.GetX())/between, (tr.GetY()-tl.GetY())/between
	vx, vy := (bl.GetX()-tl.GetX())/between, (bl.GetY()-tl.GetY())/between
	brX, brY := tr.GetX()-tl.GetX()+bl.GetX(), tr.GetY()-tl.GetY()+bl.GetY()
	type off struct{ du, dv int }
	var offs []off
	for du := -2; du <= 2; du++ {
		for dv := -2; dv <= 2; dv++ {
			offs = append(offs, off{du, dv})
		}
	}
	sort.SliceStable(offs, func(i, j int) bool {
		return offs[i].du*offs[i].du+offs[i].dv*offs[i].dv < offs[j].du*offs[j].du+offs[j].dv*offs[j].dv
	})
	end := float64(dim) - 3.5
	out := make([]*common.PerspectiveTransform, 0, len(offs))
	for _, o := range offs {
		x := brX + float64(o.du)*ux + float64(o.dv)*vx
		y := brY + float64(o.du)*uy + float64(o.dv)*vy
		out = append(out, common.PerspectiveTransform_QuadrilateralToQuadrilateral(
			3.5, 3.5, end, 3.5, end, end, 3.5, end,
			tl.GetX(), tl.GetY(), tr.GetX(), tr.GetY(), x, y, bl.GetX(), bl.GetY()))
	}
	return out
}

// findAlignment looks for the bottom-right alignment pattern of a QR code of dim modules whose
// finder pattern centres are bl, tl and tr, as gozxing's detector does (3 modules in from where
// a fourth finder pattern would be, in a square up to 16 modules across); nil when not found.
func findAlignment(bm *gozxing.BitMatrix, bl, tl, tr gozxing.ResultPoint, dim int) *detector.AlignmentPattern {
	between := float64(dim - 7)
	module := (gozxing.ResultPoint_Distance(tl, tr) + gozxing.ResultPoint_Distance(tl, bl)) / 2 / between
	if module < 1 {
		return nil
	}
	brX, brY := tr.GetX()-tl.GetX()+bl.GetX(), tr.GetY()-tl.GetY()+bl.GetY()
	k := 1 - 3/between
	ex, ey := int(tl.GetX()+k*(brX-tl.GetX())), int(tl.GetY()+k*(brY-tl.GetY()))
	for f := 4; f <= 16; f <<= 1 {
		allow := int(float64(f) * module)
		left, right := max(0, ex-allow), min(bm.GetWidth()-1, ex+allow)
		top, bottom := max(0, ey-allow), min(bm.GetHeight()-1, ey+allow)
		if float64(right-left) < module*3 || float64(bottom-top) < module*3 {
			return nil
		}
		if a, err := detector.NewAlignmentPatternFinder(bm, left, top, right-left, bottom-top, module, nil).Find(); err == nil {
			return a
		}
	}
	return nil
}
