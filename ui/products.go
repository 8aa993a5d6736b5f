package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/data/binding"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/stock"
)

// Product view filters (one at a time: the radio group's options), in English: the group shows
// them translated, and showing reads the choice back.
var (
	showAll      = i18n.Mark("All")
	showLow      = i18n.Mark("Low stock")
	showOut      = i18n.Mark("Out of stock")
	showExpiring = i18n.Mark("Expiring")
	showExpired  = i18n.Mark("Expired")
	showChoices  = []string{showAll, showLow, showOut, showExpiring, showExpired}
)

// showing is the filter chosen, by its English name (showAll…).
func (p *productsPage) showing() string {
	for _, k := range showChoices {
		if i18n.T(k) == p.show.Selected {
			return k
		}
	}
	return showAll
}

// productsPage is the product view: one row per product with its usable stock, what waits for
// review, its nearest expiry and badges; a search box and filters.
type productsPage struct {
	s      *stockView
	root   fyne.CanvasObject
	list   *widget.List
	search *uiEntry
	show   *widget.RadioGroup
	days   binding.Int    // "expiring within N days"; bound to daysIn
	daysIn *widget.Entry  // typed days (IntToString of days)
	count  binding.String // "2,000 products" / "12 shown"

	all   []stock.ProductStock // what the filter selects (from the database)
	hay   []string             // lower-case search text of each of all
	shown []stock.ProductStock // all, narrowed by the search box
	seq   int                  // drops stale query results
	thr   throttle
}

func (s *stockView) newProductsPage() *productsPage {
	u := s.u
	p := &productsPage{s: s, days: binding.NewInt(), count: binding.NewString()}
	_ = p.days.Set(stock.DefaultExpiringDays)
	p.search = u.newEntry()
	p.search.SetPlaceHolder(i18n.T("Search name, strength, maker, lot or GTIN  (Ctrl+F)"))
	p.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	p.search.OnChanged = func(string) { p.applySearch() }
	p.search.OnSubmitted = func(string) { // Enter opens the first match
		if len(p.shown) > 0 {
			s.openProduct(p.shown[0].ID)
		}
	}
	p.show = widget.NewRadioGroup(translated(showChoices), func(string) { p.reload() })
	p.show.Horizontal = true
	p.show.Required = true
	p.show.Selected = i18n.T(showAll)
	p.daysIn = widget.NewEntryWithData(binding.IntToString(p.days))
	p.daysIn.Validator = nil // no tick beside a 2-digit box; a non-number simply does not apply
	p.days.AddListener(binding.NewDataListener(func() {
		if p.list != nil && p.showing() == showExpiring {
			p.reload()
		} else if p.list != nil {
			p.reloadSoon() // the "expiring" badges use the same window
		}
	}))
	p.list = widget.NewList(func() int { return len(p.shown) }, p.createRow, p.updateRow)
	p.list.OnSelected = func(id widget.ListItemID) {
		if id < len(p.shown) {
			s.openProduct(p.shown[id].ID)
		}
		p.list.UnselectAll()
	}

	countLabel := widget.NewLabelWithData(p.count)
	daysBox := container.NewHBox(widget.NewLabel(i18n.T("Expiring within")), container.NewGridWrap(fyne.NewSize(64, p.daysIn.MinSize().Height), p.daysIn), widget.NewLabel(i18n.T("days")))
	countLabel.Alignment = fyne.TextAlignTrailing
	header := newCols(productCols, boldLabel(i18n.T("Medicine")), boldLabel(i18n.T("On hand")), boldLabel(i18n.T("Nearest expiry")), countLabel)
	// The buttons, the search with the expiring window, and the filters each have a row of their
	// own: side by side they did not fit 800 px in English, nor 1366 px in French (the search box
	// shrank to its icon, "within 90 days" went off the edge).
	top := container.NewVBox(
		s.toolbar(),
		container.NewBorder(nil, nil, nil, daysBox, p.search),
		p.show,
		header, widget.NewSeparator())
	p.root = container.NewBorder(top, nil, nil, nil, p.list)
	return p
}

