package store_test

import (
	"context"
	"errors"
	"testing"

	"medinventory/store"
	"medinventory/store/stock"
	"medinventory/store/syncwire"
)

// These tests move rows between two real inventories the way the hub does (what one pushes is
// what the other pulls, its own rows left out); store/syncclient tests the same against the real
// hub over HTTP.

const syncGTIN = "04006381333931"

// hand moves everything from's outbox holds into to, as one pull page, and acknowledges it.
func syncHand(t *testing.T, from, to *store.Store) store.PullApplied {
	t.Helper()
	ctx := context.Background()
	var total store.PullApplied
	for {
		req, err := from.OutboxBatch(ctx, 7) // small batches: several round trips
		if err != nil {
			t.Fatal(err)
		}
		if req.Through == 0 {
			return total
		}
		got, err := to.ApplyPull(ctx, syncwire.PullResponse{Products: req.Products, Lines: req.Lines, Movements: req.Movements,
			Edits: req.Edits, Next: req.Through})
		if err != nil {
			t.Fatal(err)
		}
		total.Products += got.Products
		total.Lines += got.Lines
		total.Movements += got.Movements
		total.Edits += got.Edits
		total.Mapped += got.Mapped
		total.Conflicts += got.Conflicts
		if err := from.AckPush(ctx, req.Through); err != nil {
			t.Fatal(err)
		}
	}
}

func syncOnHand(t *testing.T, st *store.Store, gtin string) (sum int64, lines int) {
	t.Helper()
	err := st.ReadDB().QueryRow(`SELECT COALESCE(SUM(t.on_hand), 0), COUNT(*) FROM line_totals t JOIN stock_lines l ON l.id = t.line_id
		JOIN products p ON p.id = l.product_id WHERE p.gtin = ?`, gtin).Scan(&sum, &lines)
	if err != nil {
		t.Fatal(err)
	}
	return sum, lines
}

func syncReceive(t *testing.T, st *store.Store, gtin, lot string, n int64) {
	t.Helper()
	if _, _, _, err := st.ReceiveDelivery(context.Background(), store.Delivery{Product: gtin, Name: "Amoxicillin 500 mg",
		Lot: lot, Expiry: "2028-06-30", Quantity: n}); err != nil {
		t.Fatal(err)
	}
}

