// Package photomem says how much memory opening a photo takes, from its header alone, so that
// photos are admitted to decoding by their decoded size rather than by their number: a 466 KB
// PNG can decode to 480 MB (7745×7745, 16-bit RGBA) while a 3 MB JPEG of 12 MP takes 18 MB.
//
// Cost is the peak the analysis of one photo reaches: the decoded image in the form the decoder
// returns it, the 8-bit copy the app makes of anything that is not already 8-bit YCbCr or gray, a
// rotated copy when EXIF says so, and the barcode search's gray copies (about 2 bytes per pixel).
// Budget is the most all decodes in flight may take together; a photo that alone needs more is
// refused (HEIC excepted: see Cost). While photos are analysed, Govern lowers that budget, and Go's
// memory limit with it, by what the process holds outside Go's heap (the window's OpenGL driver and
// fonts, a C decode), so that the whole process stays under Target, the window open or not.
package photomem

import (
	"encoding/binary"
	"fmt"
	"io"
)

// Budget is the memory, in bytes, that the photos being decoded and searched at one time may use
// together at most (Govern's Limits.Photos is the budget for now).
const Budget int64 = 300 << 20

// Refusal says in plain words, for a user, why a w×h photo that needs cost bytes is not opened:
// its size ("this photo is too large to open: … Save it as a JPEG or at a smaller size …"). Use
// RefusalOf when the file is at hand: it also says when 16-bit colour is the cause.
func Refusal(w, h int, cost int64) string {
	return fmt.Sprintf("this photo is too large to open: %d × %d pixels (%.0f megapixels) need %d MB of memory; the most this app opens is %d MB. Save it as a JPEG or at a smaller size, and add it again.",
		w, h, float64(w)*float64(h)/1e6, cost>>20, Budget>>20)
}

// RefusalOf is Refusal for the photo in r (format as sniffed): a PNG stored with 16 bits per
// colour, which a camera photo never is, is told so; any other photo is refused for its size.
func RefusalOf(r io.ReaderAt, format string, w, h int, cost int64) string {
	if format == "png" && pngDepth(r) == 16 {
		return fmt.Sprintf("this photo needs %d MB of memory to open (%d × %d pixels, stored with 16 bits per colour, more colour detail than a camera photo has); the most this app opens is %d MB. Save it as a JPEG and add it again.",
			cost>>20, w, h, Budget>>20)
	}
	return Refusal(w, h, cost)
}

// pngDepth is the PNG's bit depth from its header (0 when it cannot be read).
func pngDepth(r io.ReaderAt) byte {
	var ihdr [26]byte
	if n, _ := r.ReadAt(ihdr[:], 0); n < 26 || string(ihdr[12:16]) != "IHDR" {
		return 0
	}
	return ihdr[24]
}

// search is the barcode search's working memory per pixel: the reduced copies and the padded
// frames (the 90° linear pass reads columns in place since it stopped transposing the frame,
// so about 1 byte per pixel is used; 2 keeps the margin).
const search = 2

// Cost returns the peak memory, in bytes, of opening and analysing the w×h photo in r (format as
// sniffed: "jpeg", "png", "gif", "webp" or "heic"). It reads at most a few KB of the header. A HEIC
// decoded as WebAssembly (no system libheif) has its cost capped at Budget, so that one larger than
// that runs alone rather than being refused.
func Cost(r io.ReaderAt, format string, w, h int) int64 {
	px := int64(w) * int64(h)
	var perPixel float64
	switch format {
	case "jpeg":
		perPixel = jpegBytes(r)*2 + search // ×2: the rotated copy a portrait photo needs
	case "png":
		perPixel = pngBytes(r) + search
	case "gif":
		perPixel = 1 + 4 + search // paletted, then 8-bit NRGBA
	case "webp":
		perPixel = 4 + 4 + search
	case "heic":
		// The system libheif, measured (TestMemoryPeakMix heic12): 8 photos of 12 MP peaked at
		// 603 MB decoded 4 at a time and 418 MB 2 at a time, about 160 MB (13 bytes per pixel) each
		// over the app's own ~100 MB: libheif's decoder buffers, Go's copy of the planes, the file,
		// the search. Since libheif's images are released (analyzer/image_heic_libheif.go): heic12
		// 169 MB one at a time; at 12 bytes per pixel (two at a time) mixed peaked at 430 MB.
		// libheif as WebAssembly (store/photo/heicwasm) costs the same: its module memory,
		// committed outside Go's heap as it grows, was 7.0 bytes per pixel at most for 12 MP
		// (heicwasm.BytesPerPixel says 9), then the same Go copy and search (before the module
		// memory was taken out of Go's heap, 34 bytes per pixel: 405 MB for 12 MP).
		perPixel = 14 + search
		if heicWASM() {
			// WebAssembly, capped at Budget so that a photo larger than that (a 48 MP iPhone
			// HEIC) still opens, alone.
			return min(Budget, int64(float64(px)*perPixel))
		}
	default:
		perPixel = 8 + 4 + search
	}
	return int64(float64(px) * perPixel)
}

// pngBytes is what image/png returns per pixel, plus the 8-bit NRGBA copy for anything but gray.
func pngBytes(r io.ReaderAt) float64 {
	var ihdr [26]byte
	if n, _ := r.ReadAt(ihdr[:], 0); n < 26 || string(ihdr[12:16]) != "IHDR" {
		return 8 + 4 // unknown: the worst case
	}
	depth, colour := ihdr[24], ihdr[25]
	wide := 1.0
	if depth == 16 {
		wide = 2
	}
	switch colour {
	case 0: // gray: kept as is when 8-bit
		if depth == 16 {
			return 2 + 4
		}
		return 1
	case 3: // paletted
		return 1 + 4
	case 2, 6: // RGB, RGBA
		return 4*wide + 4
	case 4: // gray + alpha
		return 4*wide + 4
	}
	return 8 + 4
}

// jpegBytes is the decoded size per pixel from the frame header: gray 1, YCbCr 4:2:0 1.5, 4:2:2
// 2, 4:4:4 3, CMYK/YCCK 4 plus an 8-bit NRGBA copy.
func jpegBytes(r io.ReaderAt) float64 {
	buf := make([]byte, 64<<10)
	n, _ := r.ReadAt(buf, 0)
	b := buf[:n]
	for i := 2; i+9 < len(b); {
		if b[i] != 0xFF {
			return 3
		}
		m := b[i+1]
		if m == 0xFF {
			i++
			continue
		}
		l := int(binary.BigEndian.Uint16(b[i+2:]))
		if m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC { // a start of frame
			comps := int(b[i+9])
			switch {
			case comps == 1:
				return 1
			case comps == 4:
				return 4 + 4
			case comps == 3 && i+11+3*3 <= len(b):
				y := b[i+11]
				hy, vy := int(y>>4), int(y&15)
				if hy == 0 || vy == 0 {
					return 3
				}
				c := b[i+14]
				hc, vc := int(c>>4), int(c&15)
				return 1 + 2*float64(hc*vc)/float64(hy*vy)
			}
			return 3
		}
		if m == 0xDA || l < 2 {
			return 3
		}
		i += 2 + l
	}
	return 3
}
