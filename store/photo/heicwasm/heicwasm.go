// Package heicwasm decodes HEIC photos where there is no system libheif (Windows, or a build with
// -tags nodynamic): libheif and libde265 compiled to WebAssembly, the module gen2brain/heic ships
// (lib/heif.wasm.gz, copied from it with its licences and its C source), run by wazero.
//
// It runs the module itself, rather than through gen2brain/heic, for the memory. wazero grows a
// module's linear memory by appending to a Go slice, so at each growth the old and the new buffer
// are both alive, and the whole buffer stays in Go's heap until the collector frees it: one 12 MP
// photo took 300–350 MB that way, more than the window's share of the 400 MB target. Here the
// linear memory is address space reserved once outside Go's heap and committed as the module grows
// (mmap/mprotect, VirtualAlloc), so it never moves nor is copied, and it is returned to the system
// as soon as the decode ends. The decoded planes are copied into Go memory first.
package heicwasm

import (
	"bytes"
	"compress/gzip"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

//go:embed lib/heif.wasm.gz
var heifWasm []byte

// ErrDecode is returned for a file libheif cannot decode (not a HEIC, damaged, or cut short).
var ErrDecode = errors.New("heic: decode failed")

// BytesPerPixel is the most a decode was measured to commit in the module's memory per pixel of
// the photo (TestMemoryPerPixel), beside the Go copy of the planes the caller gets: callers
// announce it to the memory governor before the decode (photomem.HoldC).
const BytesPerPixel = 9

// headerSize is how much of a file DecodeConfig reads: the container's boxes come first.
const headerSize = 32 << 10

var (
	initOnce sync.Once
	initErr  error
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	config   wazero.ModuleConfig
)

// start compiles the module, once per process (about a second).
func start() error {
	initOnce.Do(func() {
		ctx := context.Background()
		rt = wazero.NewRuntime(ctx)
		zr, err := gzip.NewReader(bytes.NewReader(heifWasm))
		if err != nil {
			initErr = fmt.Errorf("heic: the WebAssembly decoder is damaged: %w", err)
			return
		}
		wasm, err := io.ReadAll(zr)
		if err != nil {
			initErr = fmt.Errorf("heic: the WebAssembly decoder is damaged: %w", err)
			return
		}
		if compiled, err = rt.CompileModule(ctx, wasm); err != nil {
			initErr = fmt.Errorf("heic: compiling the WebAssembly decoder: %w", err)
			return
		}
		if _, err = wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
			initErr = fmt.Errorf("heic: starting the WebAssembly decoder: %w", err)
			return
		}
		// libheif's warnings would go to a console the window does not have.
		config = wazero.NewModuleConfig().WithStdout(io.Discard).WithStderr(io.Discard).WithName("")
	})
	return initErr
}

// DecodeConfig returns the size and colour model of the HEIC in r, reading its first 32 KB.
func DecodeConfig(r io.Reader) (image.Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, headerSize))
	if err != nil {
		return image.Config{}, fmt.Errorf("heic: read: %w", err)
	}
	_, cfg, err := decode(data, true)
	return cfg, err
}

// Decode decodes the HEIC file in data. The image it returns is in Go memory of its own.
func Decode(data []byte) (image.Image, error) {
	img, _, err := decode(data, false)
	return img, err
}

// instance is one decode's module: its memory is released by close.
type instance struct {
	ctx         context.Context
	mod         api.Module
	malloc, dec api.Function
}

func (in *instance) close() { in.mod.Close(in.ctx) }

func (in *instance) alloc(n int) (uint32, error) {
	res, err := in.malloc.Call(in.ctx, uint64(n))
	if err != nil {
		return 0, fmt.Errorf("heic: %w", err)
	}
	if res[0] == 0 {
		return 0, fmt.Errorf("%w: out of memory in the decoder (%d bytes)", ErrDecode, n)
	}
	return uint32(res[0]), nil
}

func (in *instance) u32(p uint32) uint32 {
	v, _ := in.mod.Memory().ReadUint32Le(p)
	return v
}

// libheif's enum values (heif.h) that lib/heif.c returns.
const (
	colorspaceYCbCr      = 0
	colorspaceRGB        = 1
	colorspaceMonochrome = 2
	chroma420            = 1
	chroma422            = 2
	chroma444            = 3
	align                = 16 // heif.c's out buffer rows, as gen2brain/heic lays them out
)

func alignUp(n int) int { return (n + align - 1) &^ (align - 1) }

