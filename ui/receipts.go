package ui

import (
	"errors"
	"image/color"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/stock"
)

// maxReceiptRows bounds the receipts shown at once (each row holds an entry box and buttons).
const maxReceiptRows = 200

// receiptsPage lists the receipts proposed from photos that wait for review: change the number,
// confirm it, or mark it "same pack as an earlier photo" (nothing is added). A receipt whose photo
// looks like one added shortly before says so.
type receiptsPage struct {
	s     *stockView
	root  fyne.CanvasObject
	box   *fyne.Container
	info  *widget.Label
	items []stock.Receipt
	rows  map[int64]*receiptRow
	seq   int
}

type receiptRow struct {
	root    fyne.CanvasObject
	qty     *uiEntry   // the units received
	packs   *packsEdit // packs × pack size = units, when a pack holds more than one unit (else nil)
	confirm *widget.Button
	same    *widget.Button
	errText *widget.Label
	thumb   *canvas.Image
	// proposed is what the row was built for: a receipt proposed again (its product's unit or
	// pack size changed) gets a new row instead of the old figures.
	proposed receiptFigures
}

// receiptFigures are a receipt's proposed figures as its row shows them.
type receiptFigures struct {
	quantity, packs, packSize int64
	unit                      string
}

func proposedOf(rc *stock.Receipt) receiptFigures {
	return receiptFigures{rc.Quantity, rc.Packs, rc.PackSize, rc.Product.Unit}
}

