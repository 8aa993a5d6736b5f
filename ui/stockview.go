package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// stockView is the Stock tab: the product view, a product's lots, a lot's stock card, the
// receipts waiting for review and the stock count, one page at a time, with a message bar
// ("Dispensed 2 packs from lot A. Undo") above them.
type stockView struct {
	u    *UI
	root fyne.CanvasObject
	page *fyne.Container // the page shown

	products *productsPage
	product  *productPage
	card     *cardPage
	receipts *receiptsPage
	count    *countPage

	note    *notice // the message bar
	undoIDs []int64 // the movements the Undo button reverses, last first

	receiptsBtn *widget.Button
	thr         throttle // reloadSoon's
}

func (u *UI) newStockView() *stockView {
	s := &stockView{u: u}
	s.note = newNotice(u, s.undoLast)
	s.receiptsBtn = widget.NewButtonWithIcon(i18n.T("Receipts to review"), theme.DocumentIcon(), func() { s.showReceipts() })

	s.products = s.newProductsPage()
	s.product = s.newProductPage()
	s.card = s.newCardPage()
	s.receipts = s.newReceiptsPage()
	s.count = s.newCountPage()
	s.page = container.NewStack(s.products.root)
	s.root = container.NewBorder(s.note.root, nil, nil, nil, s.page)
	return s
}

// toolbar is the product view's buttons: receipts to review, stock count, reports.
func (s *stockView) toolbar() fyne.CanvasObject {
	count := widget.NewButtonWithIcon(i18n.T("Stock count…"), theme.ListIcon(), func() { s.showCount() })
	reports := widget.NewButtonWithIcon(i18n.T("Reports…"), theme.DocumentPrintIcon(), func() { s.u.ShowReports() })
	order := widget.NewButtonWithIcon(i18n.T("What to order…"), theme.DocumentCreateIcon(), func() { s.u.ShowWhatToOrder() })
	return container.NewHBox(s.receiptsBtn, count, order, reports)
}

// show replaces the page shown. A message about another page (another product, another lot)
// goes: there it would only confuse.
func (s *stockView) show(page fyne.CanvasObject) {
	defer func() { s.note.moveTo(s.place()) }()
	if len(s.page.Objects) == 1 && s.page.Objects[0] == page {
		return
	}
	s.page.Objects = []fyne.CanvasObject{page}
	s.page.Refresh()
}

// place names the page shown, with the product or lot it is about: a message belongs there.
func (s *stockView) place() string {
	switch s.current() {
	case s.product.root:
		return fmt.Sprintf("product %d", s.product.id)
	case s.card.root:
		return fmt.Sprintf("lot %d", s.card.id)
	case s.count.root:
		return "count"
	case s.receipts.root:
		return "receipts"
	}
	return "products"
}

// current is the page shown.
func (s *stockView) current() fyne.CanvasObject { return s.page.Objects[0] }

// showProducts goes back to the product view (and re-reads it); numbers typed in a stock count
// are not dropped without asking.
func (s *stockView) showProducts() {
	if s.current() == s.count.root {
		s.count.leave(s.showProductsNow)
		return
	}
	s.showProductsNow()
}

func (s *stockView) showProductsNow() {
	s.show(s.products.root)
	s.products.reload()
	s.focus(s.products.search)
}

func (s *stockView) focus(o fyne.Focusable) {
	if c := s.u.win.Canvas(); c != nil && s.u.stockShown() {
		c.Focus(o)
	}
}

// reload re-reads what the page shown depends on (after a change elsewhere).
func (s *stockView) reload() {
	s.products.reload()
	s.refreshReceiptCount()
	switch s.current() {
	case s.product.root:
		s.product.reload()
	case s.card.root:
		s.card.reload()
	case s.receipts.root:
		s.receipts.reload()
	}
}

// reloadSoon reloads at most every refreshEvery (job events can come in bursts).
func (s *stockView) reloadSoon() {
	s.u.throttled(&s.thr, refreshEvery, s.reload)
}

// refreshReceiptCount shows how many receipts wait for review on the toolbar's button.
func (s *stockView) refreshReceiptCount() {
	u := s.u
	if u.d.Stock == nil {
		return
	}
	u.bg(func() func() {
		rs, err := u.d.Stock.PendingReceipts(u.ctx)
		if err != nil {
			u.log.Warn("pending receipts", "err", err)
			return nil
		}
		return func() { s.setReceiptCount(len(rs)) }
	})
}

func (s *stockView) setReceiptCount(n int) {
	if n == 0 {
		s.receiptsBtn.SetText(i18n.T("No receipts to review"))
		s.receiptsBtn.Importance = widget.MediumImportance
	} else {
		s.receiptsBtn.SetText(i18n.N(n, "%d receipt to review", "%d receipts to review"))
		s.receiptsBtn.Importance = widget.HighImportance
	}
	s.receiptsBtn.Refresh()
}

// recorded shows what a change did, with Undo when undo is given (movement ids, last first).
// The message belongs to the page shown (see place); Edit → Undo and Ctrl+Z undo the change
// after it has gone.
func (s *stockView) recorded(text string, undo []int64) {
	s.undoIDs = undo
	s.note.show(text, s.place(), len(undo) > 0)
}

// Message is the message bar's text ("" when hidden), for tests.
func (s *stockView) Message() string { return s.note.message() }

