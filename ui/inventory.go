package ui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/data/binding"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/fields"
)

// invFilters are the list's filters, as the "Show" choice offers them (in the order of filterAll…).
func invFilters() []string {
	return []string{i18n.T("All medicines"), i18n.T("Needs review"),
		i18n.N(store.ExpiresSoonDays, "Expires within %d day", "Expires within %d days"), i18n.T("Expired")}
}

const (
	filterAll = iota
	filterReview
	filterSoon
	filterExpired
)

// Sort keys: the columns.
const (
	sortExpiry = "expiry"
	sortName   = "name"
	sortLot    = "lot"
	sortQty    = "quantity"
	sortStatus = "status"
)

const (
	prefFilter   = "list.filter"
	prefSort     = "list.sort"
	prefSortDesc = "list.sort_desc"
)

// inventoryPanel is the stock list with its search box, filter, sortable columns, selection and
// the line that reports what was just done (with Undo).
type inventoryPanel struct {
	u       *UI
	root    fyne.CanvasObject
	list    *invList
	data    binding.List[*store.Entry] // the rows shown: the list is built on it
	search  *uiEntry
	show    *widget.Select
	count   *widget.Label
	note    *notice         // the message line: "… was removed.  Undo"
	bulk    *fyne.Container // "3 selected  Confirm selected  Clear selection"
	bulkTxt *widget.Label
	headers map[string]*widget.Button

	sortKey  string
	sortDesc bool
	marked   map[int64]bool // selected with Space / Ctrl+A, for Confirm selected
	cursor   int            // the row the arrow keys are on

	all    []store.Entry  // what the filter selects (from the database), sorted
	hay    []string       // lower-case search text of each of all
	shown  []*store.Entry // all, narrowed by the search box
	total  int            // entries in the inventory before any filter (0: show the empty state)
	loaded bool           // the first read of the inventory is done (until then: "Loading the inventory…")
	seq    int            // drops stale query results
	thr    throttle
}

func (u *UI) newInventoryPanel() *inventoryPanel {
	p := &inventoryPanel{u: u, marked: map[int64]bool{}, headers: map[string]*widget.Button{},
		// The same entry, unchanged: its row needs no update (a reload gives new pointers).
		data: binding.NewList(func(a, b *store.Entry) bool { return a.ID == b.ID && a.UpdatedAt == b.UpdatedAt })}
	prefs := u.app.Preferences()
	p.sortKey = prefs.StringWithFallback(prefSort, sortExpiry)
	p.sortDesc = prefs.Bool(prefSortDesc)
	p.search = u.newEntry()
	p.search.SetPlaceHolder(i18n.T("Search name, strength, form, maker, lot or GTIN  (Ctrl+F)"))
	p.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	p.search.OnChanged = func(string) { p.applySearch() }
	p.search.OnSubmitted = func(string) { // Enter opens the first match
		if len(p.shown) > 0 {
			u.ed.open(p.shown[0].ID)
		}
	}
	p.show = widget.NewSelect(invFilters(), func(string) {
		prefs.SetInt(prefFilter, p.show.SelectedIndex())
		p.reload()
	})
	fitOptions(p.show)
	p.show.SetSelectedIndex(min(max(prefs.Int(prefFilter), 0), len(p.show.Options)-1))
	p.count = widget.NewLabel("")
	p.list = p.newList()
	p.note = newNotice(u, u.Undo)
	p.bulkTxt = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	confirmSel := widget.NewButtonWithIcon(i18n.T("Confirm selected (Ctrl+Enter)"), theme.ConfirmIcon(), p.confirmMarked)
	confirmSel.Importance = widget.HighImportance
	clearSel := widget.NewButton(i18n.T("Clear selection"), p.clearMarks)
	p.bulk = container.NewHBox(p.bulkTxt, confirmSel, clearSel)
	p.bulk.Hide()

	header := newRowLayoutBox(widget.NewLabel(""),
		p.header(i18n.T("Medicine"), sortName), p.header(i18n.T("Lot"), sortLot), p.header(i18n.T("Expiry"), sortExpiry),
		p.header(i18n.T("Qty"), sortQty), p.header(i18n.T("Status"), sortStatus))
	p.updateHeaders()
	top := container.NewVBox(
		p.search,
		container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel(i18n.T("Show")), p.show), p.count),
		p.bulk,
		p.note.root,
		header, widget.NewSeparator())
	p.root = container.NewBorder(top, nil, nil, nil, p.list)
	return p
}