func decode(data []byte, configOnly bool) (image.Image, image.Config, error) {
	var cfg image.Config
	if len(data) == 0 {
		return nil, cfg, ErrDecode
	}
	if err := start(); err != nil {
		return nil, cfg, err
	}
	ctx := experimental.WithMemoryAllocator(context.Background(), allocator)
	mod, err := rt.InstantiateModule(ctx, compiled, config)
	if err != nil {
		return nil, cfg, fmt.Errorf("heic: starting the WebAssembly decoder: %w", err)
	}
	in := &instance{ctx: ctx, mod: mod,
		malloc: mod.ExportedFunction("malloc"), dec: mod.ExportedFunction("decode")}
	defer in.close() // frees the whole module memory: no need to free what was malloc'd in it
	if in.malloc == nil || in.dec == nil {
		return nil, cfg, fmt.Errorf("heic: the WebAssembly decoder lacks its functions")
	}

	inPtr, err := in.alloc(len(data))
	if err != nil {
		return nil, cfg, err
	}
	if !mod.Memory().Write(inPtr, data) {
		return nil, cfg, fmt.Errorf("%w: writing the file into the decoder", ErrDecode)
	}
	out5, err := in.alloc(4 * 5)
	if err != nil {
		return nil, cfg, err
	}
	wp, hp, csp, chp, pmp := out5, out5+4, out5+8, out5+12, out5+16
	call := func(header uint64, outPtr uint32) error {
		res, err := in.dec.Call(ctx, uint64(inPtr), uint64(len(data)), header,
			uint64(wp), uint64(hp), uint64(csp), uint64(chp), uint64(pmp), uint64(outPtr))
		if err != nil {
			return fmt.Errorf("%w: %v", ErrDecode, err)
		}
		if res[0] == 0 {
			return ErrDecode
		}
		return nil
	}
	if err := call(1, 0); err != nil {
		return nil, cfg, err
	}
	w, h := int(in.u32(wp)), int(in.u32(hp))
	colorspace, chroma, premultiplied := in.u32(csp), in.u32(chp), in.u32(pmp) == 1
	if w <= 0 || h <= 0 {
		return nil, cfg, ErrDecode
	}
	cfg.Width, cfg.Height = w, h
	switch colorspace {
	case colorspaceYCbCr:
		cfg.ColorModel = color.YCbCrModel
	case colorspaceMonochrome:
		cfg.ColorModel = color.GrayModel
	case colorspaceRGB:
		cfg.ColorModel = color.NRGBAModel
		if premultiplied {
			cfg.ColorModel = color.RGBAModel
		}
	default:
		return nil, cfg, fmt.Errorf("%w: colour space %d", ErrDecode, colorspace)
	}
	if configOnly {
		return nil, cfg, nil
	}

	rect := image.Rect(0, 0, w, h)
	var ratio image.YCbCrSubsampleRatio
	var size, yStride, cStride, cRows, stride int
	switch colorspace {
	case colorspaceYCbCr:
		cw, ch := w, h
		switch chroma {
		case chroma420:
			ratio, cw, ch = image.YCbCrSubsampleRatio420, (w+1)/2, (h+1)/2
		case chroma422:
			ratio, cw = image.YCbCrSubsampleRatio422, (w+1)/2
		case chroma444:
			ratio = image.YCbCrSubsampleRatio444
		default:
			return nil, cfg, fmt.Errorf("%w: chroma %d", ErrDecode, chroma)
		}
		yStride, cStride, cRows = alignUp(w), alignUp(cw), ch
		size = yStride*h + 2*cStride*cRows
	case colorspaceMonochrome:
		stride = alignUp(w)
		size = stride * h
	default:
		stride = alignUp(w * 4)
		size = stride * h
	}
	outPtr, err := in.alloc(size)
	if err != nil {
		return nil, cfg, err
	}
	if err := call(0, outPtr); err != nil {
		return nil, cfg, err
	}
	view, ok := mod.Memory().Read(outPtr, uint32(size))
	if !ok {
		return nil, cfg, fmt.Errorf("%w: reading the decoded photo", ErrDecode)
	}
	pix := bytes.Clone(view) // the view is the module's memory, unmapped by close
	switch colorspace {
	case colorspaceYCbCr:
		i0, i1 := yStride*h, yStride*h+cStride*cRows
		return &image.YCbCr{Y: pix[:i0:i0], Cb: pix[i0:i1:i1], Cr: pix[i1:size:size],
			YStride: yStride, CStride: cStride, SubsampleRatio: ratio, Rect: rect}, cfg, nil
	case colorspaceMonochrome:
		return &image.Gray{Pix: pix, Stride: stride, Rect: rect}, cfg, nil
	}
	if premultiplied {
		return &image.RGBA{Pix: pix, Stride: stride, Rect: rect}, cfg, nil
	}
	return &image.NRGBA{Pix: pix, Stride: stride, Rect: rect}, cfg, nil
}
