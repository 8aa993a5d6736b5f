package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"medinventory/store"
	"medinventory/store/stock"
)

// A lot whose balance was 0 when its product went from packs to capsules in packs of 30 got no
// convert movement, so a dispense of 2 packs from before the change could still be undone, and
// its reversal added 2 capsules where 2 packs (60) had been given out. It is refused now like
// any movement from before a change of unit; a movement after the change can still be undone.
func TestReverseAcrossAUnitChangeOfAnEmptyLot(t *testing.T) {
	ctx := context.Background()
	c := &clock{day0}
	st := openAt(t, c)
	rm, p, _, err := st.ReceiveDelivery(ctx, store.Delivery{Product: "Amoxicillin", Lot: "A1", Expiry: "2031-05-31", Quantity: 2})
	if err != nil {
		t.Fatal(err)
	}
	d, err := st.Dispense(ctx, rm.LineID, 2, "")
	if err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(time.Hour)
	if _, err := st.SetProductUnit(ctx, p.ID, "capsule", 30); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Reverse(ctx, d.ID, ""); !errors.Is(err, stock.ErrUnitChanged) {
		t.Fatalf("undoing a dispense of 2 packs after the lot became capsules: %v; want ErrUnitChanged", err)
	}
	if l := lineOnHand(t, st, rm.LineID); l.OnHand != 0 {
		t.Fatalf("on hand %d; want 0", l.OnHand)
	}
	// After the change, in capsules: undone as usual.
	r2, err := st.Receive(ctx, rm.LineID, 30, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Reverse(ctx, r2.ID, ""); err != nil {
		t.Fatalf("undoing a receipt made after the change: %v", err)
	}
}
