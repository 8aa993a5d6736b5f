package analyzer

// Image preprocessing: decode once, orient, shrink to what the model sees, re-encode as JPEG.

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
	"runtime"
	"sync"

	"golang.org/x/image/webp"

	"medinventory/analyzer/exif"
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
		Msg: fmt.Sprintf("This file is larger than %d MB, too large for a photo. Save it at a smaller size and add it again.", MaxFileBytes>>20)}
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
		Msg: fmt.Sprintf("This %s file is damaged or incomplete and cannot be opened. Copy the photo from the camera or phone again and add the new copy.", photo.Label(format))}
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
		msg := "This file is not a photo in a known format. Use " + photo.Accepted() + " photos."
		if what != "" && what != "an empty file" {
			msg = "This is " + what + ", not a photo this app can read. Use " + photo.Accepted() + " photos."
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
			Msg: fmt.Sprintf("This photo is too large to open safely (%d × %d pixels, %d megapixels; the limit is %d). Save it at a smaller size and add it again.",
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

// orient applies EXIF orientation o to a normalized image.
func orient(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	swap := o >= 5
	switch m := img.(type) {
	case *image.YCbCr:
		ratio := m.SubsampleRatio
		if swap {
			switch ratio {
			case image.YCbCrSubsampleRatio422:
				ratio = image.YCbCrSubsampleRatio440
			case image.YCbCrSubsampleRatio440:
				ratio = image.YCbCrSubsampleRatio422
			}
		}
		w, h := m.Rect.Dx(), m.Rect.Dy()
		if swap {
			w, h = h, w
		}
		out := image.NewYCbCr(image.Rect(0, 0, w, h), ratio)
		cw, ch := chromaSize(m)
		_, och := chromaSize(out)
		var wg sync.WaitGroup
		run := func(f func()) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f()
			}()
		}
		sw, sh := m.Rect.Dx(), m.Rect.Dy()
		run(func() { transform1(out.Y, out.YStride, m.Y, m.YStride, sw, sh, o, 0, h/2) })
		run(func() { transform1(out.Y, out.YStride, m.Y, m.YStride, sw, sh, o, h/2, h) })
		run(func() { transform1(out.Cb, out.CStride, m.Cb, m.CStride, cw, ch, o, 0, och) })
		run(func() { transform1(out.Cr, out.CStride, m.Cr, m.CStride, cw, ch, o, 0, och) })
		wg.Wait()
		return out
	case *image.Gray:
		w, h := m.Rect.Dx(), m.Rect.Dy()
		if swap {
			w, h = h, w
		}
		out := image.NewGray(image.Rect(0, 0, w, h))
		transform1(out.Pix, out.Stride, m.Pix, m.Stride, m.Rect.Dx(), m.Rect.Dy(), o, 0, h)
		return out
	case *image.NRGBA:
		w, h := m.Rect.Dx(), m.Rect.Dy()
		if swap {
			w, h = h, w
		}
		out := image.NewNRGBA(image.Rect(0, 0, w, h))
		transform(out.Pix, out.Stride, m.Pix, m.Stride, m.Rect.Dx(), m.Rect.Dy(), 4, o)
		return out
	}
	return img
}

func chromaSize(m *image.YCbCr) (cw, ch int) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2
	}
	return w, h
}

// transform1 is transform for 1-byte samples, for output rows [y0, y1), walking the output in
// 64×64 tiles with the source index advanced by a constant step.
func transform1(dst []byte, dstStride int, src []byte, srcStride, w, h, o, y0, y1 int) {
	ax, bx, cx, ay, by, cy := orientCoeffs(o, w, h)
	dw := w
	if o >= 5 {
		dw = h
	}
	step := by*srcStride + bx
	const blk = 64
	for ty := y0; ty < y1; ty += blk {
		for tx := 0; tx < dw; tx += blk {
			tx1 := min(tx+blk, dw)
			for dy := ty; dy < min(ty+blk, y1); dy++ {
				row := dst[dy*dstStride+tx : dy*dstStride+tx1]
				s := (ay+by*tx+cy*dy)*srcStride + ax + bx*tx + cx*dy
				for i := range row {
					row[i] = src[s]
					s += step
				}
			}
		}
	}
}

