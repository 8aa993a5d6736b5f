package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"medinventory/store"
	"medinventory/store/stock"
)

// clock is a settable clock for a store.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// openAt opens a new inventory on clock c; when the test ends, the totals the triggers kept must
// match the ledger.
func openAt(t *testing.T, c *clock) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir(), store.Options{Now: c.now})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() {
		if err := st.IntegrityCheck(context.Background()); err != nil {
			t.Errorf("after the test: %v", err)
		}
		st.Close()
	})
	return st
}

func TestCheckStockTotalsCatchesADrift(t *testing.T) {
	ctx := context.Background()
	st := open(t, t.TempDir())
	l := receivedLine(t, st, "Zinc", "Z", "2028-01-31", 5)
	if err := st.CheckStockTotals(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE line_totals SET on_hand = 6 WHERE line_id = ?`, l.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.IntegrityCheck(ctx); err == nil || !strings.Contains(err.Error(), "do not match") {
		t.Fatalf("a drifted total: %v", err)
	}
}

var day0 = time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)

const gtinA = "09506000134352"

// photoEntry saves what an analysis of one photo found, as the pipeline does.
func photoEntry(t *testing.T, st *store.Store, photoID int64, ne store.NewEntry) int64 {
	t.Helper()
	ctx := context.Background()
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	_, ids, err := st.SaveAnalysisTx(ctx, tx, store.Analysis{PhotoID: photoID, Source: store.SourceBarcode}, []store.NewEntry{ne})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return ids[0]
}

func addPhoto(t *testing.T, st *store.Store, seed uint8) store.Photo {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pack.jpg")
	writeJPEG(t, p, 64, 48, seed)
	res, err := st.AddPhoto(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.Photo
}

func q(n int64) *int64 { return &n }

func mustProducts(t *testing.T, st *store.Store, f store.ProductFilter) []stock.ProductSummary {
	t.Helper()
	ps, err := st.ListProducts(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestTwoPhotosOfOneLotMakeOneLineAndConfirmingSums(t *testing.T) {
	ctx := context.Background()
	c := &clock{day0}
	st := openAt(t, c)
	p1, p2 := addPhoto(t, st, 1), addPhoto(t, st, 200)
	e1 := photoEntry(t, st, p1.ID, store.NewEntry{Values: store.Values{Name: "Amoxil", Strength: "500 mg", GTIN: gtinA, Lot: "AB12", Expiry: "2028-01-31", Quantity: q(3)}})
	e2 := photoEntry(t, st, p2.ID, store.NewEntry{Values: store.Values{Name: "Amoxil", Strength: "500 mg", GTIN: gtinA, Lot: "ab 12", Expiry: "2028-01-31"}})

	ps := mustProducts(t, st, store.ProductFilter{})
	if len(ps) != 1 {
		t.Fatalf("%d products, want 1: %+v", len(ps), ps)
	}
	lines, err := st.ProductLines(ctx, ps[0].ID)
	if err != nil || len(lines) != 1 {
		t.Fatalf("lines = %+v, %v; want one line for the lot", lines, err)
	}
	if l := lines[0]; l.OnHand != 0 || l.Pending != 4 || l.PendingReceipts != 2 {
		t.Fatalf("before review: on hand %d, pending %d in %d receipts; want 0, 4 in 2", l.OnHand, l.Pending, l.PendingReceipts)
	}
	if p := ps[0]; p.Usable != 0 || p.Pending != 4 || !p.Badges.Out {
		t.Fatalf("product before review = %+v", p)
	}
	r1, err := st.ReceiptForEntry(ctx, e1)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := st.ReceiptForEntry(ctx, e2)
	if err != nil {
		t.Fatal(err)
	}
	if *r1.Proposed != 3 || r2.Quantity != 1 || r1.PhotoName == "" {
		t.Fatalf("receipts propose %d and %d (photo %q); want 3 (read) and 1 (not read)", *r1.Proposed, r2.Quantity, r1.PhotoName)
	}
	if _, err := st.ConfirmReceipt(ctx, r1.ID, 3); err != nil {
		t.Fatal(err)
	}
	m2, err := st.ConfirmReceipt(ctx, r2.ID, 2) // the reviewer counts 2 packs in the second photo
	if err != nil {
		t.Fatal(err)
	}
	if m2.Status != stock.Confirmed || m2.Quantity != 2 || *m2.Proposed != 1 {
		t.Fatalf("confirmed receipt = %+v", m2)
	}
	l, _ := st.Line(ctx, lines[0].ID)
	if l.OnHand != 5 || l.Pending != 0 {
		t.Fatalf("after review: on hand %d, pending %d; want 5, 0", l.OnHand, l.Pending)
	}
	e, _ := st.Entry(ctx, e2)
	if e.Status != store.StatusConfirmed || e.Get("quantity") != "2" {
		t.Fatalf("the second photo's entry = %s, quantity %s; want confirmed, 2", e.Status, e.Get("quantity"))
	}
	if _, err := st.ConfirmReceipt(ctx, r1.ID, 3); !errors.Is(err, stock.ErrNotPending) {
		t.Fatalf("confirming twice: %v, want ErrNotPending", err)
	}
	// A confirmed product is recognised offline by its GTIN (the catalog still works).
	if p, err := st.ProductByGTIN(ctx, gtinA); err != nil || p.Name != "Amoxil" {
		t.Fatalf("catalog: %+v, %v", p, err)
	}
}

func TestMarkSamePackAddsNothing(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, &clock{day0})
	p1, p2 := addPhoto(t, st, 1), addPhoto(t, st, 2)
	photoEntry(t, st, p1.ID, store.NewEntry{Values: store.Values{Name: "Amoxil", GTIN: gtinA, Lot: "AB12", Expiry: "2028-01-31", Quantity: q(2)}})
	e2 := photoEntry(t, st, p2.ID, store.NewEntry{Values: store.Values{Name: "Amoxil", GTIN: gtinA, Lot: "AB12", Expiry: "2028-01-31", Quantity: q(2)}})
	rs, err := st.PendingReceipts(ctx)
	if err != nil || len(rs) != 2 {
		t.Fatalf("pending = %d, %v", len(rs), err)
	}
	if err := st.MarkSamePack(ctx, rs[1].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ConfirmReceipt(ctx, rs[0].ID, 2); err != nil {
		t.Fatal(err)
	}
	l, _ := st.Line(ctx, rs[0].LineID)
	if l.OnHand != 2 || l.PendingReceipts != 0 {
		t.Fatalf("on hand %d, pending receipts %d; want 2, 0", l.OnHand, l.PendingReceipts)
	}
	e, _ := st.Entry(ctx, e2)
	if e.Status != store.StatusConfirmed {
		t.Fatalf("the same-pack entry is %s, want confirmed (reviewed)", e.Status)
	}
	if _, err := st.ReceiptForEntry(ctx, e2); !errors.Is(err, store.ErrMovementNotFound) {
		t.Fatalf("same-pack entry's receipt: %v", err)
	}
	h, _ := st.History(ctx, e2)
	if !hasEdit(h, "same_pack") {
		t.Fatalf("history %+v lacks the same-pack mark", h)
	}
	// Editing that entry later does not bring its receipt back.
	if _, err := st.UpdateEntry(ctx, e2, map[string]string{"quantity": "5"}); err != nil {
		t.Fatal(err)
	}
	if l, _ := st.Line(ctx, rs[0].LineID); l.OnHand != 2 || l.PendingReceipts != 0 {
		t.Fatalf("after editing a same-pack entry: %+v", l)
	}
	card, _ := st.StockCard(ctx, rs[0].LineID)
	if len(card) != 2 || card[1].Status != stock.Dismissed || card[1].Reason != stock.SamePack {
		t.Fatalf("card = %+v; want the receipt and the dismissed one", card)
	}
}

func hasEdit(h []store.Edit, field string) bool {
	for _, e := range h {
		if e.Field == field {
			return true
		}
	}
	return false
}

// receivedLine makes a product with a confirmed receipt of n on a lot expiring on expiry.
func receivedLine(t *testing.T, st *store.Store, name, lot, expiry string, n int64) stock.Line {
	t.Helper()
	ctx := context.Background()
	e, err := st.AddEntry(ctx, map[string]string{"name": name, "lot": lot, "expiry": expiry, "quantity": strconv.FormatInt(n, 10)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ConfirmEntry(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	r, err := st.ReceiptForEntry(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	l, err := st.Line(ctx, r.LineID)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestMovementsAndStockCard(t *testing.T) {
	ctx := context.Background()
	c := &clock{day0}
	st := openAt(t, c)
	l := receivedLine(t, st, "Paracetamol", "P1", "2028-06-30", 10)
	if l.OnHand != 10 {
		t.Fatalf("on hand %d", l.OnHand)
	}
	step := func() { c.t = c.t.Add(time.Minute) }
	step()
	d, err := st.Dispense(ctx, l.ID, 4, "ward 3")
	if err != nil {
		t.Fatal(err)
	}
	step()
	if _, err := st.Dispense(ctx, l.ID, 7, ""); !errors.Is(err, stock.ErrNotEnough) {
		t.Fatalf("dispensing 7 of 6: %v", err)
	}
	if _, err := st.Adjust(ctx, l.ID, -1, stock.Lost, "fell behind the shelf"); err != nil {
		t.Fatal(err)
	}
	step()
	if _, err := st.Adjust(ctx, l.ID, 1, stock.Lost, ""); !errors.Is(err, stock.ErrReason) {
		t.Fatalf("lost with a plus: %v", err)
	}
	if _, err := st.Dispose(ctx, l.ID, 1, stock.Damaged, "crushed"); err != nil {
		t.Fatal(err)
	}
	step()
	if _, err := st.Count(ctx, []stock.CountInput{{LineID: l.ID, Counted: 3}}, "shelf A"); !errors.Is(err, stock.ErrReason) {
		t.Fatalf("a count that differs, with no reason: %v; want ErrReason", err)
	}
	if _, err := st.Count(ctx, []stock.CountInput{{LineID: l.ID, Counted: 3, Reason: stock.Returned}}, "shelf A"); !errors.Is(err, stock.ErrReason) {
		t.Fatalf("a count of fewer, as stock returned: %v; want ErrReason", err)
	}
	counts, err := st.Count(ctx, []stock.CountInput{{LineID: l.ID, Counted: 3, Reason: stock.Lost}}, "shelf A")
	if err != nil {
		t.Fatal(err)
	}
	if counts[0].Quantity != -1 || *counts[0].Counted != 3 || counts[0].Reason != stock.Lost {
		t.Fatalf("count movement = %+v; want −1 with 3 counted", counts[0])
	}
	step()
	rev, err := st.Reverse(ctx, d.ID, "dispensed by mistake")
	if err != nil {
		t.Fatal(err)
	}
	if rev.Quantity != 4 || rev.ReversesID != d.ID {
		t.Fatalf("reversal = %+v", rev)
	}
	if _, err := st.Reverse(ctx, d.ID, ""); !errors.Is(err, stock.ErrAlreadyReversed) {
		t.Fatalf("reversing twice: %v", err)
	}
	card, err := st.StockCard(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range card {
		got = append(got, string(r.Kind)+":"+strconv.FormatInt(r.Quantity, 10)+"="+strconv.FormatInt(r.Balance, 10))
	}
	want := "receive:10=10 dispense:-4=6 adjust:-1=5 dispose:-1=4 count:-1=3 reversal:4=7"
	if strings.Join(got, " ") != want {
		t.Fatalf("card = %s\nwant   %s", strings.Join(got, " "), want)
	}
	if card[4].Reason != stock.Lost {
		t.Fatalf("the count on the card = %+v; want its reason, lost", card[4])
	}
	if card[1].ReversedBy != rev.ID || card[1].Note != "ward 3" {
		t.Fatalf("the dispense on the card = %+v", card[1])
	}
	for _, m := range card {
		if len(m.UUID) != 36 || m.UUID[14] != '7' || m.DeviceID == "" {
			t.Fatalf("movement ids: uuid %q device %q; want a UUIDv7 and the device id", m.UUID, m.DeviceID)
		}
	}
	if _, err := st.Dispense(ctx, 999, 1, ""); !errors.Is(err, store.ErrLineNotFound) {
		t.Fatalf("no such line: %v", err)
	}
	if _, err := st.Count(ctx, []stock.CountInput{{LineID: l.ID, Counted: 1}, {LineID: l.ID, Counted: 2}}, ""); err == nil {
		t.Fatal("a count with a lot twice was accepted")
	}
	if _, err := st.Count(ctx, []stock.CountInput{{LineID: l.ID, Counted: 1, Reason: stock.CountCorrection}, {LineID: 999, Counted: 2}}, ""); err == nil {
		t.Fatal("a count with a missing lot was accepted")
	}
	if l2, _ := st.Line(ctx, l.ID); l2.OnHand != 7 {
		t.Fatalf("a failed count changed stock: on hand %d, want 7", l2.OnHand)
	}
}

// A product at 0 usable with a reorder level is listed under "Low stock" too: out of stock is the
// lowest stock there is (issue 24 item 5).
func TestOutOfStockIsListedUnderLow(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, &clock{day0})
	empty := receivedLine(t, st, "Amoxicillin", "A1", "2027-06-30", 4)
	low := receivedLine(t, st, "Paracetamol", "P1", "2027-06-30", 3)
	plenty := receivedLine(t, st, "Zinc", "Z1", "2027-06-30", 50)
	for _, l := range []stock.Line{empty, low, plenty} {
		if _, err := st.SetProductStock(ctx, l.ProductID, "tablet", 10); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Dispense(ctx, empty.ID, 4, ""); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range mustProducts(t, st, store.ProductFilter{Low: true}) {
		got = append(got, fmt.Sprintf("%s:%d", p.Name, p.Usable))
	}
	if strings.Join(got, " ") != "Amoxicillin:0 Paracetamol:3" {
		t.Fatalf("under Low stock: %v; want the empty and the low product", got)
	}
}

func TestLedgerIsAppendOnly(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, &clock{day0})
	l := receivedLine(t, st, "Paracetamol", "P1", "2028-06-30", 10)
	card, _ := st.StockCard(ctx, l.ID)
	for _, q := range []string{
		`UPDATE movements SET quantity = 99 WHERE id = ?`,
		`DELETE FROM movements WHERE id = ?`,
	} {
		if _, err := st.DB().ExecContext(ctx, q, card[0].ID); err == nil || !strings.Contains(err.Error(), "reversing movement") {
			t.Errorf("%s: %v; want it refused", q, err)
		}
	}
}

func TestExpiredStockIsNotUsable(t *testing.T) {
	ctx := context.Background()
	c := &clock{day0}
	st := openAt(t, c)
	old := receivedLine(t, st, "Ors", "OLD", "2026-10-31", 20)
	if _, err := st.Dispense(ctx, old.ID, 1, ""); !errors.Is(err, stock.ErrExpiredLot) {
		t.Fatalf("dispensing from an expired lot: %v", err)
	}
	ps := mustProducts(t, st, store.ProductFilter{Out: true})
	if len(ps) != 1 || ps[0].OnHand != 20 || ps[0].Usable != 0 || !ps[0].Badges.Expired {
		t.Fatalf("out-of-stock filter = %+v", ps)
	}
	fresh := receivedLine(t, st, "Ors", "NEW", "2027-01-15", 5)
	if fresh.ProductID != old.ProductID {
		t.Fatal("the same product (by name) got two products")
	}
	if _, err := st.SetProductStock(ctx, old.ProductID, "sachet", 10); err != nil {
		t.Fatal(err)
	}
	ps = mustProducts(t, st, store.ProductFilter{Low: true})
	if len(ps) != 1 || ps[0].Usable != 5 || ps[0].Unit != "sachet" || ps[0].NearestExpiry != "2027-01-15" || !ps[0].Badges.Expiring {
		t.Fatalf("low filter = %+v", ps)
	}
	if n := len(mustProducts(t, st, store.ProductFilter{ExpiringDays: 30})); n != 0 {
		t.Fatalf("expiring within 30 days: %d products, want 0", n)
	}
	// With ExpiredToo (the CLI's --expiring): the OLD lot has already expired, more urgent still,
	// so the product is listed, as the expiry report lists the lot.
	if n := len(mustProducts(t, st, store.ProductFilter{ExpiringDays: 30, ExpiredToo: true})); n != 1 {
		t.Fatalf("expiring within 30 days or expired: %d products, want 1", n)
	}
	if n := len(mustProducts(t, st, store.ProductFilter{ExpiringDays: 60})); n != 1 {
		t.Fatalf("expiring within 60 days: %d products, want 1", n)
	}
	ms, err := st.DispenseProduct(ctx, old.ProductID, 3, "")
	if err != nil || len(ms) != 1 || ms[0].LineID != fresh.ID {
		t.Fatalf("FEFO dispense = %+v, %v; want 3 from the unexpired lot", ms, err)
	}
	if _, err := st.DispenseProduct(ctx, old.ProductID, 3, ""); !errors.Is(err, stock.ErrNotEnough) {
		t.Fatalf("dispensing more than is usable: %v", err)
	}
	rep, err := st.ExpiryReport(ctx, time.Time{}, 90)
	if err != nil || len(rep) != 2 || rep[0].Line.Lot != "OLD" || !rep[0].Badges.Expired || !rep[1].Badges.Expiring {
		t.Fatalf("expiry report = %+v, %v", rep, err)
	}
	if _, err := st.Dispose(ctx, old.ID, 20, stock.Expired, "incinerated"); err != nil {
		t.Fatal(err)
	}
	mv, err := st.MovementsBetween(ctx, day0.Add(-time.Hour), day0.Add(time.Hour))
	if err != nil || len(mv) != 4 || mv[3].Kind != stock.Dispose || mv[3].Product.Name != "Ors" {
		t.Fatalf("movements = %+v, %v", mv, err)
	}
	if n := len(mustProducts(t, st, store.ProductFilter{Search: "ne"})); n != 1 { // "NEW" lot
		t.Fatalf("search by lot found %d products", n)
	}
	if n := len(mustProducts(t, st, store.ProductFilter{Search: "zzz"})); n != 0 {
		t.Fatalf("search found %d products, want 0", n)
	}
}

func TestEntryEditsFollowTheLedger(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, &clock{day0})
	l := receivedLine(t, st, "Cotrim", "C1", "2028-06-30", 10)
	card, _ := st.StockCard(ctx, l.ID)
	entryID := card[0].EntryID
	// Changing a confirmed entry's quantity reverses its receipt and receives again.
	if _, err := st.UpdateEntry(ctx, entryID, map[string]string{"quantity": "12"}); err != nil {
		t.Fatal(err)
	}
	if l2, _ := st.Line(ctx, l.ID); l2.OnHand != 12 {
		t.Fatalf("after the edit: on hand %d, want 12", l2.OnHand)
	}
	// Moving it to another lot moves the stock; the old lot, every movement of it undone, is no
	// longer listed (it showed as a lot of 0 packs).
	if _, err := st.UpdateEntry(ctx, entryID, map[string]string{"lot": "C2"}); err != nil {
		t.Fatal(err)
	}
	lines, _ := st.ProductLines(ctx, l.ProductID)
	if len(lines) != 1 || lines[0].Lot != "C2" || lines[0].OnHand != 12 {
		t.Fatalf("lines after moving the entry = %+v", lines)
	}
	var c2 stock.Line
	for _, x := range lines {
		if x.Lot == "C2" {
			c2 = x
		}
	}
	if _, err := st.Dispense(ctx, c2.ID, 10, ""); err != nil {
		t.Fatal(err)
	}
	// Deleting it now would take back stock already given out: refused, nothing changes.
	if err := st.DeleteEntry(ctx, entryID); !errors.Is(err, stock.ErrNotEnough) {
		t.Fatalf("delete after dispensing: %v", err)
	}
	if e, err := st.Entry(ctx, entryID); err != nil || e.Deleted {
		t.Fatalf("the entry was deleted anyway (%v)", err)
	}
	// A pending entry's deletion dismisses its receipt; restoring proposes a new one.
	e, err := st.AddEntry(ctx, map[string]string{"name": "Cotrim", "lot": "C3", "quantity": "4"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteEntry(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ReceiptForEntry(ctx, e.ID); !errors.Is(err, store.ErrMovementNotFound) {
		t.Fatalf("deleted entry's receipt: %v", err)
	}
	if err := st.RestoreEntry(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if r, err := st.ReceiptForEntry(ctx, e.ID); err != nil || r.Quantity != 4 || r.Status != stock.Pending {
		t.Fatalf("restored entry's receipt = %+v, %v", r, err)
	}
}

func TestSimilarPhotoIsFlagged(t *testing.T) {
	ctx := context.Background()
	c := &clock{day0}
	st := openAt(t, c)
	p1 := addPhoto(t, st, 1)
	c.t = c.t.Add(3 * time.Minute)
	p2 := addPhoto(t, st, 2)
	c.t = c.t.Add(3 * time.Hour)
	p3 := addPhoto(t, st, 3)
	for _, p := range []store.Photo{p1, p2, p3} {
		if err := st.SetPhotoHash(ctx, p.ID, 0xF0F0_F0F0_0000_FFFF); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SetPhotoHash(ctx, 999, 1); !store.IsNotFound(err) {
		t.Fatalf("hash of a missing photo: %v", err)
	}
	ne := store.NewEntry{Values: store.Values{Name: "Amoxil", GTIN: gtinA, Lot: "AB12", Expiry: "2028-01-31"}}
	photoEntry(t, st, p1.ID, ne)
	e2 := photoEntry(t, st, p2.ID, ne)
	e3 := photoEntry(t, st, p3.ID, ne)
	r2, _ := st.ReceiptForEntry(ctx, e2)
	if r2.SimilarPhotoID != p1.ID || r2.SimilarPhotoName != p1.OriginalName {
		t.Fatalf("second photo's receipt: similar to %d %q; want photo %d", r2.SimilarPhotoID, r2.SimilarPhotoName, p1.ID)
	}
	if e, _ := st.Entry(ctx, e2); !strings.Contains(e.ReviewNote, "probably the same pack") || !strings.Contains(e.ReviewNote, "3 minutes") {
		t.Fatalf("review note = %q", e.ReviewNote)
	}
	if r3, err := st.ReceiptForEntry(ctx, e3); err != nil || r3.SimilarPhotoID != 0 {
		t.Fatalf("a photo 3 hours later was flagged as like photo %d (%v)", r3.SimilarPhotoID, err)
	}
}

func TestDeviceIDStaysAndIdsAreGlobal(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dev, err := st.DeviceID(ctx)
	if err != nil || len(dev) != 36 {
		t.Fatalf("device id %q, %v", dev, err)
	}
	l := receivedLine(t, st, "Zinc", "Z", "", 1)
	p, err := st.StockProduct(ctx, l.ProductID)
	if err != nil || p.DeviceID != dev || len(p.UUID) != 36 || p.UUID[14] != '7' || l.DeviceID != dev || l.UUID[14] != '7' {
		t.Fatalf("product %+v line %+v: want UUIDv7 ids and device %s", p, l, dev)
	}
	st.Close()
	st2 := open(t, dir)
	if d2, _ := st2.DeviceID(ctx); d2 != dev {
		t.Fatalf("device id changed on reopening: %s → %s", dev, d2)
	}
	// A product remembered by the catalog's confirm path gets ids too (the trigger).
	var u, d string
	if err := st2.DB().QueryRowContext(ctx, `INSERT INTO products(name, created_at, updated_at) VALUES ('X', 0, 0) RETURNING id`).Scan(new(int64)); err != nil {
		t.Fatal(err)
	}
	if err := st2.ReadDB().QueryRowContext(ctx, `SELECT uuid, device_id FROM products WHERE name = 'X'`).Scan(&u, &d); err != nil || len(u) != 36 || u[14] != '7' || d != dev {
		t.Fatalf("trigger ids: %q %q %v", u, d, err)
	}
}

func TestBadInputLosesNothing(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, &clock{day0})
	l := receivedLine(t, st, "Zinc", "Z", "2028-01-31", 5)
	for name, call := range map[string]func() error{
		"dispense 0":      func() error { _, err := st.Dispense(ctx, l.ID, 0, ""); return err },
		"dispense -2":     func() error { _, err := st.Dispense(ctx, l.ID, -2, ""); return err },
		"adjust no why":   func() error { _, err := st.Adjust(ctx, l.ID, 1, "", ""); return err },
		"dispose lost":    func() error { _, err := st.Dispose(ctx, l.ID, 1, stock.Lost, ""); return err },
		"count -1":        func() error { _, err := st.Count(ctx, []stock.CountInput{{LineID: l.ID, Counted: -1}}, ""); return err },
		"count nothing":   func() error { _, err := st.Count(ctx, nil, ""); return err },
		"huge note":       func() error { _, err := st.Dispense(ctx, l.ID, 1, strings.Repeat("x", 3000)); return err },
		"reorder -1":      func() error { _, err := st.SetProductStock(ctx, l.ProductID, "", -1); return err },
		"bad expiry line": func() error { _, err := st.AddLine(ctx, l.ProductID, "L", "31/31/2027", ""); return err },
		"no product":      func() error { _, err := st.DispenseProduct(ctx, 999, 1, ""); return err },
		"reverse missing": func() error { _, err := st.Reverse(ctx, 999, ""); return err },
	} {
		if err := call(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if l2, _ := st.Line(ctx, l.ID); l2.OnHand != 5 || l2.Moves != 1 {
		t.Fatalf("bad input changed the lot: %+v", l2)
	}
	if _, err := store.ParseQuantity("3 packs"); !errors.Is(err, stock.ErrQuantity) {
		t.Fatalf("ParseQuantity: %v", err)
	}
	if n := countRows(t, st.ReadDB(), `SELECT count(*) FROM movements`); n != 1 {
		t.Fatalf("%d movements, want 1", n)
	}
}

// The product view's data is kept in memory between calls; a change made by another process (here
// a second Store on the same folder, as the import command is) must show at the next call.
func TestProductViewSeesOtherProcessesChanges(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := open(t, dir)
	b := open(t, dir)
	l := receivedLine(t, b, "Zinc", "Z-1", "2028-01-31", 5)
	if ps := mustProducts(t, a, store.ProductFilter{}); len(ps) != 1 || ps[0].Usable != 5 {
		t.Fatalf("first read: %+v", ps)
	}
	if _, err := b.Dispense(ctx, l.ID, 2, ""); err != nil {
		t.Fatal(err)
	}
	if ps := mustProducts(t, a, store.ProductFilter{}); ps[0].Usable != 3 {
		t.Fatalf("after another store dispensed 2: usable %d, want 3", ps[0].Usable)
	}
	if _, err := b.SetProductStock(ctx, l.ProductID, "sachet", 10); err != nil {
		t.Fatal(err)
	}
	if ps := mustProducts(t, a, store.ProductFilter{Low: true}); len(ps) != 1 || ps[0].Unit != "sachet" {
		t.Fatalf("after another store set the reorder level: %+v", ps)
	}
	receivedLine(t, b, "Paracétamol", "AB 12/3", "2028-01-31", 1)
	for q, want := range map[string]int{"PARACÉ": 1, "ab-123": 1, "z1": 1, "": 2, "nothing": 0, "sachet": 0} {
		if n := len(mustProducts(t, a, store.ProductFilter{Search: q})); n != want {
			t.Errorf("search %q: %d products, want %d", q, n, want)
		}
	}
}

// An entry confirmed from its barcode alone (offline), then filled in by the model with another
// quantity: the machine does not change confirmed stock; the entry goes back to review, and
// confirming it again corrects the stock.
func TestAnalysisNeverChangesConfirmedStock(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, &clock{day0})
	p := addPhoto(t, st, 9)
	id := photoEntry(t, st, p.ID, store.NewEntry{Values: store.Values{GTIN: gtinA, Lot: "AB12", Expiry: "2028-01-31"},
		Sources: map[string]string{"gtin": store.SourceBarcode, "lot": store.SourceBarcode, "expiry": store.SourceBarcode}})
	if _, err := st.ConfirmEntry(ctx, id); err != nil {
		t.Fatal(err)
	}
	r, _ := st.ReceiptForEntry(ctx, id)
	if r.Status != stock.Confirmed || r.Quantity != 1 {
		t.Fatalf("receipt %+v", r.Movement)
	}
	photoEntry(t, st, p.ID, store.NewEntry{Values: store.Values{Name: "Amoxil", GTIN: gtinA, Lot: "AB12", Expiry: "2028-01-31", Quantity: q(3)},
		Sources: map[string]string{"name": store.SourceModel, "quantity": store.SourceModel}})
	if l, _ := st.Line(ctx, r.LineID); l.OnHand != 1 || l.Pending != 0 {
		t.Fatalf("the analysis changed confirmed stock: %+v", l)
	}
	e, _ := st.Entry(ctx, id)
	if e.Status != store.StatusNeedsReview || !strings.Contains(e.ReviewNote, "stock was not changed") || e.Get("quantity") != "3" {
		t.Fatalf("entry after the analysis: %s, %q, quantity %s", e.Status, e.ReviewNote, e.Get("quantity"))
	}
	if _, err := st.ConfirmEntry(ctx, id); err != nil {
		t.Fatal(err)
	}
	card, _ := st.StockCard(ctx, r.LineID)
	if l, _ := st.Line(ctx, r.LineID); l.OnHand != 3 || len(card) != 3 || card[1].Kind != stock.Reversal {
		t.Fatalf("after confirming again: on hand %d, card %+v; want 3 via a reversal and a new receipt", l.OnHand, card)
	}
}

// Reopening a confirmed entry (the window's undo of Confirm) takes its stock back to "waiting for
// review"; confirming again counts it once.
func TestReopenEntryTakesItsStockBackToReview(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, &clock{day0})
	l := receivedLine(t, st, "Zinc", "Z", "2028-01-31", 4)
	card, _ := st.StockCard(ctx, l.ID)
	id := card[0].EntryID
	if _, err := st.ReopenEntry(ctx, id); err != nil {
		t.Fatal(err)
	}
	if l2, _ := st.Line(ctx, l.ID); l2.OnHand != 0 || l2.Pending != 4 {
		t.Fatalf("after reopening: on hand %d, pending %d; want 0, 4", l2.OnHand, l2.Pending)
	}
	if _, err := st.ConfirmEntry(ctx, id); err != nil {
		t.Fatal(err)
	}
	if l2, _ := st.Line(ctx, l.ID); l2.OnHand != 4 || l2.Pending != 0 {
		t.Fatalf("after confirming again: on hand %d, pending %d; want 4, 0", l2.OnHand, l2.Pending)
	}
	if _, err := st.Dispense(ctx, l.ID, 3, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ReopenEntry(ctx, id); !errors.Is(err, stock.ErrNotEnough) {
		t.Fatalf("reopening a receipt already used: %v", err)
	}
	if e, _ := st.Entry(ctx, id); e.Status != store.StatusConfirmed {
		t.Fatal("a refused reopen changed the entry")
	}
	p, _ := st.AddConfirmedEntry(ctx, map[string]string{"name": "Zinc", "lot": "Z2", "quantity": "6"})
	if r, err := st.ReceiptForEntry(ctx, p.ID); err != nil || r.Status != stock.Confirmed || r.Quantity != 6 {
		t.Fatalf("AddConfirmedEntry's receipt = %+v, %v", r.Movement, err)
	}
}

// A photo of a lot that is already on a shelf names no shelf (a photo cannot see it): its receipt
// goes to the listed lot, never to a second line of the same lot without a shelf.
func TestPhotoOfAShelvedLotMakesNoSecondLine(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, &clock{day0})
	e, err := st.AddEntry(ctx, map[string]string{"name": "Amoxil", "strength": "500 mg", "gtin": gtinA, "lot": "AX9950", "expiry": "2028-01-31", "quantity": "4", "location": "A2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ConfirmEntry(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	shelved, err := st.ReceiptForEntry(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := addPhoto(t, st, 7)
	e2 := photoEntry(t, st, p.ID, store.NewEntry{Values: store.Values{Name: "Amoxil", Strength: "500 mg", GTIN: gtinA, Lot: "AX9950", Expiry: "2028-01-31", Quantity: q(2)}})
	r2, err := st.ReceiptForEntry(ctx, e2)
	if err != nil {
		t.Fatal(err)
	}
	if r2.LineID != shelved.LineID {
		t.Fatalf("the photo's receipt is on line %d, the shelved lot is line %d: a second line of one lot", r2.LineID, shelved.LineID)
	}
	ps := mustProducts(t, st, store.ProductFilter{})
	if len(ps) != 1 {
		t.Fatalf("%d products, want 1", len(ps))
	}
	lines, err := st.ProductLines(ctx, ps[0].ID)
	if err != nil || len(lines) != 1 {
		t.Fatalf("lines = %+v, %v; want the one shelved lot", lines, err)
	}
	if l := lines[0]; l.Location != "A2" || l.OnHand != 4 || l.Pending != 2 {
		t.Fatalf("line = %+v; want shelf A2, on hand 4, 2 waiting", l)
	}
}
