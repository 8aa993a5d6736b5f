package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// cardPage is one lot's stock card: every movement, oldest first, with its running balance, and
// the form that records a dispense, adjustment or disposal on this lot. A movement selected in
// the card can be undone (a reversing movement).
type cardPage struct {
	detail  // id: the lot's
	s       *stockView
	root    fyne.CanvasObject
	list    *widget.List
	undoSel *widget.Button
	packBtn *widget.Button // "Pack size…": disabled for a product counted in packs (set its unit first)

	line     stock.Line
	prod     stock.Product
	rows     []stock.CardRow
	selected int // -1: none
}

// cardCols: when, what, change, balance, note, photo.
var cardCols = []float32{150, 0, 80, 90, 0, 110}

func (s *stockView) newCardPage() *cardPage {
	c := &cardPage{s: s, selected: -1}
	c.detail = s.newDetail(true, func() { c.reload() })
	c.list = widget.NewList(func() int { return len(c.rows) }, c.createRow, c.updateRow)
	c.list.OnSelected = func(id widget.ListItemID) { c.selected = id; c.updateUndo() }
	c.list.OnUnselected = func(widget.ListItemID) { c.selected = -1; c.updateUndo() }
	c.undoSel = widget.NewButtonWithIcon(i18n.T("Undo the selected movement"), theme.ContentUndoIcon(), c.undoSelected)
	c.undoSel.Disable()
	back := widget.NewButtonWithIcon(i18n.T("Back to the product"), theme.NavigateBackIcon(), func() {
		s.openProduct(c.prod.ID)
	})
	c.packBtn = widget.NewButtonWithIcon(i18n.T("Pack size…"), theme.SettingsIcon(), c.editPackSize)
	head := container.NewBorder(nil, nil, back, nil, container.NewVBox(container.NewBorder(nil, nil, nil, c.packBtn, c.title), c.summary))
	header := newCols(cardCols, boldLabel(i18n.T("When")), boldLabel(i18n.T("What")), boldLabel(i18n.T("Change")), boldLabel(i18n.T("Balance")),
		boldLabel(i18n.T("Note")), boldLabel(i18n.T("Photo")))
	top := container.NewVBox(head, widget.NewSeparator(), c.form.root, widget.NewSeparator(),
		container.NewBorder(nil, nil, boldLabel(i18n.T("Stock card")), c.undoSel), header)
	c.root = container.NewBorder(top, nil, nil, nil, c.list)
	return c
}

// openLine shows a lot's stock card.
func (s *stockView) openLine(id int64) {
	c := s.card
	s.open(&c.detail, c.root, id, func() { c.rows = nil; c.list.UnselectAll(); c.list.Refresh() }, c.reload)
}

func (c *cardPage) reload() {
	u := c.s.u
	if u.d.Stock == nil || c.id == 0 {
		return
	}
	id := c.id
	type result struct {
		prod stock.Product
		line stock.Line
		rows []stock.CardRow
	}
	load(u, &c.seq, i18n.T("This stock card could not be read"), func() (r result, err error) {
		if r.line, err = u.d.Stock.Line(u.ctx, id); err != nil {
			return r, err
		}
		if r.prod, err = u.d.Stock.StockProduct(u.ctx, r.line.ProductID); err != nil {
			return r, err
		}
		r.rows, err = u.d.Stock.StockCard(u.ctx, id)
		return r, err
	}, func(r result) { c.set(r.prod, r.line, r.rows) })
}

func (c *cardPage) set(prod stock.Product, line stock.Line, rows []stock.CardRow) {
	old := c.rows
	c.prod, c.line, c.rows = prod, line, rows
	c.title.SetText(productTitle(&prod))
	sum := i18n.T("Stock card of %s · on hand: %s", lineTitle(&line), lineOnHandText(&line, &prod))
	if stock.IsExpired(line.Expiry, c.s.u.now()) {
		sum += " · " + i18n.T("expired: dispose of it, do not dispense")
	}
	c.summary.SetText(sum)
	if stock.CountsInPacks(prod) {
		c.packBtn.Disable()
	} else {
		c.packBtn.Enable()
	}
	c.form.setLines(prod, []stock.Line{line})
	selID := int64(0) // the movement selected stays selected when the card is read again
	if c.selected >= 0 && c.selected < len(old) {
		selID = old[c.selected].ID
	}
	c.list.UnselectAll()
	c.selected = -1
	c.list.Refresh()
	for i := range rows {
		if rows[i].ID == selID {
			c.list.Select(i)
		}
	}
	if c.selected < 0 && len(rows) > 0 {
		c.list.ScrollToBottom() // the latest movement
	}
	c.updateUndo()
}

// undoable reports whether the card's row may be undone (the rule itself is checked again by
// the store: stock.CheckReverse).
func undoable(r *stock.CardRow) bool {
	// A conversion is undone with its unit change (Ctrl+Z), not on its own.
	return r.Status == stock.Confirmed && r.Kind != stock.Reversal && r.Kind != stock.Convert && r.ReversedBy == 0
}

func (c *cardPage) updateUndo() {
	if c.selected >= 0 && c.selected < len(c.rows) && undoable(&c.rows[c.selected]) {
		c.undoSel.Enable()
	} else {
		c.undoSel.Disable()
	}
}

