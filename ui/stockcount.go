package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/stock"
)

// Shelf choices besides the named locations, in English (the choice shows them translated).
var (
	shelfAll  = i18n.Mark("All shelves")
	shelfNone = i18n.Mark("(no shelf given)")
)

// maxCountRows bounds the lots one count page shows (one entry box each).
const maxCountRows = 300

// countPage is stock-count mode for a shelf: the lots on it with what the books say; type what
// is on the shelf (Enter goes to the next lot), review the differences, save them as one count.
// A lot left blank is not counted.
type countPage struct {
	s     *stockView
	root  fyne.CanvasObject
	shelf *widget.Select
	note  *uiEntry
	info  *widget.Label
	box   *fyne.Container
	save  *widget.Button
	// inPacks is the packs/units switch (Ctrl+U): on, a number typed is packs of its lot.
	inPacks  *widget.Check
	packsRow fyne.CanvasObject // the switch and what it means, shown when a lot's packs hold more than one unit
	cols     []float32         // the columns' widths (countCols, widened to the headers' words)

	all   []stock.ProductStock // every product with its lots
	rows  []*countRow          // the lots of the shelf chosen
	shown string               // the shelf rows shows
	seq   int
}

type countRow struct {
	prod    stock.Product
	line    stock.Line
	counted *uiEntry
	diff    *widget.Label
	reason  *widget.Select // why the count differs: shown when it does; nothing is chosen for the user
}

var countCols = []float32{0, 80, 70, 95, 90, 80, 90, 150}

// countReasonWords are the reasons a count difference may give, in words (stock.AdjustReasons).
func countReasonWords() []string {
	var w []string
	for _, r := range stock.AdjustReasons {
		w = append(w, reasonWords(r))
	}
	return w
}

// chosenReason is the reason picked for the row, or NoReason.
func (r *countRow) chosenReason() stock.Reason {
	for _, x := range stock.AdjustReasons {
		if reasonWords(x) == r.reason.Selected {
			return x
		}
	}
	return stock.NoReason
}

