package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// Packs and dispensing units from the command line (issue 27): 2 packs received, the product set
// to capsules in packs of 30 (60 on hand), 10 dispensed (50), a pack received with --packs (80),
// quantities typed as "1 pack + 5", the stock table and JSON in units with packs beside them, and
// the change undone.
func TestProductUnitsFromTheCommandLine(t *testing.T) {
	data := t.TempDir()
	ok := func(args ...string) string {
		t.Helper()
		code, out, errs := cmd(t, data, args...)
		if code != ExitOK {
			t.Fatalf("%q: exit %d, %s", args, code, errs)
		}
		return out
	}
	ok("receive", "Amoxicillin", "2", "--lot", "L1", "--expiry", "2030-05-31")
	out := ok("product", "set", "amoxicillin", "--unit", "capsule", "--pack-size", "30")
	if !strings.Contains(out, "unit pack, packs of 1 → unit capsule, packs of 30") || !strings.Contains(out, "lot L1 (expiry 2030-05-31): 2 packs → 60 capsules (2 packs)") ||
		!strings.Contains(out, "Amoxicillin is counted in capsules, in packs of 30.") {
		t.Fatalf("product set:\n%s", out)
	}
	out = ok("dispense", "Amoxicillin", "10")
	if !strings.Contains(out, "Dispensed 10 capsules, lot L1 (expiry 2030-05-31), on ") || !strings.Contains(out, "50 capsules (1 pack + 20) now in this lot.") ||
		!strings.Contains(out, "Amoxicillin: 50 capsules (1 pack + 20) usable on hand.") {
		t.Fatalf("dispense 10 capsules:\n%s", out)
	}
	out = ok("receive", "Amoxicillin", "1", "--packs", "--lot", "L1", "--expiry", "2030-05-31")
	if !strings.Contains(out, "Received 30 capsules (1 pack × 30)") || !strings.Contains(out, "80 capsules (2 packs + 20) now in this lot.") {
		t.Fatalf("receive 1 pack:\n%s", out)
	}
	out = ok("dispense", "Amoxicillin", "1 pack + 5", "--lot", "L1")
	if !strings.Contains(out, "Dispensed 35 capsules") {
		t.Fatalf("dispense 1 pack + 5:\n%s", out)
	}
	out = ok("adjust", "Amoxicillin", "-1", "pack", "--reason", "lost")
	if !strings.Contains(out, "Adjusted by -30 capsules (lost)") || !strings.Contains(out, "15 capsules now in this lot.") {
		t.Fatalf("adjust -1 pack:\n%s", out)
	}
	out = ok("count", "Amoxicillin", "2p", "--reason", "count_correction")
	if !strings.Contains(out, "Counted 60 capsules (a difference of +45, count correction)") {
		t.Fatalf("count 2 packs:\n%s", out)
	}
	// A new lot of packs of 28, from another supplier.
	out = ok("receive", "Amoxicillin", "3 packs", "--pack-size", "28", "--lot", "L2", "--expiry", "2031-01-31", "--format", "json")
	var ch StockChange
	if err := json.Unmarshal([]byte(out), &ch); err != nil || len(ch.Movements) != 1 || ch.Movements[0].Quantity != 84 ||
		ch.Movements[0].Packs != 3 || ch.Movements[0].PackSize != 28 || ch.Movements[0].LotPackSize != 28 || ch.Unit != "capsule" {
		t.Fatalf("receive 3 packs of 28: %v\n%s", err, out)
	}

	out = ok("stock")
	if !strings.Contains(out, "144 capsules (4 packs + 24)") || !strings.Contains(out, "60 capsules (2 packs)") || !strings.Contains(out, "84 capsules (3 packs)") {
		t.Fatalf("stock table:\n%s", out)
	}
	var ps []StockProduct
	if err := json.Unmarshal([]byte(ok("stock", "--format", "json")), &ps); err != nil || len(ps) != 1 || ps[0].Unit != "capsule" ||
		ps[0].PackSize != 30 || len(ps[0].Lots) != 2 {
		t.Fatalf("stock json: %v, %+v", err, ps)
	}
	for _, l := range ps[0].Lots {
		want := map[string][3]int64{"L1": {60, 30, 2}, "L2": {84, 28, 3}}[l.Lot]
		if l.OnHand != want[0] || l.PackSize != want[1] || l.Packs != want[2] || l.Loose != 0 || l.Unit != "capsule" {
			t.Errorf("lot %s in JSON: %+v; want on hand %d in packs of %d", l.Lot, l, want[0], want[1])
		}
	}

	// Refusals, in plain words, changing nothing.
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"product", "set", "Amoxicillin"}, ExitUsage, "say what to set"},
		{[]string{"product", "rename", "Amoxicillin"}, ExitUsage, "name what to do"},
		{[]string{"product", "set", "Amoxicillin", "--lot", "L1", "--unit", "tablet"}, ExitUsage, "with --lot, give only --pack-size"},
		{[]string{"product", "set", "Amoxicillin", "--unit", "pack", "--pack-size", "5"}, ExitFailed, "a product counted in packs has packs of 1"},
		{[]string{"receive", "Amoxicillin", "1", "--packs", "--pack-size", "20", "--lot", "L1", "--expiry", "2030-05-31"}, ExitFailed, "lot L1 holds packs of 30, not 20"},
		{[]string{"dispense", "Amoxicillin", "two packs"}, ExitUsage, `"two packs" is not a quantity`},
		{[]string{"product", "undo", "Ibuprofen"}, ExitFailed, `no product is called "Ibuprofen"`},
	} {
		code, _, errs := cmd(t, data, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("%q: exit %d, %q; want %d and %q", tc.args, code, errs, tc.code, tc.want)
		}
	}

	// The lot L2's pack size corrected, then undone; the product's change undone once its lots are
	// whole packs again.
	out = ok("product", "set", "Amoxicillin", "--lot", "L2", "--pack-size", "21")
	if !strings.Contains(out, "lot L2: packs of 28 → packs of 21") || !strings.Contains(out, "84 capsules → 63 capsules (3 packs)") {
		t.Fatalf("lot pack size:\n%s", out)
	}
	ok("product", "undo", "Amoxicillin")
	ok("dispense", "Amoxicillin", "3 packs", "--lot", "L2")
	out = ok("product", "undo", "Amoxicillin")
	if !strings.Contains(out, "(undoes change 1)") || !strings.Contains(out, "60 capsules → 2 packs") {
		t.Fatalf("undo the unit change:\n%s", out)
	}
	out = ok("product", "changes", "Amoxicillin")
	if strings.Count(out, "Change ") != 4 || !strings.Contains(out, "(undone by change 4)") {
		t.Fatalf("changes:\n%s", out)
	}
	if out = ok("stock"); !strings.Contains(out, "2 pack") {
		t.Fatalf("stock after undo:\n%s", out)
	}
}
