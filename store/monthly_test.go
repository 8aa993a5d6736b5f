package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"medinventory/store"
)

// The monthly report read from a real ledger: dated receipts and dispenses, a reversed dispense,
// a receipt still waiting for review (not stock), and the ordered quantity kept per month.
func TestMonthlyReport(t *testing.T) {
	c := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.Local)}
	st := openAt(t, c)
	ctx := context.Background()
	on := func(day string) context.Context {
		d, err := time.ParseInLocation(time.DateOnly, day, time.Local)
		if err != nil {
			t.Fatal(err)
		}
		return store.AtDate(ctx, d.Add(12*time.Hour))
	}
	_, p, _, err := st.ReceiveDelivery(on("2026-08-25"), store.Delivery{Product: "Amoxicillin", Lot: "L", Expiry: "2028-12-31", Quantity: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, day := range []string{"2026-09-15", "2026-10-15", "2026-11-15"} {
		if _, err := st.DispenseProduct(on(day), p.ID, 30, ""); err != nil {
			t.Fatal(err)
		}
	}
	// A dispense by mistake on Nov 20, reversed: not consumption.
	ms, err := st.DispenseProduct(on("2026-11-20"), p.ID, 5, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Reverse(on("2026-11-20"), ms[0].ID, "wrong product"); err != nil {
		t.Fatal(err)
	}
	nov := time.Date(2026, 11, 1, 0, 0, 0, 0, time.Local)
	rows, err := st.MonthlyReport(ctx, nov, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("%d rows", len(rows))
	}
	r := rows[0]
	if r.Product.ID != p.ID || r.Opening != 40 || r.Received != 0 || r.Dispensed != 30 || r.Closing != 10 || r.AMC != 30 ||
		r.MaxQuantity != 90 || r.OrderQuantity != 80 || r.Ordered != 80 || r.OrderedSet || r.StockOutDays != 0 {
		t.Fatalf("November: %+v", r)
	}

	if err := st.SetOrdered(ctx, nov, p.ID, 100, " rainy season "); err != nil {
		t.Fatal(err)
	}
	if err := st.SetOrdered(ctx, nov, p.ID, 120, "rainy season, two wards"); err != nil { // set again: replaced
		t.Fatal(err)
	}
	rows, _ = st.MonthlyReport(ctx, nov, 4)
	if r := rows[0]; r.Ordered != 120 || !r.OrderedSet || r.Reason != "rainy season, two wards" || r.MaxQuantity != 120 || r.OrderQuantity != 110 {
		t.Fatalf("after SetOrdered: %+v", r)
	}
	// Another month keeps its own.
	rows, _ = st.MonthlyReport(ctx, nov.AddDate(0, -1, 0), 0)
	if r := rows[0]; r.OrderedSet || r.Opening != 70 || r.Closing != 40 {
		t.Fatalf("October: %+v", r)
	}
	if err := st.SetOrdered(ctx, nov, p.ID, -1, ""); err == nil {
		t.Error("a negative quantity was kept")
	}
	if err := st.SetOrdered(ctx, nov, 9999, 1, ""); !errors.Is(err, store.ErrProductNotFound) {
		t.Errorf("an unknown product: %v", err)
	}
	var n int
	if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM requisition_lines`).Scan(&n); err != nil || n != 1 {
		t.Errorf("requisition lines: %d, %v", n, err)
	}
	// A month before anything happened lists nothing.
	if rows, err := st.MonthlyReport(ctx, time.Date(2026, 5, 1, 0, 0, 0, 0, time.Local), 0); err != nil || len(rows) != 0 {
		t.Errorf("May: %+v, %v", rows, err)
	}
}

// A lot that expires during the month: the days after its expiry are days out of stock (nothing
// usable), while its units stay on the books until disposed of.
func TestMonthlyReportCountsExpiredLotsAsOut(t *testing.T) {
	st := openAt(t, &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.Local)})
	ctx := context.Background()
	d := time.Date(2026, 8, 25, 12, 0, 0, 0, time.Local)
	if _, _, _, err := st.ReceiveDelivery(store.AtDate(ctx, d), store.Delivery{Product: "Zinc", Lot: "Z", Expiry: "2026-11-10", Quantity: 10}); err != nil {
		t.Fatal(err)
	}
	rows, err := st.MonthlyReport(ctx, time.Date(2026, 11, 1, 0, 0, 0, 0, time.Local), 0)
	if err != nil || len(rows) != 1 {
		t.Fatal(rows, err)
	}
	if r := rows[0]; r.Opening != 10 || r.Closing != 10 || r.StockOutDays != 20 {
		t.Errorf("November: %+v; want 10 on the books and 20 days out (Nov 11 to 30)", r)
	}
}
