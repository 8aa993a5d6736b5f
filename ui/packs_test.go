package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"medinventory/store"
)

// capsules makes the product counted in capsules in packs of 30 (the store's recorded change).
func (h *harness) capsules(t testing.TB, name string) {
	t.Helper()
	ctx := context.Background()
	ps, err := h.st.StockOnHand(ctx, store.ProductFilter{Today: testToday})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Name == name {
			if _, err := h.st.SetProductUnit(ctx, p.ID, "capsule", 30); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("no product %q", name)
}

func lotOnHand(t *testing.T, h *harness, lineID int64) int64 {
	t.Helper()
	l, err := h.st.Line(context.Background(), lineID)
	if err != nil {
		t.Fatal(err)
	}
	return l.OnHand
}

// TestDispenseInUnitsOrPacksSaysWhatHappensFirst: two packs received, the product set to capsules
// in packs of 30 (60 on hand); 10 typed gives out 10 capsules, "1 pack" 30, and with the packs
// switch (Ctrl+U, from the quantity box) "1" is a pack. The figures show units then packs.
func TestDispenseInUnitsOrPacksSaysWhatHappensFirst(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "2", "", true)
	h.capsules(t, "Amoxicillin")
	s := h.startAtProduct(t, "Amoxicillin")
	p := s.product
	f := p.form
	line := lineNamed(t, p.lines, "A1")
	if line.OnHand != 60 {
		t.Fatalf("on hand %d after 2 packs became capsules in packs of 30, want 60", line.OnHand)
	}
	if got := rowTexts(p.list, 0, p.createRow, p.updateRow); !strings.Contains(got, "60 capsules · 2 packs") {
		t.Fatalf("lot row %q, want units then packs", got)
	}
	if !f.inPacks.Visible() || !strings.Contains(f.inPacks.Text, "Ctrl+U") {
		t.Fatalf("the packs switch: visible %v, label %q", f.inPacks.Visible(), f.inPacks.Text)
	}

	// 10, in units: said before Enter, then recorded.
	h.u.win.Canvas().Focus(f.qty)
	test.Type(f.qty, "10")
	if got := f.preview.Text; got != "Gives out 10 capsules." {
		t.Fatalf("preview %q", got)
	}
	f.qty.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := lotOnHand(t, h, line.ID); got != 50 {
		t.Fatalf("after dispensing 10 capsules: %d, want 50", got)
	}
	if msg := s.Message(); msg != "Dispensed 10 capsules from lot A1 (2027-03-31)." {
		t.Fatalf("message %q", msg)
	}
	if got := rowTexts(p.list, 0, p.createRow, p.updateRow); !strings.Contains(got, "50 capsules · 1 pack + 20") {
		t.Fatalf("lot row %q after the dispense", got)
	}
	if !strings.Contains(p.summary.Text, "50 capsules · 1 pack + 20") {
		t.Fatalf("product summary %q", p.summary.Text)
	}

	// "1 pack" typed: 30 capsules.
	test.Type(f.qty, "1 pack")
	if got := f.preview.Text; got != "Gives out 30 capsules (1 pack)." {
		t.Fatalf("preview %q", got)
	}
	f.qty.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := lotOnHand(t, h, line.ID); got != 20 {
		t.Fatalf("after dispensing a pack: %d, want 20", got)
	}

	// Ctrl+U from inside the quantity box: numbers are packs. One pack is more than the 20 left:
	// refused in words, nothing recorded.
	f.qty.TypedShortcut(scPacks)
	if !f.inPacks.Checked {
		t.Fatal("Ctrl+U in the quantity box did not switch to packs")
	}
	test.Type(f.qty, "1")
	if got := f.preview.Text; got != "Gives out 30 capsules (1 pack)." {
		t.Fatalf("preview in packs %q", got)
	}
	f.submit()
	if !f.errText.Visible() || lotOnHand(t, h, line.ID) != 20 {
		t.Fatalf("a pack of 30 from 20: error %q, on hand %d", f.errText.Text, lotOnHand(t, h, line.ID))
	}
	// Back to units; a count correction keeps its sign.
	f.qty.TypedShortcut(scPacks)
	if f.inPacks.Checked {
		t.Fatal("a second Ctrl+U did not switch back to units")
	}
	f.qty.SetText("")
	f.action.SetSelectedIndex(4) // Adjust: count correction
	test.Type(f.qty, "-5")
	if got := f.preview.Text; got != "Takes 5 capsules off this lot." {
		t.Fatalf("preview of -5 %q", got)
	}
	f.qty.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := lotOnHand(t, h, line.ID); got != 15 {
		t.Fatalf("after -5: %d, want 15", got)
	}
	// Bad input: a plain-words error, nothing recorded.
	test.Type(f.qty, "two packs")
	f.submit()
	if !f.errText.Visible() || !strings.Contains(f.errText.Text, "not a quantity") || lotOnHand(t, h, line.ID) != 15 {
		t.Fatalf("bad quantity: error %q, on hand %d", f.errText.Text, lotOnHand(t, h, line.ID))
	}
}

