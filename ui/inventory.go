package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/data/binding"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/store"
	"medinventory/store/fields"
)

// The list's filters, as the "Show" choice offers them.
var invFilters = []string{"All medicines", "Needs review",
	fmt.Sprintf("Expires within %d days", store.ExpiresSoonDays), "Expired"}

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
	undo    *fyne.Container // the message line: "… was removed.  Undo"
	msg     *widget.Label
	undoBtn *widget.Button
	bulk    *fyne.Container // "3 selected  Confirm selected  Clear selection"
	bulkTxt *widget.Label
	headers map[string]*widget.Button

	sortKey  string
	sortDesc bool
	marked   map[int64]bool // selected with Space / Ctrl+A, for Confirm selected
	cursor   int            // the row the arrow keys are on

	all   []store.Entry  // what the filter selects (from the database), sorted
	hay   []string       // lower-case search text of each of all
	shown []*store.Entry // all, narrowed by the search box
	total int            // entries in the inventory before any filter (0: show the empty state)
	seq   int            // drops stale query results
	thr   throttle
}

func (u *UI) newInventoryPanel() *inventoryPanel {
	p := &inventoryPanel{u: u, marked: map[int64]bool{}, headers: map[string]*widget.Button{},
		// The same entry, unchanged: its row needs no update (a reload gives new pointers).
		data: binding.NewList(func(a, b *store.Entry) bool { return a.ID == b.ID && a.UpdatedAt == b.UpdatedAt })}
	prefs := u.app.Preferences()
	p.sortKey = prefs.StringWithFallback(prefSort, sortExpiry)
	p.sortDesc = prefs.Bool(prefSortDesc)
	p.search = u.newEntry()
	p.search.SetPlaceHolder("Search name, strength, form, maker, lot or GTIN  (Ctrl+F)")
	p.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	p.search.OnChanged = func(string) { p.applySearch() }
	p.search.OnSubmitted = func(string) { // Enter opens the first match
		if len(p.shown) > 0 {
			u.ed.open(p.shown[0].ID)
		}
	}
	p.show = widget.NewSelect(invFilters, func(string) {
		prefs.SetInt(prefFilter, p.show.SelectedIndex())
		p.reload()
	})
	p.show.SetSelectedIndex(min(max(prefs.Int(prefFilter), 0), len(invFilters)-1))
	p.count = widget.NewLabel("")
	p.list = p.newList()
	p.msg = widget.NewLabel("")
	p.msg.Wrapping = fyne.TextWrapWord
	p.undoBtn = widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), u.Undo)
	p.undo = container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), p.undoBtn, p.msg)
	p.undo.Hide()
	p.bulkTxt = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	confirmSel := widget.NewButtonWithIcon("Confirm selected (Ctrl+Enter)", theme.ConfirmIcon(), p.confirmMarked)
	confirmSel.Importance = widget.HighImportance
	clearSel := widget.NewButton("Clear selection", p.clearMarks)
	p.bulk = container.NewHBox(p.bulkTxt, confirmSel, clearSel)
	p.bulk.Hide()

	header := newRowLayoutBox(widget.NewLabel(""),
		p.header("Medicine", sortName), p.header("Lot", sortLot), p.header("Expiry", sortExpiry),
		p.header("Qty", sortQty), p.header("Status", sortStatus))
	p.updateHeaders()
	top := container.NewVBox(
		p.search,
		container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel("Show"), p.show), p.count),
		p.bulk,
		p.undo,
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
	names := map[string]string{sortName: "Medicine", sortLot: "Lot", sortExpiry: "Expiry", sortQty: "Qty", sortStatus: "Status"}
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
				p.u.showError("The inventory could not be read", err)
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
	p.all, p.hay, p.total = list, hay, total
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
		p.count.SetText(plural(len(p.shown), "medicine", "medicines"))
	default:
		p.count.SetText(fmt.Sprintf("%s shown", plural(len(p.shown), "medicine", "medicines")))
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

func (p *inventoryPanel) toggleMark(i int) {
	if i >= len(p.shown) {
		return
	}
	id := p.shown[i].ID
	if p.marked[id] {
		delete(p.marked, id)
	} else {
		p.marked[id] = true
	}
	p.list.RefreshItem(i)
	p.updateBulk()
}

// markAll selects every medicine shown (Ctrl+A).
func (p *inventoryPanel) markAll() {
	for _, e := range p.shown {
		p.marked[e.ID] = true
	}
	p.list.Refresh()
	p.updateBulk()
}

func (p *inventoryPanel) clearMarks() {
	p.marked = map[int64]bool{}
	p.list.Refresh()
	p.updateBulk()
}

