package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// detail is what the product page and the stock card share: a title, a summary line, the form
// that records movements, and the id of what is shown.
type detail struct {
	title   *widget.Label
	summary *widget.Label
	form    *moveForm
	id      int64 // the product or lot shown; 0: none yet
	seq     int   // drops stale query results
}

func (s *stockView) newDetail(fixedLot bool, reload func()) detail {
	d := detail{title: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), summary: widget.NewLabel("")}
	d.title.SizeName = theme.SizeNameSubHeadingText
	d.title.Truncation = fyne.TextTruncateEllipsis
	d.summary.Wrapping = fyne.TextWrapWord
	d.form = s.newMoveForm(fixedLot, func() { reload(); s.products.reloadSoon() })
	return d
}

// open shows page for id (cleared first when it showed another one), reloads it and puts the
// focus in the quantity box: type the number, Enter.
func (s *stockView) open(d *detail, page fyne.CanvasObject, id int64, clear, reload func()) {
	if d.id != id {
		d.id = id
		d.title.SetText("")
		d.summary.SetText("")
		d.form.action.SetSelectedIndex(0)
		clear()
	}
	s.show(page)
	reload()
	s.focus(d.form.qty)
}

// A movement the form records: its kind and reason, and how the typed number is signed.
type moveAction struct {
	label  string
	kind   stock.Kind
	reason stock.Reason
	sign   int64 // -1: the number typed is taken away; +1: added; 0: typed with its sign
	hint   string
	// explain says in one line when to choose it (shown under the choice): "Adjust: damaged"
	// and "Dispose: damaged" read alike, and a broken pack fits only one of them.
	explain string
}

var moveActions = []moveAction{
	{i18n.Mark("Dispense"), stock.Dispense, stock.NoReason, -1, i18n.Mark("how many, e.g. 2"),
		i18n.Mark("Given out to a patient or a ward.")},
	{i18n.Mark("Adjust: damaged"), stock.Adjust, stock.Damaged, -1, i18n.Mark("how many were damaged"),
		i18n.Mark("Damaged packs that are already gone from the shelf. A broken pack you throw away: choose Dispose: damaged.")},
	{i18n.Mark("Adjust: lost"), stock.Adjust, stock.Lost, -1, i18n.Mark("how many were lost"),
		i18n.Mark("Packs missing from the shelf: lost or taken.")},
	{i18n.Mark("Adjust: returned"), stock.Adjust, stock.Returned, +1, i18n.Mark("how many came back"),
		i18n.Mark("Packs brought back unopened, fit to give out again.")},
	{i18n.Mark("Adjust: count correction"), stock.Adjust, stock.CountCorrection, 0, i18n.Mark("e.g. -3 or +2"),
		i18n.Mark("The shelf does not match the book: type - for fewer, + for more.")},
	{i18n.Mark("Dispose: expired"), stock.Dispose, stock.Expired, -1, i18n.Mark("how many to destroy"),
		i18n.Mark("Expired packs you destroy or send for destruction; they go on the disposal record.")},
	{i18n.Mark("Dispose: damaged"), stock.Dispose, stock.Damaged, -1, i18n.Mark("how many to destroy"),
		i18n.Mark("A broken, wet or spoiled pack you throw away; it goes on the disposal record.")},
}

// disposeExpired is the index of "Dispose: expired" in moveActions.
const disposeExpired = 5

func actionLabels() []string {
	out := make([]string, len(moveActions))
	for i, a := range moveActions {
		out[i] = i18n.T(a.label)
	}
	return out
}

// moveForm records a dispense, an adjustment or a disposal: choose what (Dispense by default),
// the lot (on a product page; the lot that expires first is suggested), type the number, Enter.
type moveForm struct {
	s       *stockView
	root    fyne.CanvasObject
	action  *widget.Select
	lot     *widget.Select
	qty     *uiEntry
	note    *uiEntry
	record  *widget.Button
	errText *widget.Label
	explain *widget.Label  // when to choose the action
	whole   *widget.Button // "Whole lot": the lot's whole stock in the quantity box (disposals)
	inPacks *widget.Check  // the packs/units switch (Ctrl+U): shown when a pack holds more than one unit
	preview *widget.Label  // what the typed quantity will do: "Gives out 60 capsules (2 packs)."

	product stock.Product
	lines   []stock.Line // the lots offered, soonest expiry first
	fixed   bool         // one lot only (the stock card's)
	busy    bool
	onDone  func()
}

