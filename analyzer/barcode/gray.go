package barcode

import (
	"image"
	"image/draw"
)

// gray is an 8-bit luminance plane; (0,0) is the input image's Bounds().Min.
type gray struct {
	pix    []byte
	stride int
	w, h   int
}

// toGray returns the image's luminance, sharing the Y plane of a decoded JPEG (no copy) and
// converting other images once.
func toGray(img image.Image) *gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	switch m := img.(type) {
	case *image.YCbCr:
		return &gray{pix: m.Y[m.YOffset(b.Min.X, b.Min.Y):], stride: m.YStride, w: w, h: h}
	case *image.Gray:
		return &gray{pix: m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], stride: m.Stride, w: w, h: h}
	case *image.RGBA:
		return fromRGB(m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, true)
	case *image.NRGBA:
		return fromRGB(m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, false)
	}
	g := image.NewGray(image.Rect(0, 0, w, h))
	draw.Draw(g, g.Rect, img, b.Min, draw.Src)
	return &gray{pix: g.Pix, stride: g.Stride, w: w, h: h}
}

// fromRGB converts 8-bit RGBA (premultiplied or not) to luminance over a white background: a
// transparent margin around a rendered code is paper, not ink.
func fromRGB(pix []byte, stride, w, h int, premultiplied bool) *gray {
	out := make([]byte, w*h)
	for y := 0; y < h; y++ {
		row := pix[y*stride : y*stride+4*w]
		o := out[y*w : y*w+w]
		for x := range o {
			r, g, b, a := uint32(row[4*x]), uint32(row[4*x+1]), uint32(row[4*x+2]), uint32(row[4*x+3])
			l := (19595*r + 38470*g + 7471*b + 1<<15) >> 16
			switch {
			case a == 255:
			case premultiplied:
				l += 255 - a
			default:
				l = (l*a + 255*(255-a) + 127) / 255
			}
			o[x] = byte(min(l, 255))
		}
	}
	return &gray{pix: out, stride: w, w: w, h: h}
}

// downscale returns a box-averaged copy reduced by factor f.
func (g *gray) downscale(f int) *gray {
	if f <= 1 {
		return g
	}
	cw, ch := g.w/f, g.h/f
	out := make([]byte, cw*ch)
	if f == 2 { // a 12 MP photo's most common factor: each output pixel straight from two rows
		for cy := 0; cy < ch; cy++ {
			o := out[cy*cw : cy*cw+cw]
			r0 := g.pix[(2*cy)*g.stride:][:2*cw]
			r1 := g.pix[(2*cy+1)*g.stride:][:2*cw]
			for cx := range o {
				a, b := r0[2*cx:2*cx+2], r1[2*cx:2*cx+2]
				o[cx] = byte((uint32(a[0]) + uint32(a[1]) + uint32(b[0]) + uint32(b[1])) / 4)
			}
		}
		return &gray{pix: out, stride: cw, w: cw, h: ch}
	}
	sums := make([]uint32, cw)
	area := uint32(f * f)
	for cy := 0; cy < ch; cy++ {
		clear(sums)
		for dy := 0; dy < f; dy++ {
			row := g.pix[(cy*f+dy)*g.stride:]
			row = row[:cw*f]
			if f == 4 { // the coarse copy's factor for a 12 MP photo, unrolled
				for cx := range sums {
					p := row[4*cx : 4*cx+4]
					sums[cx] += uint32(p[0]) + uint32(p[1]) + uint32(p[2]) + uint32(p[3])
				}
				continue
			}
			for cx := range sums {
				s := uint32(0)
				for _, v := range row[cx*f : cx*f+f] {
					s += uint32(v)
				}
				sums[cx] += s
			}
		}
		o := out[cy*cw : cy*cw+cw]
		for cx, s := range sums {
			o[cx] = byte(s / area)
		}
	}
	return &gray{pix: out, stride: cw, w: cw, h: ch}
}

// compact returns g with stride == w, copying only when it is not already so.
func (g *gray) compact() *gray {
	if g.stride == g.w {
		return g
	}
	pix := make([]byte, g.w*g.h)
	for y := 0; y < g.h; y++ {
		copy(pix[y*g.w:], g.pix[y*g.stride:y*g.stride+g.w])
	}
	return &gray{pix: pix, stride: g.w, w: g.w, h: g.h}
}

// bilinear samples g at (x, y) in pixel-centre coordinates; outside the image is white.
func (g *gray) bilinear(x, y float64) byte {
	x -= 0.5
	y -= 0.5
	if x < 0 || y < 0 || x >= float64(g.w-1) || y >= float64(g.h-1) {
		return 255
	}
	ix, iy := int(x), int(y)
	fx, fy := x-float64(ix), y-float64(iy)
	i := iy*g.stride + ix
	p00, p01 := float64(g.pix[i]), float64(g.pix[i+1])
	p10, p11 := float64(g.pix[i+g.stride]), float64(g.pix[i+g.stride+1])
	top := p00 + (p01-p00)*fx
	bot := p10 + (p11-p10)*fx
	return byte(top + (bot-top)*fy + 0.5)
}

// warp samples an n×n patch whose centre is (cx, cy) in g, rotated by angle (radians,
// counter-clockwise in image coordinates) and scaled so one output pixel spans step input pixels.
// Each output pixel is g.bilinear at its centre; the arithmetic is bilinear's, inlined and with
// the per-column products computed once, since the region search warps dozens of patches.
func (g *gray) warp(cx, cy, angle, step float64, n int) []byte {
	out := make([]byte, n*n)
	cos, sin := cosSin(angle)
	half := float64(n) / 2
	dxc, dxs := make([]float64, n), make([]float64, n)
	for ox := range dxc {
		dx := (float64(ox) + 0.5 - half) * step
		dxc[ox], dxs[ox] = dx*cos, dx*sin
	}
	xmax, ymax := float64(g.w-1), float64(g.h-1)
	pix, stride := g.pix, g.stride
	for oy := 0; oy < n; oy++ {
		dy := (float64(oy) + 0.5 - half) * step
		dys, dyc := dy*sin, dy*cos
		row := out[oy*n : oy*n+n]
		for ox := range row {
			x := cx + dxc[ox] - dys
			y := cy + dxs[ox] + dyc
			x -= 0.5
			y -= 0.5
			if x < 0 || y < 0 || x >= xmax || y >= ymax {
				row[ox] = 255
				continue
			}
			ix, iy := int(x), int(y)
			fx, fy := x-float64(ix), y-float64(iy)
			i := iy*stride + ix
			q := pix[i : i+stride+2]
			p00, p01 := float64(q[0]), float64(q[1])
			p10, p11 := float64(q[stride]), float64(q[stride+1])
			top := p00 + (p01-p00)*fx
			bot := p10 + (p11-p10)*fx
			row[ox] = byte(top + (bot-top)*fy + 0.5)
		}
	}
	return out
}
