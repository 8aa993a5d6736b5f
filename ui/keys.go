package ui

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/ui/undo"
)

// The window's keyboard: the main menu (File, Edit, View, Help) carries the shortcuts, so the
// desktop shows them beside each item; the same actions are on the canvas for the test driver and
// for keys no menu item has (Escape, Enter in a dialog, Delete).

var (
	scAdd      = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	scNew      = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	scFind     = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	scSettings = &desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: fyne.KeyModifierShortcutDefault}
	scConfirm  = &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}
	scRedo     = &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	scQueue    = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault}
	scQuit     = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}

	// Stock work.
	scPhotosTab = &desktop.CustomShortcut{KeyName: fyne.Key1, Modifier: fyne.KeyModifierShortcutDefault}
	scStockTab  = &desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: fyne.KeyModifierShortcutDefault}
	scDispense  = &desktop.CustomShortcut{KeyName: fyne.KeyD, Modifier: fyne.KeyModifierShortcutDefault}
	scCount     = &desktop.CustomShortcut{KeyName: fyne.KeyK, Modifier: fyne.KeyModifierShortcutDefault}
	scReports   = &desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}
	scBackups   = &desktop.CustomShortcut{KeyName: fyne.KeyB, Modifier: fyne.KeyModifierShortcutDefault}
	scSyncCheck = &desktop.CustomShortcut{KeyName: fyne.KeyK, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
)

func (u *UI) mainMenu() *fyne.MainMenu {
	item := func(label string, sc fyne.Shortcut, f func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, f)
		it.Shortcut = sc
		return it
	}
	quit := item(i18n.T("Quit"), scQuit, func() { u.app.Quit() })
	quit.IsQuit = true
	file := fyne.NewMenu(i18n.T("File"),
		item(i18n.T("Add photos…"), scAdd, u.ShowAddPhotos),
		item(i18n.T("Add a medicine by hand…"), scNew, u.ed.openNew),
		fyne.NewMenuItemSeparator(),
		item(i18n.T("Settings…"), scSettings, u.ShowSettings),
		item(i18n.T("Backups…"), scBackups, u.noDialog(u.ShowBackups)),
		fyne.NewMenuItemSeparator(),
		quit)
	u.undoItem = item(i18n.T("Undo"), &fyne.ShortcutUndo{}, u.Undo)
	u.redoItem = item(i18n.T("Redo"), scRedo, u.Redo)
	edit := fyne.NewMenu(i18n.T("Edit"),
		u.undoItem, u.redoItem,
		fyne.NewMenuItemSeparator(),
		item(i18n.T("Find…"), scFind, u.focusSearch),
		item(i18n.T("Select all"), &fyne.ShortcutSelectAll{}, u.selectAll),
		fyne.NewMenuItemSeparator(),
		item(i18n.T("Confirm and open the next"), scConfirm, u.confirmKey),
		fyne.NewMenuItem(i18n.T("Confirm the selected medicines"), u.inv.confirmMarked),
		fyne.NewMenuItem(i18n.T("Remove…"), func() { u.ed.askDelete() }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(i18n.T("Try failed photos again"), u.RetryAllFailed))
	var filterItems []*fyne.MenuItem
	for i, f := range invFilters() {
		i := i
		filterItems = append(filterItems, fyne.NewMenuItem(i18n.T("Show: %s", f), func() { u.inv.show.SetSelectedIndex(i) }))
	}
	view := fyne.NewMenu(i18n.T("View"), append(filterItems,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(i18n.T("Sort by expiry date"), func() { u.inv.setSort(sortExpiry, false) }),
		fyne.NewMenuItem(i18n.T("Sort by name"), func() { u.inv.setSort(sortName, false) }),
		fyne.NewMenuItemSeparator(),
		item(i18n.T("Photos pane"), scQueue, u.toggleQueue))...)
	help := fyne.NewMenu(i18n.T("Help"),
		fyne.NewMenuItem(i18n.T("Keyboard shortcuts"), u.showKeys),
		fyne.NewMenuItem(i18n.T("About Medicine Inventory"), u.ShowAbout))
	u.menu = fyne.NewMainMenu(file, edit, view, help)
	if u.d.Stock != nil {
		stockMenu := fyne.NewMenu(i18n.T("Stock"),
			item(i18n.T("Photos and entries"), scPhotosTab, u.noDialog(u.showPhotosTab)),
			item(i18n.T("Show the stock"), scStockTab, u.noDialog(u.ShowStock)),
			fyne.NewMenuItemSeparator(),
			item(i18n.T("Dispense…"), scDispense, u.noDialog(u.dispenseKey)),
			item(i18n.T("Stock count…"), scCount, u.noDialog(u.showCountKey)),
			item(i18n.T("Check after sync…"), scSyncCheck, u.noDialog(u.ShowSyncChecks)),
			fyne.NewMenuItem(i18n.T("Receipts to review"), u.noDialog(u.showReceiptsKey)),
			item(i18n.T("Reports…"), scReports, u.noDialog(u.ShowReports)))
		u.menu = fyne.NewMainMenu(file, edit, stockMenu, view, help)
	}
	u.updateUndoItems()
	return u.menu
}

