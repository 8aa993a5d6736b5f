package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"medinventory/store"
	"medinventory/store/export"
	"medinventory/store/stock"
)

// pack adds a pack the way the window's photo flow does (an entry proposing a receipt) and, when
// confirm is set, confirms it so it counts in stock. It returns the entry id.
func (h *harness) pack(t testing.TB, name, lot, expiry, qty, shelf string, confirm bool) int64 {
	t.Helper()
	ctx := context.Background()
	e, err := h.st.AddEntry(ctx, map[string]string{"name": name, "strength": "500 mg", "dosage_form": "tablet",
		"lot": lot, "expiry": expiry, "quantity": qty, "location": shelf})
	if err != nil {
		t.Fatal(err)
	}
	if confirm {
		if _, err := h.st.ConfirmEntry(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
	}
	return e.ID
}

// startAtProduct starts the window and opens a product's page in the Stock tab.
func (h *harness) startAtProduct(t testing.TB, name string) *stockView {
	t.Helper()
	h.start()
	s := h.openStock(t)
	s.openProduct(productNamed(t, h.u, name).ID)
	return s
}

// openStock shows the Stock tab (and loads it).
func (h *harness) openStock(t testing.TB) *stockView {
	t.Helper()
	h.u.ShowStock()
	if !h.u.stockShown() {
		t.Fatal("the Stock tab is not shown")
	}
	return h.u.stock
}

func productNamed(t testing.TB, u *UI, name string) stock.ProductStock {
	t.Helper()
	for _, p := range u.Products() {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no product %q in the product view (%d shown)", name, len(u.Products()))
	return stock.ProductStock{}
}

// rowTexts renders row i of a list with its real template and returns its labels' texts.
func rowTexts(l *widget.List, i int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) string {
	o := create()
	update(i, o)
	var out []string
	walk(o, func(x fyne.CanvasObject) {
		switch w := x.(type) {
		case *widget.Label:
			if w.Text != "" {
				out = append(out, w.Text)
			}
		case *badge:
			if w.Visible() {
				out = append(out, "["+w.text.Text+"]")
			}
		}
	})
	return strings.Join(out, " | ")
}

func TestProductViewShowsUsableStockPendingAndBadges(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "6", "", true)
	h.pack(t, "Amoxicillin", "A2", "2026-07-15", "3", "", false) // waiting for review
	h.pack(t, "Paracetamol", "P1", "2026-01-31", "40", "", true) // expired: not usable
	h.pack(t, "Ibuprofen", "I1", "2026-08-01", "10", "", true)   // expires within 90 days of testToday
	h.start()
	s := h.openStock(t)
	pp := s.products

	amox := productNamed(t, h.u, "Amoxicillin")
	if amox.Usable != 6 || amox.Pending != 3 {
		t.Fatalf("amoxicillin usable %d pending %d, want 6 and 3", amox.Usable, amox.Pending)
	}
	texts := func(name string) string {
		for i, p := range h.u.Products() {
			if p.Name == name {
				return rowTexts(pp.list, i, pp.createRow, pp.updateRow)
			}
		}
		t.Fatalf("no row %q", name)
		return ""
	}
	if got := texts("Amoxicillin"); !strings.Contains(got, "6 packs · 3 waiting for review") || strings.Contains(got, "[") {
		t.Errorf("amoxicillin row = %q", got)
	}
	// Stock that is all expired is out of stock.
	if got := texts("Paracetamol"); !strings.Contains(got, "0 packs · 40 expired") || !strings.Contains(got, "[Out of stock]") ||
		!strings.Contains(got, "[Expired]") {
		t.Errorf("paracetamol row = %q", got)
	}
	if got := texts("Ibuprofen"); !strings.Contains(got, "2026-08-01") || !strings.Contains(got, "[Expiring]") {
		t.Errorf("ibuprofen row = %q", got)
	}

	names := func() string {
		var n []string
		for _, p := range h.u.Products() {
			n = append(n, p.Name)
		}
		return strings.Join(n, ",")
	}
	for filter, want := range map[string]string{showOut: "Paracetamol", showExpired: "Paracetamol", showExpiring: "Ibuprofen",
		showAll: "Amoxicillin,Ibuprofen,Paracetamol"} {
		pp.show.SetSelected(filter)
		if got := names(); got != want {
			t.Errorf("filter %s shows %s, want %s", filter, got, want)
		}
	}
	// The window of "expiring" is configurable: 30 days leaves Ibuprofen (61 days) out.
	pp.show.SetSelected(showExpiring)
	pp.daysIn.SetText("30")
	if got := names(); got != "" {
		t.Errorf("expiring within 30 days shows %q", got)
	}
	pp.daysIn.SetText("365")
	if got := names(); got != "Amoxicillin,Ibuprofen" {
		t.Errorf("expiring within 365 days shows %q", got)
	}
}

func TestProductSearchIsInMemoryAndEnterOpensTheFirstMatch(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "AX-77", "2027-03-31", "6", "", true)
	h.pack(t, "Metformin", "MF1", "2027-05-31", "60", "", true)
	h.start()
	s := h.openStock(t)
	pp := s.products
	test.Type(pp.search, "ax-7") // a lot number
	if got := h.u.Products(); len(got) != 1 || got[0].Name != "Amoxicillin" {
		t.Fatalf("search for a lot shows %v", got)
	}
	if c, _ := pp.count.Get(); c != "1 product shown" {
		t.Errorf("count = %q", c)
	}
	pp.search.OnSubmitted(pp.search.Text)
	if s.current() != s.product.root || s.product.prod.Name != "Amoxicillin" {
		t.Fatal("Enter should open the first match")
	}
}

