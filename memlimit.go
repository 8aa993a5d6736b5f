package main

import (
	"os"
	"runtime/debug"

	"medinventory/store/photo/photomem"
)

// memoryLimit is the Go runtime's soft memory limit: the photo decoding budget plus room for the
// app's own heap. The budget bounds the photos being decoded at one time, but with the default
// pacing (GOGC=100) the heap may grow to twice what was live at the last collection before the
// next one starts: the 168 MB a 16-bit PNG leaves behind was still there when the next photo
// was decoded, and a mix of 16-bit PNGs and HEICs peaked at 438–563 MB. Near this limit the
// collector runs sooner instead. It is soft: a heap that truly needs more gets it.
const memoryLimit = photomem.Budget + 40<<20

// The limit applies from the start, to the window and to every subcommand; GOMEMLIMIT, when set,
// wins. Where photos are analysed (the window, `import --wait`, `run`), photomem.Govern then
// lowers it, and the photos' budget with it, by the memory the process holds outside Go's heap:
// the window's alone is 100–150 MB.
func init() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
