package stock

import (
	"errors"
	"testing"
	"time"
)

// "2 packs" of a product without a named lot: a pack means the packs of the lots first expiry
// first out takes them from. Before, it always meant the product's usual size (30), so with lot B1
// in packs of 28 expiring first, "2 packs" took 60 capsules (B1's 28 and 32 of A1: a pack and 2
// loose) while the nurse took 2 boxes, 58 capsules.
func TestDispensePackSizeAcrossLotsOfOtherSizes(t *testing.T) {
	today := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	a := Line{ID: 1, Lot: "A1", Expiry: "2028-01-31", PackSize: 30, OnHand: 60}
	b := Line{ID: 2, Lot: "B1", Expiry: "2027-06-30", PackSize: 28, OnHand: 84}
	old := Line{ID: 3, Lot: "X0", Expiry: "2026-01-31", PackSize: 10, OnHand: 50} // expired: never taken
	// All the packs come from B1 (3 packs of 28): a pack is 28, not the usual 30.
	if n, err := DispensePackSize([]Line{a, b, old}, 2, 0, 30, "capsule", today); err != nil || n != 28 {
		t.Fatalf("2 packs from B1 in 28s: size %d, %v; want 28", n, err)
	}
	// 4 packs would take B1's 84 and some of A1's: packs of 28 and 30, refused in plain words.
	_, err := DispensePackSize([]Line{a, b}, 4, 0, 30, "capsule", today)
	if !errors.Is(err, ErrMixedPacks) || err.Error() != "the lots this would be taken from have packs of different sizes: "+
		"lot B1: packs of 28 capsules, lot A1: packs of 30 capsules; name the lot to take the packs from, or type the number of capsules" {
		t.Fatalf("4 packs over B1 (28s) and A1 (30s): %v", err)
	}
	// Units are units, whatever the lots' packs.
	if n, err := DispensePackSize([]Line{a, b}, 0, 100, 30, "capsule", today); err != nil || n != 30 {
		t.Fatalf("100 capsules: size %d, %v", n, err)
	}
	// One size everywhere: the usual one.
	b.PackSize = 30
	if n, err := DispensePackSize([]Line{a, b}, 4, 5, 30, "capsule", today); err != nil || n != 30 {
		t.Fatalf("4 packs + 5 over lots in 30s: size %d, %v", n, err)
	}
}

// Packs of 1 are the units themselves: a same-unit re-size from or to 1 keeps the balance.
func TestConvertBalanceWithPacksOfOne(t *testing.T) {
	for _, c := range []struct{ on, old, new, want int64 }{{90, 30, 1, 90}, {2, 1, 100, 2}, {50, 30, 28, 48}, {0, 1, 30, 0}} {
		if got, err := ConvertBalance(c.on, c.old, c.new); err != nil || got != c.want {
			t.Errorf("ConvertBalance(%d, %d, %d) = %d, %v; want %d", c.on, c.old, c.new, got, err, c.want)
		}
	}
	// Another unit: packs of 1 are whole packs (2 packs → 60 capsules).
	if got, err := ConvertUnitBalance(2, 1, 30); err != nil || got != 60 {
		t.Errorf("ConvertUnitBalance(2, 1, 30) = %d, %v; want 60", got, err)
	}
}