func (s *stockView) newMoveForm(fixedLot bool, onDone func()) *moveForm {
	u := s.u
	f := &moveForm{s: s, fixed: fixedLot, onDone: onDone}
	f.action = widget.NewSelect(actionLabels(), func(string) { f.actionChanged() })
	f.lot = widget.NewSelect(nil, nil)
	f.lot.PlaceHolder = i18n.T("(choose a lot)")
	f.qty = u.newEntry()
	f.qty.OnSubmitted = func(string) { f.submit() }
	f.note = u.newEntry()
	f.note.SetPlaceHolder(i18n.T("note (optional)"))
	f.note.OnSubmitted = func(string) { f.submit() }
	f.record = widget.NewButtonWithIcon(i18n.T("Record (Enter)"), theme.ConfirmIcon(), f.submit)
	f.record.Importance = widget.HighImportance
	f.errText = widget.NewLabel("")
	f.errText.Importance = widget.DangerImportance
	f.errText.Wrapping = fyne.TextWrapWord
	f.errText.Hide()
	f.explain = widget.NewLabel("")
	f.explain.Importance = widget.LowImportance
	f.explain.Truncation = fyne.TextTruncateEllipsis // one line: the form does not jump
	f.whole = widget.NewButton(i18n.T("Whole lot"), f.fillWholeLot)
	f.preview = widget.NewLabel("")
	f.preview.Truncation = fyne.TextTruncateEllipsis
	f.preview.TextStyle.Bold = true
	f.inPacks = newPackSwitch(func(bool) { f.updatePreview() })
	f.qty.OnChanged = func(string) { f.updatePreview() }
	f.lot.OnChanged = func(string) { f.packsChanged() }
	f.action.SetSelectedIndex(0)

	// Columns, not Border: Tab goes through the widgets in the order they are built, and a
	// Border puts its centre first (Tab from the quantity went to Record, skipping the note).
	row1 := newCols([]float32{240, 0, 130}, f.action, f.lot, container.NewStack(f.whole))
	if fixedLot {
		row1 = container.NewHBox(f.action, f.whole)
	}
	qtyLabel := widget.NewLabel(i18n.T("Quantity"))
	row2 := newCols(fitCols([]float32{80, 150, 0, 180}, qtyLabel, f.qty, f.note, f.record), qtyLabel, f.qty, f.note, f.record)
	f.root = container.NewVBox(row1, f.explain, row2, container.NewBorder(nil, nil, f.inPacks, nil, f.preview), f.errText)
	return f
}

func (f *moveForm) current() moveAction {
	i := f.action.SelectedIndex()
	if i < 0 {
		i = 0
	}
	return moveActions[i]
}

func (f *moveForm) actionChanged() {
	a := f.current()
	f.qty.SetPlaceHolder(i18n.T(a.hint))
	if f.explain != nil {
		f.explain.SetText(i18n.T(a.explain))
		setVisible(f.whole, a.kind == stock.Dispose)
	}
	if a.kind == stock.Dispense {
		f.suggest()
	}
	f.setErr("")
	f.updatePreview()
}

// fillWholeLot puts the chosen lot's whole stock in the quantity box (to dispose of a lot).
func (f *moveForm) fillWholeLot() {
	i := f.lot.SelectedIndex()
	if i < 0 || i >= len(f.lines) {
		f.setErr(i18n.T("Choose the lot first."))
		return
	}
	f.inPacks.SetChecked(false) // the whole lot is written in units
	f.qty.SetText(strconv.FormatInt(f.lines[i].OnHand, 10))
	f.setErr("")
	f.s.focus(f.qty)
}

