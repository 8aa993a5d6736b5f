package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/store"
	"medinventory/store/fields"
)

// soonDays is how many days ahead "expires soon" looks.
const soonDays = 90

// inventoryPanel is the stock list with its search box, filters and sort.
type inventoryPanel struct {
	u        *UI
	root     fyne.CanvasObject
	list     *widget.List
	search   *uiEntry
	review   *widget.Check
	soon     *widget.Check
	expired  *widget.Check
	sortBy   *widget.Select
	count    *widget.Label
	undo     *fyne.Container
	undoText *widget.Label
	undoID   int64

	all   []store.Entry // what the filters select (from the database)
	hay   []string      // lower-case search text of each of all
	shown []store.Entry // all, narrowed by the search box
	total int           // entries in the inventory before any filter (0: show the empty state)
	seq   int           // drops stale query results
	thr   throttle
}

func (u *UI) newInventoryPanel() *inventoryPanel {
	p := &inventoryPanel{u: u}
	p.search = u.newEntry()
	p.search.SetPlaceHolder("Search name, strength, lot or GTIN  (Ctrl+F)")
	p.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	p.search.OnChanged = func(string) { p.applySearch() }
	p.search.OnSubmitted = func(string) { // Enter opens the first match
		if len(p.shown) > 0 {
			u.ed.open(p.shown[0].ID)
		}
	}
	p.review = widget.NewCheck("Needs review", func(bool) { p.reload() })
	p.soon = widget.NewCheck(fmt.Sprintf("Expires within %d days", soonDays), func(v bool) {
		if v && p.expired.Checked {
			p.expired.SetChecked(false) // the two are exclusive; SetChecked reloads
			return
		}
		p.reload()
	})
	p.expired = widget.NewCheck("Expired", func(v bool) {
		if v && p.soon.Checked {
			p.soon.SetChecked(false)
			return
		}
		p.reload()
	})
	p.sortBy = widget.NewSelect([]string{"Expiry date", "Name"}, func(string) { p.reload() })
	p.sortBy.SetSelectedIndex(0)
	p.count = widget.NewLabel("")
	p.list = widget.NewList(func() int { return len(p.shown) }, p.createRow, p.updateRow)
	p.list.OnSelected = func(id widget.ListItemID) {
		if id < len(p.shown) {
			u.ed.open(p.shown[id].ID)
		}
	}
	p.undoText = widget.NewLabel("")
	p.undo = container.NewHBox(widget.NewIcon(theme.DeleteIcon()), p.undoText,
		widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), func() { p.undoDelete() }))
	p.undo.Hide()

	header := newRowLayoutBox(
		widget.NewLabel(""),
		boldLabel("Medicine"), boldLabel("Lot"), boldLabel("Expiry"), boldLabel("Qty"), boldLabel("Status"))
	filters := container.NewHBox(p.review, p.soon, p.expired)
	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(widget.NewLabel("Sort by"), p.sortBy), p.search),
		container.NewBorder(nil, nil, filters, p.count),
		p.undo,
		header, widget.NewSeparator())
	p.root = container.NewBorder(top, nil, nil, nil, p.list)
	return p
}

