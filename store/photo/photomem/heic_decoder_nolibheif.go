//go:build !(linux || darwin) || nodynamic

package photomem

// heicWASM: on Windows (and with -tags nodynamic) a HEIC is always decoded by the WebAssembly
// libheif, whatever libheif.dll gen2brain/heic may have found beside the program or on PATH
// (analyzer/image_heic_nolibheif.go), so its cost is always the capped one.
func heicWASM() bool { return true }