func syncPending(t *testing.T, st *store.Store) int64 {
	t.Helper()
	n, err := st.OutboxPending(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The outbox holds a new product (with its fields as edits), its lot and the receipt; a pending
// receipt waits until it is confirmed; rows pulled from the hub never go back out.
func TestOutboxFilledByTheRowsTransaction(t *testing.T) {
	ctx := context.Background()
	a := openAt(t, &clock{day0})
	syncReceive(t, a, syncGTIN, "L1", 2)
	req, err := a.OutboxBatch(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(req.Products) != 1 || len(req.Lines) != 1 || len(req.Movements) != 1 || len(req.Edits) < 2 {
		t.Fatalf("outbox: %d products, %d lots, %d movements, %d edits", len(req.Products), len(req.Lines), len(req.Movements), len(req.Edits))
	}
	if req.Products[0].GTIN != syncGTIN || req.Movements[0].Quantity != 2 || req.Movements[0].LineUUID != req.Lines[0].UUID {
		t.Fatalf("rows: %+v %+v", req.Products[0], req.Movements[0])
	}
	dev, _ := a.DeviceID(ctx)
	if req.DeviceID != dev || req.DataID == "" {
		t.Fatalf("push names device %q data %q", req.DeviceID, req.DataID)
	}
	// A photo's receipt: pending, not sent; confirmed, sent.
	e, err := a.AddEntry(ctx, map[string]string{"name": "Zinc", "lot": "Z1", "expiry": "2028-01-31", "quantity": "4"})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := a.OutboxBatch(ctx, 1000)
	for _, m := range before.Movements {
		if m.Quantity == 4 {
			t.Fatal("a pending receipt went to the outbox")
		}
	}
	if _, err := a.ConfirmEntry(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	after, _ := a.OutboxBatch(ctx, 1000)
	if len(after.Movements) != len(before.Movements)+1 || after.Movements[len(after.Movements)-1].Quantity != 4 {
		t.Fatalf("confirmed receipt not sent: %d → %d movements", len(before.Movements), len(after.Movements))
	}
	// The cursor moves only with an acknowledgement, never back.
	n := syncPending(t, a)
	if err := a.AckPush(ctx, after.Through); err != nil {
		t.Fatal(err)
	}
	if syncPending(t, a) != 0 || n == 0 {
		t.Fatalf("pending %d before ack, %d after", n, syncPending(t, a))
	}
	if err := a.AckPush(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if syncPending(t, a) != 0 {
		t.Fatal("an old acknowledgement moved the cursor back")
	}
	// Pulled rows stay out of the outbox.
	b := openAt(t, &clock{day0})
	syncReceive(t, b, "5901234123457", "B1", 1)
	syncHand(t, b, a)
	if syncPending(t, a) != 0 {
		t.Fatalf("pulled rows went to the outbox: %d", syncPending(t, a))
	}
}

// A page applied twice is stored once; the stock of one lot received on two laptops adds up in
// one line (the product mapped by GTIN, the lot by lot + expiry + shelf); dispenses travel; the
// totals the triggers keep match the ledger.
func TestApplyIsIdempotentAndMapsTheSameLot(t *testing.T) {
	ctx := context.Background()
	a, b := openAt(t, &clock{day0}), openAt(t, &clock{day0})
	syncReceive(t, a, syncGTIN, "L1", 2)
	syncReceive(t, b, syncGTIN, "L1", 3)
	req, _ := a.OutboxBatch(ctx, 100)
	page := syncwire.PullResponse{Products: req.Products, Lines: req.Lines, Movements: req.Movements, Edits: req.Edits, Next: req.Through}
	for i := 0; i < 2; i++ {
		got, err := b.ApplyPull(ctx, page)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 && (got.Mapped != 2 || got.Movements != 1) || i == 1 && got.Movements+got.Products+got.Lines+got.Edits != 0 {
			t.Fatalf("apply %d: %+v", i, got)
		}
	}
	_ = a.AckPush(ctx, req.Through)
	syncHand(t, b, a)
	for _, st := range []*store.Store{a, b} {
		if sum, lines := syncOnHand(t, st, syncGTIN); sum != 5 || lines != 1 {
			t.Fatalf("on hand %d in %d lines, want 5 in 1", sum, lines)
		}
		if err := st.CheckStockTotals(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// B dispenses 4 from the shared line; A sees 1.
	var line int64
	_ = b.ReadDB().QueryRow(`SELECT id FROM stock_lines`).Scan(&line)
	if _, err := b.Dispense(ctx, line, 4, ""); err != nil {
		t.Fatal(err)
	}
	syncHand(t, b, a)
	if sum, _ := syncOnHand(t, a, syncGTIN); sum != 1 {
		t.Fatalf("A: %d on hand after B dispensed 4 of 5", sum)
	}
	if got := syncHand(t, b, a); got != (store.PullApplied{}) {
		t.Fatalf("syncing again changed %+v", got)
	}
}

// Two laptops change one field before either saw the other: both keep their value, each lists
// the conflict; settled on one, the choice travels and settles it on the other.
func TestConcurrentEditsAreKeptAsAConflict(t *testing.T) {
	ctx := context.Background()
	a, b := openAt(t, &clock{day0}), openAt(t, &clock{day0})
	syncReceive(t, a, syncGTIN, "L1", 2)
	syncHand(t, a, b)
	pa, _ := a.FindProduct(ctx, syncGTIN)
	pb, _ := b.FindProduct(ctx, syncGTIN)
	// A sequential edit is applied, no conflict.
	if _, err := a.SetProductStock(ctx, pa.ID, "", 10); err != nil {
		t.Fatal(err)
	}
	if got := syncHand(t, a, b); got.Conflicts != 0 {
		t.Fatalf("a sequential edit conflicted: %+v", got)
	}
	if p, _ := b.StockProduct(ctx, pb.ID); p.ReorderLevel != 10 {
		t.Fatalf("B's reorder level %d, want 10", p.ReorderLevel)
	}
	// Concurrent.
	if _, err := a.SetProductStock(ctx, pa.ID, "", 20); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SetProductStock(ctx, pb.ID, "", 30); err != nil {
		t.Fatal(err)
	}
	if got := syncHand(t, a, b); got.Conflicts != 1 {
		t.Fatalf("B: %+v", got)
	}
	if got := syncHand(t, b, a); got.Conflicts != 1 {
		t.Fatalf("A: %+v", got)
	}
	ca, _ := a.SyncConflicts(ctx)
	cb, _ := b.SyncConflicts(ctx)
	if len(ca) != 1 || ca[0].Ours != "20" || ca[0].Theirs != "30" || len(cb) != 1 || cb[0].Ours != "30" || cb[0].Theirs != "20" {
		t.Fatalf("conflicts: A %+v B %+v", ca, cb)
	}
	if p, _ := a.StockProduct(ctx, pa.ID); p.ReorderLevel != 20 {
		t.Fatalf("A's value changed before anyone chose: %d", p.ReorderLevel)
	}
	if err := a.SettleConflict(ctx, ca[0].ID, "25"); err != nil {
		t.Fatal(err)
	}
	syncHand(t, a, b)
	for _, st := range []*store.Store{a, b} {
		p, _ := st.FindProduct(ctx, syncGTIN)
		cs, _ := st.SyncConflicts(ctx)
		if p.ReorderLevel != 25 || len(cs) != 0 {
			t.Fatalf("after settling: reorder %d, open conflicts %+v", p.ReorderLevel, cs)
		}
	}
	if err := a.SettleConflict(ctx, ca[0].ID, "1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("settling twice: %v", err)
	}
}

// A data folder copied to another computer is recognised, and joins again as a new device: its
// new rows carry the new id, and everything is offered and pulled again (by UUID, once).
func TestCopiedFolderJoinsAsANewDevice(t *testing.T) {
	ctx := context.Background()
	t.Setenv("MEDINVENTORY_MACHINE_ID", "computer-1")
	a := openAt(t, &clock{day0})
	syncReceive(t, a, syncGTIN, "L1", 2)
	dev, data, err := a.PrepareJoin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.RecordJoin(ctx, "http://hub", "h", "c", "Clinic A", dev, data); err != nil {
		t.Fatal(err)
	}
	if err := a.CheckSyncIdentity(ctx); err != nil {
		t.Fatal(err)
	}
	_ = a.AckPush(ctx, 1000)
	t.Setenv("MEDINVENTORY_MACHINE_ID", "computer-2")
	if err := a.CheckSyncIdentity(ctx); !errors.Is(err, store.ErrSyncClone) {
		t.Fatalf("a copy on another computer: %v", err)
	}
	dev2, _, err := a.PrepareJoin(ctx)
	if err != nil || dev2 == dev {
		t.Fatalf("re-join device %q (was %q): %v", dev2, dev, err)
	}
	if err := a.RecordJoin(ctx, "http://hub", "h", "c", "Clinic A", dev2, data); err != nil {
		t.Fatal(err)
	}
	if err := a.CheckSyncIdentity(ctx); err != nil {
		t.Fatal(err)
	}
	if syncPending(t, a) == 0 {
		t.Fatal("a re-joined copy does not offer its rows again")
	}
	syncReceive(t, a, syncGTIN, "L1", 1)
	req, _ := a.OutboxBatch(ctx, 1000)
	last := req.Movements[len(req.Movements)-1]
	if last.DeviceID != dev2 || req.Movements[0].DeviceID != dev {
		t.Fatalf("devices: first %s last %s; want %s then %s", req.Movements[0].DeviceID, last.DeviceID, dev, dev2)
	}
}

// Two laptops reverse the same movement before either saw the other: the pulled second reversal
// cannot be a reversal here (one per movement) and is kept as a plain movement with a note; the
// sync does not stop, and both laptops agree on the stock.
func TestTwoReversalsOfOneMovement(t *testing.T) {
	ctx := context.Background()
	a, b := openAt(t, &clock{day0}), openAt(t, &clock{day0})
	syncReceive(t, a, syncGTIN, "L1", 10)
	syncHand(t, a, b)
	var la, lb int64
	_ = a.ReadDB().QueryRow(`SELECT id FROM stock_lines`).Scan(&la)
	_ = b.ReadDB().QueryRow(`SELECT id FROM stock_lines`).Scan(&lb)
	ma, err := a.Dispense(ctx, la, 3, "")
	if err != nil {
		t.Fatal(err)
	}
	syncHand(t, a, b)
	var mb int64
	_ = b.ReadDB().QueryRow(`SELECT id FROM movements WHERE uuid = ?`, ma.UUID).Scan(&mb)
	if _, err := a.Reverse(ctx, ma.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Reverse(ctx, mb, ""); err != nil {
		t.Fatal(err)
	}
	syncHand(t, a, b)
	syncHand(t, b, a)
	sa, _ := syncOnHand(t, a, syncGTIN)
	sb, _ := syncOnHand(t, b, syncGTIN)
	if sa != sb || sa != 13 {
		t.Fatalf("on hand A %d, B %d; want both 13 (10 − 3 + 3 + 3)", sa, sb)
	}
	var notes int
	_ = a.ReadDB().QueryRow(`SELECT COUNT(*) FROM movements WHERE note LIKE '%another laptop reversed the same movement%' AND reverses_id IS NULL`).Scan(&notes)
	if notes != 1 {
		t.Fatalf("%d second reversals noted on A, want 1", notes)
	}
}

// A receipt waiting for review on B (3 boxes read from a photo) when A's unit change (tablets,
// 20 a pack) arrives is proposed again in the new unit, as a change made on B itself does: 3 × 20
// = 60 tablets, not 3.
func TestPendingReceiptFollowsAPulledUnitChange(t *testing.T) {
	ctx := context.Background()
	a, b := openAt(t, &clock{day0}), openAt(t, &clock{day0})
	e := photoEntry(t, b, addPhoto(t, b, 3).ID, store.NewEntry{Values: store.Values{Name: "Cotrim", GTIN: gtinA, Lot: "C1",
		Expiry: "2028-05-31", Quantity: q(3), Unit: "box"}, Sources: map[string]string{"name": store.SourceModel, "quantity": store.SourceModel}})
	r, _ := b.ReceiptForEntry(ctx, e)
	if r.Quantity != 3 || r.Status != stock.Pending {
		t.Fatalf("pending receipt %+v", r.Movement)
	}
	syncHand(t, b, a)
	p, err := a.FindProduct(ctx, gtinA)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetProductUnit(ctx, p.ID, "tablet", 20); err != nil {
		t.Fatal(err)
	}
	syncHand(t, a, b)
	r, _ = b.ReceiptForEntry(ctx, e)
	if r.Product.Unit != "tablet" || r.Quantity != 60 || r.Packs != 3 || r.PackSize != 20 || r.Status != stock.Pending {
		t.Fatalf("after A's unit change B's pending receipt is %+v (unit %q); want 3 × 20 = 60 tablets", r.Movement, r.Product.Unit)
	}
}