func boldLabel(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// filtering reports whether a filter or a search narrows the list.
func (p *inventoryPanel) filtering() bool {
	return p.review.Checked || p.soon.Checked || p.expired.Checked || strings.TrimSpace(p.search.Text) != ""
}

func (p *inventoryPanel) filter() store.Filter {
	f := store.Filter{NeedsReview: p.review.Checked, Expired: p.expired.Checked, SortByName: p.sortBy.SelectedIndex() == 1,
		Today: p.u.now()}
	if p.soon.Checked {
		f.ExpiresIn = soonDays
	}
	return f
}

// reloadSoon reloads the list at most every refreshEvery (job events can come in bursts).
func (p *inventoryPanel) reloadSoon() {
	p.u.throttled(&p.thr, refreshEvery, p.reload)
}

// reload queries the database off the UI goroutine and shows the result with one update.
func (p *inventoryPanel) reload() {
	if p.u.d.Inventory == nil || p.list == nil {
		return
	}
	p.seq++
	seq := p.seq
	f := p.filter()
	filtered := f.NeedsReview || f.Expired || f.ExpiresIn > 0
	p.u.bg(func() func() {
		list, err := p.u.d.Inventory.ListEntries(p.u.ctx, f)
		total := len(list)
		if err == nil && filtered {
			all, err2 := p.u.d.Inventory.ListEntries(p.u.ctx, store.Filter{Limit: 1, Today: f.Today})
			if err2 == nil {
				total = len(all)
			}
		}
		hay := make([]string, len(list))
		for i := range list {
			hay[i] = haystack(&list[i])
		}
		return func() {
			if seq != p.seq {
				return
			}
			if err != nil {
				p.u.showError("The inventory could not be read", err)
				return
			}
			p.setEntries(list, hay, total)
		}
	})
}

// setEntries replaces the list's data in one step.
func (p *inventoryPanel) setEntries(list []store.Entry, hay []string, total int) {
	p.all, p.hay, p.total = list, hay, total
	p.applySearch()
	p.u.updateMain()
}

// haystack is the lower-case text the search box matches: the same fields as store.Filter.Search
// (those marked Search in the field table).
func haystack(e *store.Entry) string {
	var parts []string
	for i := range fields.All {
		if f := &fields.All[i]; f.Search {
			parts = append(parts, f.Get(&e.Values))
		}
	}
	return strings.ToLower(strings.Join(parts, "\x00"))
}

// applySearch narrows the loaded entries by the search box, in memory: one keystroke never waits
// for the database.
func (p *inventoryPanel) applySearch() {
	q := strings.ToLower(strings.TrimSpace(p.search.Text))
	if q == "" {
		p.shown = p.all
	} else {
		shown := make([]store.Entry, 0, 64)
		for i := range p.all {
			if strings.Contains(p.hay[i], q) {
				shown = append(shown, p.all[i])
			}
		}
		p.shown = shown
	}
	switch {
	case len(p.shown) == len(p.all) && !p.filtering():
		p.count.SetText(plural(len(p.shown), "medicine", "medicines"))
	default:
		p.count.SetText(fmt.Sprintf("%s shown", plural(len(p.shown), "medicine", "medicines")))
	}
	p.list.UnselectAll()
	p.list.Refresh()
}

// Entries returns the entries the list shows, in order.
func (u *UI) Entries() []store.Entry { return u.inv.shown }

// invRow is the template of one inventory row.
type invRow struct {
	widget.BaseWidget
	icon                           *widget.Icon
	name, lot, expiry, qty, status *widget.Label
	box                            fyne.CanvasObject
}

func (p *inventoryPanel) createRow() fyne.CanvasObject {
	r := &invRow{icon: widget.NewIcon(theme.ConfirmIcon())}
	r.name = widget.NewLabel("")
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.lot = widget.NewLabel("")
	r.lot.Truncation = fyne.TextTruncateEllipsis
	r.expiry = widget.NewLabel("")
	r.qty = widget.NewLabel("")
	r.status = widget.NewLabel("")
	r.box = newRowLayoutBox(r.icon, r.name, r.lot, r.expiry, r.qty, r.status)
	r.ExtendBaseWidget(r)
	return r
}

func (r *invRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

func (p *inventoryPanel) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(p.shown) {
		return
	}
	r := o.(*invRow)
	e := &p.shown[id]
	r.name.SetText(entryTitle(e))
	r.lot.SetText(dash(e.Lot))
	exp, imp := expiryText(e.Expiry, p.u.now())
	r.expiry.Importance = imp
	r.expiry.SetText(exp)
	r.qty.SetText(dash(e.Get("quantity")))
	text, icon, simp := entryStatus(e, p.u.now())
	r.status.Importance = simp
	r.status.SetText(text)
	r.icon.SetResource(icon)
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// entryTitle is "Name strength form".
func entryTitle(e *store.Entry) string {
	parts := []string{}
	name := e.Name
	if name == "" {
		name = e.GenericName
	}
	if name == "" {
		name = "(no name yet)"
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

func daysUntil(expiry string, now time.Time) (int, bool) {
	d, err := time.Parse("2006-01-02", expiry)
	if err != nil {
		return 0, false
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return int(d.Sub(today).Hours() / 24), true
}

// expiryText shows an expiry date with a colour: red when expired, orange within soonDays.
func expiryText(expiry string, now time.Time) (string, widget.Importance) {
	days, ok := daysUntil(expiry, now)
	if !ok {
		return "—", widget.LowImportance
	}
	switch {
	case days < 0:
		return expiry, widget.DangerImportance
	case days <= soonDays:
		return expiry, widget.WarningImportance
	}
	return expiry, widget.MediumImportance
}

// entryStatus is an entry's state in words: expiry comes first, then review.
func entryStatus(e *store.Entry, now time.Time) (string, fyne.Resource, widget.Importance) {
	if days, ok := daysUntil(e.Expiry, now); ok {
		switch {
		case days < 0:
			return "Expired", theme.ErrorIcon(), widget.DangerImportance
		case days <= soonDays:
			if e.Status == store.StatusNeedsReview {
				return "Needs review", theme.WarningIcon(), widget.WarningImportance
			}
			return fmt.Sprintf("Expires in %d days", days), theme.WarningIcon(), widget.WarningImportance
		}
	}
	if e.Status == store.StatusNeedsReview {
		return "Needs review", theme.QuestionIcon(), widget.WarningImportance
	}
	return "Confirmed", theme.ConfirmIcon(), widget.SuccessImportance
}

// rowLayout places an inventory row's columns: icon, a flexible name, then fixed columns.
type rowLayout struct{}

var colWidths = []float32{28, 0, 120, 112, 60, 150}

func newRowLayoutBox(objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(rowLayout{}, objs...)
}

func (rowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	fixed := float32(0)
	for _, w := range colWidths {
		fixed += w
	}
	flex := max(size.Width-fixed, 80)
	x := float32(0)
	for i, o := range objs {
		w := colWidths[i]
		if w == 0 {
			w = flex
		}
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
	w := float32(80)
	for _, cw := range colWidths {
		w += cw
	}
	return fyne.NewSize(w, h)
}

// deleted shows "… was removed. Undo".
func (p *inventoryPanel) deleted(id int64, name string) {
	p.undoID = id
	p.undoText.SetText(fmt.Sprintf("“%s” was removed from the inventory.", name))
	p.undo.Show()
}

func (p *inventoryPanel) undoDelete() {
	id := p.undoID
	if id == 0 {
		return
	}
	p.u.bg(func() func() {
		err := p.u.d.Inventory.RestoreEntry(p.u.ctx, id)
		return func() {
			if err != nil {
				p.u.showError("The medicine could not be put back", err)
				return
			}
			p.undoID = 0
			p.undo.Hide()
			p.reload()
		}
	})
}