func TestDispenseFromProductSuggestsFirstExpiryAndUndoReverses(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "LATE", "2028-01-31", "10", "", true)
	h.pack(t, "Amoxicillin", "SOON", "2026-09-30", "4", "", true)
	h.pack(t, "Amoxicillin", "OLD", "2026-02-28", "5", "", true) // expired: never suggested
	s := h.startAtProduct(t, "Amoxicillin")
	p := s.product

	var lots []string
	for _, l := range p.lines {
		lots = append(lots, l.Lot)
	}
	if strings.Join(lots, ",") != "OLD,SOON,LATE" {
		t.Fatalf("lots in order %v, want soonest expiry first", lots)
	}
	if got := p.form.lot.Selected; !strings.Contains(got, "lot SOON") || !strings.Contains(got, "expires first") {
		t.Fatalf("suggested lot %q, want SOON (expires first, not expired)", got)
	}
	// Keyboard: the quantity box has the focus; type the number, Enter.
	if h.u.win.Canvas().Focused() != p.form.qty {
		t.Fatalf("focus is on %T, want the quantity box", h.u.win.Canvas().Focused())
	}
	// Tab goes from the quantity to the note, then to Record (as they are laid out).
	c := h.u.win.Canvas()
	c.FocusNext()
	if c.Focused() != p.form.note {
		t.Fatalf("Tab from the quantity went to %T, want the note", c.Focused())
	}
	c.FocusNext()
	if c.Focused() != p.form.record {
		t.Fatalf("Tab from the note went to %T, want Record", c.Focused())
	}
	c.Focus(p.form.qty)
	test.Type(p.form.qty, "3")
	p.form.qty.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if msg := s.Message(); msg != "Dispensed 3 packs from lot SOON (2026-09-30)." {
		t.Fatalf("message = %q", msg)
	}
	if l := lineNamed(t, p.lines, "SOON"); l.OnHand != 1 {
		t.Fatalf("SOON on hand %d after dispensing 3 of 4", l.OnHand)
	}
	if got := productNamed(t, h.u, "Amoxicillin").Usable; got != 11 {
		t.Fatalf("product view shows %d usable, want 11", got)
	}

	// More than the lot holds: refused in plain words, nothing recorded.
	test.Type(p.form.qty, "2")
	p.form.submit()
	if !p.form.errText.Visible() || !strings.Contains(p.form.errText.Text, "not that much on hand") {
		t.Fatalf("error = %q", p.form.errText.Text)
	}
	if l := lineNamed(t, p.lines, "SOON"); l.OnHand != 1 {
		t.Fatalf("a refused dispense changed stock: %d", l.OnHand)
	}

	// Undo: a reversing movement, the first one stays on the card.
	s.note.undoBtn.OnTapped()
	if l := lineNamed(t, p.lines, "SOON"); l.OnHand != 4 {
		t.Fatalf("after undo SOON has %d, want 4", l.OnHand)
	}
	if got := cardKinds(t, h, lineNamed(t, p.lines, "SOON").ID); got != "receive+4=4 dispense-3=1 reversal+3=4" {
		t.Fatalf("stock card %s", got)
	}
}

