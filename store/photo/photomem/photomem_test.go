package photomem

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"testing"
)

// PNGHeader returns the signature and IHDR chunk of a w×h PNG of the given bit depth and colour
// type (no pixel data: enough for DecodeConfig and Cost).
func PNGHeader(w, h uint32, depth, colour byte) []byte {
	b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
	b = binary.BigEndian.AppendUint32(b, w)
	b = binary.BigEndian.AppendUint32(b, h)
	b = append(b, depth, colour, 0, 0, 0)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[12:29]))
}

func TestCost(t *testing.T) {
	var j420, jgray bytes.Buffer
	jpeg.Encode(&j420, image.NewYCbCr(image.Rect(0, 0, 64, 48), image.YCbCrSubsampleRatio420), nil)
	jpeg.Encode(&jgray, image.NewGray(image.Rect(0, 0, 64, 48)), nil)
	const mp12, mp60 = 4000 * 3000, 7745 * 7745
	for _, c := range []struct {
		name   string
		data   []byte
		format string
		w, h   int
		want   int64
	}{
		{"12 MP JPEG 4:2:0", j420.Bytes(), "jpeg", 4000, 3000, mp12 * 5},
		{"60 MP JPEG 4:2:0 fits alone", j420.Bytes(), "jpeg", 7745, 7745, mp60 * 5},
		{"gray JPEG", jgray.Bytes(), "jpeg", 4000, 3000, mp12 * 4},
		{"16-bit RGBA PNG", PNGHeader(7745, 7745, 16, 6), "png", 7745, 7745, mp60 * 14},
		{"8-bit RGB PNG", PNGHeader(4000, 3000, 8, 2), "png", 4000, 3000, mp12 * 10},
		{"8-bit gray PNG", PNGHeader(4000, 3000, 8, 0), "png", 4000, 3000, mp12 * 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Cost(bytes.NewReader(c.data), c.format, c.w, c.h); got != c.want {
				t.Errorf("Cost = %d MB, want %d MB", got>>20, c.want>>20)
			}
		})
	}
	if Cost(bytes.NewReader(PNGHeader(7745, 7745, 16, 6)), "png", 7745, 7745) <= Budget {
		t.Error("a 60 MP 16-bit PNG fits the budget")
	}
	if Cost(bytes.NewReader(j420.Bytes()), "jpeg", 7745, 7745) > Budget {
		t.Error("a 60 MP JPEG does not fit the budget alone")
	}
	// Garbage costs the worst case, never nothing.
	if Cost(bytes.NewReader([]byte("xx")), "png", 100, 100) < 100*100*8 {
		t.Error("an unreadable header was cheap")
	}
}