func (u *UI) addShortcuts() {
	c := u.win.Canvas()
	u.shortcuts = map[string]func(){}
	on := func(sc fyne.Shortcut, f func()) {
		u.shortcuts[sc.ShortcutName()] = f
		c.AddShortcut(sc, func(fyne.Shortcut) { f() })
	}
	on(scAdd, u.ShowAddPhotos)
	on(scNew, u.ed.openNew)
	on(scFind, u.focusSearch)
	on(scSettings, u.ShowSettings)
	on(scConfirm, u.confirmKey)
	on(scRedo, u.Redo)
	on(scQueue, u.toggleQueue)
	on(&fyne.ShortcutUndo{}, u.Undo)
	on(&fyne.ShortcutRedo{}, u.Redo) // Ctrl+Y
	on(&fyne.ShortcutSelectAll{}, u.selectAll)
	on(scBackups, u.noDialog(u.ShowBackups))
	if u.d.Stock != nil {
		on(scPhotosTab, u.noDialog(u.showPhotosTab))
		on(scStockTab, u.noDialog(u.ShowStock))
		on(scDispense, u.noDialog(u.dispenseKey))
		on(scCount, u.noDialog(u.showCountKey))
		on(scSyncCheck, u.noDialog(u.ShowSyncChecks))
		on(scReports, u.noDialog(u.ShowReports))
		on(scPacks, u.noDialog(u.packsKey))
	}
	c.SetOnTypedKey(u.typedKey)
}

// handleShortcut runs one of the window's own shortcuts for a focused text field; it reports
// whether s was one. Undo, Redo and Select all stay with the text field (they act on its text).
func (u *UI) handleShortcut(s fyne.Shortcut) bool {
	if _, ok := s.(*desktop.CustomShortcut); !ok {
		return false
	}
	return u.runShortcut(s)
}

// runShortcut runs the window's action for s, if it has one.
func (u *UI) runShortcut(s fyne.Shortcut) bool {
	f := u.shortcuts[s.ShortcutName()]
	if f == nil {
		return false
	}
	f()
	return true
}

// typedKey gets the keys no focused widget took: Escape and Enter for an open dialog, Escape to
// leave the editor, Delete to remove the open medicine, arrows to start moving in the list.
func (u *UI) typedKey(ev *fyne.KeyEvent) {
	if u.dlg != nil {
		switch ev.Name {
		case fyne.KeyEscape:
			u.dlg.cancel()
		case fyne.KeyReturn, fyne.KeyEnter:
			u.dlg.ok()
		default:
			if f := u.dlg.keys[ev.Name]; f != nil {
				f()
			}
		}
		return
	}
	switch {
	case ev.Name == fyne.KeyEscape && u.queueOpen:
		u.toggleQueue()
	case u.stockShown(): // the photos tab's editor and list are hidden behind it
		u.stock.typedKey(ev)
	case ev.Name == fyne.KeyEscape && u.ed.visible:
		u.ed.close()
	case ev.Name == fyne.KeyDelete && u.ed.visible && u.ed.entryID != 0:
		u.ed.askDelete()
	case !u.ed.visible && (ev.Name == fyne.KeyDown || ev.Name == fyne.KeyUp || ev.Name == fyne.KeyReturn ||
		ev.Name == fyne.KeyEnter || ev.Name == fyne.KeySpace):
		u.win.Canvas().Focus(u.inv.list) // the first arrow only puts the keyboard on the list
		if ev.Name != fyne.KeyDown && ev.Name != fyne.KeyUp {
			u.inv.list.TypedKey(ev)
		}
	}
}

