package store_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"medinventory/store"
	"medinventory/store/stock"
)

func lineOnHand(t *testing.T, st *store.Store, id int64) stock.Line {
	t.Helper()
	l, err := st.Line(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Issue 27's "done when": two packs received, the product then set to capsules in packs of 30: 60
// capsules on hand; 10 dispensed: 50; a photo of another pack of the same product (an analysis
// that read "30 capsules"), confirmed: 80. Undo of the unit change brings back the packs exactly.
func TestPacksToCapsulesAndBack(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, &clock{day0})
	vals := store.Values{Name: "Amoxil", GTIN: gtinA, Lot: "AM1", Expiry: "2028-01-31", Quantity: q(2), Unit: "30 capsules"}
	src := map[string]string{"name": store.SourceModel, "gtin": store.SourceBarcode, "lot": store.SourceBarcode,
		"expiry": store.SourceBarcode, "quantity": store.SourceModel, "unit": store.SourceModel}
	first := photoEntry(t, st, addPhoto(t, st, 1).ID, store.NewEntry{Values: vals, Sources: src})
	if _, err := st.ConfirmEntry(ctx, first); err != nil {
		t.Fatal(err)
	}
	r, _ := st.ReceiptForEntry(ctx, first)
	// Counted in packs (the unit every product has until told otherwise): 2 packs are 2.
	if r.Quantity != 2 || r.Packs != 2 || r.PackSize != 1 || r.Product.Unit != "pack" || r.Product.PackSize != 1 {
		t.Fatalf("2 packs of a product counted in packs: %+v, product %+v", r.Movement, r.Product)
	}
	lineID, productID := r.LineID, r.Product.ID

	c, err := st.SetProductUnit(ctx, productID, "capsule", 30)
	if err != nil {
		t.Fatal(err)
	}
	if l := lineOnHand(t, st, lineID); l.OnHand != 60 || l.PackSize != 30 {
		t.Fatalf("after setting capsules in packs of 30: %d on hand in packs of %d; want 60 in 30", l.OnHand, l.PackSize)
	}
	if len(c.Lines) != 1 || c.Lines[0].OldOnHand != 2 || c.Lines[0].NewOnHand != 60 || c.OldUnit != "pack" || c.NewUnit != "capsule" ||
		c.OldPackSize != 1 || c.NewPackSize != 30 || c.LineID != 0 {
		t.Fatalf("the recorded change: %+v", c)
	}
	conv, err := st.Movement(ctx, c.Lines[0].MovementID)
	if err != nil || conv.Kind != stock.Convert || conv.Quantity != 58 || conv.Note != "2 packs → 60 capsules" || conv.BatchID != c.BatchID {
		t.Fatalf("the convert movement: %+v, %v", conv, err)
	}
	// History is never rewritten: the receipt still says 2, the card adds +58.
	card, _ := st.StockCard(ctx, lineID)
	if len(card) != 2 || card[0].Quantity != 2 || card[1].Balance != 60 {
		t.Fatalf("stock card %+v", card)
	}
	// The old receipt cannot be undone in the wrong unit.
	if _, err := st.Reverse(ctx, r.ID, ""); !errors.Is(err, stock.ErrUnitChanged) {
		t.Fatalf("undoing a receipt from before the change: %v; want ErrUnitChanged", err)
	}
	if _, err := st.Reverse(ctx, conv.ID, ""); !errors.Is(err, stock.ErrUnitChanged) {
		t.Fatalf("undoing a conversion as a movement: %v; want ErrUnitChanged", err)
	}

	// Undo brings back the packs exactly; the undo is recorded too, and the change again works.
	u, err := st.UndoUnitChange(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if l := lineOnHand(t, st, lineID); l.OnHand != 2 || l.PackSize != 1 {
		t.Fatalf("after undo: %d on hand in packs of %d; want 2 in 1", l.OnHand, l.PackSize)
	}
	if p, _ := st.StockProduct(ctx, productID); p.Unit != "pack" || p.PackSize != 1 || u.UndoesID != c.ID {
		t.Fatalf("after undo the product is %q × %d, undo %+v", p.Unit, p.PackSize, u)
	}
	if _, err := st.UndoUnitChange(ctx, c.ID); err == nil {
		t.Fatal("a change was undone twice")
	}
	if cs, _ := st.UnitChanges(ctx, productID); len(cs) != 2 || cs[0].UndoneBy != u.ID || cs[1].UndoesID != c.ID {
		t.Fatalf("unit changes %+v", cs)
	}
	c2, err := st.SetProductUnit(ctx, productID, "capsule", 30)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Dispense(ctx, lineID, 10, ""); err != nil {
		t.Fatal(err)
	}
	if l := lineOnHand(t, st, lineID); l.OnHand != 50 {
		t.Fatalf("after dispensing 10 capsules: %d, want 50", l.OnHand)
	}
	// A confirmed entry from before the change keeps its stock when edited.
	if _, err := st.UpdateEntry(ctx, first, map[string]string{"notes": "on the top shelf"}); err != nil {
		t.Fatal(err)
	}
	if l := lineOnHand(t, st, lineID); l.OnHand != 50 {
		t.Fatalf("editing an old entry's note changed the stock: %d", l.OnHand)
	}

	// A photo of another pack: one pack of 30 capsules, proposed as 30 and confirmed.
	vals.Quantity = q(1)
	second := photoEntry(t, st, addPhoto(t, st, 60).ID, store.NewEntry{Values: vals, Sources: src})
	r2, err := st.ReceiptForEntry(ctx, second)
	if err != nil || r2.Quantity != 30 || r2.Packs != 1 || r2.PackSize != 30 || r2.PackSizeFrom != stock.PackSizeFromModel || r2.LineID != lineID {
		t.Fatalf("the second photo's receipt: %+v, %v", r2.Movement, err)
	}
	if _, err := st.ConfirmReceipt(ctx, r2.ID, 25); !errors.Is(err, stock.ErrQuantity) {
		t.Fatalf("confirming 25 capsules of whole packs of 30: %v", err)
	}
	if _, err := st.ConfirmReceipt(ctx, r2.ID, 30); err != nil {
		t.Fatal(err)
	}
	if l := lineOnHand(t, st, lineID); l.OnHand != 80 {
		t.Fatalf("after the photo's pack: %d, want 80", l.OnHand)
	}
	// 80 capsules are 2 packs + 20 loose: undoing the change would round 20 capsules away.
	_, err = st.UndoUnitChange(ctx, c2.ID)
	if !errors.Is(err, stock.ErrInexactConversion) || !strings.Contains(err.Error(), "20 loose") || !strings.Contains(err.Error(), "AM1") {
		t.Fatalf("undo with loose capsules: %v; want a refusal naming the lot and the loose ones", err)
	}
	if l := lineOnHand(t, st, lineID); l.OnHand != 80 || l.PackSize != 30 {
		t.Fatalf("a refused undo changed the lot: %+v", l)
	}
}

// A lot's pack size changes by whole packs; loose units stay; undo restores it.
func TestLinePackSizeConvertsWholePacks(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, &clock{day0})
	l := receivedLine(t, st, "Zinc", "Z1", "2028-01-31", 2)
	if _, err := st.SetLinePackSize(ctx, l.ID, 10); !errors.Is(err, stock.ErrPackSize) {
		t.Fatalf("a pack size for a product counted in packs: %v", err)
	}
	if _, err := st.SetProductUnit(ctx, l.ProductID, "tablet", 30); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Dispense(ctx, l.ID, 10, ""); err != nil {
		t.Fatal(err)
	}
	c, err := st.SetLinePackSize(ctx, l.ID, 28)
	if err != nil {
		t.Fatal(err)
	}
	if got := lineOnHand(t, st, l.ID); got.OnHand != 48 || got.PackSize != 28 || c.LineID != l.ID || c.OldPackSize != 30 || c.NewPackSize != 28 {
		t.Fatalf("50 tablets (1 pack + 20) re-sized to packs of 28: %+v, change %+v; want 48", got, c)
	}
	if p, _ := st.StockProduct(ctx, l.ProductID); p.PackSize != 30 {
		t.Fatalf("a lot's change moved the product's usual size to %d", p.PackSize)
	}
	// A new lot of the product holds packs of its usual size.
	l2, err := st.AddLine(ctx, l.ProductID, "Z2", "2029-01-31", "")
	if err != nil || l2.PackSize != 30 {
		t.Fatalf("new lot %+v, %v", l2, err)
	}
	if _, err := st.UndoUnitChange(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if got := lineOnHand(t, st, l.ID); got.OnHand != 50 || got.PackSize != 30 {
		t.Fatalf("after undo: %+v; want 50 in packs of 30", got)
	}
	if _, err := st.SetLinePackSize(ctx, l.ID, 0); !errors.Is(err, stock.ErrPackSize) {
		t.Fatalf("pack size 0: %v", err)
	}
}

// The window's product settings (SetProductStock) cannot change the unit without converting.
func TestSetProductStockConvertsThroughTheRecordedChange(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, &clock{day0})
	l := receivedLine(t, st, "ORS", "O1", "2028-01-31", 3)
	if _, err := st.SetProductUnit(ctx, l.ProductID, "sachet", 10); err != nil {
		t.Fatal(err)
	}
	if got := lineOnHand(t, st, l.ID); got.OnHand != 30 {
		t.Fatalf("3 packs of 10 sachets: %d", got.OnHand)
	}
	// Back to packs by the product settings: 30 sachets are 3 packs, recorded.
	p, err := st.SetProductStock(ctx, l.ProductID, "pack", 5)
	if err != nil {
		t.Fatal(err)
	}
	if got := lineOnHand(t, st, l.ID); got.OnHand != 3 || p.Unit != "pack" || p.PackSize != 1 || p.ReorderLevel != 5 {
		t.Fatalf("after the settings: on hand %d, product %+v", got.OnHand, p)
	}
	if cs, _ := st.UnitChanges(ctx, l.ProductID); len(cs) != 2 {
		t.Fatalf("%d unit changes recorded, want 2", len(cs))
	}
	// A unit "pack" with packs of 10 means nothing.
	if _, err := st.SetProductUnit(ctx, l.ProductID, "pack", 10); !errors.Is(err, stock.ErrPackSize) {
		t.Fatalf("pack × 10: %v", err)
	}
	// Nothing to change: no change recorded.
	if c, err := st.SetProductUnit(ctx, l.ProductID, "", 0); err != nil || c.ID != 0 {
		t.Fatalf("an empty change: %+v, %v", c, err)
	}
	if _, err := st.SetProductUnit(ctx, 9999, "tablet", 10); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown product: %v", err)
	}
}

