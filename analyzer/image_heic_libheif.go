//go:build (linux || darwin) && !nodynamic

package analyzer

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"runtime"
	"unsafe"

	"github.com/ebitengine/purego"
	"github.com/gen2brain/heic"

	"medinventory/store/photo/photomem"
)

// The system libheif's decode, called directly (through purego, as gen2brain/heic calls it):
// gen2brain/heic v0.4.5's own never releases the heif_image that libheif decodes into (there is
// no heif_image_release in it), so each decode left the photo's planes (18 MB for 12 MP, more
// for a grid) in C memory for the life of the process, where neither the photo budget nor Go's
// memory limit sees them: eight 12 MP HEICs with 16-bit PNGs peaked at 588 MB. This one copies
// the planes into Go memory and releases libheif's image, handle and context before returning.
// gen2brain/heic still finds and loads the library (libheif.so / libheif.dylib, RTLD_GLOBAL);
// its symbols are looked up from there.

// errLibheif is what a HEIC the system libheif cannot decode returns.
var errLibheif = errors.New("heic: decode failed")

// systemHEIC decodes a HEIC file's bytes with the system libheif; nil when gen2brain/heic did not
// load the library (or a function is missing from it).
var systemHEIC func(data []byte) (image.Image, error)

type libheifFuncs struct {
	major, minor     func() uint32
	checkFiletype    func(*byte, uint64) int
	contextAlloc     func() unsafe.Pointer
	contextFree      func(unsafe.Pointer)
	readFromMemory   func(ctx unsafe.Pointer, data *byte, size uint64, opts unsafe.Pointer) uintptr
	primaryHandle    func(ctx unsafe.Pointer, handle *unsafe.Pointer) uintptr
	handleRelease    func(unsafe.Pointer)
	isPremultiplied  func(unsafe.Pointer) int
	preferredSpace   func(handle unsafe.Pointer, colorspace, chroma *int32) uintptr // libheif ≥ 1.17
	optionsAlloc     func() *heifDecodingOptions
	optionsFree      func(*heifDecodingOptions)
	decodeImage      func(handle unsafe.Pointer, img *unsafe.Pointer, colorspace, chroma int32, opts *heifDecodingOptions) uintptr
	imageRelease     func(unsafe.Pointer)
	imageWidth       func(img unsafe.Pointer, channel int32) int32
	imageHeight      func(img unsafe.Pointer, channel int32) int32
	planeReadonly    func(img unsafe.Pointer, channel int32, stride *int32) unsafe.Pointer
	version117OrLate bool
	mallocTrim       func(pad uintptr) int32 // glibc's; nil elsewhere
	handleWidth      func(unsafe.Pointer) int32
	handleHeight     func(unsafe.Pointer) int32
}

// heifDecodingOptions is the start of libheif's struct heif_decoding_options (version 1 fields).
type heifDecodingOptions struct {
	Version               uint8
	IgnoreTransformations uint8
	StartProgress         unsafe.Pointer
	OnProgress            unsafe.Pointer
	EndProgress           unsafe.Pointer
	ProgressUserData      unsafe.Pointer
	ConvertHdrTo8bit      uint8
}

// libheif's enum values (heif.h).
const (
	heifColorspaceYCbCr      = 0
	heifColorspaceRGB        = 1
	heifColorspaceMonochrome = 2
	heifColorspaceUndefined  = 99

	heifChromaMonochrome      = 0
	heifChroma420             = 1
	heifChroma422             = 2
	heifChroma444             = 3
	heifChromaInterleavedRGBA = 11
	heifChromaUndefined       = 99

	heifChannelY           = 0
	heifChannelCb          = 1
	heifChannelCr          = 2
	heifChannelInterleaved = 10

	heifFiletypeYesSupported = 1
)

func init() {
	if heic.Dynamic() != nil {
		return
	}
	defer func() {
		if r := recover(); r != nil { // a symbol missing: keep gen2brain/heic's decode
			systemHEIC = nil
		}
	}()
	f := &libheifFuncs{}
	reg := func(fn any, name string) { purego.RegisterLibFunc(fn, purego.RTLD_DEFAULT, name) }
	reg(&f.major, "heif_get_version_number_major")
	reg(&f.minor, "heif_get_version_number_minor")
	reg(&f.checkFiletype, "heif_check_filetype")
	reg(&f.contextAlloc, "heif_context_alloc")
	reg(&f.contextFree, "heif_context_free")
	reg(&f.readFromMemory, "heif_context_read_from_memory_without_copy")
	reg(&f.primaryHandle, "heif_context_get_primary_image_handle")
	reg(&f.handleRelease, "heif_image_handle_release")
	reg(&f.isPremultiplied, "heif_image_handle_is_premultiplied_alpha")
	reg(&f.optionsAlloc, "heif_decoding_options_alloc")
	reg(&f.optionsFree, "heif_decoding_options_free")
	reg(&f.decodeImage, "heif_decode_image")
	reg(&f.imageRelease, "heif_image_release")
	reg(&f.planeReadonly, "heif_image_get_plane_readonly")
	reg(&f.handleWidth, "heif_image_handle_get_width")
	reg(&f.handleHeight, "heif_image_handle_get_height")
	reg(&f.imageWidth, "heif_image_get_width")
	reg(&f.imageHeight, "heif_image_get_height")
	if maj, min := f.major(), f.minor(); maj > 1 || maj == 1 && min >= 17 {
		reg(&f.preferredSpace, "heif_image_handle_get_preferred_decoding_colorspace")
		f.version117OrLate = true
	}
	if trim, err := purego.Dlsym(purego.RTLD_DEFAULT, "malloc_trim"); err == nil && trim != 0 {
		purego.RegisterFunc(&f.mallocTrim, trim)
	}
	systemHEIC = f.decode
}

