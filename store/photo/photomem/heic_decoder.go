//go:build (linux || darwin) && !nodynamic

package photomem

import "github.com/gen2brain/heic"

// heicWASM says whether a HEIC is decoded by the WebAssembly libheif (store/photo/heicwasm) rather
// than the system's. It mirrors the choice analyzer makes: the system libheif is called only on
// Linux and macOS (analyzer/image_heic_libheif.go, the same build constraint), and only when
// gen2brain/heic found it.
func heicWASM() bool { return heic.Dynamic() != nil }
