package analyzer

// Image preprocessing: decode once, orient, shrink to what the model sees, re-encode as JPEG.
// This file loads a photo (limits, decoders, normalizing); image_orient.go turns it upright,
// image_prepare.go makes the upload and the thumbnail, image_resize.go is their resize.

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"

	"golang.org/x/image/webp"

	"medinventory/analyzer/exif"
	"medinventory/assets/i18n"
	"medinventory/store/photo"
	"medinventory/store/photo/photomem"
)

// Limits on what LoadImage accepts.
const (
	// MaxPixels is the largest photo (width × height, read from the file header before decoding)
	// that is decoded; bigger ones are refused so a "decompression bomb" cannot exhaust memory.
	// It is package photo's limit, the same the store applies when a photo is added.
	MaxPixels = photo.MaxPixels
	// MaxFileBytes is the largest photo file that is read (photo.MaxBytes).
	MaxFileBytes = photo.MaxBytes
	// UploadQuality is the JPEG quality of what is sent to the model.
	UploadQuality = 85
)

// Detail is the image detail level sent to the model ("low", "high" or "auto").
type Detail string

// Detail levels. "auto" lets the model choose; images are prepared as for "high".
const (
	DetailLow  Detail = "low"
	DetailHigh Detail = "high"
	DetailAuto Detail = "auto"
)

// Kinds of ImageError.
const (
	ImageTooLarge    = photo.TooLarge
	ImageCorrupt     = photo.Corrupt
	ImageUnsupported = photo.Unsupported
)

// ImageError says why a photo cannot be used: package photo's one error type (the store refuses
// files with it too). Msg is plain words for the user.
type ImageError = photo.Error

// ImageInfo describes a decoded photo.
type ImageInfo struct {
	Format        string // "jpeg", "png", "gif", "webp" or "heic"
	Width, Height int    // after orientation
	Orientation   int    // EXIF orientation 1..8 (1 if none)
}

// Upload is what is sent to the model: JPEG pixels only (no EXIF, GPS or other metadata).
type Upload struct {
	JPEG                  []byte
	Width, Height         int
	Detail                Detail
	OrigWidth, OrigHeight int
}

// DataURL returns the upload as "data:image/jpeg;base64,...".
func (u Upload) DataURL() string {
	const prefix = "data:image/jpeg;base64,"
	b := make([]byte, len(prefix)+base64.StdEncoding.EncodedLen(len(u.JPEG)))
	copy(b, prefix)
	base64.StdEncoding.Encode(b[len(prefix):], u.JPEG)
	return string(b)
}

// LoadImageFile is LoadImage on the file at path.
func LoadImageFile(path string) (image.Image, ImageInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, ImageInfo{}, fmt.Errorf("open photo: %w", err)
	}
	defer f.Close()
	return LoadImage(f)
}

// LoadImage reads a whole photo (JPEG, PNG, WebP, GIF — first frame — or HEIC/HEIF) from r. It reads
// the header first and refuses photos over MaxPixels before decoding them, decodes once, and applies
// the JPEG's EXIF orientation. HEIC files carry their rotation in the container (irot/imir), which
// libheif applies while decoding; their EXIF orientation is deliberately not applied a second time.
// The image returned is an *image.YCbCr (a decoded JPEG, uncopied when no rotation is needed),
// *image.Gray or opaque *image.NRGBA, with Bounds().Min at (0, 0). Problems with the file are
// *ImageError values; decoder panics are recovered into them.
//
// Files, *bytes.Reader and other io.ReaderAt+Seeker+Size readers are decoded in place; other
// readers are read into memory first (at most MaxFileBytes). HEIC is decoded by libheif compiled to
// WebAssembly (gen2brain/heic): pure Go, but slow — about 4–5 s for a 12 MP photo on a 2-core
// machine — so give each job a timeout.
func LoadImage(r io.Reader) (image.Image, ImageInfo, error) {
	// Files and in-memory readers are decoded in place; other readers are read into memory first.
	var ra io.ReaderAt
	var size int64
	switch v := r.(type) {
	case *os.File:
		if st, err := v.Stat(); err == nil && st.Mode().IsRegular() {
			ra, size = v, st.Size()
		}
	case interface {
		io.ReaderAt
		io.Seeker
		Size() int64
	}: // *bytes.Reader, *strings.Reader, *io.SectionReader
		if pos, err := v.Seek(0, io.SeekCurrent); err == nil {
			ra, size = io.NewSectionReader(v, pos, v.Size()-pos), v.Size()-pos
		}
	}
	if ra == nil {
		data, err := readAll(r)
		if err != nil {
			return nil, ImageInfo{}, err
		}
		ra, size = bytes.NewReader(data), int64(len(data))
	}
	if size > MaxFileBytes {
		return nil, ImageInfo{}, tooBigFile()
	}
	return loadImage(ra, size)
}

