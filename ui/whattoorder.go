package ui

// "What to order": the monthly report and requisition in the window (issue 24). It shows the rows
// store/stock.Monthly computed (through Stock.MonthlyReport) and keeps the quantities a person
// orders through Stock.SetOrdered; it computes nothing itself.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store/export"
	"medinventory/store/outfile"
	"medinventory/store/stock"
)

// orderColumns are the view's columns: header and width.
var orderColumns = []struct {
	head  string
	width float32
}{
	{i18n.Mark("Product"), 170}, {i18n.Mark("Opening"), 98}, {i18n.Mark("Received"), 94}, {i18n.Mark("Dispensed"), 106},
	{i18n.Mark("Loss/adj."), 92}, {i18n.Mark("Closing"), 84}, {i18n.Mark("Days out"), 98}, {i18n.Mark("AMC"), 62},
	{i18n.Mark("Months"), 90}, {i18n.Mark("Max"), 62}, {i18n.Mark("Suggested"), 104}, {i18n.Mark("Ordered"), 88},
	{i18n.Mark("Reason"), 150},
}

// orderCols lays its objects out in columns, one per orderColumns entry, their widths scaled to
// the width given (the header and every row share one orderCols, so they line up). No column is
// made narrower than its header needs: on one line when all the headers fit so, else on at
// most two lines, else its longest word (the header wraps onto more lines rather than being cut
// with "…"); the others share what is left.
type orderCols struct {
	// minWidth[t][i] is column i's minimum in tier t: 0 one line, 1 two lines, 2 longest word.
	minWidth [3][]float32
}

const (
	orderGap      = 4   // the space between two columns
	orderMinShare = 0.6 // no column narrower than this share of its width in orderColumns
)

// widths are the columns' widths in total width total: proportional to orderColumns' widths,
// each at least its minimum in the first tier whose minimums fit (the total is more than total
// when not even the longest words fit).
func (c orderCols) widths(total float32) []float32 {
	tier := 0
	for tier < len(c.minWidth)-1 && c.minTotal(tier) > total {
		tier++
	}
	out := make([]float32, len(orderColumns))
	fixed := make([]bool, len(orderColumns))
	for {
		left, share := total, float32(0)
		for i, col := range orderColumns {
			if fixed[i] {
				left -= c.min(tier, i)
			} else {
				share += col.width
			}
		}
		changed := false
		for i, col := range orderColumns {
			if fixed[i] {
				out[i] = c.min(tier, i)
				continue
			}
			out[i] = col.width * max(left, 0) / share
			if out[i] < c.min(tier, i) {
				fixed[i], changed = true, true
			}
		}
		if !changed {
			return out
		}
	}
}

func (c orderCols) min(tier, i int) float32 {
	if i < len(c.minWidth[tier]) {
		return c.minWidth[tier][i] + orderGap
	}
	return 0
}

func (c orderCols) minTotal(tier int) float32 {
	var w float32
	for i := range orderColumns {
		w += c.min(tier, i)
	}
	return w
}

func (c orderCols) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x := float32(0)
	for i, w := range c.widths(size.Width) {
		if i >= len(objs) {
			break
		}
		objs[i].Resize(fyne.NewSize(w-orderGap, size.Height))
		objs[i].Move(fyne.NewPos(x, 0))
		x += w
	}
}

func (c orderCols) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(c.minTotal(len(c.minWidth)-1), h)
}

// orderHeads are the column headers in the language in use, bold, wrapping between words, and
// their columns: each column's minimums (orderCols) at least orderMinShare of its width in
// orderColumns (a product's name stays readable).
func orderHeads() (heads []fyne.CanvasObject, cols orderCols) {
	bold := fyne.TextStyle{Bold: true}
	width := func(s string) float32 {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, bold).MinSize().Width
	}
	for _, c := range orderColumns {
		text := i18n.T(c.head)
		floor := c.width * orderMinShare
		words := strings.Fields(text)
		one, two, word := width(text), width(text), float32(0)
		for i, w := range words {
			word = max(word, width(w))
			if i > 0 {
				two = min(two, max(width(strings.Join(words[:i], " ")), width(strings.Join(words[i:], " "))))
			}
		}
		for t, w := range []float32{one, two, word} {
			cols.minWidth[t] = append(cols.minWidth[t], max(floor, w))
		}
		l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, bold)
		l.Wrapping = fyne.TextWrapWord
		heads = append(heads, l)
	}
	return heads, cols
}

// orderEdit is what a person typed for a product, not yet saved.
type orderEdit struct{ qty, reason string }

// whatToOrder is the "What to order" dialog.
type whatToOrder struct {
	u      *UI
	month  time.Time
	rows   []stock.MonthlyRow
	edits  map[int64]orderEdit
	list   *widget.List
	cols   orderCols // the header's and every row's columns
	head   *fyne.Container
	status *widget.Label
	months *widget.Select
	dlg    dialog.Dialog
}

// maxMonths is the maximum months of stock in Settings (stock.DefaultMaxMonths when not set).
func (u *UI) maxMonths() int {
	if n := u.currentSettings().MaxMonths; n > 0 {
		return n
	}
	return stock.DefaultMaxMonths
}