// setLines offers a product's lots (soonest expiry first) and suggests the one to dispense from.
// A lot the user chose stays chosen when the lots are read again (every 20 s, or after a change),
// unless it can no longer be dispensed from.
func (f *moveForm) setLines(p stock.Product, lines []stock.Line) {
	prevID := int64(0)
	if i := f.lot.SelectedIndex(); i >= 0 && i < len(f.lines) && f.product.ID == p.ID {
		prevID = f.lines[i].ID
	}
	f.product, f.lines = p, lines
	today := f.s.u.now()
	first := int64(0)
	fefo := stock.FEFO(lines, today)
	if len(fefo) > 0 {
		first = fefo[0].ID
	}
	opts := make([]string, len(lines))
	for i := range lines {
		l := &lines[i]
		o := i18n.T("%s · %s on hand", lineTitle(l), bothText(l.OnHand, p.Unit, lotPackSize(l, &p)))
		if l.ID == first {
			o += "  " + i18n.T("(expires first)")
		}
		if stock.IsExpired(l.Expiry, today) {
			o += "  " + i18n.T("(expired)")
		}
		opts[i] = o
	}
	f.lot.Options = opts
	f.lot.ClearSelected()
	keep := -1
	for i := range lines {
		if lines[i].ID == prevID {
			keep = i
		}
	}
	// Nothing left to dispense, only expired stock: what is left to do is to dispose of it.
	if keep < 0 && prevID == 0 && len(fefo) == 0 && f.current().kind == stock.Dispense {
		for i := range lines {
			if lines[i].OnHand > 0 && stock.IsExpired(lines[i].Expiry, today) {
				f.action.SetSelectedIndex(disposeExpired)
				keep = i
				break
			}
		}
	}
	if keep >= 0 && f.current().kind == stock.Dispense {
		dispensable := false
		for _, l := range fefo {
			dispensable = dispensable || l.ID == prevID
		}
		if !dispensable {
			keep = -1
		}
	}
	if keep >= 0 {
		f.lot.SetSelectedIndex(keep)
	} else {
		f.suggest()
	}
	f.lot.Refresh()
	f.packsChanged()
}

// suggest selects the lot that expires first among those that may be dispensed (stock.FEFO).
func (f *moveForm) suggest() {
	if len(f.lines) == 0 {
		return
	}
	fe := stock.FEFO(f.lines, f.s.u.now())
	if len(fe) == 0 {
		f.lot.SetSelectedIndex(0)
		return
	}
	for i := range f.lines {
		if f.lines[i].ID == fe[0].ID {
			f.lot.SetSelectedIndex(i)
			return
		}
	}
}

// selectLine selects a lot by id (when a lot is chosen in the list).
func (f *moveForm) selectLine(id int64) {
	for i := range f.lines {
		if f.lines[i].ID == id {
			f.lot.SetSelectedIndex(i)
		}
	}
}

func (f *moveForm) setErr(msg string) {
	f.errText.SetText(msg)
	if msg == "" {
		f.errText.Hide()
	} else {
		f.errText.Show()
	}
}

// signed reads the typed quantity, in units ("10") or packs ("2 packs", or any number with the
// packs switch on), as units with the action's sign.
func (f *moveForm) signed(a moveAction) (int64, error) {
	sign, text := trimSign(f.qty.Text)
	if text == "" {
		return 0, errors.New(i18n.T("type how many %s, then press Enter", unitPlural(f.product.Unit)))
	}
	n, err := parseUnits(text, f.product.Unit, f.packSize(), f.inPacks.Visible() && f.inPacks.Checked)
	if err != nil {
		return 0, err
	}
	if a.sign == 0 {
		if sign == "" {
			return 0, errors.New(i18n.T("for a count correction type - for fewer or + for more, e.g. -3 or +2"))
		}
		if sign == "-" {
			n = -n
		}
		return n, nil
	}
	if n <= 0 || sign == "-" {
		return 0, errors.New(i18n.T("type how many as a number above 0, e.g. 2"))
	}
	return a.sign * n, nil
}

