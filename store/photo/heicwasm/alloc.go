package heicwasm

import (
	"math"
	"sync/atomic"
)

// reservations counts the module memories reserved outside Go's heap and not yet freed, and
// peakCommitted is the most one of them committed: what the tests check.
var reservations, peakCommitted atomic.Int64

// committedTo records that a module memory has n bytes committed.
func committedTo(n int) {
	for {
		p := peakCommitted.Load()
		if int64(n) <= p || peakCommitted.CompareAndSwap(p, int64(n)) {
			return
		}
	}
}

// inHeap is a module memory in Go's heap, grown by copying (as wazero's own): what the allocator
// falls back to when the system refuses to reserve the address space, so that a decode still runs.
type inHeap struct{ buf []byte }

func (m *inHeap) Reallocate(size uint64) []byte {
	if size > math.MaxInt {
		return nil
	}
	if n := int(size); n > cap(m.buf) {
		grown := make([]byte, n, max(n, 2*cap(m.buf)))
		copy(grown, m.buf)
		m.buf = grown
	}
	m.buf = m.buf[:size]
	return m.buf
}

func (m *inHeap) Free() { m.buf = nil }
