package syncclient_test

import (
	"context"
	"testing"

	"medinventory/store"
	"medinventory/store/stock"
)

// unitChange sets the product's unit on l.
func (l *laptop) unitChange(t *testing.T, unit string, size int64) {
	t.Helper()
	ctx := context.Background()
	p, err := l.st.FindProduct(ctx, gtin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.st.SetProductUnit(ctx, p.ID, unit, size); err != nil {
		t.Fatal(err)
	}
}

// count records a stock count of the product's one lot on l.
func (l *laptop) count(t *testing.T, n int64) {
	t.Helper()
	ctx := context.Background()
	p, err := l.st.FindProduct(ctx, gtin)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := l.st.ProductLines(ctx, p.ID)
	if err != nil || len(lines) != 1 {
		t.Fatalf("lots %+v, %v", lines, err)
	}
	if _, err := l.st.Count(ctx, []stock.CountInput{{LineID: lines[0].ID, Counted: n, Reason: stock.CountCorrection}}, ""); err != nil {
		t.Fatal(err)
	}
}

func recounts(t *testing.T, l *laptop) int {
	t.Helper()
	rs, err := l.st.SyncRecounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(rs)
}

// A converts the lot from 2 packs to 60 capsules while B, not yet synced, dispenses 1 pack. A's
// convert movement (+58) was worked out from a balance of 2; on B it lands on a balance of 1, so
// B would show 59 "capsules" where 30 are on the shelf. B cannot know what the -1 meant on A's
// side, so it is told: the lot is listed to count (SyncRecounts, sync --conflicts), with both
// balances; a count settles it, and the count travels, so every laptop then agrees.
func TestUnitChangedWhileTheOtherDispensedInTheOldUnit(t *testing.T) {
	d := newDistrict(t)
	a, b := newLaptop(t), newLaptop(t)
	a.join(t, d)
	a.receive(t, 2)
	a.sync(t, d)
	b.join(t, d)
	b.sync(t, d)
	a.unitChange(t, "capsule", 30)
	b.dispense(t, 1) // one pack, in B's unit
	a.sync(t, d)
	r := b.sync(t, d)
	if r.Recounts != 1 || recounts(t, b) != 1 {
		t.Fatalf("B was not told to count the lot: result %+v, %d lots to count", r, recounts(t, b))
	}
	rs, _ := b.st.SyncRecounts(context.Background())
	if rs[0].Ours != 1 || rs[0].Theirs != 2 || rs[0].Lot != "L1" {
		t.Fatalf("recount %+v; want this laptop's 1 beside the other's 2, lot L1", rs[0])
	}
	if nb := b.onHand(t); nb != 59 {
		t.Fatalf("B before the count: %d; want 59 (1 + 58: the movements are kept as recorded)", nb)
	}
	b.count(t, 30)
	if recounts(t, b) != 0 {
		t.Fatal("a count did not settle the lot to count")
	}
	b.sync(t, d)
	a.sync(t, d)
	if na, nb := a.onHand(t), b.onHand(t); na != 30 || nb != 30 {
		t.Fatalf("after the count: A %d, B %d; want 30 on both", na, nb)
	}
}

// Both laptops change the product's unit before either saw the other (capsules of 30 on A,
// tablets of 10 on B): each converted 2 packs, so the lot holds 2 + 58 + 18 = 78 of something on
// both. The unit is a conflict to settle, and the lot is listed to count on both laptops.
func TestUnitChangedOnBothLaptops(t *testing.T) {
	ctx := context.Background()
	d := newDistrict(t)
	a, b := newLaptop(t), newLaptop(t)
	a.join(t, d)
	a.receive(t, 2)
	a.sync(t, d)
	b.join(t, d)
	b.sync(t, d)
	a.unitChange(t, "capsule", 30)
	b.unitChange(t, "tablet", 10)
	a.sync(t, d)
	b.sync(t, d)
	a.sync(t, d)
	for name, l := range map[string]*laptop{"A": a, "B": b} {
		cs, err := l.st.SyncConflicts(ctx)
		if err != nil || len(cs) == 0 {
			t.Errorf("%s: conflicts %+v, %v; want the unit", name, cs, err)
		}
		if n := recounts(t, l); n != 1 {
			t.Errorf("%s: %d lots to count, want 1", name, n)
		}
	}
	// A settles every conflict with its own values (capsules of 30), counts the lot (60 capsules)
	// and syncs: both laptops count capsules of 30 and hold 60, nothing left to settle or count.
	cs, _ := a.st.SyncConflicts(ctx)
	for _, c := range cs {
		if err := a.st.SettleConflict(ctx, c.ID, c.Ours); err != nil {
			t.Fatalf("settling %s with %q: %v", c.Field, c.Ours, err)
		}
	}
	a.count(t, 60)
	a.sync(t, d)
	b.sync(t, d)
	for name, l := range map[string]*laptop{"A": a, "B": b} {
		p, _ := l.st.FindProduct(ctx, gtin)
		if p.Unit != "capsule" || p.PackSize != 30 || l.onHand(t) != 60 {
			t.Errorf("%s: %s of %d, %d on hand; want capsules of 30, 60", name, p.Unit, p.PackSize, l.onHand(t))
		}
		if cs, _ := l.st.SyncConflicts(ctx); len(cs) != 0 {
			t.Errorf("%s: conflicts left %+v", name, cs)
		}
		if n := recounts(t, l); n != 0 {
			t.Errorf("%s: %d lots to count left", name, n)
		}
	}
}

// A changes the unit (2 packs → 60 capsules), both sync, B dispenses 10 capsules, both sync, and
// A undoes its unit change: 50 capsules are not whole packs, so the undo is refused in words and
// nothing changes. After a count to 60 the undo goes back to 2 packs on both laptops. B then
// reverses A's count: both agree, and nothing is left to count or settle.
func TestUndoUnitChangeAfterSyncAndReverseAnotherLaptopsMovement(t *testing.T) {
	ctx := context.Background()
	d := newDistrict(t)
	a, b := newLaptop(t), newLaptop(t)
	a.join(t, d)
	a.receive(t, 2)
	a.sync(t, d)
	b.join(t, d)
	b.sync(t, d)
	p, _ := a.st.FindProduct(ctx, gtin)
	ch, err := a.st.SetProductUnit(ctx, p.ID, "capsule", 30)
	if err != nil {
		t.Fatal(err)
	}
	a.sync(t, d)
	b.sync(t, d)
	b.dispense(t, 10)
	b.sync(t, d)
	a.sync(t, d)
	if _, err := a.st.UndoUnitChange(ctx, ch.ID); err == nil {
		t.Fatal("undoing a unit change over 50 capsules (not whole packs) was let through")
	}
	a.count(t, 60)
	if _, err := a.st.UndoUnitChange(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	a.sync(t, d)
	b.sync(t, d)
	for name, l := range map[string]*laptop{"A": a, "B": b} {
		if n := l.onHand(t); n != 2 {
			t.Errorf("%s after the undo: %d, want 2 packs", name, n)
		}
		lp, _ := l.st.FindProduct(ctx, gtin)
		if lp.Unit != "pack" && lp.Unit != "" {
			t.Errorf("%s: unit %q after the undo, want pack", name, lp.Unit)
		}
		if n := recounts(t, l); n != 0 {
			t.Errorf("%s: %d lots to count, want 0", name, n)
		}
		if cs, _ := l.st.SyncConflicts(ctx); len(cs) != 0 {
			t.Errorf("%s: conflicts %+v", name, cs)
		}
	}
	// A's count was made in capsules: after the undo no laptop can reverse it (the rule of issue 27).
	var countID int64
	if err := b.st.ReadDB().QueryRow(`SELECT id FROM movements WHERE kind = 'count'`).Scan(&countID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.st.Reverse(ctx, countID, ""); err == nil {
		t.Fatal("B reversed a count made in capsules after the lot went back to packs")
	}
}

// B reverses A's receipt after a sync: both laptops end at 0, and A, once synced, cannot reverse it
// a second time.
func TestReverseAnotherLaptopsMovement(t *testing.T) {
	ctx := context.Background()
	d := newDistrict(t)
	a, b := newLaptop(t), newLaptop(t)
	a.join(t, d)
	a.receive(t, 5)
	a.sync(t, d)
	b.join(t, d)
	b.sync(t, d)
	var id int64
	if err := b.st.ReadDB().QueryRow(`SELECT id FROM movements WHERE kind = 'receive'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := b.st.Reverse(ctx, id, "wrong product"); err != nil {
		t.Fatal(err)
	}
	b.sync(t, d)
	a.sync(t, d)
	if na, nb := a.onHand(t), b.onHand(t); na != 0 || nb != 0 {
		t.Fatalf("after B's reversal: A %d, B %d; want 0", na, nb)
	}
	if err := a.st.ReadDB().QueryRow(`SELECT id FROM movements WHERE kind = 'receive'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Reverse(ctx, id, ""); err == nil {
		t.Fatal("A reversed a receipt B had already reversed")
	}
}

// A changes the unit (packs → capsules of 30) while B, not yet synced, holds packs A's change
// never converted: a new lot L2 A has not seen (3 packs), and 3 packs B received on lot L1 that A
// had emptied (A converted 0 there: no convert movement at all). B would show them as 3 capsules
// each; both lots are listed to count on B.
func TestUnitChangedOverLotsTheOtherLaptopDidNotHold(t *testing.T) {
	ctx := context.Background()
	d := newDistrict(t)
	a, b := newLaptop(t), newLaptop(t)
	a.join(t, d)
	a.receive(t, 2)
	a.sync(t, d)
	b.join(t, d)
	b.sync(t, d)
	a.dispense(t, 2)
	b.receive(t, 3) // on L1, in packs
	if _, _, _, err := b.st.ReceiveDelivery(ctx, store.Delivery{Product: gtin, Lot: "L2", Expiry: "2029-01-31", Quantity: 3}); err != nil {
		t.Fatal(err)
	}
	a.unitChange(t, "capsule", 30)
	a.sync(t, d)
	b.sync(t, d)
	rs, err := b.st.SyncRecounts(ctx)
	if err != nil || len(rs) != 2 {
		t.Fatalf("B's lots to count: %+v, %v; want L1 and L2", rs, err)
	}
}

// A lot made in packs of 30 (after the product became capsules of 30) travels with its size as
// an edit based on nothing: its creation, not a change. B, joining later, takes it as is, with
// nothing to count.
func TestALotMadeInPacksIsNotALotToCount(t *testing.T) {
	ctx := context.Background()
	d := newDistrict(t)
	a, b := newLaptop(t), newLaptop(t)
	a.join(t, d)
	a.receive(t, 2)
	a.unitChange(t, "capsule", 30)
	if _, _, _, err := a.st.ReceiveDelivery(ctx, store.Delivery{Product: gtin, Lot: "L2", Expiry: "2029-01-31", Packs: 1}); err != nil {
		t.Fatal(err)
	}
	a.sync(t, d)
	b.join(t, d)
	b.sync(t, d)
	if n := b.onHand(t); n != 90 {
		t.Fatalf("B sees %d, want 60 + 30", n)
	}
	if rs, _ := b.st.SyncRecounts(ctx); len(rs) != 0 {
		t.Fatalf("B lists lots to count: %+v", rs)
	}
}
