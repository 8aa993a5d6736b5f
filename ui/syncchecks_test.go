package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"medinventory/store"
	"medinventory/store/storetest"
	"medinventory/store/syncwire"
)

const syncTestGTIN = "04006381333931"

// syncHand moves everything from's outbox holds into to, the way the hub does (what one pushes is
// what the other pulls), and acknowledges it.
func syncHand(t *testing.T, from, to *store.Store) {
	t.Helper()
	ctx := context.Background()
	for {
		req, err := from.OutboxBatch(ctx, 50)
		if err != nil {
			t.Fatal(err)
		}
		if req.Through == 0 {
			return
		}
		if _, err := to.ApplyPull(ctx, syncwire.PullResponse{Products: req.Products, Lines: req.Lines, Movements: req.Movements,
			Edits: req.Edits, Next: req.Through}); err != nil {
			t.Fatal(err)
		}
		if err := from.AckPush(ctx, req.Through); err != nil {
			t.Fatal(err)
		}
	}
}

// syncTwoLaptops leaves the harness's inventory (this laptop) with one conflict (the reorder
// level: 30 here, 20 on the other laptop) and one lot to count (the other laptop changed the unit
// to capsules of 30 from 2 packs while this one dispensed a pack). It returns the other laptop.
func syncTwoLaptops(t *testing.T, h *harness) *store.Store {
	t.Helper()
	ctx := context.Background()
	a := storetest.Open(t, store.Options{Now: func() time.Time { return testToday }})
	if _, _, _, err := a.ReceiveDelivery(ctx, store.Delivery{Product: syncTestGTIN, Name: "Amoxicillin 500 mg",
		Lot: "L1", Expiry: "2028-06-30", Quantity: 2}); err != nil {
		t.Fatal(err)
	}
	syncHand(t, a, h.st)
	pa, _ := a.FindProduct(ctx, syncTestGTIN)
	pb, _ := h.st.FindProduct(ctx, syncTestGTIN)
	if _, err := a.SetProductStock(ctx, pa.ID, "", 20); err != nil {
		t.Fatal(err)
	}
	if _, err := h.st.SetProductStock(ctx, pb.ID, "", 30); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetProductUnit(ctx, pa.ID, "capsule", 30); err != nil {
		t.Fatal(err)
	}
	if _, err := h.st.DispenseProduct(ctx, pb.ID, 1, ""); err != nil {
		t.Fatal(err)
	}
	syncHand(t, a, h.st)
	syncHand(t, h.st, a)
	cs, _ := h.st.SyncConflicts(ctx)
	rs, _ := h.st.SyncRecounts(ctx)
	if len(cs) != 1 || len(rs) != 1 {
		t.Fatalf("setup: conflicts %+v, lots to count %+v; want one of each", cs, rs)
	}
	return a
}

// The status bar says what sync left to check; its list settles a conflict through the store
// (a value the field cannot hold is refused and changes nothing), and opens the stock count at a
// lot to count.
func TestSyncChecksSettleAConflictAndOpenTheLotsCount(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	syncTwoLaptops(t, h)
	h.start()
	w := h.u.win
	h.u.refreshSyncChecks()
	bar := h.u.syncBar.button
	if !bar.Visible() || bar.Text != "Sync: 2 to check" {
		t.Fatalf("status bar: %q (visible %v)", bar.Text, bar.Visible())
	}

	test.Tap(bar)
	top := w.Canvas().Overlays().Top()
	text := topDialogText(w)
	for _, want := range []string{"Amoxicillin 500 mg — Reorder level", "This laptop: 30 · the other laptop: 20",
		"Amoxicillin 500 mg · lot L1", "from a balance of 2 while this laptop held 1"} {
		if !strings.Contains(text, want) {
			t.Fatalf("the list does not say %q:\n%s", want, text)
		}
	}

	// Another value, not a number: refused in plain words, nothing changes.
	var other *uiEntry
	walk(top, func(o fyne.CanvasObject) {
		if e, ok := o.(*uiEntry); ok && other == nil {
			other = e
		}
	})
	if other == nil {
		t.Fatal("no box to type another value")
	}
	other.SetText("a dozen")
	test.Tap(findButton(top, "Keep this value"))
	if text := topDialogText(w); !strings.Contains(text, "was not changed") {
		t.Fatalf("a bad value was not refused:\n%s", text)
	}
	if cs, _ := h.st.SyncConflicts(ctx); len(cs) != 1 {
		t.Fatalf("a refused value settled the conflict: %+v", cs)
	}

	test.Tap(findButton(top, "Take theirs"))
	if p, _ := h.st.FindProduct(ctx, syncTestGTIN); p.ReorderLevel != 20 {
		t.Fatalf("reorder level %d after taking theirs, want 20", p.ReorderLevel)
	}
	if cs, _ := h.st.SyncConflicts(ctx); len(cs) != 0 {
		t.Fatalf("still open: %+v", cs)
	}
	if text := topDialogText(w); !strings.Contains(text, "20 is kept") || strings.Contains(text, "This laptop: 30") {
		t.Fatalf("the list was not refreshed:\n%s", text)
	}
	if bar.Text != "Sync: 1 to check" {
		t.Fatalf("status bar after settling: %q", bar.Text)
	}

	test.Tap(findButton(top, "Count this lot…"))
	if h.u.dlg != nil || !h.u.stockShown() || h.u.stock.current() != h.u.stock.count.root {
		t.Fatal("the stock count did not open")
	}
	c := h.u.stock.count
	var row *countRow
	for _, r := range c.rows {
		if r.line.Lot == "L1" {
			row = r
		}
	}
	if row == nil || w.Canvas().Focused() != row.counted {
		t.Fatalf("the count is not at lot L1 (rows %d)", len(c.rows))
	}
}

