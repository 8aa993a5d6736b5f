package analyzer

import (
	"image"
	"io"
	"runtime"

	"github.com/gen2brain/heic"

	"medinventory/store/photo/heif"
)

// decodeHEICConfig reads a HEIC's size from its container (gen2brain/heic's DecodeConfig fails
// with a system libheif), or else asks gen2brain/heic.
func decodeHEICConfig(r io.Reader) (image.Config, error) {
	return heif.DecodeConfig(r, heic.DecodeConfig)
}

// decodeHEIC decodes a HEIC with the system libheif when there is one (systemHEIC: gen2brain/heic's
// own call of it leaks each decoded image), else with gen2brain/heic. Its WebAssembly build (no system libheif, or
// -tags nodynamic) returns planes that point into the WebAssembly module's memory, which the
// decoder grew to about 200 MB for a 12 MP photo: holding the image held all of it through the
// barcode search and the resize (the app peaked at 446 MB on eight 12 MP HEICs). The planes are
// copied out (18 MB for 12 MP) and the module's memory collected at once, before the analysis
// allocates more; WebAssembly decodes run one at a time (photomem.Cost), so this collection
// frees what the next one would otherwise add to.
func decodeHEIC(r io.Reader) (image.Image, error) {
	if systemHEIC != nil {
		data, err := io.ReadAll(r)
		if err != nil {
			return nil, err
		}
		return systemHEIC(data)
	}
	img, err := heic.Decode(r)
	if err != nil || heic.Dynamic() == nil {
		return img, err
	}
	img = detached(img)
	runtime.GC()
	return img, nil
}

// detached returns a copy of img's pixels in memory of its own (the types gen2brain/heic returns;
// any other image as it is).
func detached(img image.Image) image.Image {
	switch m := img.(type) {
	case *image.YCbCr:
		c := *m
		c.Y, c.Cb, c.Cr = clone(m.Y), clone(m.Cb), clone(m.Cr)
		return &c
	case *image.Gray:
		c := *m
		c.Pix = clone(m.Pix)
		return &c
	case *image.RGBA:
		c := *m
		c.Pix = clone(m.Pix)
		return &c
	case *image.NRGBA:
		c := *m
		c.Pix = clone(m.Pix)
		return &c
	}
	return img
}

func clone(b []byte) []byte { return append(make([]byte, 0, len(b)), b...) }