// cardKinds is a lot's stock card in short: "receive+4=4 dispense-3=1".
func cardKinds(t *testing.T, h *harness, lineID int64) string {
	t.Helper()
	card, err := h.st.StockCard(context.Background(), lineID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, r := range card {
		kinds = append(kinds, fmt.Sprintf("%s%+d=%d", r.Kind, r.Quantity, r.Balance))
	}
	return strings.Join(kinds, " ")
}

func lineNamed(t testing.TB, lines []stock.Line, lot string) stock.Line {
	t.Helper()
	for _, l := range lines {
		if l.Lot == lot {
			return l
		}
	}
	t.Fatalf("no lot %s", lot)
	return stock.Line{}
}

func TestStockCardShowsRunningBalanceAndAdjustments(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Metformin", "MF1", "2027-05-31", "60", "B2", true)
	s := h.startAtProduct(t, "Metformin")
	s.openLine(s.product.lines[0].ID)
	c := s.card
	if s.current() != c.root {
		t.Fatal("the stock card is not shown")
	}
	f := c.form
	do := func(action, qty string) {
		t.Helper()
		f.action.SetSelected(action)
		f.qty.SetText(qty)
		f.submit()
	}
	do("Adjust: damaged", "2")
	do("Adjust: returned", "1")
	do("Adjust: count correction", "5") // no sign: refused
	if !strings.Contains(f.errText.Text, "type - for fewer or + for more") {
		t.Fatalf("count correction without a sign: %q", f.errText.Text)
	}
	do("Adjust: count correction", "-3")
	do("Dispose: damaged", "abc")
	if !strings.Contains(f.errText.Text, "is not a quantity") { // units or packs: stock.ParseQuantity
		t.Fatalf("error for abc: %q", f.errText.Text)
	}
	do("Dispense", "10")
	var got []string
	for i := range c.rows {
		got = append(got, rowTexts(c.list, i, c.createRow, c.updateRow))
	}
	want := []string{"Received|+60|60", "Adjusted — damaged|-2|58", "Adjusted — returned|+1|59",
		"Adjusted — count correction|-3|56", "Dispensed|-10|46"}
	if len(got) != len(want) {
		t.Fatalf("card rows:\n%s", strings.Join(got, "\n"))
	}
	for i, w := range want {
		parts := strings.Split(w, "|")
		for _, p := range parts {
			if !strings.Contains(got[i], p) {
				t.Errorf("row %d = %q, want %q", i, got[i], w)
			}
		}
	}
	// Undo from the card: select the damaged row; a reversal is added.
	c.list.Select(1)
	if c.undoSel.Disabled() {
		t.Fatal("a confirmed movement can be undone")
	}
	c.s.undoIDs = []int64{c.rows[1].ID}
	c.s.undoLast()
	if c.line.OnHand != 48 {
		t.Fatalf("on hand after undoing the damaged 2: %d", c.line.OnHand)
	}
	c.list.Select(len(c.rows) - 1) // the reversal itself cannot be undone
	if !c.undoSel.Disabled() {
		t.Fatal("a reversal must not offer Undo")
	}
}

func TestReceiptsReviewChangeNConfirmAndSamePack(t *testing.T) {
	h := newHarness(t)
	first := h.pack(t, "Amoxicillin", "A1", "2027-03-31", "3", "", false)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "3", "", false) // a second photo of the same pack
	h.start()
	s := h.openStock(t)
	if s.receiptsBtn.Text != "2 receipts to review" {
		t.Fatalf("receipts button = %q", s.receiptsBtn.Text)
	}
	s.receiptsBtn.OnTapped()
	r := s.receipts
	if len(h.u.Receipts()) != 2 {
		t.Fatalf("%d receipts listed", len(h.u.Receipts()))
	}
	a, b := h.u.Receipts()[0], h.u.Receipts()[1]
	if a.Line.ID != b.Line.ID {
		t.Fatal("two photos of one lot must be one stock line")
	}
	// Change N to 5 and confirm with Enter.
	row := r.rows[a.ID]
	row.qty.SetText("5")
	row.qty.OnSubmitted(row.qty.Text)
	// The second: same pack as the first photo.
	r.rows[b.ID].same.OnTapped()
	if len(h.u.Receipts()) != 0 || s.receiptsBtn.Text != "No receipts to review" {
		t.Fatalf("receipts left: %d (%q)", len(h.u.Receipts()), s.receiptsBtn.Text)
	}
	l, err := h.st.Line(context.Background(), a.Line.ID)
	if err != nil {
		t.Fatal(err)
	}
	if l.OnHand != 5 {
		t.Fatalf("on hand %d, want 5 (one receipt of 5, the same pack not counted)", l.OnHand)
	}
	e, err := h.st.Entry(context.Background(), first)
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != store.StatusConfirmed || e.Get("quantity") != "5" {
		t.Fatalf("the photo's entry is %s with quantity %s", e.Status, e.Get("quantity"))
	}
}