// uiEntry is a widget.Entry that lets the window's shortcuts (Ctrl+O, Ctrl+F, Ctrl+Enter…) through
// while it has the focus, and Escape leave the editor or close the dialog it is in.
type uiEntry struct {
	widget.Entry
	u *UI
	// maxMinWidth, when set, caps the width the field asks for: a field with no scroller of its
	// own would otherwise ask for the width of its whole text and widen the window.
	maxMinWidth float32
}

func (e *uiEntry) MinSize() fyne.Size {
	m := e.Entry.MinSize()
	if e.maxMinWidth > 0 {
		m.Width = min(m.Width, e.maxMinWidth)
	}
	return m
}

func (u *UI) newEntry() *uiEntry {
	e := &uiEntry{u: u}
	e.ExtendBaseWidget(e)
	return e
}

func (e *uiEntry) TypedShortcut(s fyne.Shortcut) {
	if e.u.handleShortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

func (e *uiEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		e.u.win.Canvas().Unfocus()
		e.u.typedKey(ev)
		return
	}
	e.Entry.TypedKey(ev)
}

// openDialog is the dialog in front, with what Enter (its default button) and Escape do.
type openDialog struct {
	d        dialog.Dialog
	onOK     func()
	onCancel func()
	prev     *openDialog // the dialog under it, if any
	closed   bool
	keys     map[fyne.KeyName]func() // other keys the dialog answers (askPack: S and N)
}

func (o *openDialog) ok() {
	if o.onOK != nil {
		o.onOK()
	} else {
		o.d.Hide()
	}
}

func (o *openDialog) cancel() {
	if o.onCancel != nil {
		o.onCancel()
	} else {
		o.d.Hide()
	}
}

// track makes d the dialog Enter and Escape act on while it is open. onOK nil means Enter closes
// it; onCancel nil means Escape closes it; onClosed (if any) run when it closes.
func (u *UI) track(d dialog.Dialog, onOK, onCancel func(), onClosed ...func()) {
	o := &openDialog{d: d, onOK: onOK, onCancel: onCancel, prev: u.dlg}
	u.dlg = o
	d.SetOnClosed(func() {
		o.closed = true
		if u.dlg == o {
			p := o.prev
			for p != nil && p.closed {
				p = p.prev
			}
			u.dlg = p
		}
		for _, f := range onClosed {
			f()
		}
	})
}

// showDialog shows d with the keys the shortcuts list promises for every dialog: Enter presses
// its main button (onOK; nil: Enter closes it) and Escape closes it (onCancel; nil: it closes);
// onClosed (if any) run when it closes. Every dialog of the window opens through it (or through
// showInfo, confirmDialog and askDialog, which use it; the file choosers are the window's own, showChooser).
func (u *UI) showDialog(d dialog.Dialog, onOK, onCancel func(), onClosed ...func()) {
	u.track(d, onOK, onCancel, onClosed...)
	d.Show()
}

// showInfo shows a message with one Close button (Enter and Escape close it too).
func (u *UI) showInfo(title, msg string) {
	u.showDialog(dialog.NewInformation(title, msg, u.win), nil, nil)
}

// askDialog asks a question shown as content; Enter presses yes, Escape no; f gets the answer.
func (u *UI) askDialog(title, yes, no string, content fyne.CanvasObject, f func(bool)) *dialog.ConfirmDialog {
	d := dialog.NewCustomConfirm(title, yes, no, content, f, u.win)
	u.showDialog(d, d.Confirm, d.Dismiss)
	return d
}

// confirmDialog asks a yes/no question; Enter presses the confirm button, Escape the dismiss one.
func (u *UI) confirmDialog(title, msg, yes, no string, f func()) dialog.Dialog {
	d := dialog.NewConfirm(title, msg, func(ok bool) {
		if ok {
			f()
		}
	}, u.win)
	d.SetConfirmText(yes)
	d.SetDismissText(no)
	u.showDialog(d, d.Confirm, d.Dismiss)
	return d
}

