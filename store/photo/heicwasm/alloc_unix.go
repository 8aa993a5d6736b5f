//go:build unix

package heicwasm

import (
	"math"

	"github.com/tetratelabs/wazero/experimental"
	"golang.org/x/sys/unix"
)

// allocator reserves a module's largest memory as address space with no access (no memory is
// committed for it, nor counted against the system's commit limit), and makes pages readable and
// writable as the module grows, in place. Free unmaps it all.
var allocator experimental.MemoryAllocator = experimental.MemoryAllocatorFunc(func(_, max uint64) experimental.LinearMemory {
	if max > math.MaxInt {
		return &inHeap{}
	}
	buf, err := unix.Mmap(-1, 0, int(max), unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		return &inHeap{}
	}
	reservations.Add(1)
	return &mapped{buf: buf}
})

type mapped struct {
	buf       []byte // the whole reservation
	committed int    // bytes made readable and writable, from the start
}

func (m *mapped) Reallocate(size uint64) []byte {
	if size > uint64(len(m.buf)) {
		return nil // over the reservation (or it failed): the module's malloc returns 0
	}
	if n := int(size); n > m.committed {
		if unix.Mprotect(m.buf[m.committed:n], unix.PROT_READ|unix.PROT_WRITE) != nil {
			return nil
		}
		m.committed = n
		committedTo(n)
	}
	return m.buf[:size:size]
}

func (m *mapped) Free() {
	if m.buf != nil {
		_ = unix.Munmap(m.buf)
		reservations.Add(-1)
		m.buf, m.committed = nil, 0
	}
}
