package analyzer

// Area-averaging resize in fixed point, plane by plane, over the CPUs.

import (
	"runtime"
	"sync"
)

// parallel runs every job over the output rows [0, rows), split into bands over the CPUs.
func parallel(rows int, jobs []func(y0, y1 int)) {
	n := runtime.GOMAXPROCS(0)
	bands := max(1, min(n, rows/16))
	if bands == 1 && len(jobs) == 1 {
		jobs[0](0, rows)
		return
	}
	var wg sync.WaitGroup
	for _, job := range jobs {
		for k := 0; k < bands; k++ {
			y0, y1 := rows*k/bands, rows*(k+1)/bands
			wg.Add(1)
			go func() {
				defer wg.Done()
				job(y0, y1)
			}()
		}
	}
	wg.Wait()
}

// Fixed-point area averaging: weights of one output pixel sum to 1<<wbits along each axis.
const wbits = 12

// axisWeights gives, for each of dn output positions, the first source index and the weights
// of the source samples it covers (their overlap with the output pixel's footprint).
type axisWeights struct {
	start []int32
	count []int32
	off   []int32 // offset into w
	w     []uint32
}

// weightsFor computes the weights for shrinking sn samples to dn (microseconds; not cached).
func weightsFor(sn, dn int) *axisWeights {
	r := float64(sn) / float64(dn)
	idx := make([]int32, 3*dn)
	aw := &axisWeights{start: idx[:dn], count: idx[dn : 2*dn], off: idx[2*dn:],
		w: make([]uint32, 0, dn*(int(r)+2))}
	for i := 0; i < dn; i++ {
		lo, hi := float64(i)*r, float64(i+1)*r
		s0 := int(lo)
		s1 := min(int(hi-1e-9)+1, sn)
		aw.start[i], aw.count[i], aw.off[i] = int32(s0), int32(s1-s0), int32(len(aw.w))
		var sum uint32
		big, bigK := uint32(0), 0
		for s := s0; s < s1; s++ {
			cov := min(hi, float64(s+1)) - max(lo, float64(s))
			wt := uint32(cov/r*(1<<wbits) + 0.5)
			if wt > big {
				big, bigK = wt, len(aw.w)
			}
			aw.w = append(aw.w, wt)
			sum += wt
		}
		aw.w[bigK] += 1<<wbits - sum // make the weights sum exactly to 1<<wbits
	}
	return aw
}

var rowPool = sync.Pool{New: func() any { return new([]uint32) }}

// resizePlane area-averages a plane of sw×sh samples (step bytes apart, stride bytes per row)
// into output rows [y0, y1) of a dw×dh plane. Each source row is filtered horizontally once
// (a row shared by two output rows is reused), then rows are summed with their vertical weights.
func resizePlane(dst []byte, dstep, dstride int, src []byte, sstep, sstride, sw, sh, dw, dh, y0, y1 int) {
	xw, yw := weightsFor(sw, dw), weightsFor(sh, dh)
	pa, pb, pc := getRow(dw), getRow(dw), getRow(dw)
	defer putRow(pa)
	defer putRow(pb)
	defer putRow(pc)
	acc, cur, prev := *pa, *pb, *pc
	prevJ := -1
	for y := y0; y < y1; y++ {
		clear(acc)
		ys, yn, yo := int(yw.start[y]), int(yw.count[y]), int(yw.off[y])
		for k := 0; k < yn; k++ {
			j := ys + k
			if j != prevJ {
				hpass(cur, src[j*sstride:], sstep, xw)
				cur, prev, prevJ = prev, cur, j
			}
			wy := yw.w[yo+k]
			h := prev[:len(acc)]
			for x := range acc {
				acc[x] += h[x] * wy
			}
		}
		out := dst[y*dstride:]
		if dstep == 1 {
			out = out[:len(acc)]
			for x, v := range acc {
				out[x] = byte((v + 1<<(2*wbits-1)) >> (2 * wbits))
			}
			continue
		}
		for x, v := range acc {
			out[x*dstep] = byte((v + 1<<(2*wbits-1)) >> (2 * wbits))
		}
	}
}

// hpass filters one source row horizontally into h (values scaled by 1<<wbits).
func hpass(h []uint32, row []byte, step int, xw *axisWeights) {
	if step == 1 {
		for x := range h {
			xs, xn, xo := int(xw.start[x]), int(xw.count[x]), int(xw.off[x])
			ws := xw.w[xo : xo+xn]
			px := row[xs : xs+xn]
			px = px[:len(ws)]
			var s uint32
			for i, wx := range ws {
				s += wx * uint32(px[i])
			}
			h[x] = s
		}
		return
	}
	for x := range h {
		xs, xn, xo := int(xw.start[x]), int(xw.count[x]), int(xw.off[x])
		p := xs * step
		var s uint32
		for _, wx := range xw.w[xo : xo+xn] {
			s += wx * uint32(row[p])
			p += step
		}
		h[x] = s
	}
}

func getRow(n int) *[]uint32 {
	p := rowPool.Get().(*[]uint32)
	if cap(*p) < n {
		*p = make([]uint32, n)
	}
	*p = (*p)[:n]
	return p
}

func putRow(p *[]uint32) { rowPool.Put(p) }
