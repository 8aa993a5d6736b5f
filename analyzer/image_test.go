package analyzer

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"medinventory/analyzer/exif"
)

// Colours of the quadrant test image: top-left red, top-right green, bottom-left blue,
// bottom-right white (the same picture as testdata/img/quad.webp, 64×48, and quad.heic, 201×99).
var (
	qRed   = color.NRGBA{220, 20, 20, 255}
	qGreen = color.NRGBA{20, 200, 20, 255}
	qBlue  = color.NRGBA{20, 20, 220, 255}
	qWhite = color.NRGBA{255, 255, 255, 255}
)

func quadImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := qWhite
			switch {
			case x < w/2 && y < h/2:
				c = qRed
			case y < h/2:
				c = qGreen
			case x < w/2:
				c = qBlue
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withSegments inserts JPEG marker segments right after SOI.
func withSegments(j []byte, segs ...[]byte) []byte {
	out := []byte{0xFF, 0xD8}
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, j[2:]...)
}

func segment(marker byte, payload []byte) []byte {
	n := len(payload) + 2
	return append([]byte{0xFF, marker, byte(n >> 8), byte(n)}, payload...)
}

// exifSegment is an APP1 Exif segment whose IFD0 holds Orientation (and a GPS IFD pointer
// and a Make string, so stripping is visible); bo chooses "II" or "MM".
func exifSegment(orientation uint16, bo string) []byte {
	var order binary.AppendByteOrder = binary.BigEndian
	if bo == "II" {
		order = binary.LittleEndian
	}
	t := []byte(bo)
	t = order.AppendUint16(t, 42)
	t = order.AppendUint32(t, 8)
	t = order.AppendUint16(t, 3) // three entries
	// Make (ASCII, 4 bytes inline) "GPS!"
	t = order.AppendUint16(t, 0x010F)
	t = order.AppendUint16(t, 2)
	t = order.AppendUint32(t, 4)
	t = append(t, "GPS!"...)
	// Orientation SHORT
	t = order.AppendUint16(t, 0x0112)
	t = order.AppendUint16(t, 3)
	t = order.AppendUint32(t, 1)
	t = order.AppendUint16(t, orientation)
	t = order.AppendUint16(t, 0)
	// GPSInfo IFD pointer (LONG) to an empty IFD
	t = order.AppendUint16(t, 0x8825)
	t = order.AppendUint16(t, 4)
	t = order.AppendUint32(t, 1)
	t = order.AppendUint32(t, uint32(len(t)+4+4))
	t = order.AppendUint32(t, 0) // no next IFD
	t = order.AppendUint16(t, 0) // the empty GPS IFD
	return segment(0xE1, append([]byte("Exif\x00\x00"), t...))
}

func near(c color.Color, want color.NRGBA, tol int) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, b uint8) bool { return math.Abs(float64(a>>8)-float64(b)) <= float64(tol) }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func loadBytes(t *testing.T, data []byte) (image.Image, ImageInfo) {
	t.Helper()
	img, info, err := LoadImage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("LoadImage: %v", err)
	}
	return img, info
}

// checkQuad checks the four quadrant colours of img (at their centres).
func checkQuad(t *testing.T, img image.Image, tol int) {
	t.Helper()
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	for _, c := range []struct {
		x, y int
		want color.NRGBA
	}{{w / 4, h / 4, qRed}, {3 * w / 4, h / 4, qGreen}, {w / 4, 3 * h / 4, qBlue}, {3 * w / 4, 3 * h / 4, qWhite}} {
		if got := img.At(b.Min.X+c.x, b.Min.Y+c.y); !near(got, c.want, tol) {
			t.Errorf("pixel (%d,%d) = %v, want about %v", c.x, c.y, got, c.want)
		}
	}
}

