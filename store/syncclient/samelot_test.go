package syncclient_test

import (
	"context"
	"testing"

	"medinventory/store/hub"
)

// Two laptops receive the same lot (same GTIN, lot and expiry) before either synced, 4 on A and
// 3 on B; after a sync both show 7. Then both dispense (2 on A, 1 on B) before syncing again:
// both laptops and the hub show 4, in one row, and every total adds up.
func TestSameLotReceivedAndDispensedOnTwoLaptops(t *testing.T) {
	ctx := context.Background()
	d := newDistrict(t)
	a, b := newLaptop(t), newLaptop(t)
	a.join(t, d)
	b.join(t, d)
	a.receive(t, 4)
	b.receive(t, 3)
	a.sync(t, d)
	b.sync(t, d)
	a.sync(t, d)
	if na, nb := a.onHand(t), b.onHand(t); na != 7 || nb != 7 {
		t.Fatalf("after the receipts: A %d, B %d; want 7", na, nb)
	}
	a.dispense(t, 2)
	b.dispense(t, 1)
	a.sync(t, d)
	b.sync(t, d)
	a.sync(t, d)
	if na, nb := a.onHand(t), b.onHand(t); na != 4 || nb != 4 {
		t.Fatalf("after the dispenses: A %d, B %d; want 4", na, nb)
	}
	rows, err := d.hub.Stock(ctx, hub.Filter{})
	if err != nil || len(rows) != 1 || rows[0].OnHand != 4 {
		t.Fatalf("hub stock %+v, %v; want one row of 4", rows, err)
	}
	if bad, err := d.hub.CheckTotals(ctx); err != nil || len(bad) != 0 {
		t.Fatalf("hub totals differ for %v (%v)", bad, err)
	}
	for _, l := range []*laptop{a, b} {
		p, _ := l.st.FindProduct(ctx, gtin)
		if lines, err := l.st.ProductLines(ctx, p.ID); err != nil || len(lines) != 1 {
			t.Fatalf("lots %+v, %v; want one", lines, err)
		}
	}
}

func hubFilter(clinic string) hub.Filter { return hub.Filter{Clinic: clinic} }