func TestReceiptConfirmRefusesZeroAndKeepsItPending(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "3", "", false)
	h.start()
	s := h.openStock(t)
	s.showReceipts()
	rc := h.u.Receipts()[0]
	row := s.receipts.rows[rc.ID]
	row.qty.SetText("0")
	row.confirm.OnTapped()
	if !row.errText.Visible() || !strings.Contains(row.errText.Text, "Same pack") {
		t.Fatalf("error = %q", row.errText.Text)
	}
	if len(h.u.Receipts()) != 1 {
		t.Fatal("a refused receipt must stay waiting")
	}
}

func TestStockCountReviewsDifferencesAndSavesOneCount(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "6", "Shelf B", true)
	h.pack(t, "Metformin", "M1", "2027-05-31", "60", "Shelf B", true)
	h.pack(t, "Ibuprofen", "I1", "2027-05-31", "10", "Shelf C", true)
	h.start()
	s := h.openStock(t)
	s.showCount()
	c := s.count
	if strings.Join(c.shelf.Options, ",") != "All shelves,Shelf B,Shelf C" {
		t.Fatalf("shelves %v", c.shelf.Options)
	}
	c.shelf.SetSelected("Shelf B")
	if len(c.rows) != 2 {
		t.Fatalf("%d lots on shelf B", len(c.rows))
	}
	if h.u.win.Canvas().Focused() != c.rows[0].counted {
		t.Fatal("the first count box should have the focus")
	}
	// Type and Enter moves on.
	test.Type(c.rows[0].counted, "4")
	c.rows[0].counted.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.u.win.Canvas().Focused() != c.rows[1].counted {
		t.Fatal("Enter should go to the next lot")
	}
	test.Type(c.rows[1].counted, "60")
	if c.rows[0].diff.Text != "-2" || c.rows[1].diff.Text != "0" {
		t.Fatalf("differences %q %q", c.rows[0].diff.Text, c.rows[1].diff.Text)
	}
	// The lot that differs asks why; nothing is chosen for the person, and the count is not saved
	// until they choose.
	if !c.rows[0].reason.Visible() || c.rows[0].reason.Selected != "" || c.rows[1].reason.Visible() {
		t.Fatalf("the reason choice: shown %v (chosen %q) for the lot that differs, %v for the one that agrees; want shown, empty, hidden",
			c.rows[0].reason.Visible(), c.rows[0].reason.Selected, c.rows[1].reason.Visible())
	}
	c.review()
	if d := topDialogText(h.u.win); !strings.Contains(d, "Choose why they differ") {
		t.Fatalf("review without a reason says %q; want it to ask why", d)
	}
	h.u.win.Canvas().Overlays().Remove(h.u.win.Canvas().Overlays().Top())
	c.rows[0].reason.SetSelected("returned") // 2 fewer counted: not stock returned
	c.review()
	if d := topDialogText(h.u.win); !strings.Contains(d, "not stock returned") {
		t.Fatalf("review with a reason that does not fit says %q", d)
	}
	h.u.win.Canvas().Overlays().Remove(h.u.win.Canvas().Overlays().Top())
	c.rows[0].reason.SetSelected("lost")
	c.review()
	d := topDialogText(h.u.win)
	if !strings.Contains(d, "2 lots counted; 1 difference.") || !strings.Contains(d, "books 6, counted 4 (-2, lost)") {
		t.Fatalf("review dialog says %q", d)
	}
	c.saveCount([]stock.CountInput{{LineID: c.rows[0].line.ID, Counted: 4, Reason: stock.Lost}, {LineID: c.rows[1].line.ID, Counted: 60}}, 1)
	if msg := s.Message(); msg != "Stock count saved: 2 lots counted, 1 difference." {
		t.Fatalf("message %q", msg)
	}
	amox := productNamed(t, h.u, "Amoxicillin")
	if amox.Usable != 4 {
		t.Fatalf("after the count amoxicillin has %d", amox.Usable)
	}
	card, _ := h.st.StockCard(context.Background(), amox.Lines[0].ID)
	last := card[len(card)-1]
	if last.Kind != stock.Count || last.Counted == nil || *last.Counted != 4 || last.Quantity != -2 || last.Reason != stock.Lost {
		t.Fatalf("the count movement is %+v", last.Movement)
	}
	if w := moveWords(&last); w != "Stock count — lost: 4 counted" {
		t.Fatalf("the stock card says %q for the count", w)
	}
	met := productNamed(t, h.u, "Metformin")
	mcard, _ := h.st.StockCard(context.Background(), met.Lines[0].ID)
	if ml := mcard[len(mcard)-1]; ml.BatchID != last.BatchID || ml.Kind != stock.Count {
		t.Fatal("the counted lots must be saved as one count (one batch)")
	}
}

