package barcode

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"os/exec"
	"path/filepath"
	"testing"
)

// testSize is the fixture size: a full 12 MP frame normally, a third of it when the race
// detector or -short would make image loops slow (coverage keeps the same module size in pixels
// roughly proportional).
func testSize() (int, int) {
	if raceOn || testing.Short() {
		return 1344, 1008
	}
	return 4032, 3024
}

var wantFull = GS1{GTIN: "09506000134352", Expiry: "2027-12-31", Lot: "AB-1234", Serial: "SN00012345"}

func readOne(t *testing.T, img image.Image) []Code {
	t.Helper()
	codes, err := Read(context.Background(), img)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return codes
}

func checkGS1(t *testing.T, codes []Code, sym Symbology, want GS1, at image.Point) {
	t.Helper()
	for _, c := range codes {
		if c.Symbology != sym || c.GS1 == nil {
			continue
		}
		got := *c.GS1
		got.Count, want.Count = nil, nil
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s read as %+v, want %+v", sym, got, want)
		}
		if !at.In(c.Bounds.Inset(-8)) {
			t.Errorf("%s bounds %v do not contain the symbol's centre %v", sym, c.Bounds, at)
		}
		return
	}
	t.Errorf("no %s code with GS1 data among %d codes: %+v", sym, len(codes), codes)
}

func TestReadDataMatrixRotationsAndScales(t *testing.T) {
	w, h := testSize()
	sym := loadSymbol(t, "dm_full.png")
	angles := []float64{0, 17, 45, 90, 133, 180, 270, 333}
	covs := []float64{0.015, 0.035}
	if raceOn {
		covs = []float64{0.03}
	}
	for i, a := range angles {
		for j, cov := range covs {
			t.Run(fmt.Sprintf("%v°_%.1f%%", a, cov*100), func(t *testing.T) {
				img, at := render(sym, scene{W: w, H: h, Angle: a, Coverage: cov, Seed: uint64(100 + i*10 + j), Quality: 80, Noise: 5})
				codes := readOne(t, img)
				checkGS1(t, codes, DataMatrix, wantFull, at)
				best, ok := Best(codes)
				if !ok || best.GTIN != wantFull.GTIN {
					t.Errorf("Best = %+v, %v", best, ok)
				}
			})
		}
	}
}

func TestReadOtherSymbols(t *testing.T) {
	w, h := testSize()
	cases := []struct {
		file   string
		sym    Symbology
		angle  float64
		cov    float64 // fraction of the frame; pixels per module for linear codes
		linear bool
		want   GS1
	}{
		{"dm_short.png", DataMatrix, 210, 0.02, false, GS1{GTIN: "05012345678900", Expiry: "2028-06-30"}},
		{"dm_long.png", DataMatrix, 300, 0.04, false, GS1{GTIN: "04012345678901", Expiry: "2029-02-28", Lot: "LOT2024X7Q", Serial: "A1B2C3D4E5F6G7H8"}},
		{"qr_gs1.png", QR, 30, 0.03, false, GS1{GTIN: "09506000134352", Expiry: "2027-06-30", Lot: "QR7"}},
		{"gs1_128.png", Code128, 0, 4, true, GS1{GTIN: "09506000134352", Expiry: "2028-01-31", Lot: "X9"}},
		{"gs1_128.png", Code128, 90, 3, true, GS1{GTIN: "09506000134352", Expiry: "2028-01-31", Lot: "X9"}},
		{"ean13.png", EAN13, 0, 5, true, GS1{GTIN: "05901234123457"}},
		{"ean13.png", EAN13, 8, 5, true, GS1{GTIN: "05901234123457"}},
		{"upca.png", UPCA, 180, 5, true, GS1{GTIN: "00036000291452"}},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%s_%v°", c.file, c.angle), func(t *testing.T) {
			img, at := render(loadSymbol(t, c.file), scene{W: w, H: h, Angle: c.angle, Coverage: c.cov, Linear: c.linear, Seed: uint64(200 + i), Quality: 80, Noise: 4})
			codes := readOne(t, img)
			checkGS1(t, codes, c.sym, c.want, at)
			if best, ok := Best(codes); !ok || best.GTIN != c.want.GTIN {
				t.Errorf("Best = %+v, %v; want GTIN %s", best, ok, c.want.GTIN)
			}
		})
	}
}

func TestReadPlainDataMatrixIsNotGS1(t *testing.T) {
	w, h := testSize()
	img, _ := render(loadSymbol(t, "dm_plain.png"), scene{W: w, H: h, Angle: 20, Coverage: 0.02, Seed: 300, Quality: 80, Noise: 4})
	codes := readOne(t, img)
	if len(codes) != 1 || codes[0].Symbology != DataMatrix || codes[0].Text != "not a GS1 code" || codes[0].GS1 != nil {
		t.Fatalf("codes = %+v, want one plain DataMatrix without GS1 data", codes)
	}
	if g, ok := Best(codes); ok {
		t.Errorf("Best = %+v, true; want false for a code with no GTIN", g)
	}
}