func (p *inventoryPanel) updateBulk() {
	if len(p.marked) == 0 {
		p.bulk.Hide()
		return
	}
	p.bulkTxt.SetText(plural(len(p.marked), "medicine selected", "medicines selected"))
	p.bulk.Show()
}

// confirmMarked confirms the selected medicines that need review and have no open warning; it
// says how many it confirmed, and how many it left and why. One Undo puts them all back.
func (p *inventoryPanel) confirmMarked() {
	if len(p.marked) == 0 {
		p.say("Select medicines first: Space selects the one under the cursor, Ctrl+A all shown.")
		return
	}
	var todo []bulkItem
	already := 0
	for _, e := range p.shown {
		if !p.marked[e.ID] {
			continue
		}
		if !e.NeedsReview() {
			already++
			continue
		}
		it := bulkItem{id: e.ID}
		if w := e.Warnings(); len(w) > 0 {
			it.warning = w[0]
		}
		todo = append(todo, it)
	}
	inv := p.u.d.Inventory
	p.u.bg(func() func() {
		done, skipped, err := confirmEach(p.u.ctx, inv, todo)
		return func() {
			if len(done) > 0 {
				ids := append([]int64(nil), done...)
				p.u.pushUndo("Confirm "+plural(len(ids), "medicine", "medicines"),
					func(ctx context.Context) error { return eachEntry(ctx, ids, inv.ReopenEntry) },
					func(ctx context.Context) error { return eachEntry(ctx, ids, inv.ConfirmEntry) })
			}
			p.marked = map[int64]bool{}
			p.sayUndo(bulkResult(len(done), already, skipped), len(done) > 0)
			if err != nil {
				p.u.showError("Not all the selected medicines were confirmed", err)
			}
			p.reload()
		}
	})
}

func eachEntry(ctx context.Context, ids []int64, f func(context.Context, int64) (store.Entry, error)) error {
	for _, id := range ids {
		if _, err := f(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// bulkResult is "Confirmed 18 medicines. Left 2 to check: 1 has a note to check, 1 has no name."
func bulkResult(done, already int, skipped map[string]int) string {
	msg := "Confirmed " + plural(done, "medicine", "medicines") + "."
	if done == 0 {
		msg = "Nothing was confirmed."
	}
	n := 0
	var why []string
	for w, c := range skipped {
		n += c
		why = append(why, fmt.Sprintf("%d: %s", c, w))
	}
	sort.Strings(why)
	if n > 0 {
		msg += fmt.Sprintf(" Left %d to check one by one (%s).", n, strings.Join(why, "; "))
	}
	if already > 0 {
		msg += " " + plural(already, "was", "were") + " already confirmed."
	}
	return msg
}

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

// entryName is the title with the lot: what a person needs to tell two boxes apart.
func entryName(e *store.Entry) string {
	if e.Lot != "" {
		return entryTitle(e) + " (lot " + e.Lot + ")"
	}
	return entryTitle(e)
}

// expiryText shows an expiry date with a colour: red when expired, orange when expiring soon.
func expiryText(expiry string, now time.Time) (string, widget.Importance) {
	st, _ := store.ExpiryOf(expiry, now)
	switch st {
	case store.ExpiryUnknown:
		return "—", widget.LowImportance
	case store.ExpiryExpired:
		return expiry, widget.DangerImportance
	case store.ExpirySoon:
		return expiry, widget.WarningImportance
	}
	return expiry, widget.MediumImportance
}

// entryStatus is an entry's state in words: review comes first, then expiry.
func entryStatus(e *store.Entry, now time.Time) (string, fyne.Resource, widget.Importance) {
	st, _ := store.ExpiryOf(e.Expiry, now)
	switch {
	case st == store.ExpiryExpired:
		return "Expired", theme.ErrorIcon(), widget.DangerImportance
	case e.NeedsReview() && st == store.ExpirySoon:
		return "Needs review", theme.WarningIcon(), widget.WarningImportance
	case e.NeedsReview():
		return "Needs review", theme.QuestionIcon(), widget.WarningImportance
	case st == store.ExpirySoon:
		return store.ExpiryWords(e.Expiry, now), theme.WarningIcon(), widget.WarningImportance
	}
	return "Confirmed", theme.ConfirmIcon(), widget.SuccessImportance
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

// say shows a line about what was just done (no Undo button).
func (p *inventoryPanel) say(msg string) { p.sayUndo(msg, false) }

// sayUndo shows a line about what was just done, with Undo when it can be undone.
func (p *inventoryPanel) sayUndo(msg string, canUndo bool) {
	p.msg.SetText(msg)
	setVisible(p.undoBtn, canUndo)
	p.undo.Show()
}

// deleted shows "… was removed. Undo".
func (p *inventoryPanel) deleted(name string) {
	p.sayUndo(fmt.Sprintf("“%s” was removed from the inventory.", name), true)
}
