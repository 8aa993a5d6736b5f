package pipeline_test

import (
	"context"
	"image"
	"path/filepath"
	"testing"

	"medinventory/store"
)

// scene writes a photo of the zint symbol on a smooth background: flip reverses the background's
// gradient direction and (x0, y0) where the code sits; quality is the JPEG quality (the same scene
// at two qualities is two files that look alike). Each distinct scene is drawn once per test binary.
func scene(t *testing.T, path, symbol string, flip bool, x0, y0, quality int) {
	t.Helper()
	type sceneKey struct {
		symbol          string
		flip            bool
		x0, y0, quality int
	}
	const w, h = 800, 600 // how the photos look is what matters here, not their size
	k := sceneKey{symbol, flip, x0, y0, quality}
	writeFile(t, path, cachedJPEG(t, k, quality, func() image.Image {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			row := img.Pix[y*img.Stride : y*img.Stride+4*w]
			for x := 0; x < w; x++ {
				v := uint8(60 + x*150/w)
				if flip {
					v = uint8(210 - x*150/w) // the other way: every bit of the hash flips
				}
				row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = v, v, v/2, 255
			}
		}
		pasteCode(t, img, symbol, x0, y0)
		return img
	}))
}

// Photos of two packs of one lot (two serials), analysed by the model: one stock line, two pending
// receipts of the quantity the model read; confirming both gives the sum.
func TestPhotosOfOneLotBecomeReceiptsOnOneLine(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "sk-test-key-123456", false)
	dir := t.TempDir()
	p1, p2 := filepath.Join(dir, "a.jpg"), filepath.Join(dir, "b.jpg")
	scene(t, p1, "dm_full.png", false, 200, 200, 90)
	scene(t, p2, "dm_full_sn2.png", true, 460, 330, 90)
	a := answer("Panadol", "09506000134352", "AB-1234", "12/2027")
	f.srv.Enqueue(a)
	f.srv.Enqueue(a)
	for _, p := range []string{p1, p2} {
		if _, err := f.run(t, p); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := f.st.PendingReceipts(ctx)
	if err != nil || len(rs) != 2 {
		t.Fatalf("pending receipts = %d, %v; want 2", len(rs), err)
	}
	if rs[0].LineID != rs[1].LineID || rs[0].Quantity != 1 || rs[0].Line.Lot != "AB-1234" || rs[0].Line.Expiry != "2027-12-31" {
		t.Fatalf("receipts = %+v / %+v; want both of 1 on lot AB-1234, 2027-12-31", rs[0].Movement, rs[1].Movement)
	}
	if rs[1].SimilarPhotoID != 0 {
		t.Fatalf("two different-looking photos flagged as the same pack (%q)", rs[1].SimilarPhotoName)
	}
	for _, r := range rs {
		if _, err := f.st.ConfirmReceipt(ctx, r.ID, 2); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := f.st.ListProducts(ctx, store.ProductFilter{})
	if err != nil || len(ps) != 1 || ps[0].Usable != 4 || ps[0].Lots != 1 || ps[0].Name != "Panadol" {
		t.Fatalf("products = %+v, %v; want Panadol with 4 on one lot", ps, err)
	}
}

// The same pack shot again (other bytes, same look), its code without a serial, is flagged
// "probably the same pack".
func TestLookAlikePhotoIsFlagged(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", true) // offline: barcode-only entries
	dir := t.TempDir()
	p1, p2 := filepath.Join(dir, "first.jpg"), filepath.Join(dir, "again.jpg")
	scene(t, p1, "dm_short.png", false, 200, 200, 90)
	scene(t, p2, "dm_short.png", false, 200, 200, 70)
	first, _ := f.run(t, p1) // waits for the model, after saving the barcode's entry
	if _, err := f.run(t, p2); err == nil {
		t.Fatal("offline run did not wait")
	}
	rs, err := f.st.PendingReceipts(ctx)
	if err != nil || len(rs) != 2 {
		t.Fatalf("pending receipts = %d, %v", len(rs), err)
	}
	if rs[1].SimilarPhotoID != first.ID || rs[1].SimilarPhotoName != "first.jpg" || rs[0].LineID != rs[1].LineID {
		t.Fatalf("second receipt: similar to %d %q, lines %d/%d; want photo %d on one line",
			rs[1].SimilarPhotoID, rs[1].SimilarPhotoName, rs[0].LineID, rs[1].LineID, first.ID)
	}
	if err := f.st.MarkSamePack(ctx, rs[1].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.ConfirmReceipt(ctx, rs[0].ID, 1); err != nil {
		t.Fatal(err)
	}
	if l, _ := f.st.Line(ctx, rs[0].LineID); l.OnHand != 1 || l.PendingReceipts != 0 {
		t.Fatalf("line = %+v; want 1 on hand, nothing pending", l)
	}
}

// Issue 22: one pack photographed three ways (the same serial: the original, a re-shot that looks
// alike, and another shot on another background) plus a second pack of the same lot, imported
// offline, give exactly 2 receipts waiting, neither flagged; confirming them and every entry gives
// 2 on hand.
func TestThreePhotosOfOnePackAndASecondPackAreTwoReceipts(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", true) // offline: barcode-only entries
	dir := t.TempDir()
	shots := []struct {
		name, symbol string
		flip         bool
		x0, y0, q    int
	}{
		{"pack1.jpg", "dm_full.png", false, 200, 200, 90},
		{"pack1-again.jpg", "dm_full.png", false, 200, 200, 70}, // looks alike
		{"pack1-elsewhere.jpg", "dm_full.png", true, 460, 330, 90},
		{"pack2.jpg", "dm_full_sn2.png", false, 200, 200, 85}, // looks like pack1.jpg, another serial
	}
	for _, s := range shots {
		p := filepath.Join(dir, s.name)
		scene(t, p, s.symbol, s.flip, s.x0, s.y0, s.q)
		f.run(t, p) // offline: the barcode's entry is saved, then the job waits for the model
	}
	rs, err := f.st.PendingReceipts(ctx)
	if err != nil || len(rs) != 2 {
		t.Fatalf("pending receipts = %d, %v; want 2", len(rs), err)
	}
	if rs[0].PhotoName != "pack1.jpg" || rs[0].Serial != "SN00012345" || rs[1].PhotoName != "pack2.jpg" || rs[1].Serial != "SN00012346" {
		t.Fatalf("receipts of %q (%s) and %q (%s); want pack1.jpg and pack2.jpg", rs[0].PhotoName, rs[0].Serial, rs[1].PhotoName, rs[1].Serial)
	}
	if rs[1].SimilarPhotoID != 0 {
		t.Fatalf("the second pack is flagged as like %q although the serials differ", rs[1].SimilarPhotoName)
	}
	for _, r := range rs {
		if _, err := f.st.ConfirmReceipt(ctx, r.ID, 1); err != nil {
			t.Fatal(err)
		}
	}
	es, err := f.st.ListEntries(ctx, store.Filter{})
	if err != nil || len(es) != 4 {
		t.Fatalf("%d entries, %v", len(es), err)
	}
	for _, e := range es {
		if _, err := f.st.ConfirmEntry(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := f.st.ListProducts(ctx, store.ProductFilter{})
	if err != nil || len(ps) != 1 || ps[0].OnHand != 2 {
		t.Fatalf("products = %+v, %v; want 2 on hand", ps, err)
	}
}
