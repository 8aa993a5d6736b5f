package barcode

import (
	"math"
	"sort"
)

// candidate is a region that may hold a barcode, in full-resolution input pixels.
type candidate struct {
	cx, cy float64 // centre
	side   float64 // side of the axis-aligned square that covers the region
	angle  float64 // estimated rotation of the code's edges, in [-π/4, π/4)
	score  float64
}

const (
	coarseTarget = 1000 // the coarse copy's longer side, in pixels
	cellSize     = 8    // coarse pixels per contrast cell
	minSide      = 64   // smallest region worth decoding, in input pixels (16 modules × 4 px)
)

// locator holds the coarse copy and its contrast cells.
type locator struct {
	full   *gray
	f      int // full pixels per coarse pixel
	c      *gray
	cw, ch int       // cells
	e      []float32 // smoothed mean gradient per coarse pixel, per cell
	raw    []float32 // unsmoothed sum of gradients per cell
}

// newLocator makes the coarse copy with scale (g reduced by a factor) and marks its cells.
func newLocator(g *gray, scale func(g *gray, f int) *gray) *locator {
	f := max(1, (max(g.w, g.h)+coarseTarget/2)/coarseTarget)
	c := scale(g, f)
	l := &locator{full: g, f: f, c: c, cw: c.w / cellSize, ch: c.h / cellSize}
	if l.cw < 3 || l.ch < 3 {
		return l
	}
	raw := make([]float32, l.cw*l.ch)
	for y := 1; y < l.ch*cellSize-1 && y < c.h-1; y++ {
		row := c.pix[y*c.stride:]
		up := c.pix[(y-1)*c.stride:]
		dn := c.pix[(y+1)*c.stride:]
		cy := y / cellSize
		cells := raw[cy*l.cw : cy*l.cw+l.cw]
		for cx := range cells {
			x0, x1 := cx*cellSize, cx*cellSize+cellSize
			x0 = max(x0, 1)
			x1 = min(x1, c.w-1)
			s := 0
			for x := x0; x < x1; x++ {
				gx := int(row[x+1]) - int(row[x-1])
				gy := int(dn[x]) - int(up[x])
				s += abs(gx) + abs(gy)
			}
			cells[cx] += float32(s)
		}
	}
	l.raw = raw
	norm := float32(1) / float32(cellSize*cellSize)
	l.e = make([]float32, len(raw))
	for cy := 0; cy < l.ch; cy++ {
		for cx := 0; cx < l.cw; cx++ {
			s, n := float32(0), 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					x, y := cx+dx, cy+dy
					if x >= 0 && y >= 0 && x < l.cw && y < l.ch {
						s += raw[y*l.cw+x]
						n++
					}
				}
			}
			l.e[cy*l.cw+cx] = s * norm / float32(n)
		}
	}
	return l
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// candidates groups high-contrast cells into regions at a few thresholds (so a code touching
// other print still separates at a higher one) and returns plausible code regions, best first.
func (l *locator) candidates() []candidate {
	if l.e == nil {
		return nil
	}
	// The threshold ladder starts above the noise floor of a photo and climbs toward the
	// strongest contrast present.
	peak := float32(0)
	for _, v := range l.e {
		peak = max(peak, v)
	}
	var out []candidate
	label := make([]int32, len(l.e))
	stack := make([]int, 0, 256)
	cellFull := float64(cellSize * l.f)
	for t := float32(9); t < peak; t *= 1.6 {
		clear(label)
		for start, v := range l.e {
			if v < t || label[start] != 0 {
				continue
			}
			// Flood-fill one 4-connected component.
			label[start] = 1
			stack = append(stack[:0], start)
			x0, y0, x1, y1 := l.cw, l.ch, -1, -1
			n, sum := 0, float32(0)
			for len(stack) > 0 {
				i := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				x, y := i%l.cw, i/l.cw
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
				n++
				sum += l.e[i]
				for _, j := range [4]int{i - 1, i + 1, i - l.cw, i + l.cw} {
					if j < 0 || j >= len(l.e) || label[j] != 0 || l.e[j] < t {
						continue
					}
					if (j == i-1 && x == 0) || (j == i+1 && x == l.cw-1) {
						continue
					}
					label[j] = 1
					stack = append(stack, j)
				}
			}
			bw, bh := x1-x0+1, y1-y0+1
			if bw < 3 || bh < 3 || float64(max(bw, bh))*cellFull < minSide || bw > l.cw*2/3 || bh > l.ch*2/3 {
				continue
			}
			fill := float64(n) / float64(bw*bh)
			aspect := float64(max(bw, bh)) / float64(min(bw, bh))
			if fill < 0.35 {
				continue
			}
			c := candidate{
				cx:   (float64(x0+x1+1) / 2) * cellFull,
				cy:   (float64(y0+y1+1) / 2) * cellFull,
				side: float64(max(bw, bh)) * cellFull,
			}
			// Square regions (2D codes) first, then by contrast.
			c.score = float64(sum/float32(n)) * fill / aspect
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	// Isolated codes come out as components; a code printed close to text may merge with it, so
	// the densest windows at several sizes follow the best components.
	const firstComponents = 12
	if len(out) > firstComponents {
		out = append(append(out[:firstComponents:firstComponents], l.windows()...), out[firstComponents:]...)
	} else {
		out = append(out, l.windows()...)
	}
	// Drop near-duplicates (the same region found at several thresholds).
	kept := out[:0]
	for _, c := range out {
		dup := false
		for _, k := range kept {
			if math.Hypot(c.cx-k.cx, c.cy-k.cy) < 0.25*k.side && math.Abs(c.side-k.side) < 0.35*k.side {
				dup = true
				break
			}
		}
		if !dup {
			kept = append(kept, c)
		}
	}
	return kept
}

// angleOf estimates the rotation of the edges in a square region from the gradient directions
// of the coarse copy (folded modulo 90°, so a square code's four edge directions agree).
func (l *locator) angleOf(c candidate) float64 {
	cc := l.c
	f := float64(l.f)
	r := c.side / f / 2 * 0.8
	x0, x1 := max(1, int(c.cx/f-r)), min(cc.w-1, int(c.cx/f+r))
	y0, y1 := max(1, int(c.cy/f-r)), min(cc.h-1, int(c.cy/f+r))
	var sc, ss float64
	for y := y0; y < y1; y++ {
		row := cc.pix[y*cc.stride:]
		up := cc.pix[(y-1)*cc.stride:]
		dn := cc.pix[(y+1)*cc.stride:]
		for x := x0; x < x1; x++ {
			// Sobel: more even across directions than plain differences.
			gx := float64(int(up[x+1]) + 2*int(row[x+1]) + int(dn[x+1]) - int(up[x-1]) - 2*int(row[x-1]) - int(dn[x-1]))
			gy := float64(int(dn[x-1]) + 2*int(dn[x]) + int(dn[x+1]) - int(up[x-1]) - 2*int(up[x]) - int(up[x+1]))
			m2 := gx*gx + gy*gy
			if m2 < 1024 {
				continue
			}
			c2 := gx*gx - gy*gy // m²·cos2θ
			s2 := 2 * gx * gy   // m²·sin2θ
			// m²·cos4θ and m²·sin4θ, weighting each pixel by its gradient magnitude squared.
			sc += (c2*c2 - s2*s2) / m2
			ss += 2 * c2 * s2 / m2
		}
	}
	return math.Atan2(ss, sc) / 4
}

func cosSin(a float64) (float64, float64) { return math.Cos(a), math.Sin(a) }

// windows returns the densest square windows of contrast cells at several sizes (each a local
// maximum among overlapping windows of its size), densest first within each size.
func (l *locator) windows() []candidate {
	cw, ch := l.cw, l.ch
	integ := make([]float32, (cw+1)*(ch+1))
	for y := 0; y < ch; y++ {
		rowSum := float32(0)
		for x := 0; x < cw; x++ {
			rowSum += l.raw[y*cw+x]
			integ[(y+1)*(cw+1)+x+1] = integ[y*(cw+1)+x+1] + rowSum
		}
	}
	cellFull := float64(cellSize * l.f)
	var out []candidate
	for k := max(3, int(math.Ceil(minSide/cellFull))); k <= min(cw, ch)/2; k = k*3/2 + 1 {
		nw, nh := cw-k+1, ch-k+1
		mean := make([]float32, nw*nh)
		for y := 0; y < nh; y++ {
			for x := 0; x < nw; x++ {
				a := integ[(y+k)*(cw+1)+x+k] - integ[y*(cw+1)+x+k] - integ[(y+k)*(cw+1)+x] + integ[y*(cw+1)+x]
				mean[y*nw+x] = a / float32(k*k)
			}
		}
		var found []candidate
		r := max(1, k/2)
		for y := 0; y < nh; y++ {
			for x := 0; x < nw; x++ {
				v := mean[y*nw+x]
				if v < 9*cellSize*cellSize {
					continue
				}
				isMax := true
				for dy := -r; dy <= r && isMax; dy++ {
					for dx := -r; dx <= r; dx++ {
						xx, yy := x+dx, y+dy
						if xx >= 0 && yy >= 0 && xx < nw && yy < nh && mean[yy*nw+xx] > v {
							isMax = false
							break
						}
					}
				}
				if isMax {
					found = append(found, candidate{
						cx:    (float64(x) + float64(k)/2) * cellFull,
						cy:    (float64(y) + float64(k)/2) * cellFull,
						side:  float64(k) * cellFull * 1.4,
						score: float64(v),
					})
				}
			}
		}
		sort.Slice(found, func(i, j int) bool { return found[i].score > found[j].score })
		out = append(out, found[:min(len(found), 6)]...)
	}
	return out
}
