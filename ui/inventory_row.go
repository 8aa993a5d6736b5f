package ui

// One row of the inventory list: its widgets, its words (title, expiry, status) and the layout
// that drops columns before the medicine's name gets too narrow.

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/data/binding"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store"
)

// invRow is the template of one inventory row.
type invRow struct {
	widget.BaseWidget
	bg                             *canvas.Rectangle
	icon                           *widget.Icon
	name, lot, expiry, qty, status *widget.Label
	box                            fyne.CanvasObject
}

func (p *inventoryPanel) createRow() fyne.CanvasObject {
	r := &invRow{icon: widget.NewIcon(theme.ConfirmIcon()), bg: canvas.NewRectangle(theme.Color(theme.ColorNameSelection))}
	r.bg.Hide()
	r.name = widget.NewLabel("")
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.lot = widget.NewLabel("")
	r.lot.Truncation = fyne.TextTruncateEllipsis
	r.expiry = widget.NewLabel("")
	r.qty = widget.NewLabel("")
	r.status = widget.NewLabel("")
	r.box = container.NewStack(r.bg, newRowLayoutBox(r.icon, r.name, r.lot, r.expiry, r.qty, r.status))
	r.ExtendBaseWidget(r)
	return r
}

func (r *invRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

func (p *inventoryPanel) updateRow(item binding.DataItem, o fyne.CanvasObject) {
	e, err := item.(binding.Item[*store.Entry]).Get()
	if err != nil || e == nil {
		return
	}
	r := o.(*invRow)
	r.name.SetText(entryTitle(e))
	r.lot.SetText(dash(e.Lot))
	exp, imp := expiryText(e.Expiry, p.u.now())
	r.expiry.Importance = imp
	r.expiry.SetText(exp)
	r.qty.SetText(dash(e.Get("quantity")))
	text, icon, simp := entryStatus(e, p.u.now())
	r.status.Importance = simp
	r.status.SetText(text)
	if p.marked[e.ID] {
		icon = theme.CheckButtonCheckedIcon()
		r.bg.Show()
	} else {
		r.bg.Hide()
	}
	r.icon.SetResource(icon)
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// entryTitle is "Name · strength · form".
func entryTitle(e *store.Entry) string {
	parts := []string{}
	name := e.Name
	if name == "" {
		name = e.GenericName
	}
	if name == "" {
		name = i18n.T("(no name yet)")
	}
	parts = append(parts, name)
	if e.Strength != "" {
		parts = append(parts, e.Strength)
	}
	if e.DosageForm != "" {
		parts = append(parts, e.DosageForm)
	}
	return strings.Join(parts, " · ")
}

// entryName is the title with the lot: what a person needs to tell two boxes apart.
func entryName(e *store.Entry) string {
	if e.Lot != "" {
		return i18n.T("%s (lot %s)", entryTitle(e), e.Lot)
	}
	return entryTitle(e)
}

// expiryText shows an expiry date as the reader writes it (i18n.Day: 31/03/2027 in French), with a
// colour: red when expired, orange when expiring soon.
func expiryText(expiry string, now time.Time) (string, widget.Importance) {
	st, _ := store.ExpiryOf(expiry, now)
	switch st {
	case store.ExpiryUnknown:
		return "—", widget.LowImportance
	case store.ExpiryExpired:
		return i18n.Day(expiry), widget.DangerImportance
	case store.ExpirySoon:
		return i18n.Day(expiry), widget.WarningImportance
	}
	return i18n.Day(expiry), widget.MediumImportance
}

// entryStatus is an entry's state in words: review comes first, then expiry.
func entryStatus(e *store.Entry, now time.Time) (string, fyne.Resource, widget.Importance) {
	st, _ := store.ExpiryOf(e.Expiry, now)
	switch {
	case st == store.ExpiryExpired:
		return i18n.T("Expired"), theme.ErrorIcon(), widget.DangerImportance
	case e.NeedsReview() && st == store.ExpirySoon:
		return i18n.T("Needs review"), theme.WarningIcon(), widget.WarningImportance
	case e.NeedsReview():
		return i18n.T("Needs review"), theme.QuestionIcon(), widget.WarningImportance
	case st == store.ExpirySoon:
		return expiryWords(e.Expiry, now), theme.WarningIcon(), widget.WarningImportance
	}
	return i18n.T("Confirmed"), theme.ConfirmIcon(), widget.SuccessImportance

}

// rowLayout places an inventory row's columns: icon, a flexible name, then fixed columns. On a
// narrow list the columns go by priority, least needed first: Status (its icon stays), Qty, Lot.
type rowLayout struct{}

var colWidths = []float32{28, 0, 120, 112, 60, 150}

// colDropOrder are the columns (indexes into colWidths) hidden one by one as the list narrows.
var colDropOrder = []int{5, 4, 2}

// minNameWidth is the least width the medicine's name keeps before a column is dropped.
const minNameWidth = 220

func newRowLayoutBox(objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(rowLayout{}, objs...)
}

// widths are the columns' widths at a total width (0 for a dropped column).
func (rowLayout) widths(total float32) []float32 {
	w := append([]float32(nil), colWidths...)
	fixed := func() float32 {
		s := float32(0)
		for _, x := range w {
			s += x
		}
		return s
	}
	for _, i := range colDropOrder {
		if total-fixed() >= minNameWidth {
			break
		}
		w[i] = 0
	}
	w[1] = max(total-fixed(), 80)
	return w
}

func (l rowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	ws := l.widths(size.Width)
	x := float32(0)
	for i, o := range objs {
		w := ws[i]
		if w == 0 {
			o.Hide()
			continue
		}
		o.Show()
		h := o.MinSize().Height
		if i == 0 {
			ms := o.MinSize()
			o.Resize(ms)
			o.Move(fyne.NewPos(x+(w-ms.Width)/2, (size.Height-ms.Height)/2))
		} else {
			o.Resize(fyne.NewSize(w, h))
			o.Move(fyne.NewPos(x, (size.Height-h)/2))
		}
		x += w
	}
}

func (rowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(colWidths[0]+colWidths[3]+80, h)
}