func TestReadNoCode(t *testing.T) {
	w, h := testSize()
	img, _ := render(nil, scene{W: w, H: h, Seed: 400, Quality: 80, Noise: 5})
	if codes := readOne(t, img); len(codes) != 0 {
		t.Fatalf("found %+v in a photo with no barcode", codes)
	}
}

func TestReadImageTypes(t *testing.T) {
	// Non-JPEG images and images whose bounds do not start at (0,0): bounds come back in the
	// input's own coordinates.
	sym := loadSymbol(t, "dm_short.png")
	rgba, at := render(sym, scene{W: 900, H: 700, Angle: 40, Coverage: 0.05, Seed: 500, Noise: 3})
	big := image.NewRGBA(image.Rect(0, 0, 1100, 900))
	draw.Draw(big, image.Rect(150, 120, 1050, 820), rgba, image.Point{}, draw.Src)
	sub := big.SubImage(image.Rect(150, 120, 1050, 820))
	grayImg := image.NewGray(rgba.Bounds())
	draw.Draw(grayImg, grayImg.Rect, rgba, image.Point{}, draw.Src)
	nrgba := image.NewNRGBA(rgba.Bounds())
	draw.Draw(nrgba, nrgba.Rect, rgba, image.Point{}, draw.Src)
	want := GS1{GTIN: "05012345678900", Expiry: "2028-06-30"}
	for name, tc := range map[string]struct {
		img image.Image
		at  image.Point
	}{
		"rgba":      {rgba, at},
		"subimage":  {sub, at.Add(image.Pt(150, 120))},
		"gray":      {grayImg, at},
		"nrgba":     {nrgba, at},
		"ycbcr-ish": {image.Image(toGenericImage{rgba}), at},
	} {
		t.Run(name, func(t *testing.T) { checkGS1(t, readOne(t, tc.img), DataMatrix, want, tc.at) })
	}
}

// toGenericImage hides the concrete type, forcing the generic conversion path.
type toGenericImage struct{ image.Image }

func TestReadEmptyImage(t *testing.T) {
	if _, err := Read(context.Background(), image.NewGray(image.Rect(0, 0, 0, 0))); err == nil {
		t.Fatal("Read of an empty image returned no error")
	}
}

func TestReadCancelled(t *testing.T) {
	w, h := testSize()
	img, _ := render(loadSymbol(t, "dm_full.png"), scene{W: w, H: h, Angle: 45, Coverage: 0.02, Seed: 600, Quality: 80, Noise: 5})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	codes, err := Read(ctx, img)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Read with a cancelled context: err = %v, want context.Canceled", err)
	}
	if len(codes) != 0 {
		t.Errorf("Read with a cancelled context found %+v; it should have stopped before decoding", codes)
	}
}

func TestBest(t *testing.T) {
	ean := Code{Symbology: EAN13, GS1: &GS1{GTIN: "05901234123457"}}
	plain := Code{Symbology: DataMatrix, Text: "x"}
	dm := Code{Symbology: DataMatrix, GS1: &GS1{GTIN: "09506000134352", Lot: "A"}}
	noGTIN := Code{Symbology: QR, GS1: &GS1{Lot: "B"}}
	if g, ok := Best([]Code{ean, plain, noGTIN, dm}); !ok || g.GTIN != dm.GS1.GTIN {
		t.Errorf("Best preferred %+v over the DataMatrix", g)
	}
	if g, ok := Best([]Code{plain, ean}); !ok || g.GTIN != ean.GS1.GTIN {
		t.Errorf("Best = %+v, %v; want the EAN GTIN", g, ok)
	}
	if _, ok := Best([]Code{plain, noGTIN}); ok {
		t.Error("Best found a GTIN where there is none")
	}
}

// TestReadZintExtra makes fresh GS1 DataMatrix symbols with zint when it is installed.
func TestReadZintExtra(t *testing.T) {
	zint, err := exec.LookPath("zint")
	if err != nil {
		t.Skip("zint is not installed; the committed symbols in testdata/ cover the same ground")
	}
	if raceOn || testing.Short() {
		t.Skip("extra zint cases run without -race and -short")
	}
	dir := t.TempDir()
	for i, c := range []struct {
		data string
		want GS1
	}{
		{"[01]03453120000011[17]300500[10]B7[21]Z", GS1{GTIN: "03453120000011", Expiry: "2030-05-31", Lot: "B7", Serial: "Z"}},
		{"[01]00012345600012[11]260101[17]310101[10]LONGLOT-123456789", GS1{GTIN: "00012345600012", ProductionDate: "2026-01-01", Expiry: "2031-01-01", Lot: "LONGLOT-123456789"}},
	} {
		out := filepath.Join(dir, fmt.Sprintf("z%d.png", i))
		if msg, err := exec.Command(zint, "-b", "71", "--gs1", "--square", "--scale=1", "-o", out, "-d", c.data).CombinedOutput(); err != nil {
			t.Fatalf("zint: %v: %s", err, msg)
		}
		sym := loadSymbolPath(t, out)
		img, at := render(sym, scene{W: 4032, H: 3024, Angle: float64(57 + 100*i), Coverage: 0.02, Seed: uint64(700 + i), Quality: 80, Noise: 5})
		checkGS1(t, readOne(t, img), DataMatrix, c.want, at)
	}
}