func TestLoadImageFormats(t *testing.T) {
	quad := quadImage(64, 48)
	paletted := image.NewPaletted(quad.Rect, palette.Plan9)
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			paletted.Set(x, y, quad.At(x, y))
		}
	}
	rgba64 := image.NewNRGBA64(quad.Rect)
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			rgba64.Set(x, y, quad.At(x, y))
		}
	}
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, paletted, nil); err != nil {
		t.Fatal(err)
	}
	webpData, err := os.ReadFile("testdata/img/quad.webp")
	if err != nil {
		t.Fatal(err)
	}
	heicData, err := os.ReadFile("testdata/img/quad.heic")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, format string
		data         []byte
		tol          int
		w, h         int
	}{
		{"jpeg", "jpeg", encodeJPEG(t, quad, 95), 12, 64, 48},
		{"png", "png", encodePNG(t, quad), 0, 64, 48},
		{"png16", "png", encodePNG(t, rgba64), 0, 64, 48},
		{"png-paletted", "png", encodePNG(t, paletted), 30, 64, 48},
		{"gif", "gif", gifBuf.Bytes(), 30, 64, 48},
		{"webp", "webp", webpData, 16, 64, 48},
		{"heic", "heic", heicData, 16, 201, 99},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			img, info := loadBytes(t, tc.data)
			if info.Format != tc.format || info.Width != tc.w || info.Height != tc.h || info.Orientation != 1 {
				t.Fatalf("info = %+v, want %s %d×%d orientation 1", info, tc.format, tc.w, tc.h)
			}
			if b := img.Bounds(); b != image.Rect(0, 0, tc.w, tc.h) {
				t.Fatalf("bounds = %v", b)
			}
			checkQuad(t, img, tc.tol)
			up, err := PrepareUpload(img, DetailHigh)
			if err != nil {
				t.Fatal(err)
			}
			dec, err := jpeg.Decode(bytes.NewReader(up.JPEG))
			if err != nil {
				t.Fatalf("upload is not a JPEG: %v", err)
			}
			checkQuad(t, dec, tc.tol+12)
		})
	}
}

func TestLoadImageGrayAndCMYK(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 40, 30))
	for i := range g.Pix {
		g.Pix[i] = byte(i)
	}
	img, _ := loadBytes(t, encodePNG(t, g))
	if _, ok := img.(*image.Gray); !ok {
		t.Errorf("gray PNG decoded as %T, want *image.Gray (no copy to colour)", img)
	}
	img, _ = loadBytes(t, encodeJPEG(t, g, 90))
	if _, ok := img.(*image.Gray); !ok {
		t.Errorf("gray JPEG decoded as %T", img)
	}
	up, err := PrepareUpload(img, DetailLow)
	if err != nil || up.Width != 40 || up.Height != 30 {
		t.Fatalf("gray upload %dx%d, %v", up.Width, up.Height, err)
	}

	// A CMYK image (what image/jpeg returns for Adobe CMYK JPEGs) is converted, not refused.
	c := image.NewCMYK(image.Rect(0, 0, 20, 10))
	for i := 0; i < len(c.Pix); i += 4 {
		c.Pix[i], c.Pix[i+1], c.Pix[i+2], c.Pix[i+3] = 0, 255, 255, 0 // red
	}
	up, err = PrepareUpload(c, DetailHigh)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := jpeg.Decode(bytes.NewReader(up.JPEG))
	if err != nil {
		t.Fatal(err)
	}
	if got := dec.At(10, 5); !near(got, color.NRGBA{255, 0, 0, 255}, 20) {
		t.Errorf("CMYK red became %v", got)
	}
}

func TestTransparentPNGBecomesWhite(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 16, 16)) // fully transparent
	got, _ := loadBytes(t, encodePNG(t, img))
	if c := got.At(8, 8); !near(c, qWhite, 0) {
		t.Errorf("transparent pixel = %v, want white", c)
	}
}

func TestAnimatedGIFFirstFrame(t *testing.T) {
	pal := color.Palette{color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}}
	f1 := image.NewPaletted(image.Rect(0, 0, 20, 20), pal) // index 0: red
	f2 := image.NewPaletted(image.Rect(0, 0, 20, 20), pal)
	for i := range f2.Pix {
		f2.Pix[i] = 1 // blue
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, &gif.GIF{Image: []*image.Paletted{f1, f2}, Delay: []int{10, 10}}); err != nil {
		t.Fatal(err)
	}
	img, info := loadBytes(t, b.Bytes())
	if info.Format != "gif" || !near(img.At(5, 5), color.NRGBA{255, 0, 0, 255}, 0) {
		t.Errorf("got %v (%+v), want the red first frame", img.At(5, 5), info)
	}
}

