package main

import (
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/draw"
	"path/filepath"
	"strings"
	"testing"

	"github.com/disintegration/imaging"

	"medinventory/store"
	"medinventory/ui/cli"
)

// packScene makes a photo-like picture of a medicine box carrying a GS1 DataMatrix symbol
// (testdata/packs/*.png, made with zint: see testdata/packs/README.md): a box on a background, a
// few printed bars for the label, the symbol scaled up with its quiet zone.
func packScene(t *testing.T, symbol string, bg color.NRGBA, boxAt image.Point, scale int) *image.NRGBA {
	t.Helper()
	sym, err := imaging.Open(filepath.Join("testdata", "packs", symbol))
	if err != nil {
		t.Fatal(err)
	}
	img := imaging.New(1000, 750, bg)
	// A little texture on the background (a table, a shelf), so the scenes differ in more than colour.
	for y := 0; y < 750; y += 25 {
		draw.Draw(img, image.Rect(0, y, 1000, y+3), image.NewUniform(color.NRGBA{bg.R / 2, bg.G / 2, bg.B / 2, 255}), image.Point{}, draw.Src)
	}
	box := image.Rect(boxAt.X, boxAt.Y, boxAt.X+560, boxAt.Y+400)
	draw.Draw(img, box, image.NewUniform(color.NRGBA{245, 245, 240, 255}), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(box.Min.X, box.Min.Y, box.Max.X, box.Min.Y+70), image.NewUniform(color.NRGBA{30, 90, 170, 255}), image.Point{}, draw.Src)
	for i := 0; i < 5; i++ { // lines of "print"
		draw.Draw(img, image.Rect(box.Min.X+30, box.Min.Y+100+i*34, box.Min.X+300-i*25, box.Min.Y+116+i*34), image.NewUniform(color.NRGBA{40, 40, 40, 255}), image.Point{}, draw.Src)
	}
	code := imaging.Resize(sym, sym.Bounds().Dx()*scale, 0, imaging.NearestNeighbor)
	at := image.Pt(box.Max.X-code.Bounds().Dx()-40, box.Max.Y-code.Bounds().Dy()-40)
	draw.Draw(img, code.Bounds().Add(at), code, image.Point{}, draw.Src)
	return img
}

func saveJPEG(t *testing.T, img image.Image, path string) {
	t.Helper()
	if err := imaging.Save(img, path, imaging.JPEGQuality(88)); err != nil {
		t.Fatal(err)
	}
}