// The count page opens the Reports window with its shelf's count sheet filled in.
func TestStockCountOffersItsShelfsCountSheet(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "6", "Shelf A", true)
	h.start()
	s := h.openStock(t)
	s.showCount()
	s.count.shelf.SetSelected("Shelf A")
	b := findButton(s.count.root, "Count sheet to print…")
	if b == nil {
		t.Fatal("no count sheet button on the count page")
	}
	test.Tap(b)
	var shelf *uiEntry
	walk(h.u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if e, ok := o.(*uiEntry); ok && e.PlaceHolder == "every shelf" {
			shelf = e
		}
	})
	if shelf == nil || shelf.Text != "Shelf A" {
		t.Fatalf("the Reports window's shelf box: %v", shelf)
	}
}

func TestStockCountRefusesANegativeCount(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "6", "", true)
	h.start()
	s := h.openStock(t)
	s.showCount()
	c := s.count
	c.rows[0].counted.SetText("-1")
	if c.rows[0].diff.Text != "not a count" {
		t.Fatalf("diff = %q", c.rows[0].diff.Text)
	}
	c.review()
	if d := topDialogText(h.u.win); !strings.Contains(d, "Check this number") && !strings.Contains(d, "count is 0 or more") {
		t.Fatalf("dialog %q", d)
	}
	if got := productNamed(t, h.u, "Amoxicillin").Usable; got != 6 {
		t.Fatalf("stock changed to %d", got)
	}
}

// topDialogText is the text of the labels in the window's top overlay (an open dialog).
func topDialogText(w fyne.Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var out []string
	walk(top, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	})
	return strings.Join(out, "\n")
}

func TestReportsAreMadeInEveryFormat(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2026-07-31", "6", "", true)
	h.pack(t, "Paracetamol", "P1", "2026-01-31", "40", "", true)
	h.start()
	h.openStock(t)
	d := h.u.newReportsDialog()
	d.from.SetText("2026-05-01")
	d.to.SetText("2026-06-01") // the whole last day counts: the receipts were made on testToday
	for _, kind := range []reportKind{reportProducts, reportLots, reportExpiry, reportMovements, reportCount} {
		for _, f := range reportFormats {
			req, err := d.request(kind, f)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := h.u.makeReport(&buf, req); err != nil {
				t.Fatalf("%s %s: %v", kind, f, err)
			}
			out := buf.String()
			switch f {
			case export.PDF:
				if !strings.HasPrefix(out, "%PDF") {
					t.Errorf("%s PDF starts %q", kind, out[:min(10, len(out))])
				}
			case export.XLSX:
				if !strings.HasPrefix(out, "PK") {
					t.Errorf("%s XLSX is not a zip", kind)
				}
			case export.CSV:
				if !strings.Contains(out, "Amoxicillin") {
					t.Errorf("%s CSV lacks the product:\n%s", kind, out)
				}
				if kind == reportExpiry && !strings.Contains(out, "Paracetamol") {
					t.Errorf("the expiry report lacks the expired lot:\n%s", out)
				}
			}
		}
	}
	if name := reportFileName(mustRequest(t, d, reportMovements, export.PDF)); name != "movements-2026-05-01-to-2026-06-01.pdf" {
		t.Errorf("file name %q", name)
	}
}