// orientCoeffs gives the source pixel for output pixel (dx, dy) under EXIF orientation o of a
// w×h source: sx = ax + bx*dx + cx*dy, sy = ay + by*dx + cy*dy.
func orientCoeffs(o, w, h int) (ax, bx, cx, ay, by, cy int) {
	switch o {
	case 2:
		ax, bx, cy = w-1, -1, 1
	case 3:
		ax, bx, ay, cy = w-1, -1, h-1, -1
	case 4:
		bx, ay, cy = 1, h-1, -1
	case 5:
		cx, by = 1, 1
	case 6:
		cx, ay, by = 1, h-1, -1
	case 7:
		ax, cx, ay, by = w-1, -1, h-1, -1
	case 8:
		ax, cx, by = w-1, -1, 1
	default:
		bx, cy = 1, 1
	}
	return
}

// transform writes src (w×h pixels of bpp bytes) into dst with EXIF orientation o. Swapping
// orientations (5..8) are done in 32×32 blocks so both sides stay in cache.
func transform(dst []byte, dstStride int, src []byte, srcStride, w, h, bpp, o int) {
	ax, bx, cx, ay, by, cy := orientCoeffs(o, w, h)
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	const blk = 32
	for by0 := 0; by0 < dh; by0 += blk {
		for bx0 := 0; bx0 < dw; bx0 += blk {
			for dy := by0; dy < min(by0+blk, dh); dy++ {
				row := dst[dy*dstStride:]
				for dx := bx0; dx < min(bx0+blk, dw); dx++ {
					sx, sy := ax+bx*dx+cx*dy, ay+by*dx+cy*dy
					s := sy*srcStride + sx*bpp
					copy(row[dx*bpp:dx*bpp+bpp], src[s:s+bpp])
				}
			}
		}
	}
}

// UploadSize returns the size an image of w×h is sent at for detail: for "high" and "auto" it is
// fitted within 2048×2048 and then scaled so the shortest side is at most 768 — exactly the size
// OpenAI's tile models look at, so sending it costs the same tokens as the original; for "low"
// it is fitted within 512×512. Images are never enlarged.
func UploadSize(w, h int, detail Detail) (int, int) {
	if w <= 0 || h <= 0 {
		return w, h
	}
	s := 1.0
	if detail == DetailLow {
		s = min(1, 512/float64(max(w, h)))
	} else {
		s = min(1, 2048/float64(max(w, h)))
		s *= min(1, 768/(s*float64(min(w, h))))
	}
	if s >= 1 {
		return w, h
	}
	rw, rh := int(float64(w)*s+0.5), int(float64(h)*s+0.5)
	return max(rw, 1), max(rh, 1)
}

// PrepareUpload shrinks img to what the model sees at detail (see UploadSize) with area averaging
// (every source pixel contributes, so small print stays as legible as the model can see it) and
// encodes it as a JPEG of quality UploadQuality that carries no metadata.
func PrepareUpload(img image.Image, detail Detail) (Upload, error) {
	if img == nil {
		return Upload{}, errors.New("prepare upload: no image")
	}
	if detail == "" {
		detail = DetailHigh
	}
	img = normalize(img)
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dw, dh := UploadSize(sw, sh, detail)
	data, err := shrinkJPEG(img, dw, dh, UploadQuality)
	if err != nil {
		return Upload{}, fmt.Errorf("encode upload: %w", err)
	}
	return Upload{JPEG: data, Width: dw, Height: dh, Detail: detail, OrigWidth: sw, OrigHeight: sh}, nil
}