// noDialog runs f only when no dialog is open: the stock shortcuts open a page or a window, not
// over a dialog (Ctrl+R twice opened two Reports).
func (u *UI) noDialog(f func()) func() {
	return func() {
		if u.dlg == nil {
			f()
		}
	}
}

// showPhotosTab shows the photos-and-entries tab (Ctrl+1).
func (u *UI) showPhotosTab() {
	if u.tabs != nil {
		u.tabs.SelectIndex(0)
	}
}

// dispenseKey is Ctrl+D: on a product's page or a lot's card, the form is set to Dispense with the
// keyboard in its quantity box; elsewhere the Stock tab's product list opens with its search
// focused, to choose the medicine first.
func (u *UI) dispenseKey() {
	if u.tabs == nil {
		return
	}
	s := u.stock
	if u.stockShown() {
		var f *moveForm
		switch s.current() {
		case s.product.root:
			f = s.product.form
		case s.card.root:
			f = s.card.form
		}
		if f != nil {
			f.action.SetSelectedIndex(0) // Dispense
			u.win.Canvas().Focus(f.qty)
			return
		}
	}
	u.ShowStock()
	if s.current() == s.products.root {
		s.recorded(i18n.T("To dispense, choose the medicine: type its name, then Enter."), nil)
	}
}

// showCountKey is Ctrl+K: the Stock tab's stock count.
func (u *UI) showCountKey() {
	if u.tabs == nil {
		return
	}
	u.tabs.Select(u.stockTab)
	u.stock.showCount()
}

// showReceiptsKey shows the Stock tab's receipts waiting for review.
func (u *UI) showReceiptsKey() {
	if u.tabs == nil {
		return
	}
	u.tabs.Select(u.stockTab)
	u.stock.showReceipts()
}

func (u *UI) focusSearch() {
	if u.stockShown() { // the Stock tab's own search
		if u.queueOpen {
			u.toggleQueue()
		}
		u.stock.showProducts()
		return
	}
	if u.ed.visible {
		u.ed.close() // the search box is on the list
	}
	if u.queueOpen {
		u.toggleQueue()
	}
	u.win.Canvas().Focus(u.inv.search)
}

// selectAll marks every medicine the list shows (for Confirm selected), unless a text field has
// the focus: there Select all acts on its text.
func (u *UI) selectAll() {
	if e, ok := u.win.Canvas().Focused().(*uiEntry); ok {
		e.Entry.TypedShortcut(&fyne.ShortcutSelectAll{})
		return
	}
	if u.ed.visible || u.stockShown() {
		return
	}
	u.inv.markAll()
}

// confirmKey is Ctrl+Enter: in the editor, confirm and open the next medicine that needs review;
// on the list, confirm the selected medicines (or open the one under the cursor).
func (u *UI) confirmKey() {
	if u.dlg != nil {
		u.dlg.ok()
		return
	}
	if u.stockShown() {
		return // the list and editor it acts on are behind the Stock tab
	}
	if u.ed.visible {
		u.ed.confirmAndNext()
		return
	}
	if len(u.inv.marked) > 0 {
		u.inv.confirmMarked()
		return
	}
	u.inv.openCursor()
}

// Undo undoes the last edit, confirmation or removal (Ctrl+Z). In a text field Ctrl+Z undoes typing.
func (u *UI) Undo() { u.undoStep(true) }

// Redo does again what Undo undid (Ctrl+Shift+Z or Ctrl+Y).
func (u *UI) Redo() { u.undoStep(false) }

