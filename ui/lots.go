package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/stock"
)

// productPage is one product: its usable stock and badges, its lots soonest expiry first (first
// expiry, first out), and the form that dispenses, adjusts or disposes.
type productPage struct {
	detail
	s      *stockView
	root   fyne.CanvasObject
	badges *badgeBox
	list   *widget.List

	prod  stock.Product
	lines []stock.Line

	settingsDlg dialog.Dialog // the unit and reorder level dialog, while open (tests)
}

// lotCols are the lot list's column widths.
var lotCols = []float32{0, 110, 100, 300, 160}

func (s *stockView) newProductPage() *productPage {
	p := &productPage{s: s, badges: newBadgeBox()}
	p.detail = s.newDetail(false, func() { p.reload() })
	p.list = widget.NewList(func() int { return len(p.lines) }, p.createRow, p.updateRow)
	p.list.OnSelected = func(id widget.ListItemID) {
		if id < len(p.lines) {
			s.openLine(p.lines[id].ID)
		}
		p.list.UnselectAll()
	}
	back := widget.NewButtonWithIcon(i18n.T("All products"), theme.NavigateBackIcon(), s.showProducts)
	settings := widget.NewButtonWithIcon(i18n.T("Unit and reorder level…"), theme.SettingsIcon(), p.editSettings)
	head := container.NewBorder(nil, nil, back, nil, container.NewVBox(
		container.NewBorder(nil, nil, nil, settings, p.title),
		container.NewBorder(nil, nil, nil, p.badges.box, p.summary)))
	header := newCols(lotCols, boldLabel(i18n.T("Lot")), boldLabel(i18n.T("Expiry")), boldLabel(i18n.T("Shelf")), boldLabel(i18n.T("On hand")), boldLabel(""))
	top := container.NewVBox(head, widget.NewSeparator(), p.form.root, widget.NewSeparator(),
		boldLabel(i18n.T("Lots, first to expire first — click one for its stock card")), header)
	p.root = container.NewBorder(top, nil, nil, nil, p.list)
	return p
}

// openProduct shows a product's page, with the quantity box focused: type the number, Enter.
func (s *stockView) openProduct(id int64) {
	p := s.product
	s.open(&p.detail, p.root, id, func() { p.lines = nil; p.list.Refresh() }, p.reload)
}

// reload reads the product and its lots off the UI goroutine.
func (p *productPage) reload() {
	u := p.s.u
	if u.d.Stock == nil || p.id == 0 {
		return
	}
	id := p.id
	load(u, &p.seq, i18n.T("This product could not be read"), func() (stock.ProductStock, error) {
		var r stock.ProductStock
		prod, err := u.d.Stock.StockProduct(u.ctx, id)
		if err == nil {
			r.Lines, err = u.d.Stock.ProductLines(u.ctx, id)
		}
		r.Product = prod
		return r, err
	}, func(r stock.ProductStock) { p.set(r.Product, r.Lines) })
}

func (p *productPage) set(prod stock.Product, lines []stock.Line) {
	p.prod, p.lines = prod, lines
	days := p.s.products.expiringDays()
	sum := stock.Summarize(prod, lines, p.s.u.now(), days)
	p.title.SetText(productTitle(&prod))
	text := i18n.T("Usable: %s", onHandText(&sum))
	if sum.NearestExpiry != "" {
		text += " · " + i18n.T("nearest expiry %s", i18n.Day(sum.NearestExpiry))
	}
	if prod.ReorderLevel > 0 {
		text += " · " + i18n.T("reorder below %d", prod.ReorderLevel)
	}
	if prod.GTIN != "" {
		text += " · GTIN " + prod.GTIN
	}
	p.summary.SetText(text)
	p.badges.set(sum.Badges)
	p.form.setLines(prod, lines)
	p.list.Refresh()
}

type lotRow struct {
	widget.BaseWidget
	lot, expiry, shelf, onHand *widget.Label
	badges                     *badgeBox
	box                        fyne.CanvasObject
}

func (p *productPage) createRow() fyne.CanvasObject {
	r := &lotRow{lot: widget.NewLabel(""), expiry: widget.NewLabel(""), shelf: widget.NewLabel(""), onHand: widget.NewLabel(""),
		badges: newBadgeBox()}
	r.lot.Truncation = fyne.TextTruncateEllipsis
	r.shelf.Truncation = fyne.TextTruncateEllipsis
	r.onHand.Truncation = fyne.TextTruncateEllipsis
	r.box = newCols(lotCols, r.lot, r.expiry, r.shelf, r.onHand, r.badges.box)
	r.ExtendBaseWidget(r)
	return r
}