// Thumbnail is the photo fitted within size×size pixels (area-averaged, never enlarged) as a JPEG
// of quality 80, for the window's lists: made once from the decode the analysis does anyway.
func Thumbnail(img image.Image, size int) ([]byte, error) {
	if img == nil || img.Bounds().Empty() || size <= 0 {
		return nil, errors.New("thumbnail: no image")
	}
	img = normalize(img)
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	s := min(1, float64(size)/float64(max(sw, sh)))
	return shrinkJPEG(img, max(1, int(float64(sw)*s+0.5)), max(1, int(float64(sh)*s+0.5)), 80)
}

// shrinkJPEG area-averages a normalized image to dw×dh and encodes it as a JPEG that carries no
// metadata.
func shrinkJPEG(img image.Image, dw, dh, quality int) ([]byte, error) {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	var small image.Image
	switch m := img.(type) {
	case *image.YCbCr:
		if dw == sw && dh == sh {
			small = m
			break
		}
		// The encoder stores colour at half resolution (4:2:0) anyway, so the chroma planes are
		// shrunk straight to that size.
		out := image.NewYCbCr(image.Rect(0, 0, dw, dh), image.YCbCrSubsampleRatio420)
		cw, ch := chromaSize(m)
		ocw, och := chromaSize(out)
		parallel(dh, []func(y0, y1 int){func(y0, y1 int) {
			resizePlane(out.Y, 1, out.YStride, m.Y, 1, m.YStride, sw, sh, dw, dh, y0, y1)
		}})
		parallel(och, []func(y0, y1 int){
			func(y0, y1 int) { resizePlane(out.Cb, 1, out.CStride, m.Cb, 1, m.CStride, cw, ch, ocw, och, y0, y1) },
			func(y0, y1 int) { resizePlane(out.Cr, 1, out.CStride, m.Cr, 1, m.CStride, cw, ch, ocw, och, y0, y1) },
		})
		small = out
	case *image.Gray:
		if dw == sw && dh == sh {
			small = m
			break
		}
		out := image.NewGray(image.Rect(0, 0, dw, dh))
		parallel(dh, []func(y0, y1 int){func(y0, y1 int) {
			resizePlane(out.Pix, 1, out.Stride, m.Pix, 1, m.Stride, sw, sh, dw, dh, y0, y1)
		}})
		small = out
	case *image.NRGBA:
		out := image.NewNRGBA(image.Rect(0, 0, dw, dh))
		if dw == sw && dh == sh {
			copy(out.Pix, m.Pix)
		} else {
			var jobs []func(y0, y1 int)
			for c := 0; c < 3; c++ {
				jobs = append(jobs, func(y0, y1 int) {
					resizePlane(out.Pix[c:], 4, out.Stride, m.Pix[c:], 4, m.Stride, sw, sh, dw, dh, y0, y1)
				})
			}
			parallel(dh, jobs)
		}
		for i := 3; i < len(out.Pix); i += 4 {
			out.Pix[i] = 0xFF
		}
		small = out
	}
	var buf bytes.Buffer
	buf.Grow(dw*dh/4 + 4096)
	if err := jpeg.Encode(&buf, small, &jpeg.Options{Quality: quality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// parallel runs every job over the output rows [0, rows), split into bands over the CPUs.
func parallel(rows int, jobs []func(y0, y1 int)) {
	n := runtime.GOMAXPROCS(0)
	bands := max(1, min(n, rows/16))
	if bands == 1 && len(jobs) == 1 {
		jobs[0](0, rows)
		return
	}
	var wg sync.WaitGroup
	for _, job := range jobs {
		for k := 0; k < bands; k++ {
			y0, y1 := rows*k/bands, rows*(k+1)/bands
			wg.Add(1)
			go func() {
				defer wg.Done()
				job(y0, y1)
			}()
		}
	}
	wg.Wait()
}

// Fixed-point area averaging: weights of one output pixel sum to 1<<wbits along each axis.
const wbits = 12

// axisWeights gives, for each of dn output positions, the first source index and the weights
// of the source samples it covers (their overlap with the output pixel's footprint).
type axisWeights struct {
	start []int32
	count []int32
	off   []int32 // offset into w
	w     []uint32
}

// weightsFor computes the weights for shrinking sn samples to dn (microseconds; not cached).
func weightsFor(sn, dn int) *axisWeights {
	r := float64(sn) / float64(dn)
	idx := make([]int32, 3*dn)
	aw := &axisWeights{start: idx[:dn], count: idx[dn : 2*dn], off: idx[2*dn:],
		w: make([]uint32, 0, dn*(int(r)+2))}
	for i := 0; i < dn; i++ {
		lo, hi := float64(i)*r, float64(i+1)*r
		s0 := int(lo)
		s1 := min(int(hi-1e-9)+1, sn)
		aw.start[i], aw.count[i], aw.off[i] = int32(s0), int32(s1-s0), int32(len(aw.w))
		var sum uint32
		big, bigK := uint32(0), 0
		for s := s0; s < s1; s++ {
			cov := min(hi, float64(s+1)) - max(lo, float64(s))
			wt := uint32(cov/r*(1<<wbits) + 0.5)
			if wt > big {
				big, bigK = wt, len(aw.w)
			}
			aw.w = append(aw.w, wt)
			sum += wt
		}
		aw.w[bigK] += 1<<wbits - sum // make the weights sum exactly to 1<<wbits
	}
	return aw
}

var rowPool = sync.Pool{New: func() any { return new([]uint32) }}

// resizePlane area-averages a plane of sw×sh samples (step bytes apart, stride bytes per row)
// into output rows [y0, y1) of a dw×dh plane. Each source row is filtered horizontally once
// (a row shared by two output rows is reused), then rows are summed with their vertical weights.
func resizePlane(dst []byte, dstep, dstride int, src []byte, sstep, sstride, sw, sh, dw, dh, y0, y1 int) {
	xw, yw := weightsFor(sw, dw), weightsFor(sh, dh)
	pa, pb, pc := getRow(dw), getRow(dw), getRow(dw)
	defer putRow(pa)
	defer putRow(pb)
	defer putRow(pc)
	acc, cur, prev := *pa, *pb, *pc
	prevJ := -1
	for y := y0; y < y1; y++ {
		clear(acc)
		ys, yn, yo := int(yw.start[y]), int(yw.count[y]), int(yw.off[y])
		for k := 0; k < yn; k++ {
			j := ys + k
			if j != prevJ {
				hpass(cur, src[j*sstride:], sstep, xw)
				cur, prev, prevJ = prev, cur, j
			}
			wy := yw.w[yo+k]
			h := prev[:len(acc)]
			for x := range acc {
				acc[x] += h[x] * wy
			}
		}
		out := dst[y*dstride:]
		if dstep == 1 {
			out = out[:len(acc)]
			for x, v := range acc {
				out[x] = byte((v + 1<<(2*wbits-1)) >> (2 * wbits))
			}
			continue
		}
		for x, v := range acc {
			out[x*dstep] = byte((v + 1<<(2*wbits-1)) >> (2 * wbits))
		}
	}
}

// hpass filters one source row horizontally into h (values scaled by 1<<wbits).
func hpass(h []uint32, row []byte, step int, xw *axisWeights) {
	if step == 1 {
		for x := range h {
			xs, xn, xo := int(xw.start[x]), int(xw.count[x]), int(xw.off[x])
			ws := xw.w[xo : xo+xn]
			px := row[xs : xs+xn]
			px = px[:len(ws)]
			var s uint32
			for i, wx := range ws {
				s += wx * uint32(px[i])
			}
			h[x] = s
		}
		return
	}
	for x := range h {
		xs, xn, xo := int(xw.start[x]), int(xw.count[x]), int(xw.off[x])
		p := xs * step
		var s uint32
		for _, wx := range xw.w[xo : xo+xn] {
			s += wx * uint32(row[p])
			p += step
		}
		h[x] = s
	}
}

func getRow(n int) *[]uint32 {
	p := rowPool.Get().(*[]uint32)
	if cap(*p) < n {
		*p = make([]uint32, n)
	}
	*p = (*p)[:n]
	return p
}

func putRow(p *[]uint32) { rowPool.Put(p) }