// productCols are the product view's column widths (0: the name takes what is left).
var productCols = []float32{0, 270, 120, 190}

// filter is the database query the filter buttons make.
func (p *productsPage) filter() store.ProductFilter {
	days := p.expiringDays()
	f := store.ProductFilter{WarnDays: days, Today: p.s.u.now()}
	switch p.showing() {
	case showLow:
		f.Low = true
	case showOut:
		f.Out = true
	case showExpiring:
		f.ExpiringDays = days
	case showExpired:
		f.Expired = true
	}
	return f
}

func (p *productsPage) reloadSoon() { p.s.u.throttled(&p.thr, refreshEvery, p.reload) }

// reload queries the database off the UI goroutine and shows the result in one update.
func (p *productsPage) reload() {
	u := p.s.u
	if u.d.Stock == nil {
		return
	}
	f := p.filter()
	type result struct {
		list []stock.ProductStock
		hay  []string
	}
	load(u, &p.seq, i18n.T("The stock could not be read"), func() (result, error) {
		list, err := u.d.Stock.StockOnHand(u.ctx, f)
		hay := make([]string, len(list))
		for i := range list {
			hay[i] = productHaystack(&list[i])
		}
		return result{list, hay}, err
	}, func(r result) {
		p.all, p.hay = r.list, r.hay
		p.applySearch()
	})
}

// productHaystack is the lower-case text the search box matches: names, strength, maker, GTIN and
// the lot numbers.
func productHaystack(ps *stock.ProductStock) string {
	parts := []string{ps.Name, ps.GenericName, ps.Strength, ps.DosageForm, ps.Manufacturer, ps.GTIN}
	for _, l := range ps.Lines {
		parts = append(parts, l.Lot)
	}
	return strings.ToLower(strings.Join(parts, "\x00"))
}

// applySearch narrows the loaded products by the search box, in memory: a keystroke never waits
// for the database.
func (p *productsPage) applySearch() {
	q := strings.ToLower(strings.TrimSpace(p.search.Text))
	if q == "" {
		p.shown = p.all
	} else {
		shown := make([]stock.ProductStock, 0, 64)
		for i := range p.all {
			if strings.Contains(p.hay[i], q) {
				shown = append(shown, p.all[i])
			}
		}
		p.shown = shown
	}
	if q == "" && p.showing() == showAll {
		_ = p.count.Set(i18n.N(len(p.shown), "%d product", "%d products"))
	} else {
		_ = p.count.Set(i18n.N(len(p.shown), "%d product shown", "%d products shown"))
	}
	p.list.UnselectAll()
	p.list.Refresh()
}

// productRow is the template of one product row.
type productRow struct {
	widget.BaseWidget
	name, onHand, expiry *widget.Label
	badges               *badgeBox
	box                  fyne.CanvasObject
}

func (p *productsPage) createRow() fyne.CanvasObject {
	r := &productRow{name: widget.NewLabel(""), onHand: widget.NewLabel(""), expiry: widget.NewLabel(""),
		badges: newBadgeBox()}
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.name.TextStyle.Bold = true
	r.onHand.Truncation = fyne.TextTruncateEllipsis
	r.box = newCols(productCols, r.name, r.onHand, r.expiry, r.badges.box)
	r.ExtendBaseWidget(r)
	return r
}

func (r *productRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

func (p *productsPage) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(p.shown) {
		return
	}
	r := o.(*productRow)
	ps := &p.shown[id]
	r.name.SetText(productTitle(&ps.Product))
	r.onHand.SetText(onHandText(&ps.ProductSummary) + reorderText(ps.ReorderLevel))
	exp, imp := p.expiryText(ps.NearestExpiry, ps.Badges)
	r.expiry.Importance = imp
	r.expiry.SetText(exp)
	r.badges.set(ps.Badges)
}

// expiryText shows a nearest expiry, coloured by the product's badges.
func (p *productsPage) expiryText(expiry string, b stock.Badges) (string, widget.Importance) {
	switch {
	case expiry == "":
		return "—", widget.LowImportance
	case b.Expiring:
		return i18n.Day(expiry), widget.WarningImportance
	}
	return i18n.Day(expiry), widget.MediumImportance
}