func (s *stockView) newReceiptsPage() *receiptsPage {
	r := &receiptsPage{s: s, box: container.NewVBox(), rows: map[int64]*receiptRow{}}
	r.info = widget.NewLabel("")
	r.info.Wrapping = fyne.TextWrapWord
	back := widget.NewButtonWithIcon(i18n.T("All products"), theme.NavigateBackIcon(), s.showProducts)
	title := widget.NewLabelWithStyle(i18n.T("Receipts from photos, waiting for review"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	top := container.NewVBox(container.NewBorder(nil, nil, back, nil, title), r.info, widget.NewSeparator())
	r.root = container.NewBorder(top, nil, nil, nil, container.NewVScroll(r.box))
	return r
}

func (s *stockView) showReceipts() {
	s.show(s.receipts.root)
	s.receipts.reload()
}

func (r *receiptsPage) reload() {
	u := r.s.u
	if u.d.Stock == nil {
		return
	}
	load(u, &r.seq, i18n.T("The receipts could not be read"), func() ([]stock.Receipt, error) {
		return u.d.Stock.PendingReceipts(u.ctx)
	}, r.set)
}

func (r *receiptsPage) set(list []stock.Receipt) {
	r.items = list
	r.s.setReceiptCount(len(list))
	switch {
	case len(list) == 0:
		r.info.SetText(i18n.T("Nothing waits for review. Photos you add propose receipts here; each counts in stock only once you confirm it."))
	case len(list) > maxReceiptRows:
		r.info.SetText(i18n.T("%d receipts wait for review; the oldest %d are shown. Check the number of packs, then Confirm (Enter). If a photo shows a pack that is already counted, press “Same pack as an earlier photo”.", len(list), maxReceiptRows))
		list = list[:maxReceiptRows]
	default:
		r.info.SetText(i18n.N(len(list), "%d receipt is waiting. Check the number of packs, then Confirm (Enter). If a photo shows a pack that is already counted, press “Same pack as an earlier photo”.", "%d receipts are waiting. Check the number of packs, then Confirm (Enter). If a photo shows a pack that is already counted, press “Same pack as an earlier photo”."))
	}
	old := r.rows
	r.rows = make(map[int64]*receiptRow, len(list))
	objs := make([]fyne.CanvasObject, 0, 2*len(list))
	for i := range list {
		row := old[list[i].ID]
		if row == nil || row.proposed != proposedOf(&list[i]) { // new, or proposed again (another unit or pack size)
			row = r.newRow(list[i])
		}
		r.rows[list[i].ID] = row
		objs = append(objs, row.root, widget.NewSeparator())
	}
	r.box.Objects = objs
	r.box.Refresh()
}

func (r *receiptsPage) newRow(rc stock.Receipt) *receiptRow {
	u := r.s.u
	row := &receiptRow{proposed: proposedOf(&rc)}
	id := rc.ID
	row.qty = u.newEntry()
	row.qty.SetText(strconv.FormatInt(rc.Quantity, 10))
	row.qty.OnSubmitted = func(string) { r.confirm(id, row) }
	row.confirm = widget.NewButtonWithIcon(i18n.T("Confirm"), theme.ConfirmIcon(), func() { r.confirm(id, row) })
	row.confirm.Importance = widget.HighImportance
	sameText := i18n.T("Same pack as an earlier photo")
	if rc.SimilarPhotoID != 0 {
		sameText = samePackText(rc.SimilarPhotoID) // the words of the pack decision, on every path
	}
	row.same = widget.NewButtonWithIcon(sameText, theme.ContentCopyIcon(), func() { r.samePack(id, row) })
	row.errText = widget.NewLabel("")
	row.errText.Importance = widget.DangerImportance
	row.errText.Wrapping = fyne.TextWrapWord
	row.errText.Hide()
	row.thumb = canvas.NewImageFromResource(theme.MediaPhotoIcon())
	row.thumb.FillMode = canvas.ImageFillContain
	row.thumb.SetMinSize(fyne.NewSize(96, 72))

	name := widget.NewLabelWithStyle(productTitle(&rc.Product), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	what := widget.NewLabel(lineTitle(&rc.Line) + photoWords(rc.PhotoName, rc.PhotoID))
	what.Truncation = fyne.TextTruncateEllipsis
	lines := []fyne.CanvasObject{name, what}
	if rc.SimilarPhotoID != 0 {
		text := i18n.T("Probably the same pack as photo %d%s: Confirm asks whether it is another pack.", rc.SimilarPhotoID, nameIn(rc.SimilarPhotoName))
		if !store.NeedsPackDecision(rc.Movement) {
			text = i18n.T("Looks like photo %d%s, but it was decided to be another pack.", rc.SimilarPhotoID, nameIn(rc.SimilarPhotoName))
		}
		warn := widget.NewLabel(text)
		warn.Importance = widget.WarningImportance
		warn.Wrapping = fyne.TextWrapWord
		lines = append(lines, container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, warn))
	}
	if rc.Proposed != nil && *rc.Proposed != rc.Quantity {
		lines = append(lines, widget.NewLabel(i18n.T("The photo proposed %d.", *rc.Proposed)))
	}
	if _, size, _ := receiptPacks(&rc); hasPacks(size) {
		row.packs = u.newPacksEdit(rc, row.qty, func() { r.confirm(id, row) })
		lines = append(lines, row.packs.root, row.packs.info, container.NewHBox(row.confirm, row.same), row.errText)
	} else {
		qtyBox := container.NewGridWrap(fyne.NewSize(90, row.qty.MinSize().Height), row.qty)
		actions := container.NewHBox(widget.NewLabel(unitPlural(rc.Product.Unit)), qtyBox, row.confirm, row.same)
		lines = append(lines, actions, row.errText)
	}
	thumbBtn := widget.NewButton("", func() { r.s.showPhoto(rc.PhotoID) })
	thumbBtn.Importance = widget.LowImportance
	var left fyne.CanvasObject = container.NewStack(thumbBtn, row.thumb)
	if rc.PhotoID == 0 { // typed by hand: no picture to show
		blank := canvas.NewRectangle(color.Transparent)
		blank.SetMinSize(row.thumb.MinSize())
		left = blank
	}
	row.root = container.NewBorder(nil, nil, left, nil, container.NewVBox(lines...))
	if rc.PhotoID != 0 && u.d.Inventory != nil {
		u.bg(func() func() {
			p, err := u.d.Inventory.Photo(u.ctx, rc.PhotoID)
			if err != nil {
				return nil
			}
			img := u.thumbs.load(u.d.Inventory.PhotoFile(p), 160)
			if img == nil {
				return nil
			}
			return func() { row.thumb.Image, row.thumb.Resource = img, nil; row.thumb.Refresh() }
		})
	}
	return row
}

// photoWords is " · photo 12 (box.jpg)".
func photoWords(name string, id int64) string {
	if id == 0 {
		return " · " + i18n.T("typed by hand")
	}
	return " · " + i18n.T("photo %d%s", id, nameIn(name))
}

func nameIn(name string) string {
	if name == "" {
		return ""
	}
	return " (" + name + ")"
}

func (row *receiptRow) setErr(msg string) {
	row.errText.SetText(msg)
	setVisible(row.errText, msg != "")
}

func (row *receiptRow) setBusy(b bool) {
	if b {
		row.confirm.Disable()
		row.same.Disable()
	} else {
		row.confirm.Enable()
		row.same.Enable()
	}
}

func (r *receiptsPage) confirm(id int64, row *receiptRow) {
	u := r.s.u
	n, err := store.ParseQuantity(row.qty.Text)
	if err != nil {
		row.setErr(stockErrText(err))
		return
	}
	row.setBusy(true)
	packs, size, resized := row.packs.resized(n)
	u.bg(func() func() {
		var m stock.Movement
		var err error
		if resized { // the reviewer corrected the pack size: the lot takes it
			m, err = u.d.Stock.ConfirmReceiptPacks(u.ctx, id, packs, size)
		} else {
			m, err = u.d.Stock.ConfirmReceipt(u.ctx, id, n)
		}
		return func() {
			row.setBusy(false)
			var pe *store.PackDecisionError
			if errors.As(err, &pe) {
				row.setErr("")
				u.askPack(pe, u.d.Stock.DecidePack, func(d store.PackDecision) {
					if d == store.NewPack {
						r.confirm(id, row) // another pack: confirm it now, with the number typed
						return
					}
					r.sameDone()
				})
				return
			}
			if err != nil {
				row.setErr(stockErrText(err))
				return
			}
			row.setErr("")
			if row.packs != nil {
				r.s.recorded(i18n.T("Received %s: the receipt is confirmed and counts in stock.", amountText(n, row.packs.unit, row.packs.packSize())), []int64{m.ID})
			} else {
				r.s.recorded(i18n.T("Received %d: the receipt is confirmed and counts in stock.", n), []int64{m.ID})
			}
			r.reload()
			r.s.products.reloadSoon()
			u.inv.reloadSoon() // the photo's entry is confirmed with it
		}
	})
}

func (r *receiptsPage) samePack(id int64, row *receiptRow) {
	u := r.s.u
	row.setBusy(true)
	u.bg(func() func() {
		err := u.d.Stock.MarkSamePack(u.ctx, id)
		return func() {
			row.setBusy(false)
			if err != nil {
				row.setErr(stockErrText(err))
				return
			}
			r.sameDone()
		}
	})
}

// sameDone says a receipt was marked the same pack as an earlier photo, and shows the lists again.
func (r *receiptsPage) sameDone() {
	r.s.recorded(i18n.T("Marked as the same pack as an earlier photo: nothing was added to stock."), nil)
	r.reload()
	r.s.products.reloadSoon()
	r.s.u.inv.reloadSoon()
}

// Receipts returns the receipts the review page lists (for tests).
func (u *UI) Receipts() []stock.Receipt { return u.stock.receipts.items }
