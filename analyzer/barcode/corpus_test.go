package barcode

// The corpus harness: Read against plain gozxing (the dependency used with no search) on the same
// images, per folder, on two corpora — the shared ZXing camera photos (../shared/barcode-corpus,
// present in CI but not in a fresh clone: those tests skip, saying so) and the generated GS1 photos
// checked in under testdata/corpus (always run) — plus a false-read count on images with no code.

import (
	"context"
	"fmt"
	"image"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// sharedCorpusDir is the public ZXing corpus: $MEDINVENTORY_BARCODE_CORPUS, else
// ../shared/barcode-corpus beside the repository.
func sharedCorpusDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("MEDINVENTORY_BARCODE_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "barcode-corpus")
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Skipf("the shared barcode corpus is not here (%s): put ZXing's blackbox images there or set MEDINVENTORY_BARCODE_CORPUS to run this", dir)
	}
	return dir
}

// corpusImage is one image with the text its code holds ("" for an image without a code).
type corpusImage struct {
	folder, name string
	img          image.Image
	want         string
}

// loadCorpus reads every NAME.png|jpg|gif with its NAME.txt in the folders under dir (sorted).
// Images with no NAME.txt are taken as holding no code.
func loadCorpus(t testing.TB, dir string) []corpusImage {
	t.Helper()
	folders, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []corpusImage
	for _, f := range folders {
		if !f.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			ext := filepath.Ext(file.Name())
			if ext != ".png" && ext != ".jpg" && ext != ".gif" {
				continue
			}
			base := strings.TrimSuffix(file.Name(), ext)
			p := filepath.Join(dir, f.Name(), file.Name())
			fh, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			img, _, err := image.Decode(fh)
			fh.Close()
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			want, err := os.ReadFile(filepath.Join(dir, f.Name(), base+".txt"))
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			out = append(out, corpusImage{folder: f.Name(), name: file.Name(), img: img, want: string(want)})
		}
	}
	return out
}

// plainTexts is plain gozxing as the corpus README measured it: the whole image, hybrid
// binarizer, TRY_HARDER, the DataMatrix, QR, UPC/EAN and Code 128 readers, every text each
// returns.
func plainTexts(img image.Image) []string {
	src := gozxing.NewLuminanceSourceFromImage(img)
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	var out []string
	for _, rd := range []gozxing.Reader{datamatrix.NewDataMatrixReader(), qrcode.NewQRCodeReader(),
		oned.NewMultiFormatUPCEANReader(hints), oned.NewCode128Reader()} {
		bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
		if err != nil {
			continue
		}
		if res, err := rd.Decode(bmp, hints); err == nil {
			out = append(out, res.GetText())
		}
	}
	return out
}

// comparable drops a symbology identifier and GS separators, as the corpus README says.
func comparable(s string) string {
	for _, id := range []string{"]d2", "]d1", "]Q3", "]Q1", "]C1", "]e0", "]E0"} {
		s = strings.TrimPrefix(s, id)
	}
	return strings.ReplaceAll(s, "\x1d", "")
}

// sameCode says whether got (decoded text) is want; EAN/UPC digits compare as GTINs, so a UPC-A
// read as EAN-13 with a leading 0, or given as the GTIN-14 "01…" element string, still counts.
func sameCode(got, want string) bool {
	g, w := comparable(got), comparable(want)
	if g == w {
		return true
	}
	if isDigits(w) && len(w) >= 8 && len(w) <= 14 {
		g = strings.TrimPrefix(g, "01")
		return isDigits(g) && strings.TrimLeft(g, "0") == strings.TrimLeft(w, "0")
	}
	return false
}

// folderScore is one row of the comparison table.
type folderScore struct {
	images, ours, plain   int
	falseOurs, falsePlain int             // codes reported on images that hold none
	times, plainTimes     []time.Duration // CPU time per image (see cpuNow)
	worse                 []string
	other                 []string // codes Read reported on an image that are not the code it holds
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// scoreCorpus runs Read and plain gozxing on every image and tallies per folder.
func scoreCorpus(t testing.TB, imgs []corpusImage) (map[string]*folderScore, []string) {
	scores := map[string]*folderScore{}
	var order []string
	for _, ci := range imgs {
		s := scores[ci.folder]
		if s == nil {
			s = &folderScore{}
			scores[ci.folder] = s
			order = append(order, ci.folder)
		}
		s.images++
		start := cpuNow()
		codes, err := Read(context.Background(), ci.img)
		s.times = append(s.times, cpuNow()-start)
		if err != nil {
			t.Fatalf("%s/%s: %v", ci.folder, ci.name, err)
		}
		start = cpuNow()
		plain := plainTexts(ci.img)
		s.plainTimes = append(s.plainTimes, cpuNow()-start)
		if ci.want == "" {
			if len(codes) > 0 {
				s.falseOurs++
				s.worse = append(s.worse, fmt.Sprintf("%s: false code %q", ci.name, codes[0].Text))
			}
			if len(plain) > 0 {
				s.falsePlain++
			}
			continue
		}
		ours, theirs := false, false
		for _, c := range codes {
			if sameCode(c.Text, ci.want) {
				ours = true
			} else {
				s.other = append(s.other, fmt.Sprintf("%s: %q", ci.name, c.Text))
			}
		}
		for _, p := range plain {
			theirs = theirs || sameCode(p, ci.want)
		}
		if ours {
			s.ours++
		}
		if theirs {
			s.plain++
			if !ours {
				s.worse = append(s.worse, ci.name)
			}
		}
	}
	return scores, order
}

func reportScores(t testing.TB, scores map[string]*folderScore, order []string) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-18s %6s %6s %6s %8s %8s %10s %10s\n", "folder", "images", "Read", "plain", "false", "plainF", "median-cpu", "plain-cpu")
	for _, f := range order {
		s := scores[f]
		fmt.Fprintf(&b, "%-18s %6d %6d %6d %8d %8d %10s %10s\n", f, s.images, s.ours, s.plain, s.falseOurs, s.falsePlain,
			median(s.times).Round(10*time.Microsecond), median(s.plainTimes).Round(10*time.Microsecond))
	}
	t.Log(b.String())
}

// TestSharedCorpusNeverWorseThanPlain: on ZXing's public photos, Read reads every code plain
// gozxing reads (image by image, not only as many per folder), reports no code on an image that
// holds none, and reads at least zxing-cpp's DataMatrix total (57 of 59).
func TestSharedCorpusNeverWorseThanPlain(t *testing.T) {
	if testing.Short() || raceOn {
		t.Skip("reads 480 photos twice: run without -short and -race (the benchmark BenchmarkCorpus prints the same table)")
	}
	imgs := loadCorpus(t, sharedCorpusDir(t))
	scores, order := scoreCorpus(t, imgs)
	reportScores(t, scores, order)
	dm := 0
	for _, f := range order {
		s := scores[f]
		if strings.HasPrefix(f, "datamatrix") {
			dm += s.ours
		}
		if s.ours < s.plain || s.falseOurs > 0 {
			t.Errorf("%s: Read reads %d, plain gozxing %d; %d false code(s)", f, s.ours, s.plain, s.falseOurs)
		}
		if len(s.worse) > 0 {
			t.Errorf("%s: read by plain gozxing, not by Read: %v", f, s.worse)
		}
	}
	if dm < 57 {
		t.Errorf("DataMatrix: Read reads %d of 59; zxing-cpp reads 57", dm)
	}
}
