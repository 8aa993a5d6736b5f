package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The shortcuts list promises, for every dialog: Enter presses its main button, Escape closes it.
// These press the keys as the window gets them when no field has the focus (a dialog that opens
// takes the focus off the page under it).

func press(h *harness, k fyne.KeyName) { h.u.typedKey(&fyne.KeyEvent{Name: k}) }

func dialogOpen(h *harness) bool { return h.u.win.Canvas().Overlays().Top() != nil }

func TestEscapeClosesReports(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "6", "", true)
	h.start()
	h.u.ShowReports()
	if !strings.Contains(topDialogText(h.u.win), "Stock on hand, per product") {
		t.Fatalf("no Reports dialog: %q", topDialogText(h.u.win))
	}
	press(h, fyne.KeyEscape)
	if dialogOpen(h) {
		t.Fatal("Escape did not close Reports")
	}
	h.u.ShowReports()
	press(h, fyne.KeyReturn) // its one button: Close
	if dialogOpen(h) {
		t.Fatal("Enter did not close Reports")
	}
	// Escape with the keyboard in one of its fields (the days, the dates) closes it too.
	r := h.u.newReportsDialog()
	h.u.showDialog(r.dlg, nil, nil)
	h.u.win.Canvas().Focus(r.days)
	r.days.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if dialogOpen(h) {
		t.Fatal("Escape in the days field did not close Reports")
	}
}

func TestEnterUndoesTheSelectedMovement(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "6", "", true)
	s := h.startAtProduct(t, "Amoxicillin")
	dispenseOne(t, h, s)
	line := lineNamed(t, s.product.lines, "A1")
	s.openLine(line.ID)
	c := s.card
	c.list.Select(len(c.rows) - 1) // the dispense
	c.undoSelected()
	if d := topDialogText(h.u.win); !strings.Contains(d, "reversing movement will be added") {
		t.Fatalf("dialog %q", d)
	}
	press(h, fyne.KeyEscape) // Escape keeps it
	if dialogOpen(h) || cardKinds(t, h, line.ID) != "receive+6=6 dispense-1=5" {
		t.Fatalf("after Escape: dialog open %v, card %s", dialogOpen(h), cardKinds(t, h, line.ID))
	}
	c.undoSelected()
	press(h, fyne.KeyReturn) // Enter: Undo it
	if dialogOpen(h) {
		t.Fatal("Enter did not close the undo dialog")
	}
	if got := cardKinds(t, h, line.ID); got != "receive+6=6 dispense-1=5 reversal+1=6" {
		t.Fatalf("Enter did not undo the movement: card %s", got)
	}
}

func TestEnterSavesTheCount(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "6", "Shelf B", true)
	h.start()
	s := h.openStock(t)

	// Nothing typed: the message closes with Enter.
	s.showCount()
	c := s.count
	c.review()
	if !strings.Contains(topDialogText(h.u.win), "Nothing counted yet") {
		t.Fatalf("dialog %q", topDialogText(h.u.win))
	}
	press(h, fyne.KeyReturn)
	if dialogOpen(h) {
		t.Fatal("Enter did not close “Nothing counted yet”")
	}

	test.Type(c.rows[0].counted, "4")
	c.rows[0].reason.SetSelected("lost") // 2 fewer than the books: the count asks why
	c.review()
	press(h, fyne.KeyEscape) // Go back: nothing saved, the number stays
	if dialogOpen(h) || s.Message() != "" || c.rows[0].counted.Text != "4" {
		t.Fatalf("after Escape: dialog %v, message %q, typed %q", dialogOpen(h), s.Message(), c.rows[0].counted.Text)
	}
	c.review()
	press(h, fyne.KeyReturn) // Save the count
	if dialogOpen(h) {
		t.Fatal("Enter did not close “Save this count?”")
	}
	if msg := s.Message(); msg != "Stock count saved: 1 lot counted, 1 difference." {
		t.Fatalf("Enter did not save the count: message %q", msg)
	}
}

func TestLeavingTheCountAsksWithKeys(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "6", "Shelf B", true)
	h.start()
	s := h.openStock(t)
	s.showCount()
	test.Type(s.count.rows[0].counted, "4")
	s.showProducts()
	if !strings.Contains(topDialogText(h.u.win), "not saved yet") {
		t.Fatalf("dialog %q", topDialogText(h.u.win))
	}
	press(h, fyne.KeyEscape) // Go back to the count
	if dialogOpen(h) || s.current() != s.count.root {
		t.Fatal("Escape should close the question and stay on the count")
	}
	s.showProducts()
	press(h, fyne.KeyReturn) // Leave without saving
	if dialogOpen(h) || s.current() != s.products.root {
		t.Fatal("Enter should leave the count")
	}
}