func (c *cardPage) undoSelected() {
	if c.selected < 0 || c.selected >= len(c.rows) {
		return
	}
	r := c.rows[c.selected]
	u := c.s.u
	u.confirmDialog(i18n.T("Undo this movement?"),
		i18n.T("%s, %s on %s.\n\nA reversing movement will be added; this one stays on the card.",
			moveWords(&r), changeText(r.Quantity), i18n.DateTime(r.At)),
		i18n.T("Undo it"), i18n.T("Keep it"), func() {
			c.s.undoIDs = []int64{r.ID}
			c.s.undoLast()
		})
}

type cardRow struct {
	widget.BaseWidget
	when, what, change, balance, note *widget.Label
	photo                             *widget.Button
	photoID                           int64
	box                               fyne.CanvasObject
}

func (c *cardPage) createRow() fyne.CanvasObject {
	r := &cardRow{when: widget.NewLabel(""), what: widget.NewLabel(""), change: widget.NewLabel(""), balance: widget.NewLabel(""),
		note: widget.NewLabel("")}
	r.what.Truncation = fyne.TextTruncateEllipsis
	r.note.Truncation = fyne.TextTruncateEllipsis
	r.change.Alignment = fyne.TextAlignTrailing
	r.balance.Alignment = fyne.TextAlignTrailing
	r.balance.TextStyle.Bold = true
	r.photo = widget.NewButtonWithIcon("", theme.MediaPhotoIcon(), func() { c.s.showPhoto(r.photoID) })
	r.photo.Importance = widget.LowImportance
	r.box = newCols(cardCols, r.when, r.what, r.change, r.balance, r.note, r.photo)
	r.ExtendBaseWidget(r)
	return r
}

func (r *cardRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

func (c *cardPage) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(c.rows) {
		return
	}
	r := o.(*cardRow)
	m := &c.rows[id]
	r.when.SetText(i18n.DateTime(m.At))
	what := moveWords(m)
	if m.Kind == stock.Reversal {
		what = i18n.T("Undo of: %s", c.reversedWords(m.ReversesID))
	}
	r.what.SetText(what)
	switch {
	case m.Status != stock.Confirmed:
		r.change.Importance = widget.LowImportance
	case m.Quantity < 0:
		r.change.Importance = widget.DangerImportance
	default:
		r.change.Importance = widget.SuccessImportance
	}
	r.change.SetText(changeText(m.Quantity))
	r.balance.SetText(fmt.Sprint(m.Balance))
	r.note.SetText(m.Note)
	r.photoID = m.PhotoID
	if m.PhotoID != 0 {
		r.photo.SetText(i18n.T("photo %d", m.PhotoID))
		r.photo.Show()
	} else {
		r.photo.Hide()
	}
}

// reversedWords names the movement a reversal undid ("Dispensed (-3)").
func (c *cardPage) reversedWords(id int64) string {
	for i := range c.rows {
		if r := &c.rows[i]; r.ID == id {
			w := moveWords(r)
			w = strings.TrimSuffix(w, " · "+i18n.T("undone later"))
			return w + " (" + changeText(r.Quantity) + ")"
		}
	}
	return i18n.T("an earlier movement")
}

// changeText is a signed quantity: "+5", "-2", "0".
func changeText(n int64) string {
	if n > 0 {
		return fmt.Sprintf("+%d", n)
	}
	return fmt.Sprint(n)
}

// moveWords says what a movement of a stock card was, in plain words.
func moveWords(m *stock.CardRow) string {
	w := kindWords(m.Kind)
	if m.Reason != stock.NoReason && m.Reason != stock.SamePack {
		w += " — " + reasonWords(m.Reason)
	}
	if m.Kind == stock.Count && m.Counted != nil {
		w += ": " + i18n.T("%d counted", *m.Counted)
	}
	if m.Kind == stock.Receive && m.PhotoID != 0 {
		w += " " + i18n.T("from a photo")
	}
	switch m.Status {
	case stock.Pending:
		w += " " + i18n.T("(waiting for review, not counted yet)")
	case stock.Dismissed:
		w += " " + i18n.T("(not counted: %s)", reasonWords(m.Reason))
	}
	if m.ReversedBy != 0 {
		w += " · " + i18n.T("undone later")
	}
	return w
}

// showPhoto opens a movement's photo in a dialog (decoded off the UI goroutine).
func (s *stockView) showPhoto(photoID int64) {
	u := s.u
	if photoID == 0 || u.d.Inventory == nil {
		return
	}
	u.bg(func() func() {
		p, err := u.d.Inventory.Photo(u.ctx, photoID)
		if err != nil {
			return func() { u.showError(i18n.T("This photo could not be opened"), err) }
		}
		img := u.ed.big.load(u.d.Inventory.PhotoFile(p), 1200)
		return func() {
			if img == nil {
				u.showError(i18n.T("This photo could not be opened"), fmt.Errorf("the file %s cannot be read as a picture", p.OriginalName))
				return
			}
			im := canvas.NewImageFromImage(img)
			im.FillMode = canvas.ImageFillContain
			im.SetMinSize(fyne.NewSize(640, 460))
			u.showDialog(dialog.NewCustom(p.OriginalName, i18n.T("Close"), im, u.win), nil, nil)
		}
	})
}
