package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"medinventory/analyzer/openaitest"
	"medinventory/ui/cli"
)

// Issue 27's "done when", driving the real binary: two packs received, the product set to capsules
// in packs of 30 (60 capsules; undo brings back 2 packs exactly, and it is set again), 10
// dispensed (50), a photo of one more pack of that lot ("LOT A1" on the pack is lot A1) that the
// model reads as "30 capsules", proposed as "1 pack × 30 capsules = 30 capsules" and confirmed:
// 80. The conversion cannot be undone then (20 capsules are loose), and says so.
func TestPacksAndCapsulesEndToEnd(t *testing.T) {
	data, in := t.TempDir(), t.TempDir()
	ok := func(env []string, args ...string) string {
		t.Helper()
		r := runBin(t, env, append([]string{"--data-dir", data}, args...)...)
		if r.code != cli.ExitOK {
			t.Fatalf("%q: exit %d\n%s\n%s", args, r.code, r.stdout, r.stderr)
		}
		return r.stdout
	}
	lots := func() map[string]cli.StockLot {
		t.Helper()
		var ps []cli.StockProduct
		if err := json.Unmarshal([]byte(ok(nil, "stock", "--format", "json")), &ps); err != nil || len(ps) != 1 {
			t.Fatalf("stock --format json: %v, %+v", err, ps)
		}
		out := map[string]cli.StockLot{}
		for _, l := range ps[0].Lots {
			out[l.Lot] = l
		}
		return out
	}
	const gtin = "4006381333931"
	ok(nil, "receive", gtin, "2", "--name", "Amoxil", "--lot", "A1", "--expiry", "2027-03-31")
	ok(nil, "product", "set", gtin, "--unit", "capsule", "--pack-size", "30")
	if l := lots()["A1"]; l.OnHand != 60 || l.Unit != "capsule" || l.PackSize != 30 || l.Packs != 2 {
		t.Fatalf("after setting capsules in packs of 30: %+v; want 60 capsules", l)
	}
	if out := ok(nil, "product", "undo", gtin); !strings.Contains(out, "60 capsules → 2 packs") {
		t.Fatalf("undo:\n%s", out)
	}
	if l := lots()["A1"]; l.OnHand != 2 || l.Unit != "pack" || l.PackSize != 1 {
		t.Fatalf("after undo: %+v; want 2 packs", l)
	}
	ok(nil, "product", "set", gtin, "--unit", "capsule", "--pack-size", "30")
	ok(nil, "dispense", gtin, "10")
	if l := lots()["A1"]; l.OnHand != 50 || l.Packs != 1 || l.Loose != 20 {
		t.Fatalf("after dispensing 10: %+v; want 50 (1 pack + 20)", l)
	}

	// A photo of one more pack: the model reads one pack of 30 capsules.
	srv := openaitest.NewServer(t)
	conf := map[string]float64{}
	for _, f := range []string{"name", "generic_name", "strength", "dosage_form", "manufacturer", "gtin", "lot", "expiry", "quantity", "pack_size"} {
		conf[f] = 0.9
	}
	srv.SetDefault(openaitest.AnswerJSON(map[string]any{"not_medicine": false, "note": nil, "medicines": []any{map[string]any{
		"name": "Amoxil", "generic_name": "amoxicillin", "strength": "500 mg", "dosage_form": "capsule", "manufacturer": "GSK",
		"gtin": gtin, "lot": "LOT A1", "expiry": "03/2027", "quantity": 1, "pack_size": "30 capsules", "confidence": conf}}}))
	photoJPEG(t, filepath.Join(in, "amoxil.jpg"), 27)
	env := []string{"OPENAI_API_KEY=" + srv.Key(), "OPENAI_BASE_URL=" + srv.URL(), "OPENAI_MODEL=gpt-4.1-mini"}
	ok(env, "import", "--wait", in)
	out := ok(nil, "receipts")
	if !strings.Contains(out, "1 pack × 30 capsules = 30 capsules") {
		t.Fatalf("the receipt for review:\n%s", out)
	}
	var waiting []cli.ReceiptJSON
	if err := json.Unmarshal([]byte(ok(nil, "receipts", "--format", "json")), &waiting); err != nil || len(waiting) != 1 ||
		waiting[0].Quantity != 30 || waiting[0].Packs != 1 || waiting[0].PackSize != 30 || waiting[0].PackSizeFrom != "model" || waiting[0].Unit != "capsule" {
		t.Fatalf("receipts --format json: %v, %+v", err, waiting)
	}
	ok(nil, "receipts", "--confirm-all")
	if l := lots()["A1"]; l.OnHand != 80 {
		t.Fatalf("after confirming the photo's pack: %+v; want 80", l)
	}
	r := runBin(t, nil, "--data-dir", data, "product", "undo", gtin)
	if r.code != cli.ExitFailed || !strings.Contains(r.stderr, "20 loose") {
		t.Fatalf("undo with loose capsules: exit %d, %q", r.code, r.stderr)
	}
	if l := lots()["A1"]; l.OnHand != 80 {
		t.Fatalf("a refused undo changed the stock: %+v", l)
	}
}