// Preprocess is LoadImage followed by PrepareUpload.
func Preprocess(r io.Reader, detail Detail) (Upload, ImageInfo, error) {
	img, info, err := LoadImage(r)
	if err != nil {
		return Upload{}, info, err
	}
	up, err := PrepareUpload(img, detail)
	return up, info, err
}

func readAll(r io.Reader) ([]byte, error) {
	var buf bytes.Buffer
	if v, ok := r.(interface{ Len() int }); ok {
		buf.Grow(min(v.Len(), MaxFileBytes) + 1)
	}
	n, err := buf.ReadFrom(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read photo: %w", err)
	}
	if n > MaxFileBytes {
		return nil, tooBigFile()
	}
	return buf.Bytes(), nil
}

func tooBigFile() *ImageError {
	return &ImageError{Kind: ImageTooLarge,
		Msg: i18n.T("This file is larger than %d MB, too large for a photo. Save it at a smaller size and add it again.", MaxFileBytes>>20)}
}

// tooMuchMemory refuses a photo whose decoded pixels alone would need more than photomem.Budget
// (a 16-bit PNG of 60 MP needs 840 MB though its file may be tiny).
func tooMuchMemory(w, h int, cost int64) *ImageError {
	return &ImageError{Kind: ImageTooLarge,
		Err: fmt.Errorf("%d×%d pixels need %d MB to open, over the %d MB budget", w, h, cost>>20, photomem.Budget>>20),
		Msg: "T" + photomem.Refusal(w, h, cost)[1:]}
}

func corrupt(format string, err error) *ImageError {
	return &ImageError{Kind: ImageCorrupt, Err: err,
		Msg: i18n.T("This %s file is damaged or incomplete and cannot be opened. Copy the photo from the camera or phone again and add the new copy.", photo.Label(format))}
}

// headerBytes is how much of a file is read for format sniffing and EXIF (an APP1 segment is at
// most 64 KB).
const headerBytes = 160 << 10