// pngHeader is a valid PNG signature and IHDR claiming w×h, with no image data.
func pngHeader(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(ihdr)))
	chunk = append(chunk, "IHDR"...)
	chunk = append(chunk, ihdr...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	return append([]byte("\x89PNG\r\n\x1a\n"), chunk...)
}

func TestDecompressionBombRefusedBeforeDecoding(t *testing.T) {
	data := pngHeader(40000, 40000) // 1.6 gigapixels: 6.4 GB if it were decoded
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err := LoadImage(bytes.NewReader(data))
	runtime.ReadMemStats(&after)
	var ie *ImageError
	if !errors.As(err, &ie) || ie.Kind != ImageTooLarge {
		t.Fatalf("err = %v, want an ImageError of kind too_large", err)
	}
	if !strings.Contains(ie.Msg, "40000 × 40000") || !strings.Contains(ie.Msg, "smaller") {
		t.Errorf("message %q should name the size and what to do", ie.Msg)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
		t.Errorf("refusing the header allocated %d bytes; it must not decode", n)
	}
	// Just over the limit is refused, the limit itself is not (it fails later, for lack of data).
	_, _, err = LoadImage(bytes.NewReader(pngHeader(10000, 6001)))
	if !errors.As(err, &ie) || ie.Kind != ImageTooLarge {
		t.Errorf("60.01 MP: err = %v, want too_large", err)
	}
	// At the pixel limit an 8-bit RGB PNG is refused for the memory its decode needs (572 MB: the
	// RGBA image and its 8-bit copy); an 8-bit gray one (60 MB) is not refused, and fails later,
	// for lack of data.
	_, _, err = LoadImage(bytes.NewReader(pngHeader(10000, 6000)))
	if !errors.As(err, &ie) || ie.Kind != ImageTooLarge || !strings.Contains(ie.Msg, "MB of memory") {
		t.Errorf("60 MP RGB header: err = %v, want too_large for its memory", err)
	}
	gray := pngHeader(10000, 6000)
	gray[25] = 0 // colour type: gray
	binary.BigEndian.PutUint32(gray[29:], crc32.ChecksumIEEE(gray[12:29]))
	_, _, err = LoadImage(bytes.NewReader(gray))
	if !errors.As(err, &ie) || ie.Kind != ImageCorrupt {
		t.Errorf("60 MP gray header without data: err = %v, want corrupt", err)
	}
}

func TestCorruptAndUnsupported(t *testing.T) {
	j := encodeJPEG(t, quadImage(64, 48), 90)
	p := encodePNG(t, quadImage(64, 48))
	cases := []struct {
		name string
		data []byte
		kind string
	}{
		{"truncated jpeg", j[:len(j)/2], ImageCorrupt},
		{"jpeg header only", j[:20], ImageCorrupt},
		{"truncated png", p[:len(p)-20], ImageCorrupt},
		{"garbage", []byte("this is not an image at all, just text"), ImageUnsupported},
		{"empty", nil, ImageUnsupported},
		{"avif", []byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"), ImageUnsupported},
		{"broken heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic garbage garbage"), ImageCorrupt},
		{"bad webp", []byte("RIFF\x10\x00\x00\x00WEBPVP8 \x04\x00\x00\x00\x00\x00"), ImageCorrupt},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			img, _, err := LoadImage(bytes.NewReader(tc.data))
			var ie *ImageError
			if !errors.As(err, &ie) || ie.Kind != tc.kind {
				t.Fatalf("err = %v (%T), want ImageError %s", err, err, tc.kind)
			}
			if img != nil {
				t.Error("an image came back with the error")
			}
			if ie.Error() != ie.Msg || ie.Msg == "" || strings.Contains(ie.Msg, "unexpected EOF") {
				t.Errorf("message %q should be plain words", ie.Msg)
			}
		})
	}
}

func TestDecoderPanicBecomesImageError(t *testing.T) {
	saved := codecs["png"]
	defer func() { codecs["png"] = saved }()
	codecs["png"] = codec{saved.cfg, func(io.Reader) (image.Image, error) { panic("index out of range") }}
	_, _, err := LoadImage(bytes.NewReader(encodePNG(t, quadImage(8, 8))))
	var ie *ImageError
	if !errors.As(err, &ie) || ie.Kind != ImageCorrupt || !strings.Contains(ie.Err.Error(), "index out of range") {
		t.Fatalf("err = %v, want a corrupt ImageError wrapping the panic", err)
	}
}