func boldLabel(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// header is a column title that sorts by its column (a second click reverses the order).
func (p *inventoryPanel) header(title, key string) *widget.Button {
	b := widget.NewButton(title, func() { p.setSort(key, p.sortKey == key && !p.sortDesc) })
	b.Importance = widget.LowImportance
	b.Alignment = widget.ButtonAlignLeading
	b.SetIcon(nil)
	p.headers[key] = b
	return b
}

func (p *inventoryPanel) updateHeaders() {
	names := map[string]string{sortName: i18n.T("Medicine"), sortLot: i18n.T("Lot"), sortExpiry: i18n.T("Expiry"), sortQty: i18n.T("Qty"), sortStatus: i18n.T("Status")}
	for k, b := range p.headers {
		t := names[k]
		if k == p.sortKey {
			if p.sortDesc {
				t += " ▼"
			} else {
				t += " ▲"
			}
		}
		b.SetText(t)
	}
}

// setSort sorts the list by a column and remembers it.
func (p *inventoryPanel) setSort(key string, desc bool) {
	p.sortKey, p.sortDesc = key, desc
	prefs := p.u.app.Preferences()
	prefs.SetString(prefSort, key)
	prefs.SetBool(prefSortDesc, desc)
	p.updateHeaders()
	p.reload()
}

// filtering reports whether a filter or a search narrows the list.
func (p *inventoryPanel) filtering() bool {
	return p.show.SelectedIndex() > filterAll || strings.TrimSpace(p.search.Text) != ""
}

func (p *inventoryPanel) filter() store.Filter {
	i := p.show.SelectedIndex()
	f := store.Filter{NeedsReview: i == filterReview, Expired: i == filterExpired, SortByName: p.sortKey == sortName,
		Today: p.u.now()}
	if i == filterSoon {
		f.ExpiresIn = store.ExpiresSoonDays
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
	key, desc, now := p.sortKey, p.sortDesc, p.u.now()
	p.u.bg(func() func() {
		list, err := p.u.d.Inventory.ListEntries(p.u.ctx, f)
		total := len(list)
		if err == nil && filtered {
			all, err2 := p.u.d.Inventory.ListEntries(p.u.ctx, store.Filter{Limit: 1, Today: f.Today})
			if err2 == nil {
				total = len(all)
			}
		}
		sortEntries(list, key, desc, now)
		hay := make([]string, len(list))
		for i := range list {
			hay[i] = haystack(&list[i])
		}
		return func() {
			if seq != p.seq {
				return
			}
			if err != nil {
				p.loaded = true
				p.u.updateMain()
				p.u.showError(i18n.T("The inventory could not be read"), err)
				return
			}
			p.setEntries(list, hay, total)
		}
	})
}

// sortEntries orders the list by a column; the database already gave expiry or name order, the
// other columns (and descending order) are sorted here, stably.
func sortEntries(list []store.Entry, key string, desc bool, now time.Time) {
	var less func(a, b *store.Entry) bool
	switch key {
	case sortLot:
		less = func(a, b *store.Entry) bool { return strings.ToLower(a.Lot) < strings.ToLower(b.Lot) }
	case sortQty:
		less = func(a, b *store.Entry) bool {
			switch {
			case a.Quantity == nil:
				return false
			case b.Quantity == nil:
				return true
			}
			return *a.Quantity < *b.Quantity
		}
	case sortStatus:
		less = func(a, b *store.Entry) bool { return statusRank(a) < statusRank(b) }
	}
	if less != nil {
		sort.SliceStable(list, func(i, j int) bool { return less(&list[i], &list[j]) })
	}
	if desc {
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
	}
}

// statusRank orders the Status column: what needs review first, then confirmed.
func statusRank(e *store.Entry) int {
	if e.NeedsReview() {
		return 0
	}
	return 1
}

// setEntries replaces the list's data in one step.
func (p *inventoryPanel) setEntries(list []store.Entry, hay []string, total int) {
	p.all, p.hay, p.total, p.loaded = list, hay, total, true
	present := map[int64]bool{}
	for i := range list {
		present[list[i].ID] = true
	}
	for id := range p.marked {
		if !present[id] {
			delete(p.marked, id)
		}
	}
	p.applySearch()
	p.u.updateMain()
}

// haystack is the lower-case text the search box matches: the same fields as store.Filter.Search
// (those marked Search in the field table: name, generic name, strength, form, maker, GTIN, lot).
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
// for the database. The result goes to the list's binding in one Set.
func (p *inventoryPanel) applySearch() {
	if p.note != nil {
		p.note.moveTo(p.place()) // a line about another search or filter goes
	}
	q := strings.ToLower(strings.TrimSpace(p.search.Text))
	shown := make([]*store.Entry, 0, len(p.all))
	for i := range p.all {
		if q == "" || strings.Contains(p.hay[i], q) {
			shown = append(shown, &p.all[i])
		}
	}
	p.shown = shown
	switch {
	case len(p.shown) == len(p.all) && !p.filtering():
		p.count.SetText(i18n.N(len(p.shown), "%d medicine", "%d medicines"))
	default:
		p.count.SetText(i18n.N(len(p.shown), "%d medicine shown", "%d medicines shown"))
	}
	p.cursor = min(p.cursor, max(len(p.shown)-1, 0))
	before := p.data.Length()
	_ = p.data.Set(p.shown) // a new length refreshes the list through its data listener
	if p.data.Length() == before {
		p.list.Refresh() // same length: rows may still show other entries
	}
	p.updateBulk()
}

// Entries returns the entries the list shows, in order.
func (u *UI) Entries() []store.Entry {
	out := make([]store.Entry, len(u.inv.shown))
	for i, e := range u.inv.shown {
		out[i] = *e
	}
	return out
}

// invList is the inventory's list with the keyboard of a review tool: ↑/↓ move (Fyne's own focus
// row), Enter opens, Space selects for Confirm selected.
type invList struct {
	widget.List
	p *inventoryPanel
}

func (p *inventoryPanel) newList() *invList {
	l := &invList{p: p}
	l.Length = p.data.Length
	l.CreateItem = p.createRow
	l.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) {
		item, err := p.data.GetItem(id)
		if err != nil {
			return
		}
		p.updateRow(item, o)
	}
	l.OnSelected = func(id widget.ListItemID) {
		l.Unselect(id)
		p.cursor = id
		if id < len(p.shown) {
			p.u.ed.open(p.shown[id].ID)
		}
	}
	l.ExtendBaseWidget(l)
	p.data.AddListener(binding.NewDataListener(l.Refresh))
	return l
}

func (l *invList) TypedKey(ev *fyne.KeyEvent) {
	p := l.p
	if p.u.ed.visible || p.u.dlg != nil { // the list is hidden or under a dialog
		p.u.typedKey(ev)
		return
	}
	switch ev.Name {
	case fyne.KeyDown:
		if p.cursor < len(p.shown)-1 {
			p.cursor++
			l.List.TypedKey(ev)
		}
	case fyne.KeyUp:
		if p.cursor > 0 {
			p.cursor--
			l.List.TypedKey(ev)
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		p.openCursor()
	case fyne.KeySpace:
		p.toggleMark(p.cursor)
	case fyne.KeyEscape:
		if len(p.marked) > 0 {
			p.clearMarks()
		}
	case fyne.KeyDelete:
		if p.cursor < len(p.shown) {
			p.u.ed.askDeleteEntry(*p.shown[p.cursor])
		}
	}
}

// TypedShortcut lets the window's shortcuts through while the list has the focus.
func (l *invList) TypedShortcut(s fyne.Shortcut) {
	l.p.u.runShortcut(s)
}

// moveCursor puts the keyboard cursor (Fyne's focus row) on row i.
func (p *inventoryPanel) moveCursor(i int) {
	for p.cursor < i && p.cursor < len(p.shown)-1 {
		p.cursor++
		p.list.List.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	}
	for p.cursor > i && p.cursor > 0 {
		p.cursor--
		p.list.List.TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp})
	}
}