// A receipt waiting for review when the unit changes is proposed again in the new unit; a
// reviewer can confirm it with a corrected pack size, which the lot takes.
func TestPendingReceiptFollowsTheUnitAndTakesACorrectedPackSize(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, &clock{day0})
	e := photoEntry(t, st, addPhoto(t, st, 3).ID, store.NewEntry{Values: store.Values{Name: "Cotrim", GTIN: gtinA, Lot: "C1",
		Expiry: "2028-05-31", Quantity: q(3), Unit: "box"}, Sources: map[string]string{"name": store.SourceModel, "quantity": store.SourceModel}})
	r, _ := st.ReceiptForEntry(ctx, e)
	if r.Quantity != 3 || r.Status != stock.Pending {
		t.Fatalf("pending receipt %+v", r.Movement)
	}
	if _, err := st.SetProductUnit(ctx, r.Product.ID, "tablet", 20); err != nil {
		t.Fatal(err)
	}
	r, _ = st.ReceiptForEntry(ctx, e)
	if r.Quantity != 60 || r.Packs != 3 || r.PackSize != 20 || r.PackSizeFrom != stock.PackSizeFromProduct || r.Status != stock.Pending {
		t.Fatalf("after the unit change the pending receipt is %+v; want 3 × 20 = 60 tablets", r.Movement)
	}
	// The pack says 28 tablets: confirm 3 packs of 28.
	m, err := st.ConfirmReceiptPacks(ctx, r.ID, 3, 28)
	if err != nil {
		t.Fatal(err)
	}
	if m.Quantity != 84 || m.Status != stock.Confirmed || m.PackSize != 28 || m.PackSizeFrom != store.PackSizeFromPerson {
		t.Fatalf("confirmed %+v; want 84 from a person's pack size", m)
	}
	if l := lineOnHand(t, st, m.LineID); l.OnHand != 84 || l.PackSize != 28 {
		t.Fatalf("lot %+v; want 84 in packs of 28", l)
	}
	if en, _ := st.Entry(ctx, e); en.Get("quantity") != "3" || en.Unit != "28 tablets" || en.Status != store.StatusConfirmed {
		t.Fatalf("entry %s × %q, %s", en.Get("quantity"), en.Unit, en.Status)
	}
}

