package fonts

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestSansCoversTheScriptsItClaims(t *testing.T) {
	reg, bold, err := Sans()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []*Face{reg, bold} {
		for _, r := range "AéŒЖжβبשა\u202f\u00a0□€…·×" {
			if !f.Has(r) {
				t.Errorf("%s lacks %q (%U)", f.Name, r, r)
			}
		}
		if f.Has('中') {
			t.Errorf("%s has Chinese: the package doc is wrong", f.Name)
		}
	}
}

// System finds a TrueType font with the character in the folders it searches, skips files that
// are not fonts, and gives nil (never an error or a crash) when none has it.
func TestSystemFont(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "broken.ttf"), []byte("not a font"), 0o600); err != nil {
		t.Fatal(err)
	}
	reset := func(dirs ...string) {
		systemOnce, systemFaces, systemDirsForTest = sync.Once{}, nil, dirs
	}
	t.Cleanup(func() { reset(); systemDirsForTest = nil })
	reset(dir)
	if f := System('中'); f != nil {
		t.Fatalf("found %s in a folder without a Chinese font", f.Name)
	}
	const droid = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
	b, err := os.ReadFile(droid)
	if err != nil {
		t.Skipf("no Chinese TrueType font here to find (%v): apt-get install fonts-droid-fallback", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sub", "x.TTF"), b, 0o600); err == nil {
		t.Fatal("wrote into a missing folder?")
	}
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sub", "x.TTF"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	reset(dir)
	f := System('中')
	if f == nil || f.Name != "x.TTF" || !f.Has('蓝') {
		t.Fatalf("System('中') = %v", f)
	}
	if System('ក') != nil { // Khmer: neither font
		t.Fatal("found a font for Khmer")
	}
}