func (p *inventoryPanel) openCursor() {
	if p.cursor < len(p.shown) {
		p.u.ed.open(p.shown[p.cursor].ID)
	}
}

func (p *inventoryPanel) indexOf(id int64) int {
	for i, e := range p.shown {
		if e.ID == id {
			return i
		}
	}
	return -1
}

// nextNeedingReview is the first entry after id (in the list's order) that needs review, else the
// first before it; 0 when there is none.
func (p *inventoryPanel) nextNeedingReview(id int64) int64 {
	at := p.indexOf(id)
	for k := 1; k <= len(p.shown); k++ {
		e := p.shown[(at+k+len(p.shown))%len(p.shown)]
		if e.ID != id && e.NeedsReview() {
			return e.ID
		}
	}
	return 0
}

// say shows a line about what was just done (no Undo button).
func (p *inventoryPanel) say(msg string) { p.sayUndo(msg, false) }

// sayUndo shows a line about what was just done, with Undo when it can be undone.
// The line belongs to the list as filtered and searched now: another filter or search takes it
// away (see place).
func (p *inventoryPanel) sayUndo(msg string, canUndo bool) {
	p.note.show(msg, p.place(), canUndo)
}

// place names what the list shows (its filter and search), where a line about it belongs.
func (p *inventoryPanel) place() string {
	return fmt.Sprintf("list %d %q", p.show.SelectedIndex(), strings.TrimSpace(p.search.Text))
}

// deleted shows "… was removed. Undo".
func (p *inventoryPanel) deleted(name string) {
	p.sayUndo(i18n.T("“%s” was removed from the inventory.", name), true)

}
