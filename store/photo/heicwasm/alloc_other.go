//go:build !unix && !windows

package heicwasm

import "github.com/tetratelabs/wazero/experimental"

// allocator: none where there is neither mmap nor VirtualAlloc; wazero then keeps the module's
// memory in Go's heap.
var allocator experimental.MemoryAllocator
