package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"medinventory/store"
	"medinventory/store/stock"
)

// lookAlikes makes three photos of one pack, each read as 30 tablets of one lot, the second and
// third flagged "probably the same pack" as the first (their hashes are equal).
func lookAlikes(t *testing.T) (st *store.Store, entries [3]int64, photos [3]store.Photo) {
	t.Helper()
	ctx := context.Background()
	c := &clock{day0}
	st = openAt(t, c)
	for i := range photos {
		photos[i] = addPhoto(t, st, uint8(1+i))
		if err := st.SetPhotoHash(ctx, photos[i].ID, 0xF0F0_F0F0_0000_FFFF); err != nil {
			t.Fatal(err)
		}
		c.t = c.t.Add(time.Minute)
	}
	for i, p := range photos {
		entries[i] = photoEntry(t, st, p.ID, store.NewEntry{Values: store.Values{Name: "Amoxil", GTIN: gtinA, Lot: "AB12", Expiry: "2028-01-31", Quantity: q(30)}})
	}
	return st, entries, photos
}

// The bug of issue 22: confirming the entries of three photos of one pack counted it three times.
func TestConfirmingALookAlikeAsksFirstAndChangesNothing(t *testing.T) {
	ctx := context.Background()
	st, es, ps := lookAlikes(t)
	if _, err := st.ConfirmEntry(ctx, es[0]); err != nil {
		t.Fatal(err)
	}
	r2, err := st.ReceiptForEntry(ctx, es[1])
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.ConfirmEntry(ctx, es[1])
	var pe *store.PackDecisionError
	if !errors.Is(err, store.ErrPackDecision) || !errors.As(err, &pe) {
		t.Fatalf("confirming a look-alike's entry: %v; want a PackDecisionError", err)
	}
	if pe.ReceiptID != r2.ID || pe.EntryID != es[1] || pe.PhotoID != ps[1].ID || pe.SimilarPhotoID != ps[0].ID || pe.SimilarPhotoName != ps[0].OriginalName {
		t.Fatalf("decision error = %+v; want receipt %d, photo %d like photo %d (%s)", pe, r2.ID, ps[1].ID, ps[0].ID, ps[0].OriginalName)
	}
	if _, err := st.ConfirmReceipt(ctx, r2.ID, 29); !errors.Is(err, store.ErrPackDecision) {
		t.Fatalf("confirming a look-alike receipt: %v", err)
	}
	if got := onHand(t, st, r2.LineID); got != 30 {
		t.Fatalf("on hand %d after refused confirmations, want 30", got)
	}
	if e, _ := st.Entry(ctx, es[1]); e.Status != store.StatusNeedsReview || e.Get("quantity") != "30" {
		t.Fatalf("refused entry = %s, quantity %s; want needs review, 30 (unchanged)", e.Status, e.Get("quantity"))
	}
	if q, err := st.PackQuestion(ctx, es[1]); err != nil || q == nil || q.ReceiptID != r2.ID {
		t.Fatalf("pack question = %+v, %v", q, err)
	}
	if q, err := st.PackQuestion(ctx, es[0]); err != nil || q != nil {
		t.Fatalf("a confirmed entry's pack question = %+v, %v; want none", q, err)
	}

	// Same pack: nothing is counted, the entry is reviewed.
	if err := st.DecidePack(ctx, r2.ID, store.SamePack); err != nil {
		t.Fatal(err)
	}
	if got := onHand(t, st, r2.LineID); got != 30 {
		t.Fatalf("on hand %d after same pack, want 30", got)
	}
	if e, _ := st.Entry(ctx, es[1]); e.Status != store.StatusConfirmed {
		t.Fatalf("same-pack entry is %s", e.Status)
	}

	// New pack: recorded, then confirming counts it (once), and Undo (reopen) and Redo work.
	r3, _ := st.ReceiptForEntry(ctx, es[2])
	if err := st.DecidePack(ctx, r3.ID, store.NewPack); err != nil {
		t.Fatal(err)
	}
	if q, err := st.PackQuestion(ctx, es[2]); err != nil || q != nil {
		t.Fatalf("pack question after deciding = %+v, %v", q, err)
	}
	if m, _ := st.Receipt(ctx, r3.ID); m.Status != stock.Pending || m.Reason != store.ReasonNewPack {
		t.Fatalf("decided receipt = %s, reason %q; want pending, %q", m.Status, m.Reason, store.ReasonNewPack)
	}
	if h, _ := st.History(ctx, es[2]); !hasEdit(h, "pack") {
		t.Fatalf("history %+v lacks the decision", h)
	}
	if _, err := st.ConfirmEntry(ctx, es[2]); err != nil {
		t.Fatal(err)
	}
	if got := onHand(t, st, r3.LineID); got != 60 {
		t.Fatalf("on hand %d after a new pack, want 60", got)
	}
	card, _ := st.StockCard(ctx, r3.LineID)
	if last := card[len(card)-1]; last.ID != r3.ID || last.Reason != stock.NewPack || !strings.Contains(stock.ReasonWords(last.Reason), "another pack") {
		t.Fatalf("the card's last row = %+v; want the receipt confirmed as another pack", last)
	}
	if _, err := st.ReopenEntry(ctx, es[2]); err != nil { // Undo
		t.Fatal(err)
	}
	if got := onHand(t, st, r3.LineID); got != 30 {
		t.Fatalf("on hand %d after undo, want 30", got)
	}
	if _, err := st.ConfirmEntry(ctx, es[2]); err != nil { // Redo
		t.Fatalf("redo: %v", err)
	}
	if got := onHand(t, st, r3.LineID); got != 60 {
		t.Fatalf("on hand %d after redo, want 60", got)
	}
	if err := st.DecidePack(ctx, r2.ID, store.NewPack); !errors.Is(err, stock.ErrNotPending) {
		t.Fatalf("deciding a dismissed receipt: %v", err)
	}
	if err := st.DecidePack(ctx, r3.ID, 0); err == nil {
		t.Fatal("an unknown decision was accepted")
	}
}