func TestLoadImageFileAndStream(t *testing.T) {
	data := encodeJPEG(t, quadImage(64, 48), 90)
	path := filepath.Join(t.TempDir(), "p.jpg")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	img, info, err := LoadImageFile(path)
	if err != nil || info.Width != 64 {
		t.Fatalf("LoadImageFile: %v %+v", err, info)
	}
	checkQuad(t, img, 12)
	// A reader that is neither a file nor seekable is read into memory.
	img, _, err = LoadImage(io.MultiReader(bytes.NewReader(data[:100]), bytes.NewReader(data[100:])))
	if err != nil {
		t.Fatal(err)
	}
	checkQuad(t, img, 12)
	// A bytes.Reader that was partly read is decoded from its current position.
	r := bytes.NewReader(append([]byte("junk"), data...))
	r.Seek(4, io.SeekStart)
	if _, _, err := LoadImage(r); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadImageFile(filepath.Join(t.TempDir(), "missing.jpg")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestEXIFOrientation(t *testing.T) {
	base := encodeJPEG(t, quadImage(64, 32), 95)
	// Where each source quadrant colour must end up (top-left, top-right, bottom-left, bottom-right).
	cases := []struct {
		o          uint16
		bo         string
		w, h       int
		tl, tr, bl color.NRGBA
	}{
		{1, "MM", 64, 32, qRed, qGreen, qBlue},
		{3, "II", 64, 32, qWhite, qBlue, qGreen},
		{6, "MM", 32, 64, qBlue, qRed, qWhite}, // rotate 90° clockwise
		{6, "II", 32, 64, qBlue, qRed, qWhite},
		{8, "MM", 32, 64, qGreen, qWhite, qRed}, // rotate 90° counter-clockwise
		{8, "II", 32, 64, qGreen, qWhite, qRed},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("orientation %d %s", tc.o, tc.bo), func(t *testing.T) {
			img, info := loadBytes(t, withSegments(base, exifSegment(tc.o, tc.bo)))
			if info.Orientation != int(tc.o) || info.Width != tc.w || info.Height != tc.h {
				t.Errorf("o=%d %s: info %+v, want %dx%d", tc.o, tc.bo, info, tc.w, tc.h)
				return
			}
			b := img.Bounds()
			if b.Dx() != tc.w || b.Dy() != tc.h {
				t.Errorf("o=%d: bounds %v", tc.o, b)
			}
			for _, p := range []struct {
				x, y int
				c    color.NRGBA
			}{{tc.w / 4, tc.h / 4, tc.tl}, {3 * tc.w / 4, tc.h / 4, tc.tr}, {tc.w / 4, 3 * tc.h / 4, tc.bl}} {
				if got := img.At(p.x, p.y); !near(got, p.c, 14) {
					t.Errorf("o=%d %s: pixel (%d,%d) = %v, want %v", tc.o, tc.bo, p.x, p.y, got, p.c)
				}
			}
			if _, ok := img.(*image.YCbCr); !ok {
				t.Errorf("o=%d: %T, want *image.YCbCr kept for the barcode reader", tc.o, img)
			}
		})
	}
}

func TestOrientAllEight(t *testing.T) {
	// [1 2 3; 4 5 6] under each EXIF orientation, as defined by the TIFF/EXIF specification.
	want := map[int][]byte{
		1: {1, 2, 3, 4, 5, 6},
		2: {3, 2, 1, 6, 5, 4},
		3: {6, 5, 4, 3, 2, 1},
		4: {4, 5, 6, 1, 2, 3},
		5: {1, 4, 2, 5, 3, 6},
		6: {4, 1, 5, 2, 6, 3},
		7: {6, 3, 5, 2, 4, 1},
		8: {3, 6, 2, 5, 1, 4},
	}
	for o := 1; o <= 8; o++ {
		g := &image.Gray{Pix: []byte{1, 2, 3, 4, 5, 6}, Stride: 3, Rect: image.Rect(0, 0, 3, 2)}
		out := orient(g, o).(*image.Gray)
		w, h := 3, 2
		if o >= 5 {
			w, h = 2, 3
		}
		var got []byte
		for y := 0; y < h; y++ {
			got = append(got, out.Pix[y*out.Stride:y*out.Stride+w]...)
		}
		if out.Rect.Dx() != w || out.Rect.Dy() != h || !bytes.Equal(got, want[o]) {
			t.Errorf("orientation %d: %v (%v), want %v", o, got, out.Rect, want[o])
		}
		// NRGBA (4 bytes a pixel) follows the same map.
		n := image.NewNRGBA(image.Rect(0, 0, 3, 2))
		for i := 0; i < 6; i++ {
			n.Pix[4*i] = byte(i + 1)
		}
		on := orient(n, o).(*image.NRGBA)
		for i, v := range want[o] {
			if on.Pix[4*i] != v {
				t.Errorf("NRGBA orientation %d: pixel %d = %d, want %d", o, i, on.Pix[4*i], v)
			}
		}
	}
}

// TestJPEGOrientationParser: package exif's parser on JPEGs made with this package's fixtures (an
// encoded image, Exif segments in either byte order), which the metadata tests below share.
func TestJPEGOrientationParser(t *testing.T) {
	base := encodeJPEG(t, quadImage(8, 8), 90)
	app0 := segment(0xE0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	xmp := segment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x/>"))
	cases := []struct {
		name string
		data []byte
		want int
	}{
		{"none", base, 1},
		{"after APP0 and XMP", withSegments(base, app0, xmp, exifSegment(6, "II")), 6},
		{"out of range", withSegments(base, exifSegment(9, "MM")), 1},
		{"zero", withSegments(base, exifSegment(0, "MM")), 1},
		{"truncated tiff", withSegments(base, segment(0xE1, []byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x05"))), 1},
		{"bad byte order", withSegments(base, segment(0xE1, []byte("Exif\x00\x00XX\x00\x2a\x00\x00\x00\x08"))), 1},
		{"length past end", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 'E'}, 1},
		{"not jpeg", []byte("hello"), 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := exif.Orientation(tc.data); got != tc.want {
				t.Errorf("orientation %d, want %d", got, tc.want)
			}
		})
	}
}

// markers lists the JPEG markers before the scan data.
func markers(t *testing.T, j []byte) []byte {
	t.Helper()
	var ms []byte
	i := 2
	for i+4 <= len(j) {
		if j[i] != 0xFF {
			t.Fatalf("bad marker at %d", i)
		}
		m := j[i+1]
		ms = append(ms, m)
		if m == 0xDA {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(j[i+2:]))
	}
	return ms
}

func TestUploadCarriesNoMetadata(t *testing.T) {
	src := withSegments(encodeJPEG(t, quadImage(600, 400), 90),
		exifSegment(6, "MM"), segment(0xFE, []byte("comment: GPS 52.1N")), segment(0xE2, []byte("ICC_PROFILE\x00....")))
	up, info, err := Preprocess(bytes.NewReader(src), DetailHigh)
	if err != nil {
		t.Fatal(err)
	}
	if info.Orientation != 6 || up.Width != 400 || up.Height != 600 {
		t.Errorf("upload %dx%d, info %+v: the rotation must be applied to the pixels", up.Width, up.Height, info)
	}
	for _, m := range markers(t, up.JPEG) {
		if (m >= 0xE0 && m <= 0xEF) || m == 0xFE {
			t.Errorf("upload has metadata marker 0x%X", m)
		}
	}
	if bytes.Contains(up.JPEG, []byte("Exif")) || bytes.Contains(up.JPEG, []byte("GPS")) {
		t.Error("upload contains EXIF/GPS bytes")
	}
	if exif.Orientation(up.JPEG) != 1 {
		t.Error("upload still has an orientation")
	}
	url := up.DataURL()
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(url, "data:image/jpeg;base64,"))
	if !strings.HasPrefix(url, "data:image/jpeg;base64,") || err != nil || !bytes.Equal(raw, up.JPEG) {
		t.Errorf("DataURL does not round-trip: %v", err)
	}
}

func TestUploadSize(t *testing.T) {
	cases := []struct {
		w, h   int
		d      Detail
		ww, wh int
	}{
		{4032, 3024, DetailHigh, 1024, 768},
		{3024, 4032, DetailHigh, 768, 1024},
		{4032, 3024, DetailAuto, 1024, 768},
		{4032, 3024, "", 1024, 768},
		{4032, 3024, DetailLow, 512, 384},
		{1000, 3000, DetailHigh, 683, 2048}, // fit 2048 → 682.7×2048; shortest side already < 768
		{3000, 1000, DetailHigh, 2048, 683},
		{2048, 4096, DetailHigh, 768, 1536}, // OpenAI's worked example
		{1024, 1024, DetailHigh, 768, 768},
		{800, 600, DetailHigh, 800, 600}, // never enlarged
		{300, 200, DetailLow, 300, 200},
		{100, 5000, DetailHigh, 41, 2048},
		{1, 100000, DetailLow, 1, 512},
	}
	for _, tc := range cases {
		if w, h := UploadSize(tc.w, tc.h, tc.d); w != tc.ww || h != tc.wh {
			t.Errorf("UploadSize(%d, %d, %q) = %d×%d, want %d×%d", tc.w, tc.h, tc.d, w, h, tc.ww, tc.wh)
		}
	}
}

func TestPrepareUploadSizes(t *testing.T) {
	photo := photoLike(2016, 1512)
	for _, tc := range []struct {
		name   string
		img    image.Image
		d      Detail
		ww, wh int
	}{
		{"photo high", photo, DetailHigh, 1024, 768},
		{"photo low", photo, DetailLow, 512, 384},
		{"tall small high", quadImage(300, 900), DetailHigh, 300, 900},
		{"tall small low", quadImage(300, 900), DetailLow, 171, 512},
		{"wide strip high", image.NewGray(image.Rect(0, 0, 3000, 100)), DetailHigh, 2048, 68},
	} {
		t.Run(tc.name, func(t *testing.T) {
			up, err := PrepareUpload(tc.img, tc.d)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(up.JPEG))
			if err != nil {
				t.Fatal(err)
			}
			b := tc.img.Bounds()
			if up.Width != tc.ww || up.Height != tc.wh || cfg.Width != tc.ww || cfg.Height != tc.wh ||
				up.OrigWidth != b.Dx() || up.OrigHeight != b.Dy() || up.Detail != tc.d {
				t.Errorf("%v %s: upload %+v (jpeg %dx%d), want %dx%d", b, tc.d,
					Upload{Width: up.Width, Height: up.Height, Detail: up.Detail, OrigWidth: up.OrigWidth, OrigHeight: up.OrigHeight},
					cfg.Width, cfg.Height, tc.ww, tc.wh)
			}
		})
	}
	if _, err := PrepareUpload(nil, DetailHigh); err == nil {
		t.Error("nil image accepted")
	}
}

// refArea is a straightforward floating-point area average, to check the fixed-point one.
func refArea(src []byte, sw, sh, dw, dh int) []float64 {
	out := make([]float64, dw*dh)
	rx, ry := float64(sw)/float64(dw), float64(sh)/float64(dh)
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var sum, area float64
			for sy := int(float64(y) * ry); sy < sh && float64(sy) < float64(y+1)*ry; sy++ {
				oy := math.Min(float64(y+1)*ry, float64(sy+1)) - math.Max(float64(y)*ry, float64(sy))
				for sx := int(float64(x) * rx); sx < sw && float64(sx) < float64(x+1)*rx; sx++ {
					ox := math.Min(float64(x+1)*rx, float64(sx+1)) - math.Max(float64(x)*rx, float64(sx))
					sum += ox * oy * float64(src[sy*sw+sx])
					area += ox * oy
				}
			}
			out[y*dw+x] = sum / area
		}
	}
	return out
}