func (f *libheifFuncs) decode(data []byte) (image.Image, error) {
	if f.mallocTrim != nil {
		defer f.mallocTrim(0) // runs last, after libheif's image, handle and context are freed
	}
	if len(data) == 0 || f.checkFiletype(&data[0], uint64(len(data))) != heifFiletypeYesSupported {
		return nil, errLibheif
	}
	defer runtime.KeepAlive(data) // libheif reads it in place until the context is freed
	ctx := f.contextAlloc()
	defer f.contextFree(ctx)
	if failed(f.readFromMemory(ctx, &data[0], uint64(len(data)), nil)) {
		return nil, errLibheif
	}
	var handle unsafe.Pointer
	if failed(f.primaryHandle(ctx, &handle)) {
		return nil, errLibheif
	}
	defer f.handleRelease(handle)

	colorspace, chroma := int32(heifColorspaceYCbCr), int32(heifChroma420)
	if f.version117OrLate {
		var cs, ch int32
		if !failed(f.preferredSpace(handle, &cs, &ch)) && cs != heifColorspaceUndefined && ch != heifChromaUndefined {
			colorspace, chroma = cs, ch
		}
		if colorspace == heifColorspaceRGB {
			chroma = heifChromaInterleavedRGBA
		}
	}
	premultiplied := f.isPremultiplied(handle) != 0
	defer photomem.HoldC(libheifBytesPerPixel * int64(f.handleWidth(handle)) * int64(f.handleHeight(handle)))()

	opts := f.optionsAlloc()
	defer f.optionsFree(opts)
	opts.ConvertHdrTo8bit = 1
	var him unsafe.Pointer
	if failed(f.decodeImage(handle, &him, colorspace, chroma, opts)) || him == nil {
		return nil, errLibheif
	}
	defer f.imageRelease(him)

	w, h := int(f.imageWidth(him, heifChannelY)), int(f.imageHeight(him, heifChannelY))
	if colorspace == heifColorspaceRGB {
		w, h = int(f.imageWidth(him, heifChannelInterleaved)), int(f.imageHeight(him, heifChannelInterleaved))
	}
	if w <= 0 || h <= 0 {
		return nil, errLibheif
	}
	rect := image.Rect(0, 0, w, h)
	plane := func(channel int32, rows int) ([]byte, int, error) {
		var stride int32
		p := f.planeReadonly(him, channel, &stride)
		if p == nil || stride <= 0 {
			return nil, 0, fmt.Errorf("%w: no plane %d", errLibheif, channel)
		}
		return bytes.Clone(unsafe.Slice((*byte)(p), int(stride)*rows)), int(stride), nil
	}
	switch colorspace {
	case heifColorspaceYCbCr:
		ratio := map[int32]image.YCbCrSubsampleRatio{
			heifChroma420: image.YCbCrSubsampleRatio420,
			heifChroma422: image.YCbCrSubsampleRatio422,
			heifChroma444: image.YCbCrSubsampleRatio444,
		}[chroma]
		m := &image.YCbCr{SubsampleRatio: ratio, Rect: rect}
		ch := int(f.imageHeight(him, heifChannelCb))
		var err error
		if m.Y, m.YStride, err = plane(heifChannelY, h); err != nil {
			return nil, err
		}
		if m.Cb, m.CStride, err = plane(heifChannelCb, ch); err != nil {
			return nil, err
		}
		if m.Cr, _, err = plane(heifChannelCr, ch); err != nil {
			return nil, err
		}
		return m, nil
	case heifColorspaceMonochrome:
		pix, stride, err := plane(heifChannelY, h)
		if err != nil {
			return nil, err
		}
		return &image.Gray{Pix: pix, Stride: stride, Rect: rect}, nil
	case heifColorspaceRGB:
		pix, stride, err := plane(heifChannelInterleaved, h)
		if err != nil {
			return nil, err
		}
		if premultiplied {
			return &image.RGBA{Pix: pix, Stride: stride, Rect: rect}, nil
		}
		return &image.NRGBA{Pix: pix, Stride: stride, Rect: rect}, nil
	}
	return nil, fmt.Errorf("%w: colour space %d", errLibheif, colorspace)
}

// failed says whether a struct heif_error returned by value reports an error: its first field,
// the code, is in the low 32 bits of the first return register.
func failed(ret uintptr) bool { return uint32(ret) != 0 }

// libheifBytesPerPixel is the C memory a libheif decode works in: 59 MB in glibc's arena for a
// 12 MP HEIC at the mixed batch's peak (TestMemoryPeakMix), about 5 bytes per pixel.
const libheifBytesPerPixel = 5