// After saving, the dialog says where the report went, in full, and opens it or its folder.
func TestReportSavedSaysWhereAndOpens(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2026-07-31", "6", "Shelf A", true)
	h.start()
	h.openStock(t)
	d := h.u.newReportsDialog()
	var opened []string
	d.openURL = func(u *url.URL) error { opened = append(opened, u.String()); return nil }
	path := filepath.Join(t.TempDir(), "stock-on-hand.pdf")
	d.savedTo(path)
	if !d.status.Visible() || d.status.Text != "Saved to "+path || !d.saved.Visible() {
		t.Fatalf("status %q (shown %v), Open/Show in folder shown %v", d.status.Text, d.status.Visible(), d.saved.Visible())
	}
	test.Tap(findButton(d.saved, "Open"))
	test.Tap(findButton(d.saved, "Show in folder"))
	if len(opened) != 2 || opened[0] != "file://"+path || opened[1] != "file://"+filepath.Dir(path) {
		t.Fatalf("opened %q", opened)
	}
	d.openURL = func(*url.URL) error { return errors.New("no program for PDF files") }
	test.Tap(findButton(d.saved, "Open"))
	if !strings.Contains(d.status.Text, "could not be opened (no program for PDF files); open it from your file manager") ||
		!strings.Contains(d.status.Text, path) {
		t.Fatalf("a failed open says %q", d.status.Text)
	}

	// The count sheet of one shelf, and of a shelf with nothing on it.
	d.shelf.SetText("shelf a")
	req := mustRequest(t, d, reportCount, export.CSV)
	if name := reportFileName(req); name != "count-sheet-shelf-a-"+testToday.Format("2006-01-02")+".csv" {
		t.Fatalf("file name %q", name)
	}
	var buf bytes.Buffer
	if err := h.u.makeReport(&buf, req); err != nil || !strings.Contains(buf.String(), "Shelf A,Amoxicillin") {
		t.Fatalf("count sheet: %v\n%s", err, buf.String())
	}
	d.shelf.SetText("Cupboard 9")
	if err := h.u.makeReport(&buf, mustRequest(t, d, reportCount, export.PDF)); err == nil || !strings.Contains(err.Error(), `no lot with stock is on shelf "Cupboard 9"`) {
		t.Fatalf("an unknown shelf: %v", err)
	}
}

func mustRequest(t *testing.T, d *reportsDialog, k reportKind, f export.Format) reportRequest {
	t.Helper()
	r, err := d.request(k, f)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReportBadInputIsRefusedAndAFailedReportLeavesNoFile(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.openStock(t)
	d := h.u.newReportsDialog()
	d.days.SetText("ninety")
	d.save(reportExpiry, export.PDF)
	if !d.status.Visible() || !strings.Contains(d.status.Text, "whole number") {
		t.Fatalf("status %q", d.status.Text)
	}
	d.from.SetText("2026-06-02")
	d.to.SetText("2026-06-01")
	if _, err := d.request(reportMovements, export.CSV); err == nil || !strings.Contains(err.Error(), "must not be before") {
		t.Fatalf("dates the wrong way round: %v", err)
	}
	// A report that cannot be made: the file the save dialog created is removed again.
	path := filepath.Join(t.TempDir(), "r.csv")
	w, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	err = h.u.writeReport(w, reportRequest{kind: reportMovements, format: export.CSV, today: testToday, from: testToday, to: testToday})
	if err == nil {
		t.Fatal("a report of an empty period should fail")
	}
	if _, serr := os.Stat(path); !os.IsNotExist(serr) {
		t.Fatalf("a failed report left %s behind (%v)", path, serr)
	}
	// Made in full: the file holds it.
	w, _ = storage.Writer(storage.NewFileURI(path))
	if err := h.u.writeReport(w, reportRequest{kind: reportProducts, format: export.CSV, today: testToday}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); len(b) == 0 {
		t.Fatal("the report file is empty")
	}
}

func TestReportsAreTwoClicksAway(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.openStock(t)
	reports := findButton(h.u.stock.root, "Reports…")
	if reports == nil {
		t.Fatal("no Reports… button on the product view")
	}
	test.Tap(reports) // click 1
	pdf := findButton(h.u.win.Canvas().Overlays().Top(), "PDF")
	if pdf == nil {
		t.Fatal("the Reports window has no PDF button")
	}
	before := h.u.win.Canvas().Overlays().Top()
	test.Tap(pdf) // click 2: the save dialog
	if top := h.u.win.Canvas().Overlays().Top(); top == nil || top == before {
		t.Fatal("the second click should open the save dialog")
	}
}

func TestLeavingAStockCountWithTypedNumbersAsksFirst(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "6", "", true)
	h.start()
	s := h.openStock(t)
	s.showCount()
	s.count.rows[0].counted.SetText("5")
	// Ctrl+F (the product search) must not throw the typed count away silently.
	h.u.handleShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault})
	if s.current() != s.count.root {
		t.Fatal("the count was left without asking")
	}
	if d := topDialogText(h.u.win); !strings.Contains(d, "not saved yet") {
		t.Fatalf("dialog %q", d)
	}
}

