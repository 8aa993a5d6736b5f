package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"medinventory/store"
	"medinventory/ui/cli"
)

// shelfPhotosOfLotAB1234 copies into in the two photos of lot AB-1234 in the release-0.1.0 fixture
// (shelf-a.jpg, shelf-b.jpg): one pack, its GS1 DataMatrix (serial SN00012345) seen twice.
func shelfPhotosOfLotAB1234(t *testing.T, in string) {
	t.Helper()
	for name, src := range map[string]string{
		"shelf-a.jpg": "ed/ed9d8ac285eec4540bf58bcf03cb2a59ed7c0f9b47b5f0a677c6e712217df857.jpg",
		"shelf-b.jpg": "c8/c892beb39f36ca23866b96b8011dea4536d3122dc2213a8e78e48fc0babf0975.jpg",
	} {
		b, err := os.ReadFile(filepath.Join("store", "testdata", "release-0.1.0", "data", "photos", src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(in, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// Two different photos of the same pack, imported offline (their GS1 DataMatrix read locally: the
// same GTIN, lot and serial SN00012345), make one stock line with ONE receipt waiting for review
// (issue 22: a pack is counted once, whatever its photos look like); the other photo's entry says
// it is the same pack. The photos are the two of lot AB-1234 in the release-0.1.0 fixture.
func TestTwoPhotosOfOneLotOfflineEndToEnd(t *testing.T) {
	in, data := t.TempDir(), t.TempDir()
	shelfPhotosOfLotAB1234(t, in)
	r := runBin(t, nil, "--data-dir", data, "import", "--wait", "--offline", in)
	if r.code != cli.ExitWaiting {
		t.Fatalf("import --offline exit %d, want %d (waiting for the model)\n%s\n%s", r.code, cli.ExitWaiting, r.stdout, r.stderr)
	}
	stockJSON := func() []cli.StockProduct {
		t.Helper()
		r := runBin(t, nil, "--data-dir", data, "stock", "--format", "json")
		if r.code != 0 {
			t.Fatalf("stock exit %d: %s", r.code, r.stderr)
		}
		var out []cli.StockProduct
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("stock --format json: %v\n%s", err, r.stdout)
		}
		return out
	}
	ps := stockJSON()
	if len(ps) != 1 || len(ps[0].Lots) != 1 {
		t.Fatalf("stock = %+v; want one product with one lot", ps)
	}
	lot := ps[0].Lots[0]
	if ps[0].GTIN != "09506000134352" || lot.Lot != "AB-1234" || lot.Expiry != "2027-12-31" || lot.OnHand != 0 ||
		lot.WaitingForReview != 1 || lot.ReceiptsWaiting != 1 || !ps[0].OutOfStock {
		t.Fatalf("before review: %+v / %+v; want lot AB-1234, 0 on hand, 1 receipt of 1 waiting", ps[0], lot)
	}

	st, err := store.Open(context.Background(), data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := st.PendingReceipts(context.Background())
	if err != nil || len(rs) != 1 || rs[0].Serial != "SN00012345" {
		t.Fatalf("pending receipts %+v, %v; want 1, of serial SN00012345", rs, err)
	}
	es, err := st.ListEntries(context.Background(), store.Filter{})
	if err != nil || len(es) != 2 {
		t.Fatalf("%d entries, %v", len(es), err)
	}
	same := 0
	for _, e := range es {
		if strings.Contains(e.ReviewNote, "Same pack as photo") && strings.Contains(e.ReviewNote, "(serial SN00012345)") {
			same++
		}
	}
	if same != 1 {
		t.Fatalf("entries %+v; want one saying it is the same pack as the other photo", es)
	}
	if _, err := st.ConfirmReceipt(context.Background(), rs[0].ID, 5); err != nil { // the reviewer counts 5 packs
		t.Fatal(err)
	}
	st.Close()
	ps = stockJSON()
	if len(ps) != 1 || len(ps[0].Lots) != 1 || ps[0].Lots[0].OnHand != 5 || ps[0].UsableOnHand != 5 || ps[0].WaitingForReview != 0 {
		t.Fatalf("after confirming 5: %+v; want 5 on hand on the one lot", ps)
	}

	// The reports come out of the same data.
	r = runBin(t, nil, "--data-dir", data, "stock")
	if r.code != 0 || !strings.Contains(r.stdout, "AB-1234") || !strings.Contains(r.stdout, "5 pack") {
		t.Fatalf("stock table (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBin(t, nil, "--data-dir", data, "export", "--report", "movements", "--format", "csv")
	if r.code != 0 || strings.Count(r.stdout, "received") != 1 || !strings.Contains(r.stdout, "SN00012345") {
		t.Fatalf("movements CSV (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}
	pdf := filepath.Join(t.TempDir(), "lots.pdf")
	r = runBin(t, nil, "--data-dir", data, "export", "--report", "lots", "--format", "pdf", "-o", pdf)
	if b, err := os.ReadFile(pdf); r.code != 0 || err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("lots PDF (exit %d): %v %s", r.code, err, r.stderr)
	}
	for _, bad := range [][]string{
		{"stock", "--format", "xml"},
		{"stock", "--expiring", "-3"},
		{"export", "--report", "everything", "--format", "csv"},
		{"export", "--report", "lots", "--format", "docx"},
		{"export", "--report", "movements", "--from", "yesterday", "--format", "csv"},
		{"export", "--report", "lots", "--format", "csv", "-o", filepath.Join(data, "inventory.db")}, // never over the inventory
	} {
		if r := runBin(t, nil, append([]string{"--data-dir", data}, bad...)...); r.code != cli.ExitUsage || r.stderr == "" {
			t.Errorf("%v: exit %d, stderr %q; want %d with a reason", bad, r.code, r.stderr, cli.ExitUsage)
		}
	}
	if st := openDB(t, data); st.IntegrityCheck(context.Background()) != nil {
		t.Fatal("the inventory was damaged")
	}
}

// The stock commands through the binary: the two photos of lot AB-1234 imported offline show one
// pack (their DataMatrix codes carry the same serial), so one receipt waits; receipts --confirm-all
// confirms it; dispense by GTIN takes from that lot, and more than is on hand is refused.
func TestStockCommandsEndToEnd(t *testing.T) {
	in, data := t.TempDir(), t.TempDir()
	shelfPhotosOfLotAB1234(t, in)
	if r := runBin(t, nil, "--data-dir", data, "import", "--wait", "--offline", in); r.code != cli.ExitWaiting {
		t.Fatalf("import --offline exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r := runBin(t, nil, "--data-dir", data, "receipts", "--format", "json")
	var waiting []cli.ReceiptJSON
	if err := json.Unmarshal([]byte(r.stdout), &waiting); r.code != 0 || err != nil || len(waiting) != 1 || waiting[0].Serial != "SN00012345" {
		t.Fatalf("receipts: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	r = runBin(t, nil, "--data-dir", data, "receipts", "--confirm-all", "--format", "json")
	var done cli.ReceiptsConfirmed
	if err := json.Unmarshal([]byte(r.stdout), &done); r.code != 0 || err != nil || len(done.Confirmed) != 1 || len(done.Left) != 0 {
		t.Fatalf("receipts --confirm-all: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	onHand := int64(len(done.Confirmed))
	r = runBin(t, nil, "--data-dir", data, "dispense", "09506000134352", "1", "--format", "json")
	var ch cli.StockChange
	if err := json.Unmarshal([]byte(r.stdout), &ch); r.code != 0 || err != nil || len(ch.Movements) != 1 ||
		ch.Movements[0].Lot != "AB-1234" || ch.UsableOnHand != onHand-1 {
		t.Fatalf("dispense: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	r = runBin(t, nil, "--data-dir", data, "dispense", "09506000134352", "5")
	if r.code != cli.ExitFailed || !strings.Contains(r.stderr, "there is not that much on hand") {
		t.Fatalf("dispense too many: exit %d, %q", r.code, r.stderr)
	}
	if st := openDB(t, data); st.IntegrityCheck(context.Background()) != nil {
		t.Fatal("the inventory was damaged")
	}
}
