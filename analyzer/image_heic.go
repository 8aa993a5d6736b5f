package analyzer

import (
	"bytes"
	"image"
	"io"

	"medinventory/store/photo/heicwasm"
	"medinventory/store/photo/heif"
	"medinventory/store/photo/photomem"
)

// decodeHEICConfig reads a HEIC's size from its container, or else asks the WebAssembly decoder
// (gen2brain/heic's DecodeConfig fails with a system libheif).
func decodeHEICConfig(r io.Reader) (image.Config, error) {
	return heif.DecodeConfig(r, heicwasm.DecodeConfig)
}

// decodeHEIC decodes a HEIC with the system libheif when there is one (systemHEIC: gen2brain/heic's
// own call of it leaks each decoded image), else with libheif compiled to WebAssembly
// (store/photo/heicwasm: Windows, or -tags nodynamic). The WebAssembly module's memory is outside
// Go's heap, so it is announced to the memory governor for the decode (photomem.HoldC), as
// libheif's C memory is; it is unmapped when the decode returns, and the image is Go memory.
func decodeHEIC(r io.Reader) (image.Image, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if systemHEIC != nil {
		return systemHEIC(data)
	}
	if cfg, err := decodeHEICConfig(bytes.NewReader(data)); err == nil {
		defer photomem.HoldC(heicwasm.BytesPerPixel * int64(cfg.Width) * int64(cfg.Height))()
	}
	return heicwasm.Decode(data)
}
