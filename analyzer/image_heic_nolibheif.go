//go:build !(linux || darwin) || nodynamic

package analyzer

import "image"

// systemHEIC: the system libheif is called directly only on Linux and macOS (see
// image_heic_libheif.go); elsewhere gen2brain/heic decodes.
var systemHEIC func(data []byte) (image.Image, error)
