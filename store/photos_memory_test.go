package store_test

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"medinventory/store"
)

// A small file that decodes to more memory than the app opens (7745×7745, 16-bit RGBA: 466 KB on
// disk, 840 MB decoded) is refused at intake, in plain words; a 60 MP 8-bit gray one is not.
func TestAddPhotoRefusedByDecodedSize(t *testing.T) {
	st := open(t, t.TempDir())
	header := func(depth, colour byte) []byte {
		b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
		b = binary.BigEndian.AppendUint32(b, 7745)
		b = binary.BigEndian.AppendUint32(b, 7745)
		b = append(b, depth, colour, 0, 0, 0)
		return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[12:29]))
	}
	src := filepath.Join(t.TempDir(), "scan16.png")
	os.WriteFile(src, header(16, 6), 0o644)
	_, err := st.AddPhoto(context.Background(), src, nil)
	var pe *store.PhotoError
	if !errors.As(err, &pe) || pe.Kind != store.PhotoTooLarge || !strings.Contains(pe.Msg, "MB of memory") {
		t.Fatalf("err %v, want a too-large refusal naming the memory", err)
	}
	if !strings.Contains(pe.Msg, "16 bits per colour") {
		t.Fatalf("a 16-bit PNG: %q; want the colour depth named", pe.Msg)
	}
	// An 8-bit RGB PNG of 60 MP is refused for its size, not for colour detail it does not have.
	rgb := filepath.Join(t.TempDir(), "rgb8.png")
	os.WriteFile(rgb, header(8, 2), 0o644)
	_, err = st.AddPhoto(context.Background(), rgb, nil)
	if !errors.As(err, &pe) || pe.Kind != store.PhotoTooLarge || strings.Contains(pe.Msg, "colour") ||
		!strings.HasPrefix(pe.Msg, "this photo is too large to open: 7745 × 7745 pixels (60 megapixels) need 572 MB of memory; the most this app opens is 300 MB") {
		t.Fatalf("8-bit 60 MP PNG: %v", err)
	}
	gray := filepath.Join(t.TempDir(), "gray.png")
	os.WriteFile(gray, header(8, 0), 0o644)
	if _, err := st.AddPhoto(context.Background(), gray, nil); errors.As(err, &pe) && pe.Kind == store.PhotoTooLarge {
		t.Fatalf("a 60 MP 8-bit gray PNG was refused as too large: %v", err)
	}
}