// ShowWhatToOrder opens "What to order" on last month.
func (u *UI) ShowWhatToOrder() {
	if u.d.Stock == nil {
		return
	}
	w := u.newWhatToOrder()
	u.showDialog(w.dlg, nil, nil) // Enter and Escape: Close
	w.load()
}

func (u *UI) newWhatToOrder() *whatToOrder {
	w := &whatToOrder{u: u, edits: map[int64]orderEdit{}}
	this := stock.MonthStart(u.now().Local())
	var labels []string
	byLabel := map[string]time.Time{}
	for i := 0; i < 13; i++ {
		m := this.AddDate(0, -i, 0)
		l := i18n.Month(m)
		if i == 0 {
			l = i18n.T("%s (so far)", l)
		}
		labels = append(labels, l)
		byLabel[l] = m
	}
	w.month = this.AddDate(0, -1, 0)
	w.months = widget.NewSelect(labels, func(l string) {
		if m := byLabel[l]; !m.Equal(w.month) {
			w.month = m
			w.edits = map[int64]orderEdit{}
			w.load()
		}
	})
	w.months.SetSelected(labels[1])
	w.status = widget.NewLabel("")
	w.status.Wrapping = fyne.TextWrapWord

	heads, cols := orderHeads()
	w.cols = cols
	w.head = container.New(w.cols, heads...)
	w.list = widget.NewList(func() int { return len(w.rows) }, w.newRow, w.updateRow)

	save := widget.NewButton(i18n.T("Save the quantities ordered"), w.saveOrders)
	save.Importance = widget.HighImportance
	files := container.NewHBox(widget.NewLabel(i18n.T("Save the report:")))
	for _, f := range reportFormats {
		f := f
		files.Add(widget.NewButton(strings.ToUpper(string(f)), func() { w.saveFile(f) }))
	}
	hint := widget.NewLabel(i18n.T("AMC: average monthly consumption over the month and the two before it, adjusted for days out of stock. Max = AMC × %d months of stock (Settings). Suggested = Max − Closing, rounded up. Type another quantity in Ordered, with a reason.", u.maxMonths()))
	hint.Wrapping = fyne.TextWrapWord
	monthBox := container.NewGridWrap(fyne.NewSize(240, w.months.MinSize().Height), w.months)
	top := container.NewVBox(container.NewHBox(widget.NewLabel(i18n.T("Month:")), monthBox), hint)
	bottom := container.NewVBox(w.status, container.NewHBox(save, files))
	// When even the headers' longest words do not fit side by side, the table scrolls sideways
	// (header and rows together) rather than cutting a header.
	table := container.NewHScroll(container.NewBorder(w.head, nil, nil, nil, w.list))
	body := container.NewBorder(top, bottom, nil, nil, table)
	w.dlg = dialog.NewCustom(i18n.T("What to order"), i18n.T("Close"), body, u.win)
	win := u.win.Canvas().Size()
	w.dlg.Resize(fyne.NewSize(max(win.Width-24, 600), max(win.Height-24, 400)))
	return w
}

func (w *whatToOrder) newRow() fyne.CanvasObject {
	row := container.New(w.cols)
	for i := range orderColumns {
		switch i {
		case 11, 12:
			e := w.u.newEntry()
			row.Add(e)
		default:
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			row.Add(l)
		}
	}
	return row
}

func (w *whatToOrder) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(w.rows) {
		return
	}
	r := w.rows[id]
	objs := o.(*fyne.Container).Objects
	name := r.Product.Name
	if name == "" {
		name = i18n.T("(not yet named) %s", r.Product.GTIN)
	}
	if r.Product.Strength != "" {
		name += " " + r.Product.Strength
	}
	mos := "–"
	if r.HasMonthsOfStock {
		mos = stock.Decimal(r.MonthsOfStock)
	}
	texts := []string{name, itoa(r.Opening), itoa(r.Received), itoa(r.Dispensed), itoa(r.LossesAdjustments), itoa(r.Closing),
		strconv.Itoa(r.StockOutDays), stock.Decimal(r.AMC), mos, stock.Decimal(r.MaxQuantity), itoa(r.OrderQuantity)}
	for i, t := range texts {
		objs[i].(*widget.Label).SetText(t)
	}
	pid := r.Product.ID
	ed, edited := w.edits[pid]
	if !edited {
		ed = orderEdit{qty: itoa(r.Ordered), reason: r.Reason}
	}
	qty, reason := objs[11].(*uiEntry), objs[12].(*uiEntry)
	qty.OnChanged, reason.OnChanged = nil, nil
	qty.SetText(ed.qty)
	reason.SetText(ed.reason)
	reason.SetPlaceHolder("")
	if n, err := strconv.ParseInt(strings.TrimSpace(ed.qty), 10, 64); err == nil && stock.NeedsReason(r.OrderQuantity, n, strings.TrimSpace(ed.reason)) {
		reason.SetPlaceHolder(i18n.T("why another quantity?"))
	}
	change := func(string) {
		w.edits[pid] = orderEdit{qty: qty.Text, reason: reason.Text}
	}
	qty.OnChanged, reason.OnChanged = change, change
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// load reads the month's rows off the UI goroutine and shows them; done, when not "", is said
// once they are shown.
func (w *whatToOrder) load(done ...string) {
	month, maxMonths := w.month, w.u.maxMonths()
	w.setStatus(i18n.T("Reading the ledger…"), widget.MediumImportance)
	w.u.bg(func() func() {
		rows, err := w.u.d.Stock.MonthlyReport(w.u.ctx, month, maxMonths)
		return func() {
			if !month.Equal(w.month) {
				return // another month was chosen meanwhile
			}
			if err != nil {
				w.setStatus("", widget.MediumImportance)
				w.u.showError(i18n.T("The monthly report could not be read"), err)
				return
			}
			w.rows = rows
			w.list.Refresh()
			n := 0
			for _, r := range rows {
				if r.Ordered > 0 {
					n++
				}
			}
			if len(rows) == 0 {
				w.setStatus(i18n.T("No product had stock or a movement in this month or the two before it."), widget.MediumImportance)
			} else {
				w.setStatus(i18n.N(len(rows), "%d product; %d to order.", "%d products; %d to order.", len(rows), n), widget.MediumImportance)
			}
			if len(done) > 0 {
				w.setStatus(done[0]+" "+w.status.Text, widget.SuccessImportance)
			}
		}
	})
}

