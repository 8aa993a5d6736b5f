package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"medinventory/store"
)

// keyboard sends key presses to the window the way Fyne's desktop driver does (a shortcut goes to
// the main menu first, then to the focused widget, then to the canvas; a plain key to the focused
// widget, else to the canvas), and counts them.
type keyboard struct {
	u       *UI
	presses int
}

func (k *keyboard) key(name fyne.KeyName) {
	k.presses++
	ev := &fyne.KeyEvent{Name: name}
	if f := k.u.win.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	k.u.win.Canvas().OnTypedKey()(ev)
}

func (k *keyboard) shortcut(s fyne.Shortcut) {
	k.presses++
	if it := menuItemFor(k.u.menu, s); it != nil {
		it.Action()
		return
	}
	if f, ok := k.u.win.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	k.u.runShortcut(s)
}

func menuItemFor(m *fyne.MainMenu, s fyne.Shortcut) *fyne.MenuItem {
	var find func(items []*fyne.MenuItem) *fyne.MenuItem
	find = func(items []*fyne.MenuItem) *fyne.MenuItem {
		for _, it := range items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == s.ShortcutName() { // disabled or not, as the driver does
				return it
			}
			if it.ChildMenu != nil {
				if f := find(it.ChildMenu.Items); f != nil {
					return f
				}
			}
		}
		return nil
	}
	for _, menu := range m.Items {
		if it := find(menu.Items); it != nil {
			return it
		}
	}
	return nil
}

// addBarcodeEntries adds n entries read from barcodes (GTIN, lot and expiry from the code, the
// name from the catalog): nothing open to check, they only need a person's look.
func addBarcodeEntries(t *testing.T, h *harness, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := 0; i < n; i++ {
		id := h.addEntry(t, fmt.Sprintf("Medicine %02d", i), fmt.Sprintf("2027-%02d-28", 1+i%12), "10",
			map[string]string{"gtin": store.SourceBarcode, "lot": store.SourceBarcode, "expiry": store.SourceBarcode,
				"name": store.SourceCatalog})
		ids = append(ids, id)
	}
	return ids
}

