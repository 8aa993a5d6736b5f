package syncclient_test

import (
	"context"
	"testing"

	"medinventory/store"
	"medinventory/store/hub"
)

func (l *laptop) receiveByName(t *testing.T, name, lot string, n int64) {
	t.Helper()
	if _, _, _, err := l.st.ReceiveDelivery(context.Background(), store.Delivery{Product: name, Lot: lot, Expiry: "2028-06-30", Quantity: n}); err != nil {
		t.Fatal(err)
	}
}

func (l *laptop) total(t *testing.T) (products int, onHand int64) {
	t.Helper()
	err := l.st.ReadDB().QueryRow(`SELECT (SELECT COUNT(*) FROM products), (SELECT COALESCE(SUM(on_hand), 0) FROM line_totals)`).Scan(&products, &onHand)
	if err != nil {
		t.Fatal(err)
	}
	return products, onHand
}

// The same medicine without a GTIN, made on two laptops before either synced, spelt with other
// case and spaces ("Paracetamol  500" and "paracetamol 500") and lot ("px1" and "PX1"): one
// product and one lot on both laptops, holding 8 = 5 + 3; the hub shows one row of 8. Another
// spelling ("Paracetamol 500mg") is another product: kept apart, nothing lost.
func TestSameProductWithoutGTINOnTwoLaptops(t *testing.T) {
	ctx := context.Background()
	d := newDistrict(t)
	a, b := newLaptop(t), newLaptop(t)
	a.join(t, d)
	b.join(t, d)
	a.receiveByName(t, "Paracetamol  500", "px1", 5)
	b.receiveByName(t, "paracetamol 500", "PX1", 3)
	b.receiveByName(t, "Paracetamol 500mg", "PX1", 1)
	a.sync(t, d)
	b.sync(t, d)
	a.sync(t, d)
	for name, l := range map[string]*laptop{"A": a, "B": b} {
		if p, n := l.total(t); p != 2 || n != 9 {
			t.Errorf("%s: %d products holding %d; want 2 holding 9", name, p, n)
		}
	}
	rows, err := d.hub.Stock(ctx, hub.Filter{})
	if err != nil || len(rows) != 2 {
		t.Fatalf("hub stock %+v, %v; want two rows", rows, err)
	}
	for _, r := range rows {
		if r.OnHand != 8 && r.OnHand != 1 {
			t.Errorf("hub row %+v; want 8 (paracetamol 500) or 1 (500mg)", r)
		}
	}
}