func TestReorderLevelFromTheProductPageMakesItLowStock(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "6", "", true)
	s := h.startAtProduct(t, "Amoxicillin")
	p := s.product
	p.editSettings()
	var level *uiEntry
	walk(h.u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if e, ok := o.(*uiEntry); ok && e.PlaceHolder == "0 = no reorder level" {
			level = e
		}
	})
	if level == nil {
		t.Fatal("no reorder level box")
	}
	level.SetText("-5")
	level.OnSubmitted(level.Text)
	if d := topDialogText(h.u.win); !strings.Contains(d, "must be between") {
		t.Fatalf("a negative level should be refused in words, dialog says %q", d)
	}
	level.SetText("10")
	level.OnSubmitted(level.Text)
	if p.prod.ReorderLevel != 10 {
		t.Fatalf("reorder level %d", p.prod.ReorderLevel)
	}
	s.showProducts()
	if got := productNamed(t, h.u, "Amoxicillin"); !got.Badges.Low {
		t.Fatal("6 on hand below a reorder level of 10 should be low stock")
	}
	// The level shows beside the figure in the product list.
	pp := s.products
	seen := false
	for i, ps := range h.u.Products() {
		if ps.Name == "Amoxicillin" {
			seen = true
			if got := rowTexts(pp.list, i, pp.createRow, pp.updateRow); !strings.Contains(got, "6 packs · reorder below 10") {
				t.Fatalf("the product row %q does not show the reorder level", got)
			}
		}
	}
	if !seen {
		t.Fatal("no Amoxicillin row")
	}
}

func TestAChosenLotStaysChosenWhenTheLotsAreReadAgain(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "LATE", "2028-01-31", "10", "", true)
	h.pack(t, "Amoxicillin", "SOON", "2026-09-30", "4", "", true)
	s := h.startAtProduct(t, "Amoxicillin")
	f := s.product.form
	if !strings.Contains(f.lot.Selected, "lot SOON") {
		t.Fatalf("suggested %q", f.lot.Selected)
	}
	f.selectLine(lineNamed(t, s.product.lines, "LATE").ID)
	s.reload() // what the 20-second re-read does
	if !strings.Contains(f.lot.Selected, "lot LATE") {
		t.Fatalf("the re-read changed the chosen lot to %q", f.lot.Selected)
	}
	// Once the chosen lot can no longer be dispensed from, the first to expire is suggested again.
	f.qty.SetText("10")
	f.submit()
	if !strings.Contains(f.lot.Selected, "lot SOON") {
		t.Fatalf("after emptying LATE the form offers %q", f.lot.Selected)
	}
}

func TestChoosingAnotherShelfKeepsTypedCountsUnlessTheUserAgrees(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "6", "Shelf B", true)
	h.pack(t, "Ibuprofen", "I1", "2027-05-31", "10", "Shelf C", true)
	h.start()
	s := h.openStock(t)
	s.showCount()
	c := s.count
	c.rows[0].counted.SetText("5")
	c.shelf.SetSelected("Shelf C")
	if c.shelf.Selected != shelfAll || c.rows[0].counted.Text != "5" {
		t.Fatalf("the shelf changed to %q and the typed count is %q", c.shelf.Selected, c.rows[0].counted.Text)
	}
	if d := topDialogText(h.u.win); !strings.Contains(d, "not saved yet") {
		t.Fatalf("dialog %q", d)
	}
}