// pushStockUndo puts a recorded stock change on the window's Undo/Redo history (Edit menu,
// Ctrl+Z / Ctrl+Shift+Z), beside the message bar's Undo button. Undo adds a reversing movement for
// each of ids (last first; one the message bar's button already reversed counts as undone). Redo
// records the change again through again, which returns the new movements a later Undo reverses;
// again is nil for a change that cannot be made twice the same way (a photo's receipt).
func (s *stockView) pushStockUndo(label string, ids []int64, again func(ctx context.Context) ([]int64, error)) {
	u := s.u
	if len(ids) == 0 || u.d.Stock == nil {
		return
	}
	var mu sync.Mutex
	cur := append([]int64(nil), ids...)
	u.pushUndo(label, func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		for len(cur) > 0 {
			if _, err := u.d.Stock.Reverse(ctx, cur[0], "undo"); err != nil && !errors.Is(err, stock.ErrAlreadyReversed) {
				return err
			}
			cur = cur[1:]
		}
		return nil
	}, func(ctx context.Context) error {
		if again == nil {
			return errors.New(i18n.T("a photo's receipt cannot be received twice the same way; if it was right, confirm the photo's entry again"))
		}
		next, err := again(ctx)
		if err != nil {
			return err
		}
		mu.Lock()
		cur = next
		mu.Unlock()
		return nil
	})
}

// lastFirst lists the ids of the movements that changed stock, last first (a count's unchanged
// lots wrote a movement of 0, which needs no undo).
func lastFirst(ms []stock.Movement) []int64 {
	var ids []int64
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Quantity != 0 {
			ids = append(ids, ms[i].ID)
		}
	}
	return ids
}

// undoLast reverses the movements of the last change, each with a reversing movement.
func (s *stockView) undoLast() {
	ids := s.undoIDs
	if len(ids) == 0 {
		return
	}
	u := s.u
	s.undoIDs = nil
	s.note.undoBtn.Hide()
	u.bg(func() func() {
		var done int
		var err error
		for _, id := range ids {
			if _, err = u.d.Stock.Reverse(u.ctx, id, "undo"); err != nil {
				break
			}
			done++
		}
		return func() {
			if err != nil {
				s.recorded("", nil)
				u.showError(i18n.T("This could not be undone"), err)
				if done < len(ids) {
					s.undoIDs = ids[done:]
					s.note.undoBtn.Show()
				}
			} else {
				s.recorded(i18n.T("Undone: a reversing movement was added to the stock card."), nil)
			}
			s.reload()
		}
	})
}

// load runs query off the UI goroutine and hands its result to apply on the UI goroutine, unless
// a newer load counted by the same seq started meanwhile (its result is stale); an error is shown
// under title instead.
func load[T any](u *UI, seq *int, title string, query func() (T, error), apply func(T)) {
	*seq++
	mine := *seq
	u.bg(func() func() {
		v, err := query()
		return func() {
			if mine != *seq {
				return
			}
			if err != nil {
				u.showError(title, err)
				return
			}
			apply(v)
		}
	})
}

// stockShown reports whether the Stock tab is the one shown.
func (u *UI) stockShown() bool {
	return u.tabs != nil && u.tabs.Selected() == u.stockTab
}

// mainTabs puts the photos-and-entries area and the Stock tab side by side.
func (u *UI) mainTabs(photos fyne.CanvasObject) fyne.CanvasObject {
	if u.d.Stock == nil {
		return photos
	}
	u.stockTab = container.NewTabItemWithIcon(i18n.T("Stock"), theme.StorageIcon(), u.stock.root)
	u.tabs = container.NewAppTabs(container.NewTabItemWithIcon(i18n.T("Photos and entries"), theme.MediaPhotoIcon(), photos), u.stockTab)
	u.tabs.OnSelected = func(t *container.TabItem) { // a message about the other tab goes
		if t == u.stockTab {
			u.inv.note.clear()
			u.stock.reload()
		} else {
			u.stock.note.clear()
		}
	}
	return u.tabs
}

// ShowStock shows the Stock tab's product view.
func (u *UI) ShowStock() {
	if u.tabs == nil {
		return
	}
	u.tabs.Select(u.stockTab)
	u.stock.showProducts()
}

// stockErrText is an error of a stock change in plain words: the rules' errors already are.
func stockErrText(err error) string {
	if err == nil {
		return ""
	}
	if err == context.DeadlineExceeded {
		return i18n.T("This took too long. Please try again.")
	}
	t := plainError(err)
	return strings.ToUpper(t[:1]) + t[1:]
}

// lineTitle names a lot for people: "lot A123 · expires 2027-03-31 · shelf B".
func lineTitle(l *stock.Line) string {
	parts := []string{i18n.T("lot %s", dash(l.Lot))}
	if l.Lot == "" {
		parts[0] = i18n.T("no lot number")
	}
	if l.Expiry != "" {
		parts = append(parts, i18n.T("expires %s", i18n.Day(l.Expiry)))
	} else {
		parts = append(parts, i18n.T("no expiry date"))
	}
	if l.Location != "" {
		parts = append(parts, i18n.T("shelf %s", l.Location))
	}
	return strings.Join(parts, " · ")
}

// typedKey gets the keys no focused widget took while the Stock tab shows: an arrow, Enter or
// Space puts the keyboard on the page's list; Escape goes back a page.
func (s *stockView) typedKey(ev *fyne.KeyEvent) {
	var list *widget.List
	switch s.current() {
	case s.products.root:
		list = s.products.list
	case s.product.root:
		list = s.product.list
	case s.card.root:
		list = s.card.list
	}
	switch ev.Name {
	case fyne.KeyEscape:
		switch s.current() {
		case s.card.root:
			s.openProduct(s.card.prod.ID)
		case s.products.root:
		default:
			s.showProducts()
		}
	case fyne.KeyDown, fyne.KeyUp, fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
		if list == nil {
			return
		}
		s.u.win.Canvas().Focus(list) // the first arrow only puts the keyboard on the list
		if ev.Name != fyne.KeyDown && ev.Name != fyne.KeyUp {
			list.TypedKey(ev)
		}
	}
}