func TestReorderLevelDialogKeys(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "6", "", true)
	s := h.startAtProduct(t, "Amoxicillin")
	s.product.editSettings()
	level, ok := h.u.win.Canvas().Focused().(*uiEntry)
	if !ok {
		t.Fatalf("focus on %T, want the reorder level box", h.u.win.Canvas().Focused())
	}
	level.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) // Escape from inside the box
	if dialogOpen(h) {
		t.Fatal("Escape in the reorder level box did not close the dialog")
	}
	s.product.editSettings()
	h.u.win.Canvas().Focused().(*uiEntry).SetText("3")
	h.u.win.Canvas().Unfocus()
	press(h, fyne.KeyReturn)
	if dialogOpen(h) || s.product.prod.ReorderLevel != 3 {
		t.Fatalf("Enter should save: dialog open %v, level %d", dialogOpen(h), s.product.prod.ReorderLevel)
	}
}

func TestBackupsAndInfoDialogsCloseWithKeys(t *testing.T) {
	h := newHarness(t)
	h.start()
	for _, k := range []fyne.KeyName{fyne.KeyEscape, fyne.KeyReturn} {
		h.u.ShowBackups()
		if !dialogOpen(h) {
			t.Fatal("no Backups dialog")
		}
		press(h, k)
		if dialogOpen(h) {
			t.Fatalf("%s did not close Backups", k)
		}
	}
}

// Stock work has menu items and shortcuts, and they do not open a second window over a dialog.
func TestStockMenuAndShortcuts(t *testing.T) {
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "6", "", true)
	h.start()
	u := h.u
	for _, sc := range []fyne.Shortcut{scPhotosTab, scStockTab, scDispense, scCount, scReports, scBackups} {
		if menuItemFor(u.menu, sc) == nil {
			t.Errorf("no menu item for %s", sc.ShortcutName())
		}
	}
	u.runShortcut(scStockTab)
	if !u.stockShown() {
		t.Fatal("Ctrl+2 did not show the Stock tab")
	}
	u.runShortcut(scPhotosTab)
	if u.stockShown() {
		t.Fatal("Ctrl+1 did not show the photos tab")
	}
	u.runShortcut(scDispense) // from anywhere: the product list, to choose the medicine
	if !u.stockShown() || u.stock.current() != u.stock.products.root || !strings.Contains(u.stock.Message(), "To dispense") {
		t.Fatalf("Ctrl+D from the photos tab: stock %v, message %q", u.stockShown(), u.stock.Message())
	}
	s := u.stock
	s.openProduct(productNamed(t, u, "Amoxicillin").ID)
	s.product.form.action.SetSelectedIndex(1)
	u.win.Canvas().Unfocus()
	u.runShortcut(scDispense) // on a product: Dispense, in the quantity box
	if s.product.form.action.SelectedIndex() != 0 || u.win.Canvas().Focused() != s.product.form.qty {
		t.Fatalf("Ctrl+D on a product: action %q, focus %T", s.product.form.action.Selected, u.win.Canvas().Focused())
	}
	u.runShortcut(scCount)
	if s.current() != s.count.root {
		t.Fatal("Ctrl+K did not open the stock count")
	}
	u.runShortcut(scReports)
	u.runShortcut(scReports)
	n := 0
	for _, o := range u.win.Canvas().Overlays().List() {
		if o.Visible() {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("Ctrl+R twice: %d dialogs open, want 1", n)
	}
	menuItemFor(u.menu, scReports).Action() // the menu's way (the desktop runs menu shortcuts first)
	if n := visibleOverlays(u); n != 1 {
		t.Fatalf("Ctrl+R from the menu over Reports: %d dialogs open, want 1", n)
	}
	press(h, fyne.KeyEscape)
	if !strings.Contains(keysHelp, "Ctrl+D") || !strings.Contains(keysHelp, "Ctrl+K") || !strings.Contains(keysHelp, "Ctrl+R") {
		t.Fatal("the shortcuts list does not name the stock shortcuts")
	}
}

func visibleOverlays(u *UI) int {
	n := 0
	for _, o := range u.win.Canvas().Overlays().List() {
		if o.Visible() {
			n++
		}
	}
	return n
}