func TestResizePlaneIsAreaAverage(t *testing.T) {
	seed := uint32(7)
	for _, sz := range [][4]int{{97, 61, 24, 16}, {403, 302, 100, 75}, {50, 40, 50, 40}, {64, 64, 16, 16}, {33, 100, 32, 7}} {
		sw, sh, dw, dh := sz[0], sz[1], sz[2], sz[3]
		src := make([]byte, sw*sh)
		for i := range src {
			seed ^= seed << 13
			seed ^= seed >> 17
			seed ^= seed << 5
			src[i] = byte(seed)
		}
		dst := make([]byte, dw*dh)
		resizePlane(dst, 1, dw, src, 1, sw, sw, sh, dw, dh, 0, dh)
		ref := refArea(src, sw, sh, dw, dh)
		for i := range dst {
			if math.Abs(float64(dst[i])-ref[i]) > 1 {
				t.Fatalf("%v: pixel %d = %d, area average %.2f", sz, i, dst[i], ref[i])
			}
		}
	}
	// A 4× shrink of a 1-px checkerboard of black and white is an even grey, not aliasing.
	src := make([]byte, 64*64)
	for y := 0; y < 64; y++ {
		for x := 0; x < 64; x++ {
			src[y*64+x] = byte(255 * ((x + y) % 2))
		}
	}
	dst := make([]byte, 16*16)
	resizePlane(dst, 1, 16, src, 1, 64, 64, 64, 16, 16, 0, 16)
	for i, v := range dst {
		if v < 127 || v > 128 {
			t.Fatalf("checkerboard pixel %d = %d, want 127..128", i, v)
		}
	}
}

