package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/stock"
)

// An entry's quantity is the packs its photo shows; for a product counted in units (capsules, mL)
// the editor says what its receipt is in units, and where the pack size came from (issue 27).

func newPacksLine() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// receiptOf reads an entry's receipt (off the UI goroutine); ok is false when it has none or
// the window keeps no stock.
func (u *UI) receiptOf(entryID int64) (stock.Receipt, bool) {
	if u.d.Stock == nil {
		return stock.Receipt{}, false
	}
	rc, err := u.d.Stock.ReceiptForEntry(u.ctx, entryID)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			u.log.Warn("receipt of entry", "entry", entryID, "err", err)
		}
		return stock.Receipt{}, false
	}
	return rc, true
}

// setPacks shows the open entry's receipt in units when its packs hold more than one unit.
func (e *editor) setPacks(rc stock.Receipt, ok bool) {
	if !ok || !hasPacks(rc.PackSize) || rc.Status == stock.Dismissed {
		e.packsIn.Hide()
		return
	}
	text := i18n.T("The quantity is the number of packs: %s.", conversionText(rc.Packs, rc.PackSize, rc.Product.Unit))
	if w := packSizeFromText(rc.PackSizeFrom); w != "" {
		text = i18n.T("The quantity is the number of packs: %s (%s).", conversionText(rc.Packs, rc.PackSize, rc.Product.Unit), w)
	}
	e.packsIn.SetText(text)
	e.packsIn.Show()
}

// noReceipt is what setPacks gets for an entry without one.
var noReceipt stock.Receipt
