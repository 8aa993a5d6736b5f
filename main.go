// Command medinventory is Medicine Inventory: a desktop app in which a clinic worker drops photos
// of medicine packages; each photo is stored, queued and analysed in the background (barcodes read
// locally, an OpenAI vision model or a compatible local server for the rest), and the medicines
// found appear in the window for review. With no arguments it opens the window; the commands that
// use the same data without a window (import, run, backup, restore, export, jobs, scan, stock) are
// package ui/cli's, listed in its table.
//
// This package is the composition only: it wires the store, the job pool and the analysis client
// into the backend (wiring*.go) and opens the window (gui.go); everything it uses lives in the
// packages below it, none of which imports it.
package main

import (
	"io"
	"os"
	"runtime/debug"

	_ "medinventory/ui/localefix" // first of all: "C.UTF-8" → "C", before Fyne parses it

	"medinventory/store/photo/photomem"
	"medinventory/ui/cli"
)

// version is the app's version; it matches FyneApp.toml (a test checks).
const version = "0.1.0"

const appID = "org.medinventory.app"

// memoryLimit is the Go runtime's soft memory limit: the photo decoding budget plus room for the
// app's own heap. The budget bounds the photos being decoded at one time, but with the default
// pacing (GOGC=100) the heap may grow to twice what was live at the last collection before the
// next one starts: the 168 MB a 16-bit PNG leaves behind was still there when the next photo
// was decoded, and a mix of 16-bit PNGs and HEICs peaked at 438–563 MB. Near this limit the
// collector runs sooner instead. It is soft: a heap that truly needs more gets it.
const memoryLimit = photomem.Budget + 40<<20

// The limit applies from the start, to the window and to every command; GOMEMLIMIT, when set,
// wins. Where photos are analysed (the window, `import --wait`, `run`), photomem.Govern then
// lowers it, and the photos' budget with it, by the memory the process holds outside Go's heap:
// the window's alone is 100–150 MB.
func init() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without os.Exit, for tests. It returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	return cli.Main(args, stdout, stderr, cli.Env{Version: version, Window: runGUI, OpenBackend: openCLIBackend})
}