// TestUnitChangeSaysWhatHappensAndUndoes: the product view's dialog says 2 packs become 60
// capsules before saving; the change is on the stock card and Ctrl+Z / Ctrl+Shift+Z undo and redo it.
func TestUnitChangeSaysWhatHappensAndUndoes(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "2", "", true)
	s := h.startAtProduct(t, "Amoxicillin")
	p := s.product
	line := lineNamed(t, p.lines, "A1")
	p.editSettings()
	var unit, size *uiEntry
	walk(h.u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if e, ok := o.(*uiEntry); ok {
			switch e.PlaceHolder {
			case "pack, tablet, bottle…":
				unit = e
			case "e.g. 30; 1 for the unit pack":
				size = e
			}
		}
	})
	if unit == nil || size == nil {
		t.Fatal("no unit or pack size box in the dialog")
	}
	unit.SetText("capsule")
	size.SetText("30")
	if d := topDialogText(h.u.win); !strings.Contains(d, "2 packs → 60 capsules") {
		t.Fatalf("the dialog does not say what happens to the balance:\n%s", d)
	}
	// A pack size that is not a number: said, nothing saved.
	size.SetText("thirty")
	size.OnSubmitted(size.Text)
	if d := topDialogText(h.u.win); !strings.Contains(d, "how many units one pack holds") || lotOnHand(t, h, line.ID) != 2 {
		t.Fatalf("bad pack size: dialog %q, on hand %d", d, lotOnHand(t, h, line.ID))
	}
	size.SetText("30")
	size.OnSubmitted(size.Text)
	if got := lotOnHand(t, h, line.ID); got != 60 || p.prod.Unit != "capsule" || p.prod.PackSize != 30 {
		t.Fatalf("after saving: %d on hand, unit %q × %d; want 60 capsules in packs of 30", got, p.prod.Unit, p.prod.PackSize)
	}
	if got := cardKinds(t, h, line.ID); got != "receive+2=2 convert+58=60" {
		t.Fatalf("stock card %s", got)
	}
	if !strings.Contains(s.Message(), "2 packs → 60 capsules") {
		t.Fatalf("message %q", s.Message())
	}
	// The conversion shows on the stock card, and is not undone there on its own.
	s.openLine(line.ID)
	c := s.card
	last := rowTexts(c.list, len(c.rows)-1, c.createRow, c.updateRow)
	if !strings.Contains(last, "2 packs → 60 capsules") || !strings.Contains(c.summary.Text, "60 capsules · 2 packs") {
		t.Fatalf("stock card row %q, summary %q", last, c.summary.Text)
	}
	if c.list.Select(len(c.rows) - 1); !c.undoSel.Disabled() {
		t.Fatal("a conversion can be undone on its own from the card")
	}

	h.u.win.Canvas().Unfocus()
	h.u.Undo()
	if got := lotOnHand(t, h, line.ID); got != 2 {
		t.Fatalf("after Ctrl+Z: %d, want 2 packs", got)
	}
	if c.prod.Unit != "pack" || !c.packBtn.Disabled() {
		t.Fatalf("after Ctrl+Z the card shows the unit %q, Pack size… enabled %v (a product counted in packs has packs of 1)",
			c.prod.Unit, !c.packBtn.Disabled())
	}
	h.u.Redo()
	if got := lotOnHand(t, h, line.ID); got != 60 {
		t.Fatalf("after Ctrl+Shift+Z: %d, want 60", got)
	}
	h.u.Undo()
	if got := lotOnHand(t, h, line.ID); got != 2 {
		t.Fatalf("after a second Ctrl+Z: %d, want 2", got)
	}
}