func loadImage(ra io.ReaderAt, size int64) (image.Image, ImageInfo, error) {
	head := make([]byte, min(size, headerBytes))
	if n, err := ra.ReadAt(head, 0); err != nil && !(errors.Is(err, io.EOF) && n == len(head)) {
		return nil, ImageInfo{}, fmt.Errorf("read photo: %w", err)
	}
	format, what := photo.Sniff(head)
	info := ImageInfo{Format: format, Orientation: 1}
	if format == "" {
		msg := i18n.T("This file is not a photo in a known format. Use %s photos.", photo.Accepted())
		if what != "" && what != "an empty file" {
			msg = i18n.T("This is %s, not a photo this app can read. Use %s photos.", what, photo.Accepted())
		}
		return nil, info, &ImageError{Kind: ImageUnsupported, Err: image.ErrFormat, Msg: msg}
	}
	cfg, err := safeDecode(format, ra, size, true)
	if err != nil {
		return nil, info, corrupt(format, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, info, corrupt(format, fmt.Errorf("bad dimensions %d×%d", cfg.Width, cfg.Height))
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > MaxPixels {
		return nil, info, &ImageError{Kind: ImageTooLarge,
			Err: fmt.Errorf("%d×%d pixels exceeds the %d-pixel limit", cfg.Width, cfg.Height, MaxPixels),
			Msg: i18n.T("This photo is too large to open safely (%d × %d pixels, %d megapixels; the limit is %d). Save it at a smaller size and add it again.",
				cfg.Width, cfg.Height, px/1_000_000, MaxPixels/1_000_000)}
	}
	if cost := photomem.Cost(ra, format, cfg.Width, cfg.Height); cost > photomem.Budget {
		return nil, info, tooMuchMemory(cfg.Width, cfg.Height, cost)
	}
	res, err := safeDecode(format, ra, size, false)
	if err != nil {
		return nil, info, corrupt(format, err)
	}
	if format == "webp" {
		fullRange(res.img)
	}
	img := normalize(res.img)
	if format == "jpeg" {
		info.Orientation = exif.Orientation(head)
		img = orient(img, info.Orientation)
	}
	b := img.Bounds()
	info.Width, info.Height = b.Dx(), b.Dy()
	return img, info, nil
}

type codec struct {
	cfg func(io.Reader) (image.Config, error)
	dec func(io.Reader) (image.Image, error)
}

// codecs are the decoders by sniffed format. GIF decodes the first frame.
var codecs = map[string]codec{
	"jpeg": {jpeg.DecodeConfig, jpeg.Decode},
	"png":  {png.DecodeConfig, png.Decode},
	"gif":  {gif.DecodeConfig, gif.Decode},
	"webp": {webp.DecodeConfig, webp.Decode},
	"heic": {decodeHEICConfig, decodeHEIC},
}

type decoded struct {
	image.Config
	img image.Image
}

// safeDecode decodes the header (configOnly) or the image, turning decoder panics into errors.
func safeDecode(format string, ra io.ReaderAt, size int64, configOnly bool) (res decoded, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = decoded{}, fmt.Errorf("%s decoder failed: %v", format, p)
		}
	}()
	r := io.NewSectionReader(ra, 0, size)
	c, ok := codecs[format]
	if !ok {
		return res, fmt.Errorf("no decoder for %q", format)
	}
	if configOnly {
		res.Config, err = c.cfg(r)
		return res, err
	}
	res.img, err = c.dec(r)
	if err == nil && res.img == nil {
		err = errors.New("decoder returned no image")
	}
	return res, err
}

// fullRange converts the planes of a lossy WebP, which golang.org/x/image/webp returns in
// "video" range (Y 16–235, Cb/Cr 16–240, as libwebp defines VP8), to the full range that
// image.YCbCr means; without it whites come out grey and colours washed out.
func fullRange(img image.Image) {
	var m *image.YCbCr
	switch v := img.(type) {
	case *image.YCbCr:
		m = v
	case *image.NYCbCrA:
		m = &v.YCbCr
	default:
		return // lossless WebP is RGB already
	}
	var ylut, clut [256]byte
	for i := range 256 {
		ylut[i] = byte(min(max((i-16)*255*2/219+1, 0)/2, 255))
		clut[i] = byte(min(max(((i-128)*255*2/224+1)/2+128, 0), 255))
	}
	for i, v := range m.Y {
		m.Y[i] = ylut[v]
	}
	for i, v := range m.Cb {
		m.Cb[i] = clut[v]
	}
	for i, v := range m.Cr {
		m.Cr[i] = clut[v]
	}
}

// normalize returns img as *image.YCbCr (4:4:4, 4:2:2, 4:2:0 or 4:4:0), *image.Gray or an opaque
// *image.NRGBA, with Bounds().Min at (0, 0). Decoded JPEGs pass through without a copy.
func normalize(img image.Image) image.Image {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.YCbCr:
		switch m.SubsampleRatio {
		case image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
			image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440:
			if b.Min == (image.Point{}) {
				return m
			}
		}
	case *image.Gray:
		if b.Min == (image.Point{}) {
			return m
		}
	}
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(out, out.Rect, img, b.Min, draw.Over) // transparent areas become white
	return out
}
