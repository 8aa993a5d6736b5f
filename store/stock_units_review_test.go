package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
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

// A version-6 inventory with thousands of movements (receipts typed and from photos, dispenses
// over lots, adjustments, disposals, counts, reversals, backdated movements over a year) upgrades
// to packs with every figure kept: each lot's total, the ledger row for row, the stock on hand,
// the monthly report of every month, and CheckStockTotals. Then a unit change and its undo leave
// the monthly reports as they were.
func TestPacksMigrationOfALargeLedgerKeepsEveryFigure(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := &clock{time.Date(2026, 12, 7, 9, 0, 0, 0, time.Local)}
	st, err := store.Open(ctx, dir, store.Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	day := func(i int) context.Context { return store.AtDate(ctx, c.t.AddDate(0, 0, -365+i)) }
	var products []int64
	var lines []int64
	for p := range 20 {
		for l := range 3 {
			m, prod, _, err := st.ReceiveDelivery(day(p), store.Delivery{Product: "Medicine " + string(rune('A'+p)), Lot: "L" + string(rune('0'+l)),
				Expiry: time.Date(2027+l, time.Month(1+p%12), 28, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), Quantity: 400})
			if err != nil {
				t.Fatal(err)
			}
			lines = append(lines, m.LineID)
			if l == 0 {
				products = append(products, prod.ID)
			}
		}
	}
	for i := range 3000 {
		d := day(30 + i*300/3000)
		l := lines[i%len(lines)]
		var err error
		switch i % 6 {
		case 0, 1:
			_, err = st.DispenseProduct(d, products[i%len(products)], int64(1+i%5), "")
		case 2:
			_, err = st.Dispense(d, l, 2, "")
		case 3:
			var m stock.Movement
			if m, err = st.Receive(d, l, 3, ""); err == nil && i%4 == 3 {
				_, err = st.Reverse(ctx, m.ID, "")
			}
		case 4:
			_, err = st.Adjust(d, l, -1, stock.Lost, "")
		case 5:
			_, err = st.Dispose(d, l, 1, stock.Damaged, "")
		}
		if err != nil {
			t.Fatalf("movement %d: %v", i, err)
		}
	}
	months := []time.Time{}
	for m := range 13 {
		months = append(months, time.Date(2025, time.Month(12+m), 1, 0, 0, 0, 0, time.Local))
	}
	reports := func(st *store.Store) []string {
		var out []string
		for _, m := range months {
			rows, err := st.MonthlyReport(ctx, m, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				out = append(out, fmt.Sprintf("%s %s %d %d %d %d %d %.3f %d", m.Format("2006-01"), r.Product.Name, r.Opening, r.Received,
					r.Dispensed, r.LossesAdjustments, r.Closing, r.AMC, r.OrderQuantity))
			}
		}
		return out
	}
	const figures = `SELECT l.id || ' ' || t.on_hand || ' ' || t.pending FROM stock_lines l JOIN line_totals t ON t.line_id = l.id ORDER BY l.id`
	const ledger = `SELECT id || ' ' || line_id || ' ' || kind || ' ' || quantity || ' ' || status || ' ' || at FROM movements ORDER BY id`
	beforeReports := reports(st) // the same code reads the same ledger: what version 6 showed
	for _, q := range append(append(append([]string{}, downgradeSync...), downgradePacks...), `PRAGMA user_version = 6`) {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	before, beforeLedger := dump(t, st.ReadDB(), figures), dump(t, st.ReadDB(), ledger)
	st.Close()
	if n := len(beforeLedger); n < 3000 {
		t.Fatalf("only %d movements", n)
	}

	st, err = store.Open(ctx, dir, store.Options{Now: c.now})
	if err != nil {
		t.Fatalf("open the version 6 inventory: %v", err)
	}
	defer st.Close()
	if err := st.CheckStockTotals(ctx); err != nil {
		t.Fatal(err)
	}
	if after := dump(t, st.ReadDB(), figures); !reflect.DeepEqual(after, before) {
		t.Fatal("the lots' figures changed in the upgrade")
	}
	if after := dump(t, st.ReadDB(), ledger); !reflect.DeepEqual(after, beforeLedger) {
		t.Fatal("the ledger changed in the upgrade")
	}
	if after := reports(st); !reflect.DeepEqual(after, beforeReports) {
		t.Fatalf("the monthly reports changed in the upgrade:\nbefore %q\nafter  %q", beforeReports[:3], after[:3])
	}
	// A product counted in packs set to tablets in packs of 10: its reports are restated ×10 (a
	// lot whose balance is not whole packs cannot be converted back, so only restating is checked);
	// undone, every report is as before.
	ch, err := st.SetProductUnit(ctx, products[0], "tablet", 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CheckStockTotals(ctx); err != nil {
		t.Fatal(err)
	}
	mid, restated := reports(st), 0
	for i, r := range mid {
		if strings.Contains(r, " Medicine A ") {
			restated++
			var m, name1, name2 string
			var o, rc, d, a, cl int64
			fmt.Sscanf(r, "%s %s %s %d %d %d %d %d", &m, &name1, &name2, &o, &rc, &d, &a, &cl)
			var o0, rc0, d0, a0, cl0 int64
			fmt.Sscanf(beforeReports[i], "%s %s %s %d %d %d %d %d", &m, &name1, &name2, &o0, &rc0, &d0, &a0, &cl0)
			if o != 10*o0 || rc != 10*rc0 || d != 10*d0 || a != 10*a0 || cl != 10*cl0 {
				t.Errorf("%s after the change to tablets: %d %d %d %d %d; want ten times %d %d %d %d %d", m, o, rc, d, a, cl, o0, rc0, d0, a0, cl0)
			}
		} else if r != beforeReports[i] {
			t.Errorf("another product's report changed: %s, was %s", r, beforeReports[i])
		}
	}
	if restated != len(months) {
		t.Fatalf("%d months of Medicine A restated; want %d", restated, len(months))
	}
	if _, err := st.UndoUnitChange(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	if after := reports(st); !reflect.DeepEqual(after, beforeReports) {
		t.Fatal("the monthly reports after the change and its undo differ from before")
	}
	if err := st.CheckStockTotals(ctx); err != nil {
		t.Fatal(err)
	}
}

// Packs of 1 are the units themselves. A lot of 90 capsules in packs of 30 set to packs of 1 (kept
// loose) became 3 capsules (87 gone as a "conversion"), and 2 tablets counted one by one became
// 200 when the product's packs of 100 were set. The balance stays now, both ways, and undo too.
func TestPackSizeOfOneKeepsTheBalance(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, &clock{day0})
	m, p, _, err := st.ReceiveDelivery(ctx, store.Delivery{Product: "Amoxicillin", Lot: "A1", Expiry: "2031-05-31", Quantity: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetProductUnit(ctx, p.ID, "capsule", 30); err != nil {
		t.Fatal(err)
	}
	c, err := st.SetLinePackSize(ctx, m.LineID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if l := lineOnHand(t, st, m.LineID); l.OnHand != 90 || l.PackSize != 1 {
		t.Fatalf("90 capsules kept loose: %d in packs of %d; want 90 in 1", l.OnHand, l.PackSize)
	}
	if _, err := st.UndoUnitChange(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if l := lineOnHand(t, st, m.LineID); l.OnHand != 90 || l.PackSize != 30 {
		t.Fatalf("after undo: %d in packs of %d; want 90 in 30", l.OnHand, l.PackSize)
	}

	m, p, _, err = st.ReceiveDelivery(ctx, store.Delivery{Product: "Paracetamol", Lot: "P1", Expiry: "2031-05-31", Quantity: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetProductUnit(ctx, p.ID, "tablet", 0); err != nil { // a label: 3 tablets, counted one by one
		t.Fatal(err)
	}
	if _, err := st.Dispense(ctx, m.LineID, 1, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetProductUnit(ctx, p.ID, "", 100); err != nil {
		t.Fatal(err)
	}
	if l := lineOnHand(t, st, m.LineID); l.OnHand != 2 || l.PackSize != 100 {
		t.Fatalf("2 tablets once their packs of 100 are known: %d in packs of %d; want 2 in 100", l.OnHand, l.PackSize)
	}
	if err := st.CheckStockTotals(ctx); err != nil {
		t.Fatal(err)
	}
}

// Undo in order: an older change cannot be undone while a newer one of the same product stands
// (nothing changes); undone newest first, with movements between, every lot comes back exactly
// and the totals agree with the ledger; an undo is never undone twice.
func TestUndoOlderUnitChangeWhileANewerStands(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, &clock{day0})
	m, p, _, err := st.ReceiveDelivery(ctx, store.Delivery{Product: "Amoxicillin", Lot: "A1", Expiry: "2031-05-31", Quantity: 4})
	if err != nil {
		t.Fatal(err)
	}
	c1, err := st.SetProductUnit(ctx, p.ID, "capsule", 30)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := st.SetLinePackSize(ctx, m.LineID, 28)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UndoUnitChange(ctx, c1.ID); err == nil || !strings.Contains(err.Error(), "undo that one first") {
		t.Fatalf("undoing change 1 while change 2 stands: %v", err)
	}
	if l := lineOnHand(t, st, m.LineID); l.OnHand != 112 || l.PackSize != 28 {
		t.Fatalf("after the refused undo: %d in packs of %d; want 112 in 28", l.OnHand, l.PackSize)
	}
	if _, err := st.Dispense(ctx, m.LineID, 28, ""); err != nil {
		t.Fatal(err)
	}
	u2, err := st.UndoUnitChange(ctx, c2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UndoUnitChange(ctx, c2.ID); err == nil {
		t.Fatal("change 2 undone twice")
	}
	if _, err := st.UndoUnitChange(ctx, u2.ID); err == nil {
		t.Fatal("an undo was undone")
	}
	if l := lineOnHand(t, st, m.LineID); l.OnHand != 90 || l.PackSize != 30 {
		t.Fatalf("after undoing change 2: %d in packs of %d; want 90 (3 packs of 30)", l.OnHand, l.PackSize)
	}
	if _, err := st.UndoUnitChange(ctx, c1.ID); err != nil {
		t.Fatal(err)
	}
	if l := lineOnHand(t, st, m.LineID); l.OnHand != 3 || l.PackSize != 1 {
		t.Fatalf("after undoing change 1: %d in packs of %d; want 3 packs", l.OnHand, l.PackSize)
	}
	if err := st.CheckStockTotals(ctx); err != nil {
		t.Fatal(err)
	}
}

// A unit other than "pack" with packs of 1 has no packs: 2 tablets counted one by one became 60
// capsules when the product was set to capsules in packs of 30, and 60 capsules in packs of 30
// became 2 tablets when set to tablets with packs of 1. Both are refused now, nothing changed; an
// empty lot converts.
func TestUnitChangeFromOrToUnitsWithoutPacksIsRefused(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, &clock{day0})
	m, p, _, err := st.ReceiveDelivery(ctx, store.Delivery{Product: "Paracetamol", Lot: "P1", Expiry: "2031-05-31", Quantity: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetProductUnit(ctx, p.ID, "tablet", 0); err != nil { // renamed: 2 tablets, one by one
		t.Fatal(err)
	}
	_, err = st.SetProductUnit(ctx, p.ID, "capsule", 30)
	if !errors.Is(err, stock.ErrInexactConversion) || !strings.Contains(err.Error(), "tablets are counted one by one") {
		t.Fatalf("2 tablets to capsules in packs of 30: %v", err)
	}
	if l := lineOnHand(t, st, m.LineID); l.OnHand != 2 || l.PackSize != 1 {
		t.Fatalf("a refused change changed the lot: %+v", l)
	}
	m, p, _, err = st.ReceiveDelivery(ctx, store.Delivery{Product: "Amoxicillin", Lot: "A1", Expiry: "2031-05-31", Quantity: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetProductUnit(ctx, p.ID, "capsule", 30); err != nil {
		t.Fatal(err)
	}
	if _, err = st.SetProductUnit(ctx, p.ID, "tablet", 1); !errors.Is(err, stock.ErrInexactConversion) {
		t.Fatalf("60 capsules to tablets one by one: %v", err)
	}
	if l := lineOnHand(t, st, m.LineID); l.OnHand != 60 || l.PackSize != 30 {
		t.Fatalf("a refused change changed the lot: %+v", l)
	}
	if _, err := st.Dispense(ctx, m.LineID, 60, ""); err != nil {
		t.Fatal(err)
	}
	if _, err = st.SetProductUnit(ctx, p.ID, "tablet", 1); err != nil {
		t.Fatalf("an empty lot: %v", err)
	}
}