// Fyne runs a main-menu shortcut before the focused widget sees it, so Ctrl+Z and Edit → Undo
// both come here: with the focus in a text field that holds text, they undo typing; in an empty
// one (the quantity box right after a dispense, say) there is no typing to undo, and they undo the
// last action, as the menu item's label says.
func (u *UI) undoStep(back bool) {
	if e, ok := u.win.Canvas().Focused().(*uiEntry); ok && e.Text != "" {
		if back {
			e.Entry.TypedShortcut(&fyne.ShortcutUndo{})
		} else {
			e.Entry.TypedShortcut(&fyne.ShortcutRedo{})
		}
		return
	}
	u.bg(func() func() {
		var label string
		var err error
		if back {
			label, err = u.undo.Undo(u.ctx)
		} else {
			label, err = u.undo.Redo(u.ctx)
		}
		return func() {
			say := u.inv.say
			if u.stock != nil && u.stockShown() {
				say = func(text string) { u.stock.recorded(text, nil) }
			}
			switch {
			case errors.Is(err, undo.ErrNothing), errors.Is(err, undo.ErrBusy):
				say(sentence(err.Error()))
			case err != nil && back:
				u.showError(i18n.T("“%s” could not be undone", label), err)
			case err != nil:
				u.showError(i18n.T("“%s” could not be done again", label), err)
			case back:
				say(i18n.T("Undone: %s.  (Ctrl+Shift+Z does it again)", label))
			default:
				say(i18n.T("Done again: %s.", label))
			}
			u.inv.reload()
			if u.stock != nil {
				u.stock.reload()
			}
			if u.ed.visible && u.ed.entryID != 0 {
				u.ed.open(u.ed.entryID)
			}
		}
	})
}

// pushUndo records an action the user just did (called on the UI goroutine after it succeeded).
func (u *UI) pushUndo(label string, undoF, redoF func(ctx context.Context) error) {
	u.undo.Push(undo.Action{Label: label, Undo: undoF, Redo: redoF})
}

func (u *UI) updateUndoItems() {
	if u.undoItem == nil {
		return
	}
	u.undoItem.Label, u.undoItem.Disabled = i18n.T("Undo"), true
	if l := u.undo.UndoLabel(); l != "" {
		u.undoItem.Label, u.undoItem.Disabled = i18n.T("Undo: %s", l), false
	}
	u.redoItem.Label, u.redoItem.Disabled = i18n.T("Redo"), true
	if l := u.undo.RedoLabel(); l != "" {
		u.redoItem.Label, u.redoItem.Disabled = i18n.T("Redo: %s", l), false
	}
	if u.menu != nil {
		u.menu.Refresh()
	}
}

// sentence starts s with a capital letter and ends it with a full stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// shortURL is a server address for people: its host and port.
func shortURL(s string) string {
	if p, err := url.Parse(s); err == nil && p.Host != "" {
		return p.Host
	}
	return strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
}

// keysHelp is the Keyboard shortcuts page (Markdown), translated where shown.
var keysHelp = i18n.Mark(`**Reviewing**

- **↑ / ↓** move through the list, **Enter** opens a medicine
- **Space** selects or unselects it, **Ctrl+A** selects all shown
- **Ctrl+Enter** confirms the open medicine and opens the next one that needs review; on the list it confirms the selected ones
- **Enter** in the last field confirms too; **Escape** goes back to the list
- **Delete** removes the open medicine (it asks first)
- A photo that looks like one already counted asks first "Is this the same pack?": **S** same pack (not counted twice), **N** a new pack (counted), **Escape** decide later

**Everywhere**

- **Ctrl+O** add photos, **Ctrl+N** add a medicine by hand, **Ctrl+F** search
- **Ctrl+Z** undo, **Ctrl+Shift+Z** (or **Ctrl+Y**) redo
- **Ctrl+P** show or hide the photos pane, **Ctrl+,** settings, **Ctrl+B** backups, **Ctrl+Q** quit
- In a dialog, **Enter** presses the main button and **Escape** closes it

**Stock**

- **Ctrl+1** photos and entries, **Ctrl+2** the Stock tab
- **Ctrl+D** dispense (on a product's page: the quantity box, type the number, **Enter**)
- **Ctrl+K** stock count, **Ctrl+R** reports, **Ctrl+Shift+K** what to check after a sync
- **Ctrl+U** in a quantity box: type in packs, or in units again
- **Escape** goes back a page`)

func (u *UI) showKeys() {
	rt := widget.NewRichTextFromMarkdown(i18n.T(keysHelp))
	rt.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(i18n.T("Keyboard shortcuts"), i18n.T("Close"), rt, u.win)
	d.Resize(fyne.NewSize(min(640, u.win.Canvas().Size().Width-40), 420))
	u.showDialog(d, nil, nil)
}
