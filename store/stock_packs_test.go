package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"medinventory/store"
	"medinventory/store/stock"
)

// namedPhoto adds a generated photo under a file name of its own.
func namedPhoto(t *testing.T, st *store.Store, name string, seed uint8) store.Photo {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "in")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	writeJPEG(t, p, 64, 48, seed)
	res, err := st.AddPhoto(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.Photo
}

// Issue 22: one pack photographed three times (the same GTIN and serial in its DataMatrix; the
// photos look alike or not — every hash here is the same, the worst case) and a second pack of the
// same lot with another serial are two packs: exactly 2 receipts wait for review, neither flagged
// as a look-alike of the other, and confirming everything gives 2 on hand.
func TestOnePackPhotographedThriceAndASecondPackAreTwoReceipts(t *testing.T) {
	ctx := context.Background()
	c := &clock{day0}
	st := openAt(t, c)
	ne := func(serial string) store.NewEntry {
		return store.NewEntry{Values: store.Values{Name: "Amoxil", GTIN: gtinA, Lot: "AB12", Expiry: "2028-01-31", Serial: serial},
			Sources: map[string]string{"gtin": store.SourceBarcode, "lot": store.SourceBarcode, "serial": store.SourceBarcode}}
	}
	var entries []int64
	for i, shot := range []struct{ name, serial string }{
		{"pack1-front.jpg", "S1"}, {"pack1-rotated.jpg", "S1"}, {"pack1-other-table.jpg", "S1"}, {"pack2.jpg", "S2"},
	} {
		c.t = c.t.Add(time.Minute)
		p := namedPhoto(t, st, shot.name, uint8(10+i*40))
		if err := st.SetPhotoHash(ctx, p.ID, 0xF0F0_F0F0_0000_FFFF); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, photoEntry(t, st, p.ID, ne(shot.serial)))
	}
	rs, err := st.PendingReceipts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].EntryID != entries[0] || rs[1].EntryID != entries[3] {
		t.Fatalf("%d receipts pending (%+v); want 2: the first photo's and the second pack's", len(rs), rs)
	}
	for _, r := range rs {
		if r.SimilarPhotoID != 0 {
			t.Errorf("receipt of serial %s flagged as a look-alike of %q: the serials prove two packs", r.Serial, r.SimilarPhotoName)
		}
	}
	if rs[0].Serial != "S1" || rs[1].Serial != "S2" {
		t.Errorf("receipts carry serials %q, %q; want S1, S2", rs[0].Serial, rs[1].Serial)
	}
	for _, id := range entries[1:3] {
		e, _ := st.Entry(ctx, id)
		if want := `Same pack as photo "pack1-front.jpg" (serial S1)`; !strings.Contains(e.ReviewNote, want) || strings.Contains(e.ReviewNote, "looks like") {
			t.Errorf("entry %d's note %q; want it to say %q and nothing of look-alikes", id, e.ReviewNote, want)
		}
		if _, err := st.ReceiptForEntry(ctx, id); err != store.ErrMovementNotFound {
			t.Errorf("entry %d (the same pack) has a receipt: %v", id, err)
		}
	}
	if e, _ := st.Entry(ctx, entries[3]); e.ReviewNote != "" {
		t.Errorf("the second pack's note %q; want none", e.ReviewNote)
	}
	// Confirm every receipt, then every entry (as the editor's Ctrl+Enter does): 2 on hand.
	for _, r := range rs {
		if _, err := st.ConfirmReceipt(ctx, r.ID, 1); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range entries {
		if _, err := st.ConfirmEntry(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	ps := mustProducts(t, st, store.ProductFilter{})
	if len(ps) != 1 || ps[0].OnHand != 2 || ps[0].Pending != 0 {
		t.Fatalf("products %+v; want one with 2 on hand, none pending", ps)
	}
	if n := countRows(t, st.ReadDB(), `SELECT count(*) FROM movements`); n != 2 {
		t.Fatalf("%d movements in the ledger; want the 2 receipts only (no dismissed or reversed ones)", n)
	}
	rows, err := st.MovementsBetween(ctx, day0, day0.Add(24*time.Hour))
	if err != nil || len(rows) != 2 || rows[0].Serial != "S1" || rows[1].Serial != "S2" {
		t.Fatalf("movements report %+v, %v; want the two receipts with their serials", rows, err)
	}
}

// The photo that counted a pack is removed: another photo of the same pack counts it instead, and
// its note no longer says it is the same pack as a photo that is gone.
func TestRemovingThePhotoThatCountedAPackLetsItsTwinCountIt(t *testing.T) {
	ctx := context.Background()
	c := &clock{day0}
	st := openAt(t, c)
	ne := store.NewEntry{Values: store.Values{Name: "Amoxil", GTIN: gtinA, Lot: "AB12", Expiry: "2028-01-31", Serial: "S1"}}
	e1 := photoEntry(t, st, namedPhoto(t, st, "a.jpg", 1).ID, ne)
	c.t = c.t.Add(time.Minute)
	e2 := photoEntry(t, st, namedPhoto(t, st, "b.jpg", 90).ID, ne)
	if _, err := st.ReceiptForEntry(ctx, e2); err != store.ErrMovementNotFound {
		t.Fatalf("the twin has a receipt: %v", err)
	}
	if err := st.DeleteEntry(ctx, e1); err != nil {
		t.Fatal(err)
	}
	r, err := st.ReceiptForEntry(ctx, e2)
	if err != nil || r.Status != stock.Pending || r.Quantity != 1 {
		t.Fatalf("after removing the first photo's entry, the twin's receipt: %+v, %v", r, err)
	}
	if e, _ := st.Entry(ctx, e2); strings.Contains(e.ReviewNote, "Same pack") {
		t.Fatalf("the twin's note still says %q", e.ReviewNote)
	}
	if rs, _ := st.PendingReceipts(ctx); len(rs) != 1 {
		t.Fatalf("%d receipts pending; want 1", len(rs))
	}
}

// A person corrects a serial misread on the second photo: it is another pack after all and is
// counted; a serial typed onto an entry that matches a counted pack dismisses its pending receipt.
func TestAnEditedSerialDecidesThePack(t *testing.T) {
	ctx := context.Background()
	c := &clock{day0}
	st := openAt(t, c)
	ne := store.NewEntry{Values: store.Values{Name: "Amoxil", GTIN: gtinA, Lot: "AB12", Expiry: "2028-01-31", Serial: "S1"}}
	photoEntry(t, st, namedPhoto(t, st, "a.jpg", 1).ID, ne)
	e2 := photoEntry(t, st, namedPhoto(t, st, "b.jpg", 90).ID, ne)
	if _, err := st.UpdateEntry(ctx, e2, map[string]string{"serial": "S7"}); err != nil {
		t.Fatal(err)
	}
	if r, err := st.ReceiptForEntry(ctx, e2); err != nil || r.Status != stock.Pending || r.Serial != "S7" {
		t.Fatalf("after the serial was corrected: %+v, %v", r, err)
	}
	// Typed back: the pending receipt is dismissed as the same pack, and says which.
	r2, _ := st.ReceiptForEntry(ctx, e2)
	if _, err := st.UpdateEntry(ctx, e2, map[string]string{"serial": "S1"}); err != nil {
		t.Fatal(err)
	}
	m, err := st.Movement(ctx, r2.ID)
	if err != nil || m.Status != stock.Dismissed || m.Reason != stock.SamePack || !strings.Contains(m.Note, `photo "a.jpg" (serial S1)`) {
		t.Fatalf("the receipt of a serial already counted: %+v, %v", m, err)
	}
	if rs, _ := st.PendingReceipts(ctx); len(rs) != 1 {
		t.Fatalf("%d receipts pending; want 1", len(rs))
	}
}

// Two packs of one lot without serials still look alike to the hash: the flag holds.
func TestLookAlikeFlagHoldsWithoutSerials(t *testing.T) {
	ctx := context.Background()
	c := &clock{day0}
	st := openAt(t, c)
	ne := store.NewEntry{Values: store.Values{Name: "Amoxil", GTIN: gtinA, Lot: "AB12", Expiry: "2028-01-31"}}
	var ids []int64
	for i, serial := range []string{"", "S2"} {
		p := namedPhoto(t, st, []string{"a.jpg", "b.jpg"}[i], uint8(1+i))
		if err := st.SetPhotoHash(ctx, p.ID, 0xF0F0_F0F0_0000_FFFF); err != nil {
			t.Fatal(err)
		}
		ne.Serial = serial
		ids = append(ids, photoEntry(t, st, p.ID, ne))
	}
	// The first photo has no serial, so nothing proves the second (serial S2) a different pack.
	if r, err := st.ReceiptForEntry(ctx, ids[1]); err != nil || r.SimilarPhotoName != "a.jpg" {
		t.Fatalf("receipt %+v, %v; want it flagged as like a.jpg", r, err)
	}
}

// Photos are analysed in any order: when the later photos' analyses commit first, they are compared
// with earlier photos whose serials are not known yet and flagged as look-alikes. Once the earlier
// photo's serial is known the flag is settled: another serial proves another pack; the same serial,
// counted by the flagged receipt alone, is one pack counted once. The three photos of pack S1 and
// the one of pack S2 still give exactly 2 receipts, neither flagged.
func TestLookAlikeFlagsSettledWhenTheEarlierPhotoIsAnalysedLast(t *testing.T) {
	ctx := context.Background()
	c := &clock{day0}
	st := openAt(t, c)
	ne := func(serial string) store.NewEntry {
		return store.NewEntry{Values: store.Values{Name: "Amoxil", GTIN: gtinA, Lot: "AB12", Expiry: "2028-01-31", Serial: serial},
			Sources: map[string]string{"gtin": store.SourceBarcode, "lot": store.SourceBarcode, "serial": store.SourceBarcode}}
	}
	shots := []struct{ name, serial string }{
		{"pack1-front.jpg", "S1"}, {"pack1-again.jpg", "S1"}, {"pack2.jpg", "S2"}, {"pack1-cloth.jpg", "S1"},
	}
	var photos []store.Photo
	for i, shot := range shots { // added in this order, every look recorded before any entry
		c.t = c.t.Add(time.Minute)
		p := namedPhoto(t, st, shot.name, uint8(10+i*40))
		if err := st.SetPhotoHash(ctx, p.ID, 0xF0F0_F0F0_0000_FFFF); err != nil {
			t.Fatal(err)
		}
		photos = append(photos, p)
	}
	for _, i := range []int{2, 3, 1, 0} { // analysed in another order: pack2 first, the first photo last
		photoEntry(t, st, photos[i].ID, ne(shots[i].serial))
	}
	rs, err := st.PendingReceipts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 {
		t.Fatalf("%d receipts pending (%+v); want 2, one per serial", len(rs), rs)
	}
	for _, r := range rs {
		if r.SimilarPhotoID != 0 {
			t.Errorf("receipt of serial %s still flagged as a look-alike of %q", r.Serial, r.SimilarPhotoName)
		}
		e, _ := st.Entry(ctx, r.EntryID)
		if strings.Contains(e.ReviewNote, "looks like") {
			t.Errorf("entry of serial %s keeps the look-alike note: %q", r.Serial, e.ReviewNote)
		}
		if _, err := st.ConfirmReceipt(ctx, r.ID, 1); err != nil {
			t.Errorf("confirm the receipt of serial %s: %v", r.Serial, err)
		}
	}
}

// Without serials nothing settles a look-alike: analysed in any order, the flag stays.
func TestLookAlikeFlagStaysWithoutSerialsWhateverTheOrder(t *testing.T) {
	ctx := context.Background()
	c := &clock{day0}
	st := openAt(t, c)
	var photos []store.Photo
	for i, name := range []string{"a.jpg", "b.jpg"} {
		c.t = c.t.Add(time.Minute)
		p := namedPhoto(t, st, name, uint8(10+i*40))
		if err := st.SetPhotoHash(ctx, p.ID, 0xF0F0_F0F0_0000_FFFF); err != nil {
			t.Fatal(err)
		}
		photos = append(photos, p)
	}
	ne := store.NewEntry{Values: store.Values{Name: "Amoxil", GTIN: gtinA, Lot: "AB12", Expiry: "2028-01-31"}}
	photoEntry(t, st, photos[1].ID, ne)
	photoEntry(t, st, photos[0].ID, ne)
	rs, err := st.PendingReceipts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	flagged := 0
	for _, r := range rs {
		if r.SimilarPhotoID != 0 {
			flagged++
		}
	}
	if len(rs) != 2 || flagged != 1 {
		t.Fatalf("%d receipts, %d flagged; want 2 with the later photo's flagged", len(rs), flagged)
	}
}