// packSize is the chosen lot's pack size (else the product's usual one).
func (f *moveForm) packSize() int64 {
	if i := f.lot.SelectedIndex(); i >= 0 && i < len(f.lines) {
		return lotPackSize(&f.lines[i], &f.product)
	}
	return productPackSize(&f.product)
}

// packsChanged shows the packs/units switch when the chosen lot's packs hold more than one unit.
func (f *moveForm) packsChanged() {
	if f.inPacks == nil {
		return
	}
	setVisible(f.inPacks, hasPacks(f.packSize()))
	f.updatePreview()
}

// updatePreview says what the typed quantity will do, before it is recorded.
func (f *moveForm) updatePreview() {
	if f.preview == nil || f.inPacks == nil {
		return
	}
	n, err := f.signed(f.current())
	if err != nil || n == 0 {
		f.preview.SetText("")
		return
	}
	f.preview.SetText(moveAmountText(f.current().kind, n, f.product.Unit, f.packSize()))
}

// submit records the movement (off the UI goroutine) and shows what it did, with Undo.
func (f *moveForm) submit() {
	if f.busy {
		return
	}
	u := f.s.u
	a := f.current()
	i := f.lot.SelectedIndex()
	if i < 0 || i >= len(f.lines) {
		f.setErr(i18n.T("Choose the lot first."))
		return
	}
	line := f.lines[i]
	n, err := f.signed(a)
	if err != nil {
		f.setErr(stockErrText(err))
		u.win.Canvas().Focus(f.qty)
		return
	}
	note := f.note.Text
	f.busy = true
	f.setErr("")
	u.bg(func() func() {
		m, err := f.s.record(u.ctx, a, line.ID, n, note)
		return func() {
			f.busy = false
			if err != nil {
				f.setErr(stockErrText(err))
				u.win.Canvas().Focus(f.qty)
				return
			}
			f.qty.SetText("")
			f.note.SetText("")
			text := movedText(a, n, f.product.Unit, lotPackSize(&line, &f.product), &line)
			f.s.recorded(text, []int64{m.ID})
			f.s.pushStockUndo(strings.TrimSuffix(text, "."), []int64{m.ID}, func(ctx context.Context) ([]int64, error) {
				m, err := f.s.record(ctx, a, line.ID, n, note)
				return []int64{m.ID}, err
			})
			if f.onDone != nil {
				f.onDone()
			}
			u.win.Canvas().Focus(f.qty)
		}
	})
}

// record writes one movement of the form's kind: n is signed (below 0 takes stock out).
func (s *stockView) record(ctx context.Context, a moveAction, lineID, n int64, note string) (stock.Movement, error) {
	switch a.kind {
	case stock.Dispense:
		return s.u.d.Stock.Dispense(ctx, lineID, -n, note)
	case stock.Adjust:
		return s.u.d.Stock.Adjust(ctx, lineID, n, a.reason, note)
	case stock.Dispose:
		return s.u.d.Stock.Dispose(ctx, lineID, -n, a.reason, note)
	}
	return stock.Movement{}, fmt.Errorf("unknown movement %q", a.kind)
}

// movedText says what a recorded movement did: "Dispensed 2 packs from lot A (2027-03-31)."
func movedText(a moveAction, n int64, unit string, size int64, l *stock.Line) string {
	what := amountText(n, unit, size)
	lot := i18n.T("lot %s", dash(l.Lot))
	if l.Expiry != "" {
		lot += " (" + i18n.Day(l.Expiry) + ")"
	}
	switch {
	case a.kind == stock.Dispense:
		return i18n.T("Dispensed %s from %s.", what, lot)
	case a.kind == stock.Dispose:
		return i18n.T("Disposed of %s from %s (%s).", what, lot, reasonWords(a.reason))
	case n < 0:
		return i18n.T("Took %s off %s (%s).", what, lot, reasonWords(a.reason))
	}
	return i18n.T("Added %s to %s (%s).", what, lot, reasonWords(a.reason))
}

// unitPlural is "packs", "tablets".
func unitPlural(unit string) string {
	t := units(2, unit)
	return t[2:]
}
