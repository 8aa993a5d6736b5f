package ui

// What sync hands to a person (issue 28), in the window: a field of a product or lot that two
// laptops changed before either saw the other (a conflict: keep this laptop's value, take the
// other's, or type another), and a lot to count after a unit change met movements recorded in
// the old unit (the count page opens at that lot). The status bar says how many there are
// ("Sync: 2 to check"); clicking it, or Stock → Check after sync… (Ctrl+Shift+K),
// opens the list. Everything is read and settled through the Stock interface (the store decides).

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/stock"
)

// HubSyncSoon may be implemented by the Backend (main's is): after a conflict is settled, the
// background sync runs now, so the choice reaches the other laptops sooner.
type HubSyncSoon interface {
	SyncSoon()
}

// syncChecks is the status bar's "things to check after sync" button (hidden when none).
type syncChecks struct {
	button *widget.Button
	n      int
	open   *syncDialog // the list, while it is open
}

// syncDialog is the list of conflicts and lots to count.
type syncDialog struct {
	u    *UI
	d    *dialog.CustomDialog
	info *widget.Label
	box  *fyne.Container
	seq  int
}

// syncChecksText is the status bar's words for n things to settle (short: the status bar holds
// them beside the sync and backup words at 800 pixels wide).
func syncChecksText(n int) string {
	return i18n.N(n, "Sync: %d to check", "Sync: %d to check")
}

// syncChecksBeside puts the status bar's button at the right of the day's summary (use, whose
// words shorten); ui.go places it (one hook). The button takes the room its words need when the
// status bar has it, else it shows the warning and the number only: the window still fits
// 800 pixels in French beside the key and backup warnings.
func (u *UI) syncChecksBeside(use fyne.CanvasObject) fyne.CanvasObject {
	u.syncBar = &syncChecks{button: widget.NewButtonWithIcon("", theme.WarningIcon(), u.ShowSyncChecks)}
	u.syncBar.button.Importance = widget.WarningImportance
	u.syncBar.button.Hide()
	return container.New(&syncChecksLayout{c: u.syncBar}, use, u.syncBar.button)
}

// syncChecksLayout lays out the day's summary and the button (objects 0 and 1).
type syncChecksLayout struct{ c *syncChecks }

// widths are the button's width with its words and with the number only.
func (c *syncChecks) widths() (full, short float32) {
	full = widget.NewButtonWithIcon(syncChecksText(c.n), theme.WarningIcon(), nil).MinSize().Width
	short = widget.NewButtonWithIcon(fmt.Sprint(c.n), theme.WarningIcon(), nil).MinSize().Width
	return full, short
}

func (l *syncChecksLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	use, b := objs[0].MinSize(), objs[1]
	if !b.Visible() {
		return use
	}
	// The summary gives way to the button: at this width it is cut to "…" anyway.
	_, short := l.c.widths()
	return fyne.NewSize(max(use.Width, short), max(use.Height, b.MinSize().Height))
}

func (l *syncChecksLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	use, b := objs[0], objs[1]
	if !b.Visible() {
		use.Show()
		use.Move(fyne.NewPos(0, 0))
		use.Resize(size)
		return
	}
	full, short := l.c.widths()
	w, text := full, syncChecksText(l.c.n)
	if size.Width-use.MinSize().Width < full {
		w, text = short, fmt.Sprint(l.c.n)
	}
	if l.c.button.Text != text {
		l.c.button.SetText(text)
	}
	h := b.MinSize().Height
	b.Move(fyne.NewPos(size.Width-w, (size.Height-h)/2))
	b.Resize(fyne.NewSize(w, h))
	use.Move(fyne.NewPos(0, 0))
	if size.Width-w < use.MinSize().Width {
		use.Hide() // no room for even "…" (a label narrower than that draws its words whole)
		return
	}
	use.Show()
	use.Resize(fyne.NewSize(size.Width-w, size.Height))
}

// syncLists reads both lists.
func (u *UI) syncLists() ([]store.SyncConflict, []store.SyncRecount, error) {
	cs, err := u.d.Stock.SyncConflicts(u.ctx)
	if err != nil {
		return nil, nil, err
	}
	rs, err := u.d.Stock.SyncRecounts(u.ctx)
	return cs, rs, err
}

