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

// The defects a hostile review of packs found, through the real binary (each fails on the code
// before its fix): "2 packs" taken first expiry first out from a lot in packs of 28 are 56
// capsules, and packs over lots of two sizes are refused; "2 blisters" is refused, "1 caixa" is a
// pack on any desktop; a dispense typed in after the change with an earlier --date counts capsules
// in the monthly report; a lot set to packs of 1 keeps its capsules; the movements report says the
// unit each row counts.
func TestPacksReviewEndToEnd(t *testing.T) {
	data := t.TempDir()
	run := func(want int, args ...string) string {
		t.Helper()
		r := runBin(t, nil, append([]string{"--data-dir", data}, args...)...)
		if r.code != want {
			t.Fatalf("%q: exit %d, want %d\n%s\n%s", args, r.code, want, r.stdout, r.stderr)
		}
		return r.stdout + r.stderr
	}
	run(cli.ExitOK, "receive", "Amoxicillin", "2", "--lot", "A1", "--expiry", "2031-05-31", "--date", "2026-10-05")
	run(cli.ExitOK, "product", "set", "Amoxicillin", "--unit", "capsule", "--pack-size", "30")
	run(cli.ExitOK, "dispense", "Amoxicillin", "10", "--date", "2026-11-20")
	if out := run(cli.ExitOK, "report", "monthly", "--month", "2026-11", "--format", "json"); !strings.Contains(out, `"dispensed": 10,`) ||
		!strings.Contains(out, `"closing_balance": 50,`) {
		t.Fatalf("November after a backdated dispense of 10 capsules:\n%s", out)
	}
	run(cli.ExitOK, "receive", "Amoxicillin", "3 packs", "--pack-size", "28", "--lot", "B1", "--expiry", "2030-01-31")
	if out := run(cli.ExitOK, "dispense", "Amoxicillin", "2 packs"); !strings.Contains(out, "Dispensed 56 capsules, lot B1") {
		t.Fatalf("2 packs from B1 (28s):\n%s", out)
	}
	if out := run(cli.ExitFailed, "dispense", "Amoxicillin", "2 packs"); !strings.Contains(out, "lot B1: packs of 28 capsules, lot A1: packs of 30 capsules") {
		t.Fatalf("packs over lots of 28 and 30:\n%s", out)
	}
	if out := run(cli.ExitFailed, "dispense", "Amoxicillin", "2 blisters"); !strings.Contains(out, `"blisters" is neither a pack nor a capsule`) {
		t.Fatalf("2 blisters:\n%s", out)
	}
	if out := run(cli.ExitOK, "dispense", "Amoxicillin", "1 caixa", "--lot", "A1"); !strings.Contains(out, "Dispensed 30 capsules") {
		t.Fatalf("1 caixa:\n%s", out)
	}
	if out := run(cli.ExitOK, "product", "set", "Amoxicillin", "--lot", "A1", "--pack-size", "1"); !strings.Contains(out, "20 capsules → 20 capsules") {
		t.Fatalf("A1 kept loose:\n%s", out)
	}
	var ps []cli.StockProduct
	if err := json.Unmarshal([]byte(run(cli.ExitOK, "stock", "--format", "json")), &ps); err != nil || len(ps) != 1 || ps[0].UsableOnHand != 48 {
		t.Fatalf("stock: %v %+v; want 20 loose in A1 and 28 in B1", err, ps)
	}
	out := run(cli.ExitOK, "export", "--report", "movements", "--format", "csv", "--from", "2026-10-01")
	if !strings.Contains(out, ",received,,2,,,") || !strings.Contains(out, ",pack,") {
		t.Fatalf("movements report: the receipt of 2 packs:\n%s", out)
	}
}
