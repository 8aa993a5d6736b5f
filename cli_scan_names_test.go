//go:build unix

package main

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"medinventory/ui/cli"
)

// `scan` prints a code's text and the file's name with control characters escaped: a QR code can
// carry an ANSI escape sequence, a file name a newline.
func TestScanPrintsCodeTextEscaped(t *testing.T) {
	m, err := qrcode.NewQRCodeWriter().Encode("EVIL\x1b[2J\x1b[31mred\x07", gozxing.BarcodeFormat_QR_CODE, 400, 400, nil)
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, m.GetWidth(), m.GetHeight()))
	for y := 0; y < m.GetHeight(); y++ {
		for x := 0; x < m.GetWidth(); x++ {
			if !m.Get(x, y) {
				img.SetGray(x, y, color.Gray{255})
			}
		}
	}
	p := filepath.Join(t.TempDir(), "qr\nfake line.png")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	r := runBin(t, cleanEnv(), "scan", p)
	if r.code != cli.ExitOK || strings.ContainsAny(r.stdout, "\x1b\x07") || !strings.Contains(r.stdout, `EVIL\x1b[2J\x1b[31mred\x07`) ||
		!strings.Contains(r.stdout, `qr\nfake line.png (`) {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