// refreshSyncChecks counts what there is to settle (off the UI goroutine) and shows the button.
func (u *UI) refreshSyncChecks() {
	if u.d.Stock == nil || u.syncBar == nil {
		return
	}
	u.bg(func() func() {
		cs, rs, err := u.syncLists()
		if err != nil {
			u.log.Warn("read what sync left to check", "err", err)
			return nil
		}
		return func() { u.setSyncChecks(len(cs) + len(rs)) }
	})
}

func (u *UI) setSyncChecks(n int) {
	b := u.syncBar
	b.n = n
	if n == 0 {
		b.button.Hide()
		return
	}
	b.button.SetText(syncChecksText(n)) // the layout shortens it if the status bar is short of room
	b.button.Show()
	b.button.Refresh()
}

// ShowSyncChecks opens the list of what sync left to check.
func (u *UI) ShowSyncChecks() {
	if u.d.Stock == nil {
		return
	}
	sd := &syncDialog{u: u, info: widget.NewLabel(""), box: container.NewVBox()}
	sd.info.Wrapping = fyne.TextWrapWord
	content := container.NewBorder(sd.info, nil, nil, nil, container.NewVScroll(sd.box))
	sd.d = dialog.NewCustom(i18n.T("To check after sync"), i18n.T("Close"), content, u.win)
	ws := u.win.Canvas().Size()
	sd.d.Resize(fyne.NewSize(min(780, ws.Width*0.95), min(640, ws.Height*0.88)))
	if u.syncBar != nil {
		u.syncBar.open = sd
	}
	u.showDialog(sd.d, nil, sd.d.Hide, func() {
		if u.syncBar != nil && u.syncBar.open == sd {
			u.syncBar.open = nil
		}
	})
	sd.reload("")
}

// reload reads the lists again and shows them, with note (what was just done) above.
func (sd *syncDialog) reload(note string) {
	u := sd.u
	load(u, &sd.seq, i18n.T("What sync left to check could not be read"), func() (syncListsResult, error) {
		cs, rs, err := u.syncLists()
		return syncListsResult{cs, rs}, err
	}, func(r syncListsResult) {
		sd.show(r, note)
		if u.syncBar != nil {
			u.setSyncChecks(len(r.conflicts) + len(r.recounts))
		}
	})
}

type syncListsResult struct {
	conflicts []store.SyncConflict
	recounts  []store.SyncRecount
}

func (sd *syncDialog) show(r syncListsResult, note string) {
	var objs []fyne.CanvasObject
	heading := func(text string) {
		l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		l.Wrapping = fyne.TextWrapWord
		objs = append(objs, l)
	}
	// Lots to count first: their balance is wrong until someone counts.
	if len(r.recounts) > 0 {
		heading(i18n.T("Lots to count: another laptop changed the unit while this one recorded movements in the old unit."))
	}
	for _, rc := range r.recounts {
		objs = append(objs, sd.recountRow(rc), widget.NewSeparator())
	}
	if len(r.conflicts) > 0 {
		heading(i18n.T("Changed on two laptops before either saw the other's change: choose what to keep. Your choice goes to the other laptops at the next sync."))
	}
	for _, c := range r.conflicts {
		objs = append(objs, sd.conflictRow(c), widget.NewSeparator())
	}
	sd.box.Objects = objs
	sd.box.Refresh()
	text := note
	if len(objs) == 0 {
		text = joinSentences(note, i18n.T("Nothing to check: the other laptops' changes are all in."))
	}
	sd.info.Importance = widget.SuccessImportance
	sd.info.SetText(text)
	setVisible(sd.info, text != "")
}

