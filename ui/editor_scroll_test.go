package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// fieldsScroll finds the scroller that holds the editor's fields.
func fieldsScroll(t *testing.T, h *harness) *container.Scroll {
	t.Helper()
	var found *container.Scroll
	walk(h.u.ed.root, func(o fyne.CanvasObject) {
		if sc, ok := o.(*container.Scroll); ok && found == nil {
			walk(sc.Content, func(x fyne.CanvasObject) {
				if x == h.u.ed.fields["name"] {
					found = sc
				}
			})
		}
	})
	if found == nil {
		t.Fatal("no scroller around the editor's fields")
	}
	return found
}

// The editor and "Add by hand" open at the top (the name in sight), not where the last medicine
// was left scrolled; "Add by hand" puts the keyboard in the name.
func TestEditorOpensScrolledToTheTop(t *testing.T) {
	h := newHarness(t)
	a := h.addEntry(t, "Amoxicillin", "2027-01-31", "20", nil)
	b := h.addEntry(t, "Metformin", "2027-03-31", "60", nil)
	h.start()
	h.u.win.Resize(fyne.NewSize(900, 420)) // short: the fields scroll
	openEditor(t, h, a)
	sc := fieldsScroll(t, h)
	if sc.Content.MinSize().Height <= sc.Size().Height {
		t.Fatalf("the fields (%v high) fit in %v: the test needs them to scroll", sc.Content.MinSize().Height, sc.Size().Height)
	}
	sc.ScrollToBottom()
	if sc.Offset.Y == 0 {
		t.Fatal("could not scroll the fields")
	}
	openEditor(t, h, b)
	if sc.Offset.Y != 0 {
		t.Fatalf("the next medicine opened scrolled %v px down", sc.Offset.Y)
	}
	sc.ScrollToBottom()
	h.u.ed.close()
	h.u.ed.openNew()
	if sc.Offset.Y != 0 {
		t.Fatalf("Add by hand opened scrolled %v px down", sc.Offset.Y)
	}
	if h.u.win.Canvas().Focused() != h.u.ed.fields["name"] {
		t.Fatalf("Add by hand: focus on %T, want the name", h.u.win.Canvas().Focused())
	}
}
