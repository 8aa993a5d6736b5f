package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"medinventory/store"
)

// threePhotosOfOnePack saves three photos of one Amoxicillin pack of 30, read as an analysis does,
// the second and third flagged "probably the same pack" as the first (equal look-alike hashes).
func threePhotosOfOnePack(t *testing.T, h *harness) (entries []int64, photos []store.Photo) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	for i := 0; i < 3; i++ {
		p := filepath.Join(dir, fmt.Sprintf("amox-%d.jpg", i+1))
		writeJPEG(t, p, 64+8*i, 48) // different files, one pack
		res, err := h.st.AddPhoto(ctx, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.st.SetPhotoHash(ctx, res.Photo.ID, 0xF0F0_F0F0_0000_FFFF); err != nil {
			t.Fatal(err)
		}
		photos = append(photos, res.Photo)
	}
	for _, p := range photos {
		tx, err := h.st.DB().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := int64(30)
		_, ids, err := h.st.SaveAnalysisTx(ctx, tx, store.Analysis{PhotoID: p.ID, Source: store.SourceBarcode}, []store.NewEntry{{
			Values:  store.Values{Name: "Amoxicillin", Strength: "500 mg", DosageForm: "capsule", GTIN: "09506000134352", Lot: "AB12", Expiry: "2028-01-31", Quantity: &n},
			Sources: map[string]string{"name": store.SourceBarcode}, PhotoID: p.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, ids[0])
	}
	return entries, photos
}

// amoxOnHand is the stock of the pack's product, as the Stock tab reads it.
func amoxOnHand(t *testing.T, h *harness) int64 {
	t.Helper()
	ps, err := h.st.ListProducts(context.Background(), store.ProductFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, p := range ps {
		n += p.OnHand
	}
	return n
}

// TestEditorNeverCountsALookAlikeTwice is issue 22's bug: three photos of one pack, confirmed from
// the editor with Ctrl+Enter as the shortcuts teach, gave 90 packs where there were 30 (each
// entry's confirmation silently confirmed its look-alike-flagged receipt).
func TestEditorNeverCountsALookAlikeTwice(t *testing.T) {
	h := newHarness(t)
	ids, photos := threePhotosOfOnePack(t, h)
	h.start()
	k := &keyboard{u: h.u}
	h.u.ed.open(ids[0])
	for i := 0; i < 3; i++ {
		k.shortcut(scConfirm) // Ctrl+Enter: confirm and open the next needing review
	}
	if got := amoxOnHand(t, h); got != 30 {
		t.Fatalf("three photos of one pack of 30, confirmed from the editor with Ctrl+Enter: %d on hand, want 30", got)
	}
	// The second photo's confirmation asked instead; the third Ctrl+Enter (a reflex) decided nothing.
	// The editor said so before, above the fields, with a button that asks the same question.
	if !h.u.ed.packBar.Visible() || !strings.Contains(h.u.ed.packText.Text, fmt.Sprintf("photo %d", photos[0].ID)) {
		t.Errorf("the editor does not show that the photo looks like photo %d (%q)", photos[0].ID, h.u.ed.packText.Text)
	}
	if !h.u.packDialogOpen() || h.u.ed.entryID != ids[1] {
		t.Fatalf("the pack decision is not asked (dialog open %v, editor on %d, want %d)", h.u.packDialogOpen(), h.u.ed.entryID, ids[1])
	}
	top := h.u.win.Canvas().Overlays().Top()
	for _, b := range []string{newPackText, samePackText(photos[0].ID), packLaterText} {
		if findButton(top, b) == nil {
			t.Errorf("the dialog lacks the button %q", b)
		}
	}
	k.key(fyne.KeyS) // the same pack: nothing counted, on to the third photo
	if h.u.packDialogOpen() || h.u.ed.entryID != ids[2] {
		t.Fatalf("after S: dialog open %v, editor on %d; want closed, on %d", h.u.packDialogOpen(), h.u.ed.entryID, ids[2])
	}
	if e, _ := h.st.Entry(context.Background(), ids[1]); e.Status != store.StatusConfirmed {
		t.Fatalf("the same-pack entry is %s, want confirmed (reviewed)", e.Status)
	}
	k.shortcut(scConfirm)
	if !h.u.packDialogOpen() {
		t.Fatal("the third photo's confirmation did not ask")
	}
	k.key(fyne.KeyN) // another pack after all: counted, once
	if got := amoxOnHand(t, h); got != 60 || h.u.ed.visible {
		t.Fatalf("after a new pack: %d on hand (want 60), editor open %v (want closed: nothing left)", got, h.u.ed.visible)
	}
	k.shortcut(&fyne.ShortcutUndo{}) // undo the confirmation
	if got := amoxOnHand(t, h); got != 30 {
		t.Fatalf("after Undo: %d on hand, want 30", got)
	}
	k.shortcut(&fyne.ShortcutUndo{}) // undo "same pack": the question is back
	if q, err := h.st.PackQuestion(context.Background(), ids[1]); err != nil || q == nil {
		t.Fatalf("after undoing same pack: question %+v, %v; want asked again", q, err)
	}
	h.u.ed.open(ids[1]) // the editor's own button asks the same question; Escape decides later
	b := findButton(h.u.ed.root, "Same pack or a new one?…")
	if b == nil {
		t.Fatal("the editor has no button for the pack decision")
	}
	b.OnTapped()
	if !h.u.packDialogOpen() {
		t.Fatal("the editor's button did not ask")
	}
	k.key(fyne.KeyEscape)
	if h.u.packDialogOpen() {
		t.Fatal("Escape did not close the question")
	}
	if q, _ := h.st.PackQuestion(context.Background(), ids[1]); q == nil {
		t.Fatal("Escape decided something")
	}
	k.shortcut(scRedo)
	if e, _ := h.st.Entry(context.Background(), ids[1]); e.Status != store.StatusConfirmed || amoxOnHand(t, h) != 30 {
		t.Fatalf("after Redo: entry %s, %d on hand; want confirmed, 30", e.Status, amoxOnHand(t, h))
	}
}

// TestReceiptsScreenAsksTheSameQuestion: Confirm on a flagged receipt opens the same decision;
// "Confirm as a new pack" then confirms it with the number typed, "Same pack as photo N" (the
// row's button, the same words) counts nothing.
func TestReceiptsScreenAsksTheSameQuestion(t *testing.T) {
	h := newHarness(t)
	ids, photos := threePhotosOfOnePack(t, h)
	h.start()
	s := h.openStock(t)
	s.showReceipts()
	if len(h.u.Receipts()) != 3 {
		t.Fatalf("%d receipts listed, want 3", len(h.u.Receipts()))
	}
	rs := h.u.Receipts()
	r := s.receipts
	r.rows[rs[0].ID].confirm.OnTapped() // not flagged: confirmed at once
	if h.u.packDialogOpen() || amoxOnHand(t, h) != 30 {
		t.Fatalf("the first photo's receipt: dialog %v, %d on hand; want confirmed, 30", h.u.packDialogOpen(), amoxOnHand(t, h))
	}
	second := r.rows[rs[1].ID]
	if second.same.Text != samePackText(photos[0].ID) {
		t.Fatalf("the flagged row's button says %q, want %q", second.same.Text, samePackText(photos[0].ID))
	}
	second.qty.SetText("2")
	second.qty.OnSubmitted(second.qty.Text) // Enter in the number: Confirm
	if !h.u.packDialogOpen() || amoxOnHand(t, h) != 30 {
		t.Fatalf("confirming a look-alike: dialog %v, %d on hand; want asked, 30", h.u.packDialogOpen(), amoxOnHand(t, h))
	}
	findButton(h.u.win.Canvas().Overlays().Top(), newPackText).OnTapped()
	if h.u.packDialogOpen() || amoxOnHand(t, h) != 32 {
		t.Fatalf("after a new pack: dialog %v, %d on hand; want closed, 32", h.u.packDialogOpen(), amoxOnHand(t, h))
	}
	third := r.rows[rs[2].ID]
	third.confirm.OnTapped()
	findButton(h.u.win.Canvas().Overlays().Top(), samePackText(rs[2].SimilarPhotoID)).OnTapped()
	if len(h.u.Receipts()) != 0 || amoxOnHand(t, h) != 32 {
		t.Fatalf("after same pack: %d receipts waiting, %d on hand; want 0, 32", len(h.u.Receipts()), amoxOnHand(t, h))
	}
	if e, _ := h.st.Entry(context.Background(), ids[2]); e.Status != store.StatusConfirmed {
		t.Fatalf("the same-pack entry is %s", e.Status)
	}
}

// TestBulkConfirmLeavesLookAlikes: Ctrl+A, Ctrl+Enter confirms the others and says which it left.
func TestBulkConfirmLeavesLookAlikes(t *testing.T) {
	h := newHarness(t)
	ids, _ := threePhotosOfOnePack(t, h)
	other := h.addEntry(t, "Zinc", "2027-09-30", "10", nil)
	h.start()
	k := &keyboard{u: h.u}
	k.key(fyne.KeyDown)
	k.shortcut(&fyne.ShortcutSelectAll{})
	k.shortcut(scConfirm)
	if got := amoxOnHand(t, h); got != 40 { // 30 Amoxicillin + 10 Zinc
		t.Fatalf("bulk confirm: %d on hand, want 40 (the look-alikes left)", got)
	}
	for i, id := range append(ids, other) {
		e, _ := h.st.Entry(context.Background(), id)
		if want := i == 0 || i == 3; (e.Status == store.StatusConfirmed) != want {
			t.Errorf("entry %d is %s", i, e.Status)
		}
	}
	if msg := h.u.inv.note.message(); !strings.Contains(msg, "Confirmed 2 medicines.") || !strings.Contains(msg, "2 that look like a pack already counted") {
		t.Fatalf("message %q", msg)
	}
}
