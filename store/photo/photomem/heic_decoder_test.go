package photomem

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gen2brain/heic"
)

// TestHEICCostCapped: a 48 MP HEIC (an iPhone's largest) costs at most Budget whenever the
// WebAssembly decoder decodes it, and that is always so on Windows, even when gen2brain/heic has
// loaded a libheif.dll it found (which analyzer never calls there). The Wine smoke test
// (scripts/windows-wine-smoke.sh) runs this test as a Windows exe with a stand-in libheif.dll
// beside it, where Cost once asked heic.Dynamic() and so left the cost uncapped.
func TestHEICCostCapped(t *testing.T) {
	const w, h = 8064, 6048
	cost := Cost(bytes.NewReader(nil), "heic", w, h)
	t.Logf("GOOS %s, gen2brain/heic library: %v, WebAssembly decoder: %v, cost %d MB", runtime.GOOS, heic.Dynamic(), heicWASM(), cost>>20)
	if runtime.GOOS == "windows" && !heicWASM() {
		t.Fatal("on Windows HEIC photos are always decoded by the WebAssembly libheif, but heicWASM says otherwise")
	}
	if heicWASM() && cost > Budget {
		t.Fatalf("a %d×%d HEIC decoded as WebAssembly costs %d MB, more than the %d MB budget: it could never open", w, h, cost>>20, Budget>>20)
	}
	if !heicWASM() && cost <= Budget {
		t.Fatalf("a %d×%d HEIC decoded by the system libheif costs %d MB: its real cost is not capped", w, h, cost>>20)
	}
}

// TestHEICDecoderConstraint: heicWASM's build constraint is the one under which analyzer calls the
// system libheif (a copy of the same choice; the two must not drift apart).
func TestHEICDecoderConstraint(t *testing.T) {
	line := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Skipf("%v (not in the source tree)", err)
		}
		first, _, _ := strings.Cut(string(b), "\n")
		return first
	}
	ours := line("heic_decoder.go")
	theirs := line(filepath.Join("..", "..", "..", "analyzer", "image_heic_libheif.go"))
	if ours != theirs {
		t.Fatalf("heic_decoder.go is built under %q but analyzer calls the system libheif under %q", ours, theirs)
	}
}