func TestKeysOnTheStockTabActOnItNotOnTheHiddenPhotosTab(t *testing.T) {
	h := newHarness(t)
	id := h.pack(t, "Amoxicillin", "A1", "2027-03-31", "6", "", false)
	h.start()
	s := h.openStock(t)
	h.u.win.Canvas().Unfocus()
	h.u.typedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if h.u.win.Canvas().Focused() != s.products.list {
		t.Fatalf("Down put the keyboard on %T, want the product list", h.u.win.Canvas().Focused())
	}
	h.u.selectAll()
	h.u.confirmKey() // Ctrl+A, Ctrl+Enter: on the photos tab they confirm every entry
	if e, _ := h.st.Entry(context.Background(), id); e.Status != store.StatusNeedsReview {
		t.Fatal("Ctrl+Enter on the Stock tab confirmed an entry of the hidden list")
	}
	s.openProduct(productNamed(t, h.u, "Amoxicillin").ID)
	s.openLine(s.product.lines[0].ID)
	h.u.typedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if s.current() != s.product.root {
		t.Fatal("Escape on a stock card should go back to its product")
	}
	h.u.typedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if s.current() != s.products.root {
		t.Fatal("Escape on a product should go back to the products")
	}
}

// Ctrl+Z and Ctrl+Shift+Z (the Edit menu's Undo and Redo) walk stock movements too: undo adds a
// reversing movement, redo records the dispense again, and a second undo reverses that one.
func TestUndoRedoOfAMovementByKeyboard(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "SOON", "2026-09-30", "4", "", true)
	s := h.startAtProduct(t, "Amoxicillin")
	p := s.product
	h.u.win.Canvas().Focus(p.form.qty)
	test.Type(p.form.qty, "3")
	p.form.qty.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	onHand := func() int64 {
		t.Helper()
		l, err := h.st.Line(context.Background(), lineNamed(t, p.lines, "SOON").ID)
		if err != nil {
			t.Fatal(err)
		}
		return l.OnHand
	}
	if got := onHand(); got != 1 {
		t.Fatalf("after dispensing 3 of 4: %d", got)
	}
	h.u.win.Canvas().Unfocus() // in a text box Ctrl+Z undoes typing
	h.u.Undo()
	if got := onHand(); got != 4 {
		t.Fatalf("after Ctrl+Z: %d, want 4", got)
	}
	if msg := s.Message(); !strings.HasPrefix(msg, "Undone: Dispensed 3 packs from lot SOON") {
		t.Fatalf("message after undo = %q", msg)
	}
	h.u.Redo()
	if got := onHand(); got != 1 {
		t.Fatalf("after Ctrl+Shift+Z: %d, want 1", got)
	}
	h.u.Undo()
	if got := onHand(); got != 4 {
		t.Fatalf("after a second Ctrl+Z: %d, want 4", got)
	}
	if got := cardKinds(t, h, lineNamed(t, p.lines, "SOON").ID); got != "receive+4=4 dispense-3=1 reversal+3=4 dispense-3=1 reversal+3=4" {
		t.Fatalf("stock card %s", got)
	}
	// The message bar's Undo and Ctrl+Z reverse the same change once, not twice.
	h.u.win.Canvas().Focus(p.form.qty)
	test.Type(p.form.qty, "2")
	p.form.qty.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	s.note.undoBtn.OnTapped()
	h.u.win.Canvas().Unfocus()
	h.u.Undo()
	if got := onHand(); got != 4 {
		t.Fatalf("after the bar's Undo and Ctrl+Z: %d, want 4", got)
	}
	// Right after Enter the focus is back in the (now empty) quantity box: Edit → Undo, which Fyne
	// also runs for Ctrl+Z there, undoes the dispense its label names, not the empty box's typing.
	test.Type(p.form.qty, "1")
	p.form.qty.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.u.win.Canvas().Focused() != p.form.qty || p.form.qty.Text != "" {
		t.Fatalf("after Enter the focus is on %T with %q", h.u.win.Canvas().Focused(), p.form.qty.Text)
	}
	h.u.Undo()
	if got := onHand(); got != 4 {
		t.Fatalf("Undo with the focus in the empty quantity box: %d, want 4", got)
	}
	// With typing in the box, Undo acts on the typing and leaves the stock alone.
	test.Type(p.form.qty, "2")
	h.u.Undo()
	if got := onHand(); got != 4 {
		t.Fatalf("Undo of typing changed the stock: %d", got)
	}
}