// One pack photographed three ways — the original, a re-shot turned by 3° and re-lit, and a shot on
// another background — plus a second pack of the same lot, imported offline: the serial in each GS1
// DataMatrix says which pack is which, so exactly two receipts wait, and confirming them all gives
// two packs on hand (issue 22's "done when").
func TestOnePackThreeWaysCountsOnce(t *testing.T) {
	in, data := t.TempDir(), t.TempDir()
	wood := color.NRGBA{150, 110, 70, 255}
	cloth := color.NRGBA{60, 120, 80, 255}
	saveJPEG(t, packScene(t, "pack_s1.png", wood, image.Pt(200, 150), 4), filepath.Join(in, "pack-1.jpg"))
	reshot := imaging.AdjustGamma(imaging.AdjustBrightness(imaging.Rotate(packScene(t, "pack_s1.png", wood, image.Pt(210, 160), 4), 3, wood), 12), 0.85)
	saveJPEG(t, reshot, filepath.Join(in, "pack-1-again.jpg"))
	saveJPEG(t, packScene(t, "pack_s1.png", cloth, image.Pt(60, 300), 5), filepath.Join(in, "pack-1-on-cloth.jpg"))
	saveJPEG(t, packScene(t, "pack_s2.png", wood, image.Pt(200, 150), 4), filepath.Join(in, "pack-2.jpg"))

	r := runBin(t, nil, "--data-dir", data, "import", "--wait", "--offline", in)
	if r.code != cli.ExitWaiting {
		t.Fatalf("import --offline exit %d, want %d (waiting for the model)\n%s\n%s", r.code, cli.ExitWaiting, r.stdout, r.stderr)
	}
	r = runBin(t, nil, "--data-dir", data, "receipts", "--format", "json")
	if r.code != cli.ExitOK {
		t.Fatalf("receipts exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var waiting []cli.ReceiptJSON
	if err := json.Unmarshal([]byte(r.stdout), &waiting); err != nil {
		t.Fatalf("receipts --format json: %v\n%s", err, r.stdout)
	}
	if len(waiting) != 2 {
		t.Fatalf("%d receipts waiting, want 2 (one per serial):\n%s", len(waiting), r.stdout)
	}
	serials := map[string]bool{}
	for _, w := range waiting {
		serials[w.Serial] = true
		if w.LooksLike != "" || w.Quantity != 1 || w.Lot != "AMX2026" {
			t.Errorf("receipt %+v; want 1 pack of lot AMX2026, not flagged (the serials tell the packs apart)", w)
		}
	}
	if !serials["SER0001"] || !serials["SER0002"] {
		t.Errorf("serials of the receipts %v; want SER0001 and SER0002", serials)
	}
	r = runBin(t, nil, "--data-dir", data, "receipts", "--confirm-all")
	if r.code != cli.ExitOK || !strings.HasPrefix(r.stdout, "2 receipt(s) confirmed; 0 left for review.") {
		t.Fatalf("receipts --confirm-all exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, nil, "--data-dir", data, "stock", "--format", "json")
	var ps []cli.StockProduct
	if err := json.Unmarshal([]byte(r.stdout), &ps); err != nil || r.code != 0 {
		t.Fatalf("stock --format json (exit %d): %v\n%s", r.code, err, r.stdout)
	}
	if len(ps) != 1 || len(ps[0].Lots) != 1 || ps[0].Lots[0].OnHand != 2 || ps[0].Lots[0].Lot != "AMX2026" {
		t.Fatalf("stock = %+v; want one lot AMX2026 with 2 on hand", ps)
	}
	if st := openDB(t, data); st.IntegrityCheck(context.Background()) != nil {
		t.Fatal("the inventory was damaged")
	}
}

// GS1 dates by the book, end to end: a pack whose DataMatrix says expiry 991231 is 1999-12-31 (the
// GS1 century rule: a year more than 50 ahead is the previous century's) and its lot is shown
// expired, not good until 2099; a pack whose code carries the impossible date 260230 keeps its GTIN,
// lot and serial, with a note saying the date is not one.
func TestGS1DatesByTheBookEndToEnd(t *testing.T) {
	in, data := t.TempDir(), t.TempDir()
	wood := color.NRGBA{150, 110, 70, 255}
	saveJPEG(t, packScene(t, "pack_1999.png", wood, image.Pt(200, 150), 4), filepath.Join(in, "old.jpg"))
	saveJPEG(t, packScene(t, "pack_baddate.png", wood, image.Pt(150, 250), 5), filepath.Join(in, "bad-date.jpg"))
	if r := runBin(t, nil, "--data-dir", data, "import", "--wait", "--offline", in); r.code != cli.ExitWaiting {
		t.Fatalf("import --offline exit %d, want %d\n%s\n%s", r.code, cli.ExitWaiting, r.stdout, r.stderr)
	}
	r := runBin(t, nil, "--data-dir", data, "receipts", "--confirm-all")
	if r.code != cli.ExitOK || !strings.HasPrefix(r.stdout, "2 receipt(s) confirmed") {
		t.Fatalf("receipts --confirm-all exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, nil, "--data-dir", data, "stock", "--format", "json")
	var ps []cli.StockProduct
	if err := json.Unmarshal([]byte(r.stdout), &ps); err != nil || r.code != 0 {
		t.Fatalf("stock --format json (exit %d): %v\n%s", r.code, err, r.stdout)
	}
	lots := map[string]cli.StockLot{}
	for _, p := range ps {
		for _, l := range p.Lots {
			lots[l.Lot] = l
		}
	}
	if l := lots["OLD99"]; l.Expiry != "1999-12-31" || !l.Expired || l.OnHand != 1 {
		t.Errorf("lot OLD99 = %+v; want expiry 1999-12-31, expired, 1 on hand", l)
	}
	if l, ok := lots["BAD26"]; !ok || l.Expiry != "" || l.OnHand != 1 {
		t.Errorf("lot BAD26 = %+v (found %v); want the lot kept, no expiry, 1 on hand", l, ok)
	}
	st := openDB(t, data)
	es, err := st.ListEntries(context.Background(), store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range es {
		if e.Lot == "BAD26" {
			found = true
			if e.GTIN != "05012345678900" || e.Serial != "SER0100" || !strings.Contains(e.ReviewNote, "260230 is not a date") {
				t.Errorf("entry of lot BAD26: GTIN %q serial %q note %q; want the GTIN and serial kept and a note on the date", e.GTIN, e.Serial, e.ReviewNote)
			}
		}
	}
	if !found {
		t.Errorf("no entry for lot BAD26 among %d", len(es))
	}
}