// Stock → Check after sync… has a shortcut, and with nothing left the list says so.
func TestSyncChecksShortcutAndNothingToCheck(t *testing.T) {
	h := newHarness(t)
	h.start()
	w := h.u.win
	h.u.refreshSyncChecks()
	if h.u.syncBar.button.Visible() {
		t.Fatal("the status bar shows sync checks with nothing to check")
	}
	if !h.u.runShortcut(scSyncCheck) || h.u.dlg == nil {
		t.Fatal("Ctrl+Shift+K did not open the list")
	}
	if text := topDialogText(w); !strings.Contains(text, "Nothing to check") {
		t.Fatalf("empty list says:\n%s", text)
	}
}

// A conflict on a lot's field (its pack size) names the lot.
func TestSyncChecksNameTheLotOfALotsField(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	a := storetest.Open(t, store.Options{Now: func() time.Time { return testToday }})
	if _, _, _, err := a.ReceiveDelivery(ctx, store.Delivery{Product: syncTestGTIN, Name: "Paracetamol 500 mg",
		Lot: "PCM-118", Expiry: "2027-11-30", Quantity: 40}); err != nil {
		t.Fatal(err)
	}
	syncHand(t, a, h.st)
	pa, _ := a.FindProduct(ctx, syncTestGTIN)
	if _, err := a.SetProductUnit(ctx, pa.ID, "tablet", 10); err != nil {
		t.Fatal(err)
	}
	syncHand(t, a, h.st)
	for st, size := range map[*store.Store]int64{a: 20, h.st: 30} {
		p, _ := st.FindProduct(ctx, syncTestGTIN)
		lines, err := st.ProductLines(ctx, p.ID)
		if err != nil || len(lines) != 1 {
			t.Fatalf("lots %+v, %v", lines, err)
		}
		if _, err := st.SetLinePackSize(ctx, lines[0].ID, size); err != nil {
			t.Fatal(err)
		}
	}
	syncHand(t, a, h.st)
	h.start()
	h.u.ShowSyncChecks()
	text := topDialogText(h.u.win)
	if !strings.Contains(text, "Paracetamol 500 mg · lot PCM-118 — Pack size") || !strings.Contains(text, "This laptop: 30 · the other laptop: 20") {
		t.Fatalf("the lot's conflict says:\n%s", text)
	}
}

// The status bar's button has its words when there is room, and the number only when there is not.
func TestSyncChecksButtonShortensWhenTheStatusBarIsShort(t *testing.T) {
	h := newHarness(t)
	use := widget.NewLabel("Today: 3 photos read")
	use.Truncation = fyne.TextTruncateEllipsis // as the status bar's
	c := h.u.syncChecksBeside(use)
	h.u.setSyncChecks(4)
	full, short := h.u.syncBar.widths()
	c.Resize(fyne.NewSize(full+300, 40))
	if b := h.u.syncBar.button; b.Text != "Sync: 4 to check" || b.Size().Width != full {
		t.Fatalf("with room: %q, %v wide (words need %v)", b.Text, b.Size().Width, full)
	}
	c.Resize(fyne.NewSize(short+20, 40))
	if b := h.u.syncBar.button; b.Text != "4" || b.Size().Width != short || use.Visible() {
		t.Fatalf("short of room: %q, %v wide; the summary shown %v", b.Text, b.Size().Width, use.Visible())
	}
	if min := c.MinSize().Width; min != short {
		t.Fatalf("the status bar asks %v for the button and the summary, want the number's %v", min, short)
	}
}
