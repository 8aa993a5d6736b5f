package main

import (
	"bufio"
	"compress/zlib"
	be "encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestMemoryPeakMix measures the binary's peak RSS while `import --wait` analyses photos whose
// memory follows their pixels, not their files (MEDINVENTORY_MEMORY_KIND):
//
//	png16   8 × 16-bit RGBA PNGs of 7745×7745 (a few MB on disk, 840 MB decoded: refused at intake)
//	        and 8 × 16-bit RGBA PNGs of 4000×3000 (168 MB decoded each: admitted one at a time)
//	jpeg60  MEDINVENTORY_MEMORY_PHOTOS (default 4) JPEGs of 7745×7745 (60 MP)
//	heic12  8 × 12 MP HEIC (made with heif-enc, Debian libheif-examples)
//	mixed   the 8 HEICs and 8 × 16-bit RGBA PNGs of 4000×3000 together
//
// at concurrency 8 (MEDINVENTORY_MEMORY_CONCURRENCY). scripts/memory.sh runs each kind.
func TestMemoryPeakMix(t *testing.T) {
	if !soakMode() {
		t.Skip("long: set MEDINVENTORY_SOAK=1 (scripts/memory.sh does)")
	}
	kind := os.Getenv("MEDINVENTORY_MEMORY_KIND")
	conc := envInt("MEDINVENTORY_MEMORY_CONCURRENCY", 8)
	in := t.TempDir()
	accepted := 0
	switch kind {
	case "png16":
		for i := 0; i < 8; i++ {
			writePNG16(t, filepath.Join(in, fmt.Sprintf("huge%d.png", i)), 7745, 7745, i)
			writePNG16(t, filepath.Join(in, fmt.Sprintf("scan%d.png", i)), 4000, 3000, 100+i)
		}
		accepted = 8
	case "jpeg60":
		accepted = envInt("MEDINVENTORY_MEMORY_PHOTOS", 4)
		in = bigPhotos(t, accepted, 7745, 7745, 60000)
	case "heic12":
		writeHEICs(t, in, 8)
		accepted = 8
	case "mixed":
		accepted = writeMixed(t, in)
	default:
		t.Skip("set MEDINVENTORY_MEMORY_KIND to png16, jpeg60, heic12 or mixed")
	}
	rssKB, wall := importPeakRSS(t, in, accepted, conc)
	fmt.Printf("memory: %s, concurrency %d: Maximum resident set size %d kB (%.0f MB; limit 400 MB), import --wait took %s\n",
		kind, conc, rssKB, float64(rssKB)/1024, wall.Round(100*time.Millisecond))
	if rssKB > 400*1024 {
		t.Errorf("peak RSS %.0f MB; want ≤ 400 MB", float64(rssKB)/1024)
	}
}

// writeMixed writes the mixed batch into dir: 8 × 12 MP HEIC and 8 × 16-bit RGBA PNGs of
// 4000×3000. It returns how many photos the app accepts of them (all 16).
func writeMixed(t *testing.T, dir string) int {
	writeHEICs(t, dir, 8)
	for i := 0; i < 8; i++ {
		writePNG16(t, filepath.Join(dir, fmt.Sprintf("scan%d.png", i)), 4000, 3000, 100+i)
	}
	return 16
}

// writeHEICs writes n distinct 12 MP HEIC photos into dir (with heif-enc; the test skips without it).
func writeHEICs(t *testing.T, dir string, n int) {
	t.Helper()
	enc, err := exec.LookPath("heif-enc")
	if err != nil {
		t.Skip("heif-enc is needed (Debian: apt-get install libheif-examples)")
	}
	src := filepath.Join(t.TempDir(), "photo.jpg")
	bigPhotoJPEG(t, src, 4032, 3024, 1200)
	heic := filepath.Join(t.TempDir(), "photo.heic")
	if out, err := exec.Command(enc, "-q", "80", "-o", heic, src).CombinedOutput(); err != nil {
		t.Fatalf("heif-enc: %v\n%s", err, out)
	}
	data, err := os.ReadFile(heic)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		// Distinct files (the store keeps one copy of identical bytes): the ftyp box's minor
		// version, which no decoder reads.
		be.BigEndian.PutUint32(data[12:], uint32(i))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("IMG_%04d.HEIC", i)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// writePNG16 streams a w×h 16-bit RGBA PNG (a smooth gradient, different for each seed) to path
// without holding the image in memory.
func writePNG16(t *testing.T, path string, w, h, seed int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriter(f)
	chunk := func(typ string, data []byte) {
		be.Write(bw, be.BigEndian, uint32(len(data)))
		c := crc32.NewIEEE()
		io.WriteString(c, typ)
		c.Write(data)
		bw.WriteString(typ)
		bw.Write(data)
		be.Write(bw, be.BigEndian, c.Sum32())
	}
	bw.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := be.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = be.BigEndian.AppendUint32(ihdr, uint32(h))
	chunk("IHDR", append(ihdr, 16, 6, 0, 0, 0))
	pr, pw := io.Pipe()
	go func() {
		z, _ := zlib.NewWriterLevel(pw, zlib.BestSpeed)
		row := make([]byte, 1+8*w)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x += 64 { // blocks of 64 px: compresses well, still an image
				v := uint16((x*7 + y*3 + seed*977) % 65536)
				for k := x; k < min(x+64, w); k++ {
					o := 1 + 8*k
					be.BigEndian.PutUint16(row[o:], v)
					be.BigEndian.PutUint16(row[o+2:], v/2)
					be.BigEndian.PutUint16(row[o+4:], 65535-v)
					be.BigEndian.PutUint16(row[o+6:], 65535)
				}
			}
			z.Write(row)
		}
		z.Close()
		pw.Close()
	}()
	buf := make([]byte, 1<<20)
	for {
		n, err := io.ReadFull(pr, buf)
		if n > 0 {
			chunk("IDAT", buf[:n])
		}
		if err != nil {
			break
		}
	}
	chunk("IEND", nil)
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
}
