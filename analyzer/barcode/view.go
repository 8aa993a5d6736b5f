package barcode

import (
	"errors"

	"github.com/makiuchi-d/gozxing"
)

// view is g as it is, or g turned 90° (transposed: the view's rows are g's columns), without
// copying g: the linear scan reads only a few hundred lines of a 12 MP frame, and transposing the
// whole frame to read its columns cost more than the scan itself.
type view struct {
	g          *gray
	transposed bool
}

// size is the view's width and height.
func (v view) size() (w, h int) {
	if v.transposed {
		return v.g.h, v.g.w
	}
	return v.g.w, v.g.h
}

// row copies the view's row y into dst (len(dst) is the view's width).
func (v view) row(y int, dst []byte) {
	g := v.g
	if !v.transposed {
		copy(dst, g.pix[y*g.stride:y*g.stride+len(dst)])
		return
	}
	for x := range dst {
		dst[x] = g.pix[x*g.stride+y]
	}
}

// strip returns the view's rows y0 … y0+n-1 as a compact gray.
func (v view) strip(y0, n int) *gray {
	w, _ := v.size()
	return v.crop(0, y0, w, n)
}

// crop returns the view's w×n pixels from (x0, y0) as a compact gray.
func (v view) crop(x0, y0, w, n int) *gray {
	out := &gray{pix: make([]byte, w*n), stride: w, w: w, h: n}
	g := v.g
	if !v.transposed {
		for y := 0; y < n; y++ {
			copy(out.pix[y*w:y*w+w], g.pix[(y0+y)*g.stride+x0:])
		}
		return out
	}
	for x := 0; x < w; x++ { // g's row x0+x holds the crop's column x
		src := g.pix[(x0+x)*g.stride+y0 : (x0+x)*g.stride+y0+n]
		for y, p := range src {
			out.pix[y*w+x] = p
		}
	}
	return out
}

// source is the view as gozxing's luminance source, for the 1D readers' row scan.
func (v view) source() gozxing.LuminanceSource {
	w, h := v.size()
	return &viewSource{LuminanceSourceBase: gozxing.LuminanceSourceBase{Width: w, Height: h}, v: v}
}

type viewSource struct {
	gozxing.LuminanceSourceBase
	v view
}

func (s *viewSource) GetRow(y int, row []byte) ([]byte, error) {
	if y < 0 || y >= s.Height {
		return nil, errors.New("the requested row is outside the image")
	}
	if len(row) < s.Width {
		row = make([]byte, s.Width)
	}
	s.v.row(y, row[:s.Width])
	return row, nil
}

func (s *viewSource) GetMatrix() []byte { return s.v.strip(0, s.Height).pix }

func (s *viewSource) Invert() gozxing.LuminanceSource { return gozxing.NewInvertedLuminanceSource(s) }

func (s *viewSource) String() string { return gozxing.LuminanceSourceString(s) }
