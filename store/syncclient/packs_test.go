package syncclient_test

import (
	"context"
	"testing"
)

// Packs and dispensing units travel (issues 27 and 28): A receives 2 packs, then counts the
// product in capsules, packs of 30 (a convert movement of +58, the product's unit and usual pack
// size, the lot's pack size); B, joining after, sees 60 capsules in packs of 30 — converted once,
// by A's movement, not a second time by the edits; B dispenses 10 and A sees 50.
func TestPackSizesTravelAndConvertOnce(t *testing.T) {
	ctx := context.Background()
	d := newDistrict(t)
	a, b := newLaptop(t), newLaptop(t)
	a.join(t, d)
	a.receive(t, 2)
	p, err := a.st.FindProduct(ctx, gtin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.SetProductUnit(ctx, p.ID, "capsule", 30); err != nil {
		t.Fatal(err)
	}
	if n := a.onHand(t); n != 60 {
		t.Fatalf("A after the unit change: %d, want 60", n)
	}
	a.sync(t, d)
	b.join(t, d)
	b.sync(t, d)
	if n := b.onHand(t); n != 60 {
		t.Fatalf("B sees %d, want 60 (converted once)", n)
	}
	bp, err := b.st.FindProduct(ctx, gtin)
	if err != nil {
		t.Fatal(err)
	}
	if bp.Unit != "capsule" || bp.PackSize != 30 {
		t.Fatalf("B's product: unit %q, pack size %d; want capsule, 30", bp.Unit, bp.PackSize)
	}
	lines, err := b.st.ProductLines(ctx, bp.ID)
	if err != nil || len(lines) != 1 || lines[0].PackSize != 30 {
		t.Fatalf("B's lots: %+v, %v; want one lot in packs of 30", lines, err)
	}
	b.dispense(t, 10)
	b.sync(t, d)
	a.sync(t, d)
	if n := a.onHand(t); n != 50 {
		t.Fatalf("A sees %d, want 50", n)
	}
	// Nothing was left to settle: the edits were based on each other.
	if c, err := b.st.SyncConflicts(ctx); err != nil || len(c) != 0 {
		t.Fatalf("conflicts %+v, %v", c, err)
	}
}