func (s *stockView) newCountPage() *countPage {
	u := s.u
	c := &countPage{s: s, box: container.NewVBox()}
	c.shelf = widget.NewSelect(nil, func(string) { c.shelfChosen() })
	c.shelf.PlaceHolder = i18n.T("(choose a shelf)")
	c.note = u.newEntry()
	c.note.SetPlaceHolder(i18n.T("note, e.g. monthly count (optional)"))
	c.info = widget.NewLabel("")
	c.info.Wrapping = fyne.TextWrapWord
	c.inPacks = newPackSwitch(func(bool) {
		for _, r := range c.rows {
			c.updateDiff(r)
		}
	})
	packsHint := widget.NewLabel(i18n.T("The books and the differences are in units; type 2 packs or 1 pack + 5 to count packs."))
	packsHint.Importance = widget.LowImportance
	packsHint.Truncation = fyne.TextTruncateEllipsis
	c.packsRow = container.NewBorder(nil, nil, c.inPacks, nil, packsHint)
	c.save = widget.NewButtonWithIcon(i18n.T("Review the differences and save…"), theme.DocumentSaveIcon(), c.review)
	c.save.Importance = widget.HighImportance
	back := widget.NewButtonWithIcon(i18n.T("All products"), theme.NavigateBackIcon(), s.showProducts)
	title := widget.NewLabelWithStyle(i18n.T("Stock count"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	heads := []fyne.CanvasObject{boldLabel(i18n.T("Medicine")), boldLabel(i18n.T("Lot")), boldLabel(i18n.T("Shelf")), boldLabel(i18n.T("Expiry")), boldLabel(i18n.T("Books say")),
		boldLabel(i18n.T("Counted")), boldLabel(i18n.T("Difference")), boldLabel(i18n.T("Why it differs"))}
	c.cols = fitCols(countCols, heads...) // as wide as the headers' words, whatever the language
	header := newCols(c.cols, heads...)
	sheet := widget.NewButtonWithIcon(i18n.T("Count sheet to print…"), theme.DocumentPrintIcon(), c.printSheet)
	shelfLabel := widget.NewLabel(i18n.T("Shelf"))
	top := container.NewVBox(
		container.NewBorder(nil, nil, back, sheet, title),
		newCols(fitCols([]float32{60, 220, 0}, shelfLabel), shelfLabel, c.shelf, c.note), // in Tab order
		c.packsRow,
		c.info, widget.NewSeparator(), header)
	c.root = container.NewBorder(top, container.NewHBox(layoutSpacer(), c.save), nil, nil, container.NewVScroll(c.box))
	return c
}

// printSheet opens the Reports window with the count sheet of the shelf shown filled in.
func (c *countPage) printSheet() {
	u := c.s.u
	if u.d.Stock == nil {
		return
	}
	r := u.newReportsDialog()
	if sh := c.shelf.Selected; sh != i18n.T(shelfAll) && sh != i18n.T(shelfNone) {
		r.shelf.SetText(sh)
	}
	u.showDialog(r.dlg, nil, nil) // Enter and Escape: Close
	u.win.Canvas().Focus(r.shelf)
}

func (s *stockView) showCount() {
	s.show(s.count.root)
	s.count.reload()
}

// reload reads every product's lots and the shelves they are on.
func (c *countPage) reload() {
	u := c.s.u
	if u.d.Stock == nil {
		return
	}
	f := store.ProductFilter{Today: u.now()}
	load(u, &c.seq, i18n.T("The stock could not be read"), func() ([]stock.ProductStock, error) {
		return u.d.Stock.StockOnHand(u.ctx, f)
	}, func(all []stock.ProductStock) {
		c.all = all
		c.setShelves()
	})
}

func (c *countPage) setShelves() {
	seen := map[string]bool{}
	var named []string
	none := false
	for _, p := range c.all {
		for _, l := range p.Lines {
			if l.Location == "" {
				none = true
			} else if !seen[l.Location] {
				seen[l.Location] = true
				named = append(named, l.Location)
			}
		}
	}
	sort.Strings(named)
	opts := append([]string{i18n.T(shelfAll)}, named...)
	if none {
		opts = append(opts, i18n.T(shelfNone))
	}
	prev := c.shelf.Selected
	c.shelf.Options = opts
	if prev == "" || !contains(opts, prev) {
		prev = i18n.T(shelfAll)
	}
	if c.typed() == 0 || prev != c.shelf.Selected {
		c.shelf.SetSelected(prev) // shows the shelf
	}
	c.shelf.Refresh()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// shelfChosen shows another shelf; numbers typed for the one shown are not dropped without asking.
func (c *countPage) shelfChosen() {
	if c.shelf.Selected == c.shown || c.typed() == 0 {
		c.showShelf()
		return
	}
	next := c.shelf.Selected
	c.shelf.Selected = c.shown // until the user agrees
	c.shelf.Refresh()
	c.leave(func() { c.shelf.SetSelected(next) })
}

// showShelf lists the lots on the chosen shelf, by product then soonest expiry.
func (c *countPage) showShelf() {
	u := c.s.u
	shelf := c.shelf.Selected
	c.shown = shelf
	c.rows = nil
	total := 0
	for _, p := range c.all {
		for _, l := range p.Lines {
			switch {
			case shelf == i18n.T(shelfAll):
			case shelf == i18n.T(shelfNone) && l.Location == "":
			case l.Location == shelf:
			default:
				continue
			}
			total++
			if len(c.rows) < maxCountRows {
				c.rows = append(c.rows, &countRow{prod: p.Product, line: l})
			}
		}
	}
	objs := make([]fyne.CanvasObject, 0, len(c.rows))
	packs := false
	for _, r := range c.rows {
		packs = packs || hasPacks(lotPackSize(&r.line, &r.prod))
	}
	setVisible(c.inPacks, packs)
	setVisible(c.packsRow, packs)
	for i, r := range c.rows {
		i, r := i, r
		r.counted = u.newEntry()
		r.diff = widget.NewLabel("")
		r.reason = widget.NewSelect(countReasonWords(), nil)
		r.reason.PlaceHolder = i18n.T("(choose why)")
		r.reason.Hide()
		r.counted.OnChanged = func(string) { c.updateDiff(r) }
		r.counted.OnSubmitted = func(string) {
			if i+1 < len(c.rows) {
				u.win.Canvas().Focus(c.rows[i+1].counted)
			} else {
				u.win.Canvas().Focus(c.note)
			}
		}
		name := widget.NewLabel(productTitle(&r.prod))
		name.Truncation = fyne.TextTruncateEllipsis
		lot := widget.NewLabel(dash(r.line.Lot))
		lot.Truncation = fyne.TextTruncateEllipsis
		objs = append(objs, newCols(c.cols, name, lot, widget.NewLabel(dash(r.line.Location)), widget.NewLabel(dash(i18n.Day(r.line.Expiry))),
			widget.NewLabel(fmt.Sprint(r.line.OnHand)), r.counted, r.diff, r.reason))
	}
	c.box.Objects = objs
	c.box.Refresh()
	switch {
	case total == 0:
		c.info.SetText(i18n.T("No lots on this shelf."))
	case total > len(c.rows):
		c.info.SetText(i18n.T("%d lots; the first %d are shown — choose one shelf to count the rest. Type what is on the shelf (Enter goes to the next lot); leave a lot blank to not count it.", total, len(c.rows)))
	default:
		c.info.SetText(i18n.N(total, "%d lot. Type what is on the shelf (Enter goes to the next lot); leave a lot blank to not count it.", "%d lots. Type what is on the shelf (Enter goes to the next lot); leave a lot blank to not count it."))
	}
	if len(c.rows) > 0 {
		c.s.focus(c.rows[0].counted)
	}
}

// leave runs then, after asking first when typed numbers would be lost.
func (c *countPage) leave(then func()) {
	if c.typed() == 0 {
		then()
		return
	}
	c.s.u.confirmDialog(i18n.T("Leave the count?"), i18n.T("The numbers you typed are not saved yet. Leave without saving them?"),
		i18n.T("Leave without saving"), i18n.T("Go back"), func() {
			c.clear()
			then()
		})
}

// parse reads a row's typed count; ok is false when it is blank.
func (r *countRow) parse(inPacks bool) (n int64, ok bool, err error) {
	t := strings.TrimSpace(r.counted.Text)
	if t == "" {
		return 0, false, nil
	}
	n, err = parseUnits(t, r.prod.Unit, lotPackSize(&r.line, &r.prod), inPacks)
	if err == nil {
		_, err = stock.CountDelta(r.line.OnHand, n)
	}
	return n, true, err
}

func (c *countPage) updateDiff(r *countRow) {
	n, ok, err := r.parse(c.packsOn())
	switch {
	case !ok:
		r.diff.SetText("")
		r.reason.Hide()
	case err != nil:
		r.reason.Hide()
		r.diff.Importance = widget.DangerImportance
		r.diff.SetText(i18n.T("not a count"))
	default:
		d, _ := stock.CountDelta(r.line.OnHand, n)
		r.diff.Importance = widget.MediumImportance
		r.reason.Hide()
		if d != 0 {
			r.diff.Importance = widget.WarningImportance
			r.reason.Show()
		}
		r.diff.SetText(changeText(d))
	}
}

// typed is how many lots have a number typed.
func (c *countPage) typed() int {
	n := 0
	for _, r := range c.rows {
		if strings.TrimSpace(r.counted.Text) != "" {
			n++
		}
	}
	return n
}

func (c *countPage) clear() {
	for _, r := range c.rows {
		r.counted.SetText("")
		r.reason.ClearSelected()
		r.reason.Hide()
	}
	c.note.SetText("")
}

// review shows the differences and saves them as one count when the user agrees.
func (c *countPage) review() {
	u := c.s.u
	var inputs []stock.CountInput
	var lines []string
	diffs := 0
	for _, r := range c.rows {
		n, ok, err := r.parse(c.packsOn())
		if !ok {
			continue
		}
		if err != nil {
			u.win.Canvas().Focus(r.counted)
			u.showInfo(i18n.T("Check this number"), i18n.T("%s, lot %s: %s", productTitle(&r.prod), dash(r.line.Lot), stockErrText(err)))
			return
		}
		d, _ := stock.CountDelta(r.line.OnHand, n)
		why := stock.CountReason(d, r.chosenReason())
		if err := stock.CheckCountReason(d, why); err != nil {
			r.reason.Show()
			u.win.Canvas().Focus(r.counted)
			msg := i18n.T("%s, lot %s: the books say %d and %d were counted. Choose why they differ beside the count: %s.",
				productTitle(&r.prod), dash(r.line.Lot), r.line.OnHand, n, strings.Join(countReasonWords(), ", "))
			if why != stock.NoReason {
				msg = i18n.T("%s, lot %s: %s", productTitle(&r.prod), dash(r.line.Lot), stockErrText(err))
			}
			u.showInfo(i18n.T("Say why the count differs"), msg)
			return
		}
		inputs = append(inputs, stock.CountInput{LineID: r.line.ID, Counted: n, Reason: why})
		if d != 0 {
			diffs++
			lines = append(lines, i18n.T("%s, lot %s: books %d, counted %d (%s, %s)", productTitle(&r.prod), dash(r.line.Lot), r.line.OnHand, n, changeText(d), reasonWords(why)))
		}
	}
	if len(inputs) == 0 {
		u.showInfo(i18n.T("Nothing counted yet"), i18n.T("Type the number on the shelf beside each lot you counted."))
		return
	}
	text := countedText(len(inputs)) + "; " + differencesText(diffs) + "."
	if diffs > 0 {
		text += "\n\n" + strings.Join(lines, "\n")
	} else {
		text += " " + i18n.T("Everything agrees with the books.")
	}
	body := widget.NewLabel(text)
	body.Wrapping = fyne.TextWrapWord
	sc := container.NewVScroll(body)
	sc.SetMinSize(fyne.NewSize(560, min(80+float32(len(lines))*28, 380)))
	u.askDialog(i18n.T("Save this count?"), i18n.T("Save the count"), i18n.T("Go back"), sc, func(ok bool) {
		if ok {
			c.saveCount(inputs, diffs)
		}
	})
}

func (c *countPage) saveCount(inputs []stock.CountInput, diffs int) {
	u := c.s.u
	note := c.note.Text
	c.save.Disable()
	u.bg(func() func() {
		ms, err := u.d.Stock.Count(u.ctx, inputs, note)
		return func() {
			c.save.Enable()
			if err != nil {
				u.showError(i18n.T("The count could not be saved"), err)
				return
			}
			undo := lastFirst(ms)
			c.clear()
			c.s.recorded(i18n.T("Stock count saved: %s, %s.", countedText(len(inputs)), differencesText(diffs)), undo)
			c.s.pushStockUndo(i18n.N(len(inputs), "Stock count of %d lot", "Stock count of %d lots"), undo, func(ctx context.Context) ([]int64, error) {
				ms, err := u.d.Stock.Count(ctx, inputs, note)
				return lastFirst(ms), err
			})
			c.reload()
			c.s.products.reloadSoon()
		}
	})
}

// packsOn reports whether numbers typed in the count are packs (the switch, when it shows).
func (c *countPage) packsOn() bool { return c.inPacks.Visible() && c.inPacks.Checked }

// countedText is "3 lots counted".
func countedText(n int) string { return i18n.N(n, "%d lot counted", "%d lots counted") }

// differencesText is "1 difference".
func differencesText(n int) string { return i18n.N(n, "%d difference", "%d differences") }