// A receipt decided as a new pack confirms through ConfirmReceipt with the reviewer's number.
func TestConfirmReceiptAfterNewPack(t *testing.T) {
	ctx := context.Background()
	st, es, _ := lookAlikes(t)
	r2, _ := st.ReceiptForEntry(ctx, es[1])
	if err := st.DecidePack(ctx, r2.ID, store.NewPack); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ConfirmReceipt(ctx, r2.ID, 28); err != nil {
		t.Fatal(err)
	}
	if got := onHand(t, st, r2.LineID); got != 28 {
		t.Fatalf("on hand %d, want 28", got)
	}
}

// Undo of "same pack" brings the question back; Redo answers it again.
func TestUndoSamePackAsksAgain(t *testing.T) {
	ctx := context.Background()
	st, es, ps := lookAlikes(t)
	r2, _ := st.ReceiptForEntry(ctx, es[1])
	if err := st.DecidePack(ctx, r2.ID, store.SamePack); err != nil {
		t.Fatal(err)
	}
	if err := st.UndoSamePack(ctx, es[1]); err != nil {
		t.Fatal(err)
	}
	e, _ := st.Entry(ctx, es[1])
	q, err := st.PackQuestion(ctx, es[1])
	if e.Status != store.StatusNeedsReview || err != nil || q == nil || q.SimilarPhotoID != ps[0].ID || q.ReceiptID == r2.ID {
		t.Fatalf("after undo: entry %s, question %+v, %v; want needs review and a new flagged receipt", e.Status, q, err)
	}
	if err := st.DecidePack(ctx, q.ReceiptID, store.SamePack); err != nil { // Redo
		t.Fatal(err)
	}
	r1, _ := st.ReceiptForEntry(ctx, es[0])
	if _, err := st.ConfirmReceipt(ctx, r1.ID, 30); err != nil {
		t.Fatal(err)
	}
	if got := onHand(t, st, r2.LineID); got != 30 {
		t.Fatalf("on hand %d, want 30", got)
	}
	if err := st.UndoSamePack(ctx, 9999); !errors.Is(err, store.ErrEntryNotFound) {
		t.Fatalf("undo on a missing entry: %v", err)
	}
}