// TestLotPackSizeFromTheStockCard: the lot's dialog says what happens, saves, and undoes.
func TestLotPackSizeFromTheStockCard(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "2", "", true)
	h.capsules(t, "Amoxicillin")
	s := h.startAtProduct(t, "Amoxicillin")
	line := lineNamed(t, s.product.lines, "A1")
	s.openLine(line.ID)
	c := s.card
	c.editPackSize()
	size, ok := h.u.win.Canvas().Focused().(*uiEntry)
	if !ok || size.Text != "30" {
		t.Fatalf("focus on %T, want the pack size box with 30", h.u.win.Canvas().Focused())
	}
	size.SetText("28")
	if d := topDialogText(h.u.win); !strings.Contains(d, "60 capsules · 2 packs → 56 capsules · 2 packs") {
		t.Fatalf("the dialog says:\n%s", d)
	}
	size.OnSubmitted(size.Text)
	if got := lotOnHand(t, h, line.ID); got != 56 || c.line.PackSize != 28 {
		t.Fatalf("after saving: %d on hand in packs of %d", got, c.line.PackSize)
	}
	h.u.win.Canvas().Unfocus()
	h.u.Undo()
	if got := lotOnHand(t, h, line.ID); got != 60 {
		t.Fatalf("after Ctrl+Z: %d, want 60", got)
	}
}

// TestReceiptReviewShowsTheConversionAndConfirmsIt: a photo of one more pack of a product counted
// in capsules proposes 1 pack × 30 capsules = 30 capsules; editable as packs or units.
func TestReceiptReviewShowsTheConversionAndConfirmsIt(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "2", "", true)
	h.capsules(t, "Amoxicillin")
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "1", "", false)
	h.start()
	s := h.openStock(t)
	s.showReceipts()
	rs := h.u.Receipts()
	if len(rs) != 1 {
		t.Fatalf("%d receipts", len(rs))
	}
	row := s.receipts.rows[rs[0].ID]
	if row.packs == nil {
		t.Fatal("no conversion shown for a product counted in capsules")
	}
	pe := row.packs
	if pe.packs.Text != "1" || pe.size.Text != "30" || row.qty.Text != "30" {
		t.Fatalf("proposed %s × %s = %s", pe.packs.Text, pe.size.Text, row.qty.Text)
	}
	if got := pe.info.Text; got != "1 pack × 30 capsules = 30 capsules · the usual pack size of this product" {
		t.Fatalf("conversion %q", got)
	}
	pe.packs.SetText("2")
	if row.qty.Text != "60" || pe.info.Text != "2 packs × 30 capsules = 60 capsules · the usual pack size of this product" {
		t.Fatalf("2 packs: units %s, %q", row.qty.Text, pe.info.Text)
	}
	row.qty.SetText("90")
	if pe.packs.Text != "3" {
		t.Fatalf("90 capsules typed: packs %s, want 3", pe.packs.Text)
	}
	row.qty.SetText("20")
	if got := pe.info.Text; !strings.HasPrefix(got, "20 capsules") {
		t.Fatalf("20 capsules: %q", got)
	}
	pe.packs.SetText("1")
	// The case: 60 capsules, 10 dispensed: 50; the photo of another pack confirmed: 80.
	if _, err := h.st.Dispense(context.Background(), rs[0].Line.ID, 10, ""); err != nil {
		t.Fatal(err)
	}
	row.qty.OnSubmitted(row.qty.Text)
	if got := lotOnHand(t, h, rs[0].Line.ID); got != 80 {
		t.Fatalf("after confirming a pack of 30 onto 50: %d, want 80", got)
	}
}

