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

// The monthly report restated a movement by its date, not by when it was recorded: a dispense of
// 10 capsules typed in after the product became capsules, dated before the change (--date, a paper
// register), was taken for 10 packs: November showed 300 dispensed and a closing of -240. A photo's
// receipt still waiting at the change (proposed again in capsules, confirmed after it) is counted
// in capsules too. Every month's closing now meets the next month's opening and the shelf.
func TestMonthlyReportCountsMovementsInTheUnitTheyWereRecordedIn(t *testing.T) {
	ctx := context.Background()
	at := func(day string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, day, time.Local)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(9 * time.Hour)
	}
	c := &clock{at("2026-10-10")}
	st := openAt(t, c)
	vals := store.Values{Name: "Amoxil", GTIN: gtinA, Lot: "AM1", Expiry: "2028-01-31", Quantity: q(2), Unit: "30 capsules"}
	src := map[string]string{"name": store.SourceModel, "gtin": store.SourceBarcode, "lot": store.SourceBarcode,
		"expiry": store.SourceBarcode, "quantity": store.SourceModel, "unit": store.SourceModel}
	first := photoEntry(t, st, addPhoto(t, st, 1).ID, store.NewEntry{Values: vals, Sources: src})
	if _, err := st.ConfirmEntry(ctx, first); err != nil {
		t.Fatal(err)
	}
	r1, _ := st.ReceiptForEntry(ctx, first)
	c.t = at("2026-10-20")
	vals.Quantity = q(1)
	second := photoEntry(t, st, addPhoto(t, st, 60).ID, store.NewEntry{Values: vals, Sources: src})
	c.t = at("2026-11-10")
	if _, err := st.SetProductUnit(ctx, r1.Product.ID, "capsule", 30); err != nil {
		t.Fatal(err)
	}
	c.t = at("2026-12-07")
	r2, err := st.ReceiptForEntry(ctx, second)
	if err != nil || r2.Quantity != 30 {
		t.Fatalf("the waiting receipt after the change: %+v, %v", r2.Movement, err)
	}
	if _, err := st.ConfirmReceipt(ctx, r2.ID, 30); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Dispense(store.AtDate(ctx, at("2026-11-05")), r1.LineID, 10, ""); err != nil {
		t.Fatal(err)
	}
	if l := lineOnHand(t, st, r1.LineID); l.OnHand != 80 {
		t.Fatalf("on hand %d; want 80", l.OnHand)
	}
	var received, dispensed, prevClosing int64
	for i, m := range []string{"2026-10-01", "2026-11-01", "2026-12-01"} {
		rows, err := st.MonthlyReport(ctx, at(m), 0)
		if err != nil || len(rows) != 1 {
			t.Fatalf("%s: %d rows, %v", m, len(rows), err)
		}
		r := rows[0]
		t.Logf("%s: opening %d received %d dispensed %d adj %d closing %d", m, r.Opening, r.Received, r.Dispensed, r.LossesAdjustments, r.Closing)
		if i > 0 && r.Opening != prevClosing {
			t.Errorf("%s opens with %d; the month before closed with %d", m, r.Opening, prevClosing)
		}
		if m == "2026-11-01" && (r.Opening != 90 || r.Dispensed != 10) {
			t.Errorf("November: opening %d, dispensed %d; want 90 (2 packs and the photo's pack of 30) and 10 capsules", r.Opening, r.Dispensed)
		}
		received, dispensed, prevClosing = received+r.Received, dispensed+r.Dispensed, r.Closing
	}
	if received != 90 || dispensed != 10 || prevClosing != 80 {
		t.Errorf("over the three months: %d received, %d dispensed, closing %d; want 90, 10 and 80 (the shelf)", received, dispensed, prevClosing)
	}
}
