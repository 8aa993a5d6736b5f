package analyzer

// EXIF orientation: turning a decoded photo upright, plane by plane, without a colour conversion.

import (
	"image"
	"sync"
)

// orient applies EXIF orientation o to a normalized image.
func orient(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	swap := o >= 5
	switch m := img.(type) {
	case *image.YCbCr:
		ratio := m.SubsampleRatio
		if swap {
			switch ratio {
			case image.YCbCrSubsampleRatio422:
				ratio = image.YCbCrSubsampleRatio440
			case image.YCbCrSubsampleRatio440:
				ratio = image.YCbCrSubsampleRatio422
			}
		}
		w, h := m.Rect.Dx(), m.Rect.Dy()
		if swap {
			w, h = h, w
		}
		out := image.NewYCbCr(image.Rect(0, 0, w, h), ratio)
		cw, ch := chromaSize(m)
		_, och := chromaSize(out)
		var wg sync.WaitGroup
		run := func(f func()) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f()
			}()
		}
		sw, sh := m.Rect.Dx(), m.Rect.Dy()
		run(func() { transform1(out.Y, out.YStride, m.Y, m.YStride, sw, sh, o, 0, h/2) })
		run(func() { transform1(out.Y, out.YStride, m.Y, m.YStride, sw, sh, o, h/2, h) })
		run(func() { transform1(out.Cb, out.CStride, m.Cb, m.CStride, cw, ch, o, 0, och) })
		run(func() { transform1(out.Cr, out.CStride, m.Cr, m.CStride, cw, ch, o, 0, och) })
		wg.Wait()
		return out
	case *image.Gray:
		w, h := m.Rect.Dx(), m.Rect.Dy()
		if swap {
			w, h = h, w
		}
		out := image.NewGray(image.Rect(0, 0, w, h))
		transform1(out.Pix, out.Stride, m.Pix, m.Stride, m.Rect.Dx(), m.Rect.Dy(), o, 0, h)
		return out
	case *image.NRGBA:
		w, h := m.Rect.Dx(), m.Rect.Dy()
		if swap {
			w, h = h, w
		}
		out := image.NewNRGBA(image.Rect(0, 0, w, h))
		transform(out.Pix, out.Stride, m.Pix, m.Stride, m.Rect.Dx(), m.Rect.Dy(), 4, o)
		return out
	}
	return img
}

func chromaSize(m *image.YCbCr) (cw, ch int) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2
	}
	return w, h
}

// transform1 is transform for 1-byte samples, for output rows [y0, y1), walking the output in
// 64×64 tiles with the source index advanced by a constant step.
func transform1(dst []byte, dstStride int, src []byte, srcStride, w, h, o, y0, y1 int) {
	ax, bx, cx, ay, by, cy := orientCoeffs(o, w, h)
	dw := w
	if o >= 5 {
		dw = h
	}
	step := by*srcStride + bx
	const blk = 64
	for ty := y0; ty < y1; ty += blk {
		for tx := 0; tx < dw; tx += blk {
			tx1 := min(tx+blk, dw)
			for dy := ty; dy < min(ty+blk, y1); dy++ {
				row := dst[dy*dstStride+tx : dy*dstStride+tx1]
				s := (ay+by*tx+cy*dy)*srcStride + ax + bx*tx + cx*dy
				for i := range row {
					row[i] = src[s]
					s += step
				}
			}
		}
	}
}

// orientCoeffs gives the source pixel for output pixel (dx, dy) under EXIF orientation o of a
// w×h source: sx = ax + bx*dx + cx*dy, sy = ay + by*dx + cy*dy.
func orientCoeffs(o, w, h int) (ax, bx, cx, ay, by, cy int) {
	switch o {
	case 2:
		ax, bx, cy = w-1, -1, 1
	case 3:
		ax, bx, ay, cy = w-1, -1, h-1, -1
	case 4:
		bx, ay, cy = 1, h-1, -1
	case 5:
		cx, by = 1, 1
	case 6:
		cx, ay, by = 1, h-1, -1
	case 7:
		ax, cx, ay, by = w-1, -1, h-1, -1
	case 8:
		ax, cx, by = w-1, -1, 1
	default:
		bx, cy = 1, 1
	}
	return
}

// transform writes src (w×h pixels of bpp bytes) into dst with EXIF orientation o. Swapping
// orientations (5..8) are done in 32×32 blocks so both sides stay in cache.
func transform(dst []byte, dstStride int, src []byte, srcStride, w, h, bpp, o int) {
	ax, bx, cx, ay, by, cy := orientCoeffs(o, w, h)
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	const blk = 32
	for by0 := 0; by0 < dh; by0 += blk {
		for bx0 := 0; bx0 < dw; bx0 += blk {
			for dy := by0; dy < min(by0+blk, dh); dy++ {
				row := dst[dy*dstStride:]
				for dx := bx0; dx < min(bx0+blk, dw); dx++ {
					sx, sy := ax+bx*dx+cx*dy, ay+by*dx+cy*dy
					s := sy*srcStride + sx*bpp
					copy(row[dx*bpp:dx*bpp+bpp], src[s:s+bpp])
				}
			}
		}
	}
}
