package ui

import (
	"strings"
	"testing"

	"medinventory/store/stock"
)

// A product with only expired stock opens on "Dispose: expired" (nothing can be dispensed), the
// two "damaged" choices say which one fits a broken pack, and "Whole lot" fills in the lot's stock.
func TestExpiredOnlyProductDefaultsToDispose(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Paracetamol", "OLD", "2026-01-31", "40", "", true) // expired on testToday
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "6", "", true)
	s := h.startAtProduct(t, "Paracetamol")
	f := s.product.form
	if a := f.current(); a.kind != stock.Dispose || a.reason != stock.Expired {
		t.Fatalf("an expired-only product opens on %q, want Dispose: expired", a.label)
	}
	if i := f.lot.SelectedIndex(); i < 0 || f.lines[i].Lot != "OLD" {
		t.Fatalf("lot chosen %q", f.lot.Selected)
	}
	if !f.whole.Visible() {
		t.Fatal("no Whole lot button for a disposal")
	}
	f.whole.OnTapped()
	if f.qty.Text != "40" {
		t.Fatalf("Whole lot typed %q, want 40", f.qty.Text)
	}
	f.submit()
	if l := lineNamed(t, f.lines, "OLD"); l.OnHand != 0 {
		t.Fatalf("after disposing of the whole lot %d left", l.OnHand)
	}
	if msg := s.Message(); !strings.HasPrefix(msg, "Disposed of 40 packs from lot OLD") {
		t.Fatalf("message %q", msg)
	}

	// A product with usable stock still opens on Dispense, without Whole lot.
	s.openProduct(productNamed(t, h.u, "Amoxicillin").ID)
	if a := f.current(); a.kind != stock.Dispense || f.whole.Visible() {
		t.Fatalf("a usable product opens on %q (Whole lot shown %v)", a.label, f.whole.Visible())
	}

	// The hints tell the two damaged choices apart.
	f.action.SetSelected("Adjust: damaged")
	if !strings.Contains(f.explain.Text, "Dispose: damaged") {
		t.Fatalf("Adjust: damaged says %q", f.explain.Text)
	}
	f.action.SetSelected("Dispose: damaged")
	if !strings.Contains(f.explain.Text, "broken") {
		t.Fatalf("Dispose: damaged says %q", f.explain.Text)
	}
}