// Migration 0007 on an inventory of the previous version: every figure stays, every product is
// counted in packs of 1, and the new movement kind can be written at once.
func TestPacksMigrationKeepsOldFigures(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l := receivedLine(t, st, "Paracetamol", "P9", "2028-01-31", 90)
	if _, err := st.Dispense(ctx, l.ID, 7, ""); err != nil {
		t.Fatal(err)
	}
	e := photoEntry(t, st, addPhoto(t, st, 5).ID, store.NewEntry{Values: store.Values{Name: "Amoxil", Lot: "A1", Quantity: q(4), Unit: "30 capsules"},
		Sources: map[string]string{"name": store.SourceModel}})
	for _, q := range append(append([]string{}, downgradePacks...), `PRAGMA user_version = 6`) {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	const figures = `SELECT l.id || ' ' || p.name || ' ' || p.unit || ' ' || t.on_hand || ' ' || t.pending FROM stock_lines l
		JOIN products p ON p.id = l.product_id JOIN line_totals t ON t.line_id = l.id ORDER BY l.id`
	const ledger = `SELECT id || ' ' || kind || ' ' || quantity || ' ' || status FROM movements ORDER BY id`
	before, beforeLedger := dump(t, st.ReadDB(), figures), dump(t, st.ReadDB(), ledger)
	st.Close()

	st, err = store.Open(ctx, dir, store.Options{Now: (&clock{day0}).now})
	if err != nil {
		t.Fatalf("open the version 6 inventory: %v", err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	if after := dump(t, st.ReadDB(), figures); !reflect.DeepEqual(after, before) || len(after) != 2 {
		t.Fatalf("figures changed:\nbefore %q\nafter  %q", before, after)
	}
	if after := dump(t, st.ReadDB(), ledger); !reflect.DeepEqual(after, beforeLedger) {
		t.Fatalf("ledger changed:\nbefore %q\nafter  %q", beforeLedger, after)
	}
	if n := countRows(t, st.ReadDB(), `SELECT count(*) FROM products WHERE unit <> 'pack' OR pack_size <> 1`) +
		countRows(t, st.ReadDB(), `SELECT count(*) FROM stock_lines WHERE pack_size <> 1`); n != 0 {
		t.Fatalf("%d products or lots are not counted in packs of 1 after the migration", n)
	}
	if r, _ := st.ReceiptForEntry(ctx, e); r.Quantity != 4 || r.Status != stock.Pending {
		t.Fatalf("the pending receipt after the migration: %+v", r.Movement)
	}
	// The migrated ledger takes the new kind on the first connection.
	if _, err := st.SetProductUnit(ctx, l.ProductID, "tablet", 10); err != nil {
		t.Fatalf("a unit change on the migrated inventory: %v", err)
	}
	if got := lineOnHand(t, st, l.ID); got.OnHand != 830 {
		t.Fatalf("83 packs of 10 tablets: %d", got.OnHand)
	}
}

// The monthly report counts one unit: figures from before a change of unit are restated in the
// unit of today (a pack dispensed in October is 30 capsules of consumption), and the conversion
// is neither consumption nor a loss.
func TestMonthlyReportRestatesFiguresBeforeAChangeOfUnit(t *testing.T) {
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
	_, p, _, err := st.ReceiveDelivery(on("2026-10-10"), store.Delivery{Product: "Amoxicillin", Lot: "L", Expiry: "2028-12-31", Quantity: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, day := range []string{"2026-10-20", "2026-11-05"} {
		if _, err := st.DispenseProduct(on(day), p.ID, 1, ""); err != nil {
			t.Fatal(err)
		}
	}
	c.t = time.Date(2026, 11, 10, 9, 0, 0, 0, time.Local)
	if _, err := st.SetProductUnit(ctx, p.ID, "capsule", 30); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DispenseProduct(on("2026-11-20"), p.ID, 10, ""); err != nil {
		t.Fatal(err)
	}
	c.t = time.Date(2026, 12, 7, 9, 0, 0, 0, time.Local)
	rows, err := st.MonthlyReport(ctx, time.Date(2026, 11, 1, 0, 0, 0, 0, time.Local), 0)
	if err != nil || len(rows) != 1 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	r := rows[0]
	if r.Opening != 90 || r.Received != 0 || r.Dispensed != 40 || r.LossesAdjustments != 0 || r.Closing != 50 || r.AMC < 35 {
		t.Fatalf("November in capsules: %+v; want opening 90 (3 packs), 40 dispensed (a pack and 10), closing 50, AMC in capsules", r)
	}
	rows, _ = st.MonthlyReport(ctx, time.Date(2026, 10, 1, 0, 0, 0, 0, time.Local), 0)
	if r := rows[0]; r.Received != 120 || r.Dispensed != 30 || r.Closing != 90 {
		t.Fatalf("October restated in capsules: %+v", r)
	}
}

// A photo whose barcode carries the count of items (GS1 AI 30) and whose pack contents the model
// did not read is received in packs of that count, said to come from the barcode.
func TestReceiptPackSizeFromTheBarcodeCount(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, &clock{day0})
	l := receivedLine(t, st, "Cotrim", "C1", "2028-01-31", 1)
	if _, err := st.SetProductUnit(ctx, l.ProductID, "tablet", 100); err != nil {
		t.Fatal(err)
	}
	p, _ := st.StockProduct(ctx, l.ProductID)
	e := photoEntry(t, st, addPhoto(t, st, 7).ID, store.NewEntry{Values: store.Values{Name: "Cotrim", Lot: "C2", Expiry: "2029-01-31", Unit: "28", Quantity: q(2)},
		Sources: map[string]string{"name": store.SourceModel, "unit": store.SourceBarcode, "quantity": store.SourceModel}})
	r, err := st.ReceiptForEntry(ctx, e)
	if err != nil || r.Product.ID != p.ID || r.Quantity != 56 || r.PackSize != 28 || r.PackSizeFrom != stock.PackSizeFromBarcode {
		t.Fatalf("receipt %+v (product %d, want %d), %v; want 2 × 28 from the barcode", r.Movement, r.Product.ID, p.ID, err)
	}
	if got := lineOnHand(t, st, r.LineID); got.PackSize != 28 {
		t.Fatalf("the new lot holds packs of %d, want 28", got.PackSize)
	}
}