func joinSentences(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// syncFieldLabel is a travelling field's name in words.
func syncFieldLabel(field string) string {
	switch field {
	case "reorder_level":
		return i18n.T("Reorder level")
	case "pack_size":
		return i18n.T("Pack size")
	case "unit":
		return i18n.T("Unit")
	}
	return fieldLabel(field)
}

// conflictTitle is "Amoxicillin 500 mg · lot L1 — Pack size".
func conflictTitle(c store.SyncConflict) string {
	what := c.ProductName
	if c.Lot != "" {
		what = i18n.T("%s · lot %s", c.ProductName, c.Lot)
	}
	return i18n.T("%s — %s", what, syncFieldLabel(c.Field))
}

func (sd *syncDialog) conflictRow(c store.SyncConflict) fyne.CanvasObject {
	u := sd.u
	title := boldLabel(conflictTitle(c))
	title.Truncation = fyne.TextTruncateEllipsis
	values := widget.NewLabel(i18n.T("This laptop: %s · the other laptop: %s", dash(c.Ours), dash(c.Theirs)))
	values.Wrapping = fyne.TextWrapWord
	mine := widget.NewButton(i18n.T("Keep mine"), func() { sd.settle(c, c.Ours) })
	theirs := widget.NewButton(i18n.T("Take theirs"), func() { sd.settle(c, c.Theirs) })
	other := u.newEntry()
	other.SetPlaceHolder(i18n.T("or type another value"))
	use := widget.NewButton(i18n.T("Keep this value"), func() { sd.settle(c, other.Text) })
	other.OnSubmitted = func(string) { sd.settle(c, other.Text) }
	return container.NewVBox(title, values, container.NewBorder(nil, nil, container.NewHBox(mine, theirs), use, other))
}

// settle keeps value for conflict c; an error is said in the list, which stays open.
func (sd *syncDialog) settle(c store.SyncConflict, value string) {
	u := sd.u
	u.bg(func() func() {
		err := u.d.Stock.SettleConflict(u.ctx, c.ID, value)
		return func() {
			if err != nil {
				u.log.Warn("settle a sync conflict", "id", c.ID, "err", err)
				sd.info.Importance = widget.DangerImportance
				sd.info.SetText(i18n.T("%s was not changed: %s", conflictTitle(c), plainError(err)))
				sd.info.Show()
				return
			}
			if h, ok := u.d.Backend.(HubSyncSoon); ok {
				h.SyncSoon()
			}
			sd.reload(i18n.T("%s: %s is kept. It goes to the other laptops at the next sync.", conflictTitle(c), dash(value)))
		}
	})
}

func (sd *syncDialog) recountRow(r store.SyncRecount) fyne.CanvasObject {
	title := boldLabel(i18n.T("%s · lot %s · expires %s", r.ProductName, dash(r.Lot), dash(i18n.Day(r.Expiry))))
	title.Truncation = fyne.TextTruncateEllipsis
	var text string
	if r.TheirsKnown {
		text = i18n.T("Another laptop changed the unit from a balance of %d while this laptop held %d: the balance may mix two units. Count the lot on the shelf.", r.Theirs, r.Ours)
	} else {
		text = i18n.T("Another laptop changed the pack size without converting the %d this laptop held: the balance may be in the old size. Count the lot on the shelf.", r.Ours)
	}
	what := widget.NewLabel(text)
	what.Wrapping = fyne.TextWrapWord
	count := widget.NewButtonWithIcon(i18n.T("Count this lot…"), theme.ListIcon(), func() {
		sd.d.Hide()
		sd.u.countLot(r.LineID)
	})
	return container.NewVBox(title, what, container.NewHBox(count))
}

// countLot opens the stock count at a lot's shelf, the keyboard in its row.
func (u *UI) countLot(lineID int64) {
	if u.tabs == nil {
		return
	}
	u.tabs.Select(u.stockTab)
	s := u.stock
	c := s.count
	s.show(c.root)
	f := store.ProductFilter{Today: u.now()}
	load(u, &c.seq, i18n.T("The stock could not be read"), func() ([]stock.ProductStock, error) {
		return u.d.Stock.StockOnHand(u.ctx, f)
	}, func(all []stock.ProductStock) {
		c.all = all
		c.setShelves()
		shelf := ""
		for _, p := range all {
			for _, l := range p.Lines {
				if l.ID == lineID {
					shelf = l.Location
				}
			}
		}
		if shelf == "" {
			shelf = i18n.T(shelfNone)
		}
		if contains(c.shelf.Options, shelf) && c.shelf.Selected != shelf {
			c.shelf.SetSelected(shelf)
		}
		for _, r := range c.rows {
			if r.line.ID == lineID {
				s.focus(r.counted)
			}
		}
	})
}