func TestUploadKeepsFineDetail(t *testing.T) {
	// Black strokes 3 px wide every 16 px on white, shrunk 4032 → 1024 (×0.254): each stroke must
	// still be clearly darker than the paper around it in the upload.
	img := image.NewGray(image.Rect(0, 0, 4032, 64))
	for i := range img.Pix {
		if x := i % 4032; x%16 < 3 {
			img.Pix[i] = 0
		} else {
			img.Pix[i] = 255
		}
	}
	up, err := PrepareUpload(img, DetailHigh)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := jpeg.Decode(bytes.NewReader(up.JPEG))
	if err != nil {
		t.Fatal(err)
	}
	g := dec.(*image.Gray)
	y := g.Rect.Dy() / 2
	lo, hi := 255, 0
	for x := 10; x < 60; x++ {
		v := int(g.Pix[y*g.Stride+x])
		lo, hi = min(lo, v), max(hi, v)
	}
	if hi-lo < 100 {
		t.Errorf("stroke contrast after shrinking is %d (min %d, max %d); fine print would be lost", hi-lo, lo, hi)
	}
}

func TestPreprocessPhoto(t *testing.T) {
	// A photo-like JPEG of 2016×1512 (the benchmarks use 4032×3024 and report the size ratio).
	data := encodeJPEG(t, photoLike(2016, 1512), 92)
	up, info, err := Preprocess(bytes.NewReader(data), DetailHigh)
	if err != nil {
		t.Fatal(err)
	}
	if info.Width != 2016 || info.Height != 1512 || up.Width != 1024 || up.Height != 768 {
		t.Fatalf("info %+v upload %dx%d", info, up.Width, up.Height)
	}
	if pct := 100 * float64(len(up.JPEG)) / float64(len(data)); pct > 25 {
		t.Errorf("upload is %.1f%% of the original", pct)
	}
	if got, want := ImageTokens("gpt-4o", up.Width, up.Height, DetailHigh), ImageTokens("gpt-4o", 4032, 3024, DetailHigh); got != want {
		t.Errorf("upload costs %d tokens, a 12 MP original %d: they must be equal", got, want)
	}
}

func TestOrientYCbCrRatios(t *testing.T) {
	seed := uint32(99)
	rnd := func() byte { seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5; return byte(seed) }
	for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440} {
		m := image.NewYCbCr(image.Rect(0, 0, 70, 34), ratio)
		for _, p := range [][]byte{m.Y, m.Cb, m.Cr} {
			for i := range p {
				p[i] = rnd()
			}
		}
		for o := 2; o <= 8; o++ {
			out, ok := orient(m, o).(*image.YCbCr)
			if !ok {
				t.Fatalf("%v o=%d: not YCbCr", ratio, o)
			}
			ax, bx, cx, ay, by, cy := orientCoeffs(o, 70, 34)
			r := out.Rect
			for dy := 0; dy < r.Dy(); dy++ {
				for dx := 0; dx < r.Dx(); dx++ {
					sx, sy := ax+bx*dx+cx*dy, ay+by*dx+cy*dy
					if got, want := out.YCbCrAt(dx, dy), m.YCbCrAt(sx, sy); got != want {
						t.Fatalf("%v o=%d: (%d,%d) = %v, want source (%d,%d) = %v", ratio, o, dx, dy, got, sx, sy, want)
					}
				}
			}
		}
	}
}
