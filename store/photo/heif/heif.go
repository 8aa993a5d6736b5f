// Package heif reads the size of a HEIC/HEIF photo from its container, in pure Go and without
// decoding it: the primary image's "ispe" (image spatial extents) property, turned by its "irot"
// and cropped by its "clap" as a decoder would. It exists because the system libheif that
// gen2brain/heic prefers (libheif 1.15 on Debian 12) fails gen2brain/heic's DecodeConfig, which hands
// it only the first 32 KB of the file, and because starting the WebAssembly decoder just to read a
// header costs far more than reading a few boxes.
//
// The boxes are those of ISO/IEC 23008-12 (HEIF) on ISO/IEC 14496-12 (ISOBMFF): ftyp, meta
// (pitm: the primary item; iprp: ipco, the properties, and ipma, which item has which).
package heif

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
)

// maxMeta is the largest "meta" box read (an iPhone photo's is a few KB: 48 tiles' item entries).
const maxMeta = 4 << 20

// ErrNoSize means the file is not a HEIF container with a primary image of known size.
var ErrNoSize = errors.New("heif: no primary image size in the container")

// Size returns the width and height of the primary image of the HEIF file in r, as displayed
// (after rotation and clean-aperture cropping).
func Size(r io.ReaderAt) (width, height int, err error) {
	meta, err := findBox(r, "meta")
	if err != nil {
		return 0, 0, err
	}
	if len(meta) < 4 {
		return 0, 0, ErrNoSize
	}
	boxes, err := children(meta[4:]) // meta is a full box: version and flags first
	if err != nil {
		return 0, 0, err
	}
	primary, ok := uint32(0), false
	var ipco, ipma []byte
	for _, b := range boxes {
		switch b.typ {
		case "pitm":
			if len(b.data) >= 6 && b.data[0] == 0 {
				primary, ok = uint32(binary.BigEndian.Uint16(b.data[4:])), true
			} else if len(b.data) >= 8 {
				primary, ok = binary.BigEndian.Uint32(b.data[4:]), true
			}
		case "iprp":
			sub, err := children(b.data)
			if err != nil {
				return 0, 0, err
			}
			for _, s := range sub {
				switch s.typ {
				case "ipco":
					ipco = s.data
				case "ipma":
					ipma = s.data
				}
			}
		}
	}
	if !ok || ipco == nil || ipma == nil {
		return 0, 0, ErrNoSize
	}
	props, err := children(ipco)
	if err != nil {
		return 0, 0, err
	}
	idx, err := associations(ipma, primary)
	if err != nil {
		return 0, 0, err
	}
	var w, h uint32
	turn := 0
	var clapW, clapH uint32
	for _, i := range idx {
		if i == 0 || int(i) > len(props) {
			continue
		}
		p := props[i-1]
		switch p.typ {
		case "ispe":
			if len(p.data) < 12 {
				return 0, 0, ErrNoSize
			}
			w, h = binary.BigEndian.Uint32(p.data[4:]), binary.BigEndian.Uint32(p.data[8:])
		case "irot":
			if len(p.data) >= 1 {
				turn = int(p.data[0] & 3)
			}
		case "clap":
			if len(p.data) >= 16 {
				wn, wd := binary.BigEndian.Uint32(p.data[0:]), binary.BigEndian.Uint32(p.data[4:])
				hn, hd := binary.BigEndian.Uint32(p.data[8:]), binary.BigEndian.Uint32(p.data[12:])
				if wd != 0 && hd != 0 {
					clapW, clapH = wn/wd, hn/hd
				}
			}
		}
	}
	if w == 0 || h == 0 || w > 1<<20 || h > 1<<20 {
		return 0, 0, ErrNoSize
	}
	if clapW > 0 && clapH > 0 && clapW <= w && clapH <= h {
		w, h = clapW, clapH
	}
	if turn == 1 || turn == 3 {
		w, h = h, w
	}
	return int(w), int(h), nil
}

