package cli

import (
	"strings"
	"testing"
)

// "2 packs" dispensed without --lot when the lot first expiry first out has packs of 28 and the
// usual pack is 30: two boxes of 28 are 56 capsules (before: 60, the usual size, whichever box was
// taken). Packs that would come from lots of two sizes are refused, nothing recorded.
func TestDispensePacksFromLotsOfAnotherSize(t *testing.T) {
	data := t.TempDir()
	run := func(want int, args ...string) string {
		t.Helper()
		code, out, errs := cmd(t, data, args...)
		if code != want {
			t.Fatalf("%q: exit %d, want %d: %s%s", args, code, want, out, errs)
		}
		return out + errs
	}
	run(ExitOK, "receive", "Amoxicillin", "2", "--lot", "A1", "--expiry", "2031-05-31")
	run(ExitOK, "product", "set", "Amoxicillin", "--unit", "capsule", "--pack-size", "30")
	run(ExitOK, "receive", "Amoxicillin", "3 packs", "--pack-size", "28", "--lot", "B1", "--expiry", "2030-01-31")
	out := run(ExitOK, "dispense", "Amoxicillin", "2 packs")
	if !strings.Contains(out, "Dispensed 56 capsules, lot B1") || !strings.Contains(out, "28 capsules (1 pack) now in this lot.") {
		t.Fatalf("2 packs from B1 (28s):\n%s", out)
	}
	out = run(ExitFailed, "dispense", "Amoxicillin", "2", "--packs")
	if !strings.Contains(out, "lot B1: packs of 28 capsules, lot A1: packs of 30 capsules; name the lot") {
		t.Fatalf("2 packs over B1 (28s) and A1 (30s):\n%s", out)
	}
	if out := run(ExitOK, "stock"); !strings.Contains(out, "88 capsules") {
		t.Fatalf("nothing may be recorded by the refused dispense:\n%s", out)
	}
}

// A word that is neither a pack nor the product's unit was taken for units: "2 blisters" of
// capsules in packs of 30 dispensed 2 capsules, exit 0. Now it is refused and nothing recorded;
// the words for pack of every language the app speaks count packs ("2 caixas").
func TestQuantityWordOtherThanPackOrUnitIsRefused(t *testing.T) {
	data := t.TempDir()
	run := func(want int, args ...string) string {
		t.Helper()
		code, out, errs := cmd(t, data, args...)
		if code != want {
			t.Fatalf("%q: exit %d, want %d: %s%s", args, code, want, out, errs)
		}
		return out + errs
	}
	run(ExitOK, "receive", "Amoxicillin", "2", "--lot", "A1", "--expiry", "2031-05-31")
	if out := run(ExitFailed, "receive", "Amoxicillin", "5 capsules", "--lot", "A1", "--expiry", "2031-05-31"); !strings.Contains(out, "this product is counted in packs, not in capsules") {
		t.Fatalf("5 capsules of a product counted in packs:\n%s", out)
	}
	run(ExitOK, "product", "set", "Amoxicillin", "--unit", "capsule", "--pack-size", "30")
	for _, args := range [][]string{{"dispense", "Amoxicillin", "2 blisters"}, {"adjust", "Amoxicillin", "-2 strips", "--reason", "lost"},
		{"count", "Amoxicillin", "50 tablets"}, {"receive", "Amoxicillin", "2 blisters", "--lot", "A1", "--expiry", "2031-05-31"}} {
		if out := run(ExitFailed, args...); !strings.Contains(out, "is neither a pack nor a capsule; type a number of capsules") {
			t.Fatalf("%q:\n%s", args, out)
		}
	}
	if out := run(ExitOK, "dispense", "Amoxicillin", "1 caixa", "--lot", "A1"); !strings.Contains(out, "Dispensed 30 capsules") {
		t.Fatalf("1 caixa:\n%s", out)
	}
	if out := run(ExitOK, "stock"); !strings.Contains(out, "30 capsules") {
		t.Fatalf("only the pack dispensed:\n%s", out)
	}
}

// The stock table said "3 pack" (the number and the unit label side by side, untranslated) for a
// product counted in packs; it says "3 packs" ("3 boîtes" in French) like every other output.
func TestStockTableSaysPacksInWords(t *testing.T) {
	data := t.TempDir()
	if code, _, errs := cmd(t, data, "receive", "Paracetamol", "3", "--lot", "P1", "--expiry", "2031-05-31"); code != ExitOK {
		t.Fatal(errs)
	}
	code, out, errs := cmd(t, data, "stock")
	if code != ExitOK || !strings.Contains(out, "3 packs") || strings.Contains(out, "3 pack ") {
		t.Fatalf("stock: exit %d\n%s%s", code, out, errs)
	}
}

// The movements report labelled every row with the product's unit of today: after the product went
// from packs to capsules in packs of 30, the receipt of 2 packs read "received, 2, capsule". Each
// row now says the unit its quantity counts.
func TestMovementsReportSaysTheUnitOfEachMovement(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{{"receive", "Amoxicillin", "2", "--lot", "A1", "--expiry", "2031-05-31"},
		{"product", "set", "Amoxicillin", "--unit", "capsule", "--pack-size", "30"}, {"dispense", "Amoxicillin", "10"}} {
		if code, _, errs := cmd(t, data, args...); code != ExitOK {
			t.Fatalf("%q: %s", args, errs)
		}
	}
	code, out, errs := cmd(t, data, "export", "--report", "movements", "--format", "csv")
	if code != ExitOK {
		t.Fatal(errs)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		f := strings.Split(line, ",")
		got = append(got, f[6]+" "+f[8]+" "+f[13])
	}
	if want := []string{"received 2 pack", "unit converted 58 capsule", "dispensed -10 capsule"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("movements report rows %q; want %q\n%s", got, want, out)
	}
}