// productTitle is "Name · strength · form".
func productTitle(p *stock.Product) string {
	name := p.Name
	if name == "" {
		name = p.GenericName
	}
	if name == "" {
		name = i18n.T("(no name yet)")
	}
	parts := []string{name}
	if p.Strength != "" {
		parts = append(parts, p.Strength)
	}
	if p.DosageForm != "" {
		parts = append(parts, p.DosageForm)
	}
	return strings.Join(parts, " · ")
}

// units is "1 pack", "6 packs", "3 boxes": a count in the product's unit.
func units(n int64, unit string) string {
	if unit == "" {
		unit = stock.DefaultUnit
	}
	if unit == stock.DefaultUnit {
		return packsText(n) // the default unit, in the reader's words
	}
	if n == 1 || n == -1 {
		return strconv.FormatInt(n, 10) + " " + unit
	}
	pl := unit
	switch {
	case i18n.Current() != "en": // French, Portuguese, Spanish: an s, unless it ends in one already
		if !strings.HasSuffix(unit, "s") && !strings.HasSuffix(unit, "x") && !strings.HasSuffix(unit, "z") && !strings.Contains(unit, " ") {
			pl += "s"
		}
	case strings.HasSuffix(unit, "s"), strings.Contains(unit, " "):
	case strings.HasSuffix(unit, "x"), strings.HasSuffix(unit, "ch"), strings.HasSuffix(unit, "sh"):
		pl += "es"
	default:
		pl += "s"
	}
	return strconv.FormatInt(n, 10) + " " + pl
}

// reorderText is " · reorder below 10" beside a product's figure when it has a reorder level (the
// "Low stock" badge shows below it), "" when it has none.
func reorderText(level int64) string {
	if level <= 0 {
		return ""
	}
	return " · " + i18n.T("reorder below %d", level)
}

// onHandText is "6 packs · 3 waiting for review" (+ "· 4 expired" when expired lots hold stock);
// counted in units of packs that hold more, "50 capsules · 1 pack + 20" (in the usual pack size).
func onHandText(s *stock.ProductSummary) string {
	t := bothText(s.Usable, s.Unit, productPackSize(&s.Product))
	if s.ExpiredOnHand > 0 {
		t += " · " + i18n.T("%d expired", s.ExpiredOnHand)
	}
	if s.Pending > 0 {
		t += " · " + i18n.T("%d waiting for review", s.Pending)
	}
	return t
}

// badgeBox shows a product's or a lot's badges in a fixed order.
type badgeBox struct {
	box                         *fyne.Container
	out, low, expiring, expired *badge
}

func newBadgeBox() *badgeBox {
	b := &badgeBox{out: newBadge(i18n.T("Out of stock"), widget.DangerImportance), low: newBadge(i18n.T("Low stock"), widget.WarningImportance),
		expiring: newBadge(i18n.T("Expiring"), widget.WarningImportance), expired: newBadge(i18n.T("Expired"), widget.DangerImportance)}
	// Centred vertically at their own height in a row's cell (which is the row's height).
	b.box = container.NewVBox(layout.NewSpacer(), container.NewHBox(b.out, b.low, b.expiring, b.expired), layout.NewSpacer())
	return b
}

func (b *badgeBox) set(x stock.Badges) {
	changed := false
	for _, it := range []struct {
		on bool
		b  *badge
	}{{x.Out, b.out}, {x.Low, b.low}, {x.Expiring, b.expiring}, {x.Expired, b.expired}} {
		if it.on != it.b.Visible() {
			changed = true
			if it.on {
				it.b.Show()
			} else {
				it.b.Hide()
			}
		}
	}
	if changed {
		b.box.Refresh() // lays the badges out again
	}
}

// Products returns the products the product view shows, in order (for tests and benchmarks).
func (u *UI) Products() []stock.ProductStock { return u.stock.products.shown }

// expiringDays is the "expiring within N days" window typed above the list.
func (p *productsPage) expiringDays() int {
	days, _ := p.days.Get()
	if days <= 0 {
		return stock.DefaultExpiringDays
	}
	return days
}