func (r *lotRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

func (p *productPage) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(p.lines) {
		return
	}
	r := o.(*lotRow)
	l := &p.lines[id]
	r.lot.SetText(dash(l.Lot))
	r.expiry.SetText(dash(i18n.Day(l.Expiry)))
	r.shelf.SetText(dash(l.Location))
	r.onHand.SetText(lineOnHandText(l, &p.prod))
	b := stock.LineBadges(*l, p.s.u.now(), p.s.products.expiringDays())
	b.Out, b.Low = false, false // a lot is not "out of stock": only a product is
	r.badges.set(b)
	if b.Expired {
		r.expiry.Importance = widget.DangerImportance
	} else if b.Expiring {
		r.expiry.Importance = widget.WarningImportance
	} else {
		r.expiry.Importance = widget.MediumImportance
	}
	r.expiry.Refresh()
}

// lineOnHandText is "4 packs · 1 waiting for review", "50 capsules · 1 pack + 20".
func lineOnHandText(l *stock.Line, p *stock.Product) string {
	t := bothText(l.OnHand, p.Unit, lotPackSize(l, p))
	if l.Pending > 0 {
		t += " · " + i18n.T("%d waiting for review", l.Pending)
	}
	return t
}

// editSettings asks for the product's unit of count and reorder level (below it the product is
// "low stock"; 0 means none) and saves them.
func (p *productPage) editSettings() {
	u := p.s.u
	if p.id == 0 {
		return
	}
	unit := u.newEntry() // Escape in a field closes the dialog
	unit.SetText(p.prod.Unit)
	unit.SetPlaceHolder(i18n.T("pack, tablet, bottle…"))
	size := u.newEntry() // units in one pack (issue 27)
	size.SetText(strconv.FormatInt(max(p.prod.PackSize, 1), 10))
	size.SetPlaceHolder(i18n.T("e.g. 30; 1 for the unit pack"))
	preview := widget.NewLabel("")
	preview.Wrapping = fyne.TextWrapWord
	level := u.newEntry()
	if p.prod.ReorderLevel > 0 {
		level.SetText(strconv.FormatInt(p.prod.ReorderLevel, 10))
	}
	level.SetPlaceHolder(i18n.T("0 = no reorder level"))
	errText := widget.NewLabel("")
	errText.Importance = widget.DangerImportance
	errText.Wrapping = fyne.TextWrapWord
	errText.Hide()
	items := []*widget.FormItem{
		widget.NewFormItem(i18n.T("Counted in"), unit),
		widget.NewFormItem(i18n.T("Units in one pack"), size),
		widget.NewFormItem(i18n.T("Reorder below"), level),
	}
	id := p.id
	prod, lines := p.prod, p.lines
	showPreview := func() {
		n, err := typedPackSize(unit.Text, size.Text)
		text := ""
		if err == nil {
			text, err = unitPreview(prod, lines, unit.Text, n)
		}
		preview.Importance = widget.MediumImportance
		if err != nil {
			text, preview.Importance = stockErrText(err), widget.DangerImportance
		}
		preview.SetText(text)
		setVisible(preview, text != "")
	}
	unit.OnChanged = func(string) { showPreview() }
	size.OnChanged = func(string) { showPreview() }
	showPreview()
	var dlg dialog.Dialog
	save := func() {
		n := int64(0)
		if t := strings.TrimSpace(level.Text); t != "" {
			var err error
			if n, err = store.ParseQuantity(t); err != nil {
				errText.SetText(stockErrText(err))
				errText.Show()
				return
			}
		}
		newSize, err := typedPackSize(unit.Text, size.Text)
		if err != nil {
			errText.SetText(stockErrText(err))
			errText.Show()
			return
		}
		newUnit := strings.TrimSpace(unit.Text)
		u.bg(func() func() {
			// The reorder level first (its bad values are refused before anything changes), then
			// the unit and pack size: a recorded change with Undo.
			_, err := u.d.Stock.SetProductStock(u.ctx, id, "", n)
			var ch stock.UnitChange
			if err == nil {
				ch, err = u.d.Stock.SetProductUnit(u.ctx, id, newUnit, newSize)
			}
			return func() {
				if err != nil {
					errText.SetText(stockErrText(err))
					errText.Show()
					return
				}
				dlg.Hide()
				p.productUnitChanged(ch)
				p.reload()
				p.s.products.reloadSoon()
			}
		})
	}
	level.OnSubmitted = func(string) { save() }
	unit.OnSubmitted = func(string) { save() }
	size.OnSubmitted = func(string) { save() }
	form := widget.NewForm(items...)
	form.SubmitText = i18n.T("Save")
	form.OnSubmit = save
	hint := widget.NewLabel(i18n.T("Below the reorder level the product shows “Low stock”."))
	hint.Importance = widget.LowImportance
	dlg = dialog.NewCustomWithoutButtons(productTitle(&p.prod), container.NewVBox(form, preview, hint, errText,
		container.NewHBox(layoutSpacer(), widget.NewButton(i18n.T("Cancel"), func() { dlg.Hide() }))), u.win)
	dlg.Resize(fyne.NewSize(480, 0))
	u.showDialog(dlg, save, nil)
	u.win.Canvas().Focus(level)
	p.settingsDlg = dlg
}