func statuses(t *testing.T, h *harness, ids []int64) (confirmed int) {
	t.Helper()
	for _, id := range ids {
		e, err := h.st.Entry(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status == store.StatusConfirmed {
			confirmed++
		}
	}
	return confirmed
}

// TestReviewTwentyBarcodeEntriesByKeyboard: one Enter opens the first medicine, then each
// Ctrl+Enter confirms the open one and opens the next that needs review (confirmed ones between
// are skipped). The goal is at most 25 key presses for 20 entries.
func TestReviewTwentyBarcodeEntriesByKeyboard(t *testing.T) {
	h := newHarness(t)
	ids := addBarcodeEntries(t, h, 20)
	done := h.addEntry(t, "Already checked", "2027-03-30", "5", nil) // between them in expiry order
	if _, err := h.st.ConfirmEntry(context.Background(), done); err != nil {
		t.Fatal(err)
	}
	h.start()
	k := &keyboard{u: h.u}
	k.key(fyne.KeyReturn) // the list takes the keys; Enter opens the medicine under the cursor
	if !h.u.ed.visible {
		t.Fatal("Enter did not open a medicine")
	}

	for i := 0; i < 40 && h.u.ed.visible; i++ {
		k.shortcut(scConfirm)
		if p := h.u.inv; h.u.ed.visible && p.shown[p.cursor].ID != h.u.ed.entryID {
			t.Fatalf("the list's cursor is on %d, the editor shows %d", p.shown[p.cursor].ID, h.u.ed.entryID)
		}
	}
	if got := statuses(t, h, ids); got != 20 {
		t.Fatalf("%d of 20 confirmed after %d key presses", got, k.presses)
	}
	if h.u.ed.visible {
		t.Fatal("the editor should close when nothing is left to review")
	}
	if !strings.Contains(h.u.inv.note.message(), "Nothing else in the list needs review") {
		t.Fatalf("last message %q", h.u.inv.note.message())
	}
	t.Logf("20 barcode-read entries confirmed with %d key presses", k.presses)
	if k.presses > 25 {
		t.Fatalf("%d key presses, want at most 25", k.presses)
	}
}

// TestArrowsMoveSpaceSelectsBulkConfirmSkipsWarnings: ↓ moves, Space selects, Ctrl+A selects all;
// Ctrl+Enter confirms the selected entries without an open warning and says what it left and why;
// Ctrl+Z puts them back, Ctrl+Shift+Z confirms them again.
func TestArrowsMoveSpaceSelectsBulkConfirmSkipsWarnings(t *testing.T) {
	h := newHarness(t)
	ids := addBarcodeEntries(t, h, 3)
	ctx := context.Background()
	noted := h.addEntry(t, "Unsure", "2027-06-30", "1", nil)
	if _, err := h.st.DB().Exec(`UPDATE entries SET review_note = 'Check strength: the model was not sure.' WHERE id = ?`, noted); err != nil {
		t.Fatal(err)
	}
	already := h.addEntry(t, "Checked", "2027-07-30", "1", nil)
	if _, err := h.st.ConfirmEntry(ctx, already); err != nil {
		t.Fatal(err)
	}
	h.start()
	k := &keyboard{u: h.u}
	k.key(fyne.KeyDown) // the first arrow puts the keyboard on the list
	k.key(fyne.KeyDown)
	if h.u.inv.cursor != 1 {
		t.Fatalf("cursor at %d after ↓", h.u.inv.cursor)
	}
	k.key(fyne.KeySpace)
	if !h.u.inv.marked[h.u.inv.shown[1].ID] || !h.u.inv.bulk.Visible() {
		t.Fatal("Space should select the medicine under the cursor")
	}
	k.key(fyne.KeySpace)
	if len(h.u.inv.marked) != 0 {
		t.Fatal("Space again should unselect it")
	}
	k.shortcut(&fyne.ShortcutSelectAll{})
	if len(h.u.inv.marked) != 5 {
		t.Fatalf("Ctrl+A selected %d", len(h.u.inv.marked))
	}
	k.shortcut(scConfirm)
	if got := statuses(t, h, ids); got != 3 {
		t.Fatalf("%d of the 3 clean entries confirmed", got)
	}
	if e, _ := h.st.Entry(ctx, noted); e.Status != store.StatusNeedsReview {
		t.Fatal("an entry with an open warning was confirmed in bulk")
	}
	msg := h.u.inv.note.message()
	for _, want := range []string{"Confirmed 3 medicines.", "Left 1 to check one at a time: 1 with a note to read first.", "1 was already confirmed."} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	k.shortcut(&fyne.ShortcutUndo{})
	if got := statuses(t, h, ids); got != 0 {
		t.Fatalf("after Ctrl+Z %d still confirmed", got)
	}
	k.shortcut(scRedo)
	if got := statuses(t, h, ids); got != 3 {
		t.Fatalf("after Ctrl+Shift+Z %d confirmed", got)
	}
}

// Undo and Redo cover an edit, a confirm and a removal, newest first; in a text field Ctrl+Z
// undoes the typing instead.
func TestUndoRedoEditConfirmDelete(t *testing.T) {
	h := newHarness(t)
	id := h.addEntry(t, "Omeprazole", "2027-02-28", "14", nil)
	h.start()
	ctx := context.Background()
	k := &keyboard{u: h.u}
	openEditor(t, h, id)
	h.u.ed.fields["quantity"].SetText("20")
	h.u.ed.Save()
	h.u.ed.Confirm()
	h.u.ed.remove(id, "Omeprazole")
	if e, _ := h.st.Entry(ctx, id); !e.Deleted || e.Status != store.StatusConfirmed || e.Get("quantity") != "20" {
		t.Fatalf("before undo: %+v", e)
	}
	if !strings.HasPrefix(h.u.undoItem.Label, "Undo: Remove") {
		t.Fatalf("Edit menu says %q", h.u.undoItem.Label)
	}
	h.u.Window().Canvas().Unfocus()
	k.shortcut(&fyne.ShortcutUndo{})
	if e, _ := h.st.Entry(ctx, id); e.Deleted {
		t.Fatal("undo of the removal")
	}
	k.shortcut(&fyne.ShortcutUndo{})
	if e, _ := h.st.Entry(ctx, id); e.Status != store.StatusNeedsReview {
		t.Fatal("undo of the confirm")
	}
	k.shortcut(&fyne.ShortcutUndo{})
	if e, _ := h.st.Entry(ctx, id); e.Get("quantity") != "14" {
		t.Fatalf("undo of the edit: quantity %s", e.Get("quantity"))
	}
	k.shortcut(&fyne.ShortcutUndo{})
	if !strings.Contains(h.u.inv.note.message(), "There is nothing to undo") {
		t.Fatalf("message %q", h.u.inv.note.message())
	}
	k.shortcut(scRedo)
	if e, _ := h.st.Entry(ctx, id); e.Get("quantity") != "20" {
		t.Fatal("redo of the edit")
	}
	// In a field, Ctrl+Z is the field's own undo: the inventory is not touched.
	openEditor(t, h, id)
	f := h.u.ed.fields["notes"]
	h.u.Window().Canvas().Focus(f)
	test.Type(f, "abc")
	k.shortcut(&fyne.ShortcutUndo{})
	if e, _ := h.st.Entry(ctx, id); e.Get("quantity") != "20" {
		t.Fatal("Ctrl+Z in a text field undid an inventory change")
	}
}

// Escape leaves the editor and closes Settings; Enter presses a dialog's default button.
func TestEscapeAndEnterFollowDesktopConventions(t *testing.T) {
	h := newHarness(t)
	id := h.addEntry(t, "Loratadine", "2027-03-31", "10", nil)
	h.u.d.Backend = &fakeBackend{}
	h.start()
	k := &keyboard{u: h.u}
	k.key(fyne.KeyReturn) // opened from the list by keyboard…
	k.key(fyne.KeyEscape) // …Escape goes back to the list, where the keyboard stays
	if h.u.ed.visible || h.u.Window().Canvas().Focused() != h.u.inv.list {
		t.Fatal("Escape should go back to the list")
	}
	openEditor(t, h, id)
	h.u.Window().Canvas().Focus(h.u.ed.fields["name"])
	k.key(fyne.KeyEscape)
	if h.u.ed.visible {
		t.Fatal("Escape in a field should leave the editor")
	}
	h.u.ShowSettings()
	h.u.Window().Canvas().Focus(h.u.settingsOpen.model)
	k.key(fyne.KeyEscape)
	if h.u.settingsOpen != nil || h.u.Window().Canvas().Overlays().Top() != nil {
		t.Fatal("Escape should close Settings")
	}
	openEditor(t, h, id)
	h.u.Window().Canvas().Unfocus()
	k.key(fyne.KeyDelete)
	ov := h.u.Window().Canvas().Overlays().Top()
	if ov == nil {
		t.Fatal("Delete should ask first")
	}
	var texts []string
	walkLabels(ov, func(s string) { texts = append(texts, s) })
	if all := strings.Join(texts, "|"); !strings.Contains(all, "“Loratadine · 500 mg · tablet (lot LL42)”") {
		t.Fatalf("the question should name the medicine and its lot: %s", all)
	}
	k.key(fyne.KeyReturn) // the default button: Remove
	if e, _ := h.st.Entry(context.Background(), id); !e.Deleted {
		t.Fatal("Enter should press Remove")
	}
	if h.u.Window().Canvas().Overlays().Top() != nil {
		t.Fatal("the dialog should be gone")
	}
}
