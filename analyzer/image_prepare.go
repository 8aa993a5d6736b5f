package analyzer

// Preparing a loaded photo for its uses: the upload the model sees (its size, JPEG without
// metadata) and the thumbnail.

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
)

// UploadSize returns the size an image of w×h is sent at for detail: for "high" and "auto" it is
// fitted within 2048×2048 and then scaled so the shortest side is at most 768 — exactly the size
// OpenAI's tile models look at, so sending it costs the same tokens as the original; for "low"
// it is fitted within 512×512. Images are never enlarged.
func UploadSize(w, h int, detail Detail) (int, int) {
	if w <= 0 || h <= 0 {
		return w, h
	}
	s := 1.0
	if detail == DetailLow {
		s = min(1, 512/float64(max(w, h)))
	} else {
		s = min(1, 2048/float64(max(w, h)))
		s *= min(1, 768/(s*float64(min(w, h))))
	}
	if s >= 1 {
		return w, h
	}
	rw, rh := int(float64(w)*s+0.5), int(float64(h)*s+0.5)
	return max(rw, 1), max(rh, 1)
}

// PrepareUpload shrinks img to what the model sees at detail (see UploadSize) with area averaging
// (every source pixel contributes, so small print stays as legible as the model can see it) and
// encodes it as a JPEG of quality UploadQuality that carries no metadata.
func PrepareUpload(img image.Image, detail Detail) (Upload, error) {
	if img == nil {
		return Upload{}, errors.New("prepare upload: no image")
	}
	if detail == "" {
		detail = DetailHigh
	}
	img = normalize(img)
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dw, dh := UploadSize(sw, sh, detail)
	data, err := shrinkJPEG(img, dw, dh, UploadQuality)
	if err != nil {
		return Upload{}, fmt.Errorf("encode upload: %w", err)
	}
	return Upload{JPEG: data, Width: dw, Height: dh, Detail: detail, OrigWidth: sw, OrigHeight: sh}, nil
}

// Thumbnail is the photo fitted within size×size pixels (area-averaged, never enlarged) as a JPEG
// of quality 80, for the window's lists: made once from the decode the analysis does anyway.
func Thumbnail(img image.Image, size int) ([]byte, error) {
	if img == nil || img.Bounds().Empty() || size <= 0 {
		return nil, errors.New("thumbnail: no image")
	}
	img = normalize(img)
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	s := min(1, float64(size)/float64(max(sw, sh)))
	return shrinkJPEG(img, max(1, int(float64(sw)*s+0.5)), max(1, int(float64(sh)*s+0.5)), 80)
}

// shrinkJPEG area-averages a normalized image to dw×dh and encodes it as a JPEG that carries no
// metadata.
func shrinkJPEG(img image.Image, dw, dh, quality int) ([]byte, error) {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	var small image.Image
	switch m := img.(type) {
	case *image.YCbCr:
		if dw == sw && dh == sh {
			small = m
			break
		}
		// The encoder stores colour at half resolution (4:2:0) anyway, so the chroma planes are
		// shrunk straight to that size.
		out := image.NewYCbCr(image.Rect(0, 0, dw, dh), image.YCbCrSubsampleRatio420)
		cw, ch := chromaSize(m)
		ocw, och := chromaSize(out)
		parallel(dh, []func(y0, y1 int){func(y0, y1 int) {
			resizePlane(out.Y, 1, out.YStride, m.Y, 1, m.YStride, sw, sh, dw, dh, y0, y1)
		}})
		parallel(och, []func(y0, y1 int){
			func(y0, y1 int) { resizePlane(out.Cb, 1, out.CStride, m.Cb, 1, m.CStride, cw, ch, ocw, och, y0, y1) },
			func(y0, y1 int) { resizePlane(out.Cr, 1, out.CStride, m.Cr, 1, m.CStride, cw, ch, ocw, och, y0, y1) },
		})
		small = out
	case *image.Gray:
		if dw == sw && dh == sh {
			small = m
			break
		}
		out := image.NewGray(image.Rect(0, 0, dw, dh))
		parallel(dh, []func(y0, y1 int){func(y0, y1 int) {
			resizePlane(out.Pix, 1, out.Stride, m.Pix, 1, m.Stride, sw, sh, dw, dh, y0, y1)
		}})
		small = out
	case *image.NRGBA:
		out := image.NewNRGBA(image.Rect(0, 0, dw, dh))
		if dw == sw && dh == sh {
			copy(out.Pix, m.Pix)
		} else {
			var jobs []func(y0, y1 int)
			for c := 0; c < 3; c++ {
				jobs = append(jobs, func(y0, y1 int) {
					resizePlane(out.Pix[c:], 4, out.Stride, m.Pix[c:], 4, m.Stride, sw, sh, dw, dh, y0, y1)
				})
			}
			parallel(dh, jobs)
		}
		for i := 3; i < len(out.Pix); i += 4 {
			out.Pix[i] = 0xFF
		}
		small = out
	}
	var buf bytes.Buffer
	buf.Grow(dw*dh/4 + 4096)
	if err := jpeg.Encode(&buf, small, &jpeg.Options{Quality: quality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
