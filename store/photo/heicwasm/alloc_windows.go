//go:build windows

package heicwasm

import (
	"math"

	"unsafe"

	"github.com/tetratelabs/wazero/experimental"
	"golang.org/x/sys/windows"
)

// allocator reserves a module's largest memory as address space (MEM_RESERVE: nothing committed,
// nothing counted against the commit limit) and commits pages as the module grows, in place.
// Free releases it all.
var allocator experimental.MemoryAllocator = experimental.MemoryAllocatorFunc(func(_, max uint64) experimental.LinearMemory {
	if max > math.MaxInt {
		return &inHeap{}
	}
	addr, err := windows.VirtualAlloc(0, uintptr(max), windows.MEM_RESERVE, windows.PAGE_READWRITE)
	if err != nil || addr == 0 {
		return &inHeap{}
	}
	reservations.Add(1)
	return &reserved{addr: addr, buf: unsafe.Slice((*byte)(unsafe.Add(nil, addr)), int(max))}
})

type reserved struct {
	addr      uintptr
	buf       []byte // the whole reservation
	committed int    // bytes committed, from the start
}

func (m *reserved) Reallocate(size uint64) []byte {
	if size > uint64(len(m.buf)) {
		return nil // over the reservation (or it failed): the module's malloc returns 0
	}
	if n := int(size); n > m.committed {
		if _, err := windows.VirtualAlloc(m.addr+uintptr(m.committed), uintptr(n-m.committed), windows.MEM_COMMIT, windows.PAGE_READWRITE); err != nil {
			return nil
		}
		m.committed = n
		committedTo(n)
	}
	return m.buf[:size:size]
}

func (m *reserved) Free() {
	if m.addr != 0 {
		_ = windows.VirtualFree(m.addr, 0, windows.MEM_RELEASE)
		reservations.Add(-1)
		m.addr, m.buf, m.committed = 0, nil, 0
	}
}