func (w *whatToOrder) setStatus(msg string, imp widget.Importance) {
	w.status.Importance = imp
	w.status.SetText(msg)
}

// saveOrders checks what was typed (a whole number; a reason when it differs from the suggestion)
// and saves it through the store.
func (w *whatToOrder) saveOrders() {
	type order struct {
		pid    int64
		qty    int64
		reason string
	}
	var todo []order
	for _, r := range w.rows {
		ed, ok := w.edits[r.Product.ID]
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(ed.qty), 10, 64)
		if err != nil || n < 0 {
			w.setStatus(i18n.T("%s: type the quantity ordered as a whole number, 0 or more.", r.Product.Name), widget.DangerImportance)
			return
		}
		reason := strings.TrimSpace(ed.reason)
		if stock.NeedsReason(r.OrderQuantity, n, reason) {
			w.setStatus(i18n.T("%s: %d suggested, %d ordered: say why in the Reason column.", r.Product.Name, r.OrderQuantity, n), widget.DangerImportance)
			return
		}
		todo = append(todo, order{r.Product.ID, n, reason})
	}
	if len(todo) == 0 {
		w.setStatus(i18n.T("Nothing was changed."), widget.MediumImportance)
		return
	}
	month := w.month
	w.u.bg(func() func() {
		var err error
		for _, o := range todo {
			if err = w.u.d.Stock.SetOrdered(w.u.ctx, month, o.pid, o.qty, o.reason); err != nil {
				break
			}
		}
		return func() {
			if err != nil {
				w.u.showError(i18n.T("The quantities ordered could not be saved"), err)
				return
			}
			w.edits = map[int64]orderEdit{}
			w.load(i18n.N(len(todo), "Saved what to order of %d product.", "Saved what to order of %d products.", len(todo)))
		}
	})
}

// saveFile asks where to save the report in format f, then makes it off the UI goroutine and
// writes it whole through store/outfile, as the Reports window does.
func (w *whatToOrder) saveFile(f export.Format) {
	if len(w.edits) > 0 {
		w.setStatus(i18n.T("Save the quantities ordered first: the report shows what is saved."), widget.DangerImportance)
		return
	}
	month, maxMonths, s := w.month, w.u.maxMonths(), w.u.currentSettings()
	clinic := clinicOf(s)
	w.u.chooseSaveFile(i18n.T("Save the monthly report"), "monthly-report-"+month.Format("2006-01")+f.Ext(), f.Ext(), func(path string) {
		w.setStatus(i18n.T("Making the report…"), widget.MediumImportance)
		w.u.bg(func() func() {
			err := writeMonthlyFile(path, func(out io.Writer) error {
				rows, err := w.u.d.Stock.MonthlyReport(w.u.ctx, month, maxMonths)
				if err != nil {
					return err
				}
				return export.WriteTable(out, f, export.MonthlyTable(rows, month, clinic, maxMonths))
			})
			return func() {
				if err != nil {
					w.setStatus("", widget.MediumImportance)
					w.u.showError(i18n.T("The report could not be saved"), err)
					return
				}
				w.setStatus(i18n.T("Saved %s.", path), widget.SuccessImportance)
			}
		})
	})
}

// writeMonthlyFile makes the report in memory, then writes path whole (outfile.Write). The path
// was only named (chooseSaveFile): when the report cannot be made nothing is touched, and a file
// already there is the user's and stays.
func writeMonthlyFile(path string, produce func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := produce(&buf); err != nil {
		return fmt.Errorf("make the report: %w", err)
	}
	if buf.Len() == 0 {
		return errors.New(i18n.T("the report came out empty"))
	}
	return outfile.Write(path, "report", func(f io.Writer) error {
		_, err := f.Write(buf.Bytes())
		return err
	})
}