// DecodeConfig is Size in the form image.RegisterFormat and codec tables use. r should be an
// io.ReaderAt (a file, a *bytes.Reader, an *io.SectionReader); any other reader is read into
// memory, at most 16 MB of it. When the container does not say the size, and r can seek back,
// fallback gets a try if it is not nil: the callers pass gen2brain/heic's own DecodeConfig (this
// package does not import the decoder, so that FuzzSize's build stays small).
func DecodeConfig(r io.Reader, fallback func(io.Reader) (image.Config, error)) (image.Config, error) {
	ra, ok := r.(io.ReaderAt)
	if !ok {
		data, err := io.ReadAll(io.LimitReader(r, 16<<20))
		if err != nil {
			return image.Config{}, err
		}
		ra = bytesAt(data)
	}
	w, h, err := Size(ra)
	if err == nil {
		return image.Config{ColorModel: color.YCbCrModel, Width: w, Height: h}, nil
	}
	if s, ok := r.(io.ReadSeeker); ok && fallback != nil {
		if _, serr := s.Seek(0, io.SeekStart); serr == nil {
			if cfg, herr := fallback(s); herr == nil {
				return cfg, nil
			}
		}
	}
	return image.Config{}, err
}

type bytesAt []byte

func (b bytesAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

type box struct {
	typ  string
	data []byte
}

// findBox returns the payload of the first top-level box of type typ.
func findBox(r io.ReaderAt, typ string) ([]byte, error) {
	var off int64
	hdr := make([]byte, 16)
	for i := 0; i < 64; i++ { // a HEIF file has a handful of top-level boxes; meta comes early
		n, err := r.ReadAt(hdr, off)
		if n < 8 {
			if err == nil || errors.Is(err, io.EOF) {
				return nil, ErrNoSize
			}
			return nil, fmt.Errorf("heif: read: %w", err)
		}
		size := int64(binary.BigEndian.Uint32(hdr))
		t := string(hdr[4:8])
		head := int64(8)
		switch size {
		case 1:
			if n < 16 {
				return nil, ErrNoSize
			}
			size, head = int64(binary.BigEndian.Uint64(hdr[8:])), 16
		case 0:
			size = maxMeta + head // to the end of the file
		}
		if size < head {
			return nil, ErrNoSize
		}
		if t == typ {
			if size-head > maxMeta {
				return nil, fmt.Errorf("%w: a %s box of %d bytes is too large", ErrNoSize, typ, size)
			}
			data := make([]byte, size-head)
			m, err := r.ReadAt(data, off+head)
			if m < len(data) && hdr[0]|hdr[1]|hdr[2]|hdr[3] != 0 {
				return nil, fmt.Errorf("%w: the %s box is cut short (%v)", ErrNoSize, typ, err)
			}
			return data[:m], nil
		}
		if i == 0 && t != "ftyp" {
			return nil, ErrNoSize
		}
		off += size
	}
	return nil, ErrNoSize
}

// children splits a box payload into its child boxes.
func children(b []byte) ([]box, error) {
	var out []box
	for len(b) > 0 {
		if len(b) < 8 {
			return nil, ErrNoSize
		}
		size := uint64(binary.BigEndian.Uint32(b))
		head := uint64(8)
		switch size {
		case 1:
			if len(b) < 16 {
				return nil, ErrNoSize
			}
			size, head = binary.BigEndian.Uint64(b[8:]), 16
		case 0:
			size = uint64(len(b))
		}
		if size < head || size > uint64(len(b)) {
			return nil, ErrNoSize
		}
		out = append(out, box{typ: string(b[4:8]), data: b[head:size]})
		b = b[size:]
	}
	return out, nil
}

// associations returns the 1-based property indices ipma gives item.
func associations(ipma []byte, item uint32) ([]uint16, error) {
	if len(ipma) < 8 {
		return nil, ErrNoSize
	}
	version, flags := ipma[0], ipma[3]
	n := binary.BigEndian.Uint32(ipma[4:])
	p := ipma[8:]
	for e := uint32(0); e < n; e++ {
		var id uint32
		if version < 1 {
			if len(p) < 3 {
				return nil, ErrNoSize
			}
			id, p = uint32(binary.BigEndian.Uint16(p)), p[2:]
		} else {
			if len(p) < 5 {
				return nil, ErrNoSize
			}
			id, p = binary.BigEndian.Uint32(p), p[4:]
		}
		count := int(p[0])
		p = p[1:]
		var idx []uint16
		for k := 0; k < count; k++ {
			if flags&1 != 0 {
				if len(p) < 2 {
					return nil, ErrNoSize
				}
				idx, p = append(idx, binary.BigEndian.Uint16(p)&0x7fff), p[2:]
			} else {
				if len(p) < 1 {
					return nil, ErrNoSize
				}
				idx, p = append(idx, uint16(p[0]&0x7f)), p[1:]
			}
		}
		if id == item {
			return idx, nil
		}
	}
	return nil, ErrNoSize
}