// TestReceiptReviewWithACorrectedPackSize: the reviewer reads 28 on the pack, not the usual 30:
// the review says the lot takes that size, and confirming receives 2 × 28.
func TestReceiptReviewWithACorrectedPackSize(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "2", "", true)
	h.capsules(t, "Amoxicillin")
	h.pack(t, "Amoxicillin", "B1", "2028-03-31", "2", "", false)
	h.start()
	s := h.openStock(t)
	s.showReceipts()
	rc := h.u.Receipts()[0]
	row := s.receipts.rows[rc.ID]
	pe := row.packs
	if pe == nil || row.qty.Text != "60" {
		t.Fatalf("proposed %s units, conversion shown %v", row.qty.Text, pe != nil)
	}
	pe.size.SetText("28")
	if row.qty.Text != "56" || !strings.Contains(pe.info.Text, "2 packs × 28 capsules = 56 capsules") ||
		!strings.Contains(pe.info.Text, "packs hold 28") {
		t.Fatalf("size 28: units %s, %q", row.qty.Text, pe.info.Text)
	}
	pe.size.OnSubmitted(pe.size.Text)
	l, err := h.st.Line(context.Background(), rc.Line.ID)
	if err != nil {
		t.Fatal(err)
	}
	if l.OnHand != 56 || l.PackSize != 28 {
		t.Fatalf("lot B1: %d on hand in packs of %d, want 56 in packs of 28", l.OnHand, l.PackSize)
	}
	if !strings.HasPrefix(s.Message(), "Received 56 capsules (2 packs)") {
		t.Fatalf("message %q", s.Message())
	}
}

// TestEditorSaysWhatAnEntrysPacksAreInUnits: the entry's quantity is packs; for a product counted
// in capsules the editor says the receipt in units.
func TestEditorSaysWhatAnEntrysPacksAreInUnits(t *testing.T) {
	h := newHarness(t)
	first := h.pack(t, "Amoxicillin", "A1", "2027-03-31", "2", "", true)
	h.start()
	h.u.ed.open(first)
	if h.u.ed.packsIn.Visible() {
		t.Fatalf("a product counted in packs: %q", h.u.ed.packsIn.Text)
	}
	h.capsules(t, "Amoxicillin")
	id := h.pack(t, "Amoxicillin", "A1", "2027-03-31", "2", "", false)
	h.u.ed.open(id)
	if got := h.u.ed.packsIn.Text; !h.u.ed.packsIn.Visible() || !strings.Contains(got, "2 packs × 30 capsules = 60 capsules") {
		t.Fatalf("editor says %q (visible %v)", got, h.u.ed.packsIn.Visible())
	}
}

// TestStockCountInPacksOrUnits: the books say 60 capsules (2 packs); "1 pack + 20" counts 50, and
// with the switch (Ctrl+U) a plain 2 counts two packs.
func TestStockCountInPacksOrUnits(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "2", "Shelf B", true)
	h.capsules(t, "Amoxicillin")
	h.start()
	s := h.openStock(t)
	s.showCount()
	c := s.count
	c.shelf.SetSelected("Shelf B")
	if len(c.rows) != 1 || !c.inPacks.Visible() {
		t.Fatalf("%d rows, packs switch shown %v", len(c.rows), c.inPacks.Visible())
	}
	r := c.rows[0]
	test.Type(r.counted, "1 pack + 20")
	if r.diff.Text != "-10" {
		t.Fatalf("1 pack + 20 against 60: difference %q", r.diff.Text)
	}
	r.counted.SetText("")
	h.u.runShortcut(scPacks)
	if !c.inPacks.Checked {
		t.Fatal("Ctrl+U did not switch the count to packs")
	}
	test.Type(r.counted, "2")
	if r.diff.Text != "0" {
		t.Fatalf("2 packs against 60 capsules: difference %q", r.diff.Text)
	}
}

// TestReceiptRowFollowsAUnitChange: a receipt waiting for review is proposed again when its
// product's unit changes; the review shows the new figures, not the old row's.
func TestReceiptRowFollowsAUnitChange(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "2", "", true)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "1", "", false)
	h.start()
	s := h.openStock(t)
	s.showReceipts()
	rc := h.u.Receipts()[0]
	if row := s.receipts.rows[rc.ID]; row.packs != nil || row.qty.Text != "1" {
		t.Fatalf("a product counted in packs: conversion %v, quantity %q", row.packs != nil, row.qty.Text)
	}
	h.capsules(t, "Amoxicillin")
	s.receipts.reload()
	row := s.receipts.rows[h.u.Receipts()[0].ID]
	if row.packs == nil || row.qty.Text != "30" || row.packs.packs.Text != "1" {
		t.Fatalf("after the unit change: conversion %v, quantity %q", row.packs != nil, row.qty.Text)
	}
}
