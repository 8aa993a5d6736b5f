package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// packsEdit is a receipt's conversion from packs to units, editable as either:
// [2] packs × [30] capsules = [60] capsules. Changing the packs or the pack size works out the
// units; typing the units works out the packs when they are whole packs. Under it, the conversion
// in words and where the pack size came from (read on the pack, from the barcode, the product's
// usual one).
type packsEdit struct {
	root  fyne.CanvasObject
	packs *uiEntry
	size  *uiEntry
	units *uiEntry      // the receipt row's quantity box: what Confirm receives
	info  *widget.Label // "2 packs × 30 capsules = 60 capsules · pack size read on the pack"

	unit     string
	from     string // where the proposed pack size came from (stock.Movement.PackSizeFrom)
	proposed int64  // the proposed pack size
	syncing  bool   // one box is being set from the others: its OnChanged does not answer back
}

// receiptPacks is a receipt's packs, pack size and where the size came from; a receipt that does
// not say takes its product's usual pack size.
func receiptPacks(rc *stock.Receipt) (packs, size int64, from string) {
	packs, size, from = rc.Packs, rc.PackSize, rc.PackSizeFrom
	if size < 1 {
		size, from = productPackSize(&rc.Product), "product"
	}
	if packs == 0 && size > 0 && rc.Quantity%size == 0 {
		packs = rc.Quantity / size
	}
	return packs, size, from
}

func (u *UI) newPacksEdit(rc stock.Receipt, units *uiEntry, submit func()) *packsEdit {
	packs, size, from := receiptPacks(&rc)
	e := &packsEdit{units: units, unit: rc.Product.Unit, from: from, proposed: size}
	e.packs, e.size = u.newEntry(), u.newEntry()
	e.packs.SetText(strconv.FormatInt(packs, 10))
	e.size.SetText(strconv.FormatInt(size, 10))
	e.packs.OnChanged = func(string) { e.fromPacks() }
	e.size.OnChanged = func(string) { e.fromPacks() }
	units.OnChanged = func(string) { e.fromUnits() }
	for _, x := range []*uiEntry{e.packs, e.size} {
		x.OnSubmitted = func(string) { submit() }
	}
	e.info = widget.NewLabel("")
	e.info.Wrapping = fyne.TextWrapWord
	box := func(x *uiEntry) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(76, x.MinSize().Height), x)
	}
	plural := unitPlural(e.unit)
	e.root = container.NewHBox(box(e.packs), widget.NewLabel(i18n.T("packs ×")), box(e.size),
		widget.NewLabel(plural+" ="), box(units), widget.NewLabel(plural))
	e.update()
	return e
}

// number reads a box's whole number; ok is false when it is not one.
func number(x *uiEntry) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(x.Text), 10, 64)
	return n, err == nil
}

// fromPacks works out the units from the packs and the pack size.
func (e *packsEdit) fromPacks() {
	if e.syncing {
		return
	}
	p, ok1 := number(e.packs)
	s, ok2 := number(e.size)
	if ok1 && ok2 && p >= 0 && s >= 1 && p <= (1<<40)/s {
		e.syncing = true
		e.units.SetText(strconv.FormatInt(p*s, 10))
		e.syncing = false
	}
	e.update()
}

// fromUnits works out the packs from the units typed, when they are whole packs.
func (e *packsEdit) fromUnits() {
	if e.syncing {
		return
	}
	n, ok1 := number(e.units)
	s, ok2 := number(e.size)
	if ok1 && ok2 && n >= 0 && s >= 1 && n%s == 0 {
		e.syncing = true
		e.packs.SetText(strconv.FormatInt(n/s, 10))
		e.syncing = false
	}
	e.update()
}

// packSize is the pack size typed (0 when it is not a number above 0).
func (e *packsEdit) packSize() int64 {
	if s, ok := number(e.size); ok && s >= 1 {
		return s
	}
	return 0
}

// update says the conversion in words, and where the pack size came from.
func (e *packsEdit) update() {
	n, okN := number(e.units)
	p, okP := number(e.packs)
	s := e.packSize()
	var t string
	switch {
	case !okN || s == 0:
		t = i18n.T("Type the packs and the pack size, or the number of %s.", unitPlural(e.unit))
	case okP && p*s == n:
		t = conversionText(p, s, e.unit)
	default:
		t = amountText(n, e.unit, s)
	}
	if w := packSizeFromText(e.from); w != "" && s == e.proposed {
		t += " · " + w
	} else if s != 0 && s != e.proposed {
		t += " · " + i18n.T("confirming makes this lot's packs hold %d; what it already holds is converted (see its stock card)", s)
	}
	e.info.SetText(t)
}

// resized reports whether the reviewer corrected the pack size, with the packs and size to confirm
// (store.ConfirmReceiptPacks: the lot takes that size). n is the units typed; a nil edit (a
// product counted in packs) never is.
func (e *packsEdit) resized(n int64) (packs, size int64, ok bool) {
	if e == nil {
		return 0, 0, false
	}
	p, okP := number(e.packs)
	s := e.packSize()
	if !okP || s == 0 || s == e.proposed || p*s != n {
		return 0, 0, false
	}
	return p, s, true
}
