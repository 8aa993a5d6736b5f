package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// dispenseOne records one pack taken from the open product's suggested lot, as a nurse would.
func dispenseOne(t *testing.T, h *harness, s *stockView) {
	t.Helper()
	p := s.product
	test.Type(p.form.qty, "1")
	p.form.qty.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !strings.HasPrefix(s.Message(), "Dispensed 1 pack") {
		t.Fatalf("message after dispensing = %q", s.Message())
	}
}

// A stock message belongs to the product it was about: on another product's page it is gone,
// and Edit → Undo / Ctrl+Z still undo the change.
func TestNoticeStaysWithItsProduct(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "6", "", true)
	h.pack(t, "Metformin", "MF1", "2027-05-31", "60", "", true)
	s := h.startAtProduct(t, "Amoxicillin")
	dispenseOne(t, h, s)

	s.openProduct(productNamed(t, h.u, "Amoxicillin").ID) // the same product again: it stays
	if s.Message() == "" {
		t.Fatal("the message went while the same product's page stayed")
	}
	s.openProduct(productNamed(t, h.u, "Metformin").ID)
	if msg := s.Message(); msg != "" {
		t.Fatalf("another product's page shows %q", msg)
	}
	if !strings.HasPrefix(h.u.undoItem.Label, "Undo: Dispensed 1 pack") || h.u.undoItem.Disabled {
		t.Fatalf("Edit menu: %q (disabled %v), want the dispense still undoable", h.u.undoItem.Label, h.u.undoItem.Disabled)
	}
	h.u.Undo()
	if got := productNamed(t, h.u, "Amoxicillin").Usable; got != 6 {
		t.Fatalf("after Ctrl+Z Amoxicillin has %d usable, want 6", got)
	}

	// Going back to the product list, to the other tab: the message goes too.
	s.openProduct(productNamed(t, h.u, "Amoxicillin").ID)
	dispenseOne(t, h, s)
	s.showProducts()
	if msg := s.Message(); msg != "" {
		t.Fatalf("the product list shows %q", msg)
	}
	s.openProduct(productNamed(t, h.u, "Amoxicillin").ID)
	dispenseOne(t, h, s)
	h.u.tabs.SelectIndex(0)
	h.u.tabs.Select(h.u.stockTab)
	if msg := s.Message(); msg != "" {
		t.Fatalf("after going to the other tab and back: %q", msg)
	}
}

// A line about the list goes with a new search or filter.
func TestNoticeGoesWithANewSearch(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Ibuprofen", "I1", "2027-08-01", "10", "", false)
	h.pack(t, "Paracetamol", "P1", "2027-01-31", "40", "", false)
	h.start()
	h.u.inv.sayUndo("Confirmed Ibuprofen.", true)
	h.u.inv.applySearch() // a reload with the same search keeps it
	if h.u.inv.note.message() == "" {
		t.Fatal("the line went on a reload")
	}
	test.Type(h.u.inv.search, "para")
	if msg := h.u.inv.note.message(); msg != "" {
		t.Fatalf("a new search still shows %q", msg)
	}
	h.u.inv.sayUndo("Confirmed Paracetamol.", true)
	h.u.inv.show.SetSelectedIndex(1)
	if msg := h.u.inv.note.message(); msg != "" {
		t.Fatalf("another filter still shows %q", msg)
	}
}

// A message goes by itself after a while; an older message's time running out leaves a newer one.
func TestNoticeGoesAfterAWhile(t *testing.T) {
	h := newHarness(t)
	h.start()
	n := h.u.inv.note
	type timer struct {
		d time.Duration
		f func()
	}
	var timers []timer // a hand-driven clock, run on this goroutine
	n.after = func(d time.Duration, f func()) { timers = append(timers, timer{d, f}) }
	n.show("Confirmed Ibuprofen.", h.u.inv.place(), true)
	if len(timers) != 1 || timers[0].d != noticeLife || noticeLife < 5*time.Second || noticeLife > time.Minute {
		t.Fatalf("timers %v: want one of noticeLife (%v), between 5 s and a minute", timers, noticeLife)
	}
	timers[0].f() // its time is up
	if msg := n.message(); msg != "" {
		t.Fatalf("the message is still there after its time: %q", msg)
	}
	n.show("Removed.", h.u.inv.place(), true)
	n.show("The newest.", h.u.inv.place(), true)
	timers[1].f() // the older message's time
	if n.message() != "The newest." {
		t.Fatalf("an older message's time took the newest one: %q", n.message())
	}
	timers[2].f()
	if n.message() != "" {
		t.Fatal("the newest message outlived its time")
	}
}

// Showing a message does not move the rows: a click lands where the person aimed.
func TestNoticeDoesNotMoveTheRows(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Ibuprofen", "I1", "2027-08-01", "10", "", false)
	h.start()
	h.u.win.Resize(fyne.NewSize(1000, 700))
	d := fyne.CurrentApp().Driver()
	before := d.AbsolutePositionForObject(h.u.inv.list)
	h.u.inv.sayUndo("“Ibuprofen 500 mg tablet” was removed from the inventory, and a long line that wraps onto a second line "+
		"and a third one, which the area cuts short rather than growing and pushing the list down under the pointer.", true)
	h.u.win.Content().Refresh()
	if after := d.AbsolutePositionForObject(h.u.inv.list); after != before {
		t.Fatalf("the list moved from %v to %v when the message showed", before, after)
	}

	s := h.openStock(t)
	before = d.AbsolutePositionForObject(s.products.list)
	s.recorded("Dispensed 1 pack.", nil)
	h.u.win.Content().Refresh()
	if after := d.AbsolutePositionForObject(s.products.list); after != before {
		t.Fatalf("the product list moved from %v to %v when the message showed", before, after)
	}
}

// Opening another medicine in the editor takes the list's line away; the same one (reopened after
// an undo in the editor) keeps it.
func TestNoticeGoesWhenAnotherMedicineOpens(t *testing.T) {
	h := newHarness(t)
	a := h.addEntry(t, "Ibuprofen", "2027-08-01", "10", nil)
	b := h.addEntry(t, "Paracetamol", "2027-01-31", "40", nil)
	h.start()
	openEditor(t, h, a)
	h.u.inv.say("Undone: Confirmed Ibuprofen.")
	openEditor(t, h, a)
	if h.u.inv.note.message() == "" {
		t.Fatal("reopening the same medicine took the line away")
	}
	openEditor(t, h, b)
	h.u.ed.close()
	if msg := h.u.inv.note.message(); msg != "" {
		t.Fatalf("back on the list after another medicine: %q", msg)
	}
	h.u.inv.say("“Ibuprofen” was removed from the inventory.")
	h.u.ed.openNew()
	if msg := h.u.inv.note.message(); msg != "" {
		t.Fatalf("Add by hand still has %q", msg)
	}
}
