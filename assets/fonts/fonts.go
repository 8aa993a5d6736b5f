// Package fonts holds the TrueType fonts the PDF reports are set in, and finds a system font for
// the scripts those lack.
//
// The PDF writer (github.com/go-pdf/fpdf) needs one TrueType font per piece of text that has a
// glyph for every character of it: it has no fallback between fonts, and it reads neither OpenType
// CFF (.otf) nor collections (.ttc). Embedded: DejaVu Sans Condensed, regular and bold (Debian's
// fonts-dejavu-core 2.37; gzip-compressed here, 655 KiB in the binary, 1.3 MiB once
// uncompressed on the first PDF): Latin, Greek, Cyrillic, Arabic, Hebrew, Armenian, Georgian and
// the narrow no-break space French writes thousands with. Chinese, Japanese and Korean would
// take a CJK font of 5 to 20 MB: not shipped. For those, System looks for a TrueType font on the
// computer that has the characters (Droid Sans Fallback on Linux, SimHei or DengXian on Windows,
// Arial Unicode on macOS…); without one, the PDF shows those characters as a box and says so.
//
// What fpdf does not do: no Arabic shaping (letters print in their isolated forms, not joined) and
// no right-to-left ordering (an Arabic or Hebrew name prints its letters left to right). The text
// is still in the PDF (search and copy find it) and the CSV and XLSX reports carry it exactly.
package fonts

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/image/font/sfnt"
)

//go:embed DejaVuSansCondensed.ttf.gz
var regularGz []byte

//go:embed DejaVuSansCondensed-Bold.ttf.gz
var boldGz []byte

// Face is a TrueType font: its bytes (for fpdf) and its character map.
type Face struct {
	Name string
	TTF  []byte
	font *sfnt.Font
	mu   sync.Mutex
	buf  sfnt.Buffer
}

// Has reports whether the font has a glyph for r.
func (f *Face) Has(r rune) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, err := f.font.GlyphIndex(&f.buf, r)
	return err == nil && g != 0
}

func newFace(name string, ttf []byte) (*Face, error) {
	ft, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, err
	}
	return &Face{Name: name, TTF: ttf, font: ft}, nil
}

var (
	sansOnce          sync.Once
	regular, bold     *Face
	errSans           error
	systemOnce        sync.Once
	systemFaces       []*Face
	systemDirsForTest []string
)

// Sans is the embedded DejaVu Sans Condensed, regular and bold.
func Sans() (reg, b *Face, err error) {
	sansOnce.Do(func() {
		load := func(name string, gz []byte) *Face {
			if errSans != nil {
				return nil
			}
			zr, err := gzip.NewReader(bytes.NewReader(gz))
			if err != nil {
				errSans = err
				return nil
			}
			ttf, err := io.ReadAll(zr)
			if err != nil {
				errSans = err
				return nil
			}
			f, err := newFace(name, ttf)
			errSans = err
			return f
		}
		regular = load("DejaVu Sans Condensed", regularGz)
		bold = load("DejaVu Sans Condensed Bold", boldGz)
	})
	return regular, bold, errSans
}

// systemCandidates are TrueType fonts known to cover Chinese, Japanese or Korean, tried first.
var systemCandidates = []string{
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", // Debian/Ubuntu fonts-droid-fallback
	"/usr/share/fonts/truetype/droid/DroidSansFallback.ttf",
	"/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf", // Fedora
	"/Library/Fonts/Arial Unicode.ttf",
	"/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
}

// fontDirs are the folders searched for other TrueType fonts.
func fontDirs() []string {
	if systemDirsForTest != nil {
		return systemDirsForTest
	}
	var dirs []string
	switch runtime.GOOS {
	case "windows":
		win := os.Getenv("WINDIR")
		if win == "" {
			win = `C:\Windows`
		}
		dirs = append(dirs, filepath.Join(win, "Fonts"))
		if l := os.Getenv("LOCALAPPDATA"); l != "" {
			dirs = append(dirs, filepath.Join(l, "Microsoft", "Windows", "Fonts"))
		}
	case "darwin":
		dirs = append(dirs, "/Library/Fonts", "/System/Library/Fonts", "/System/Library/Fonts/Supplemental")
	default:
		dirs = append(dirs, "/usr/share/fonts", "/usr/local/share/fonts")
	}
	if h, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(h, ".fonts"), filepath.Join(h, ".local", "share", "fonts"), filepath.Join(h, "Library", "Fonts"))
	}
	return dirs
}

// System is a TrueType font on this computer that has r (a character the embedded fonts lack,
// such as a Chinese one), or nil when there is none. The fonts are looked for once per run, at
// the first call: the known candidates, then every .ttf (at most 2000 files of at most 40 MB) in
// the system's and the user's font folders; .otf and .ttc files are skipped (fpdf cannot read them).
func System(r rune) *Face {
	systemOnce.Do(loadSystem)
	for _, f := range systemFaces {
		if f.Has(r) {
			return f
		}
	}
	return nil
}

// loadSystem reads the TrueType fonts that cover CJK (a sample of common characters).
func loadSystem() {
	const maxFiles, maxSize = 2000, 40 << 20
	seen := map[string]bool{}
	try := func(p string) {
		if seen[p] || len(systemFaces) >= 3 {
			return
		}
		seen[p] = true
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() || st.Size() > maxSize {
			return
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return
		}
		f, err := newFace(filepath.Base(p), b)
		if err != nil {
			return
		}
		for _, r := range "中文日本한국" { // Chinese, Japanese kanji, Korean hangul: it must have some
			if f.Has(r) {
				systemFaces = append(systemFaces, f)
				return
			}
		}
	}
	if systemDirsForTest == nil {
		for _, p := range systemCandidates {
			try(p)
		}
	}
	n := 0
	for _, d := range fontDirs() {
		_ = filepath.WalkDir(d, func(p string, e os.DirEntry, err error) error {
			if n >= maxFiles || len(systemFaces) >= 3 {
				return filepath.SkipAll
			}
			if err != nil {
				if e != nil && e.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !e.IsDir() && strings.EqualFold(filepath.Ext(p), ".ttf") {
				n++
				try(p)
			}
			return nil
		})
	}
}
