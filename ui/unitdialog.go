package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// Changing a product's unit and usual pack size, or a lot's pack size (issue 27). Either is a
// recorded change (the store converts each balance by a Convert movement, shown on the stock
// card); the dialog says what will happen to the balance before saving, and the change goes on the
// window's Undo/Redo history.

// typedPackSize reads the pack size typed for unit: "" keeps the current one (0); the unit "pack"
// has packs of 1.
func typedPackSize(unit, text string) (int64, error) {
	t := strings.TrimSpace(text)
	if strings.EqualFold(strings.TrimSpace(unit), stock.DefaultUnit) && (t == "" || t == "1") {
		return 1, nil
	}
	if t == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %s", stock.ErrPackSize, i18n.T("type how many units one pack holds, e.g. 30"))
	}
	return n, stock.CheckPackSize(n)
}

// unitPreview says what changing prod to unit and the usual pack size (0: keep) will do to its
// lots' balances, the way the store converts them (store.SetProductUnit: a lot at the product's
// usual size follows the new one; a new unit converts whole packs). "" when nothing changes.
func unitPreview(prod stock.Product, lines []stock.Line, unit string, size int64) (string, error) {
	unit = strings.TrimSpace(unit)
	if unit == "" {
		unit = prod.Unit
	}
	if size == 0 {
		size = max(prod.PackSize, 1)
	}
	if strings.EqualFold(unit, stock.DefaultUnit) && size != 1 {
		return "", fmt.Errorf("%w: %s", stock.ErrPackSize,
			i18n.T("a product counted in packs has packs of 1; to count what is inside, choose a unit such as tablet, capsule or mL"))
	}
	if unit == prod.Unit && size == prod.PackSize {
		return "", nil
	}
	var before, after int64
	for i := range lines {
		l := &lines[i]
		ls := l.PackSize
		if l.PackSize == prod.PackSize {
			ls = size
		}
		nb := l.OnHand
		if ls != l.PackSize || unit != prod.Unit {
			conv := stock.ConvertBalance
			if unit != prod.Unit {
				conv = stock.ConvertUnitBalance
			}
			var err error
			if nb, err = conv(l.OnHand, l.PackSize, ls); err != nil {
				return "", fmt.Errorf("%s: %w", lineTitle(l), err)
			}
		}
		before += l.OnHand
		after += nb
	}
	if before == 0 && after == 0 {
		return i18n.T("Nothing is on hand, so no balance changes; from now on this product is counted in %s.", unitPlural(unit)), nil
	}
	return i18n.T("Saving converts the stock on hand: %s. The change shows on each lot's stock card; Ctrl+Z undoes it.",
		stock.ConvertNote(before, prod.Unit, after, unit)), nil
}

// changeWords is a recorded unit change in short: "2 packs → 60 capsules" (its lots together).
func changeWords(c *stock.UnitChange) string {
	var before, after int64
	for _, l := range c.Lines {
		before += l.OldOnHand
		after += l.NewOnHand
	}
	return stock.ConvertNote(before, c.OldUnit, after, c.NewUnit)
}

// unitChanged shows a recorded unit change and puts it on the window's Undo/Redo history: Undo
// records the change back (store.UndoUnitChange), Redo makes it again through again.
func (s *stockView) unitChanged(label string, c stock.UnitChange, again func(ctx context.Context) (stock.UnitChange, error)) {
	u := s.u
	s.recorded(i18n.T("Saved: %s. Ctrl+Z undoes it.", label), nil)
	var mu sync.Mutex
	cur := c.ID
	u.pushUndo(label, func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		_, err := u.d.Stock.UndoUnitChange(ctx, cur)
		return err
	}, func(ctx context.Context) error {
		n, err := again(ctx)
		if err != nil {
			return err
		}
		mu.Lock()
		cur = n.ID
		mu.Unlock()
		return nil
	})
}

// productUnitChanged shows the product's recorded unit change with Undo.
func (p *productPage) productUnitChanged(c stock.UnitChange) {
	if c.ID == 0 {
		return
	}
	id, unit, size := c.ProductID, c.NewUnit, c.NewPackSize
	label := i18n.T("Unit of %s: %s", productTitle(&p.prod), changeWords(&c))
	p.s.unitChanged(label, c, func(ctx context.Context) (stock.UnitChange, error) {
		return p.s.u.d.Stock.SetProductUnit(ctx, id, unit, size)
	})
}

// editPackSize asks for the pack size of the lot shown on the stock card, says what will happen to
// its balance, and records the change.
func (c *cardPage) editPackSize() {
	u := c.s.u
	if c.id == 0 || u.d.Stock == nil {
		return
	}
	line, prod := c.line, c.prod
	size := u.newEntry()
	size.SetText(strconv.FormatInt(max(line.PackSize, 1), 10))
	size.SetPlaceHolder(i18n.T("e.g. 30"))
	preview := widget.NewLabel("")
	preview.Wrapping = fyne.TextWrapWord
	errText := widget.NewLabel("")
	errText.Importance = widget.DangerImportance
	errText.Wrapping = fyne.TextWrapWord
	errText.Hide()
	read := func() (int64, bool) {
		n, err := typedPackSize("", size.Text)
		if err == nil && n == 0 {
			n = max(line.PackSize, 1)
		}
		if err == nil && stock.CountsInPacks(prod) && n != 1 {
			err = fmt.Errorf("%w: %s", stock.ErrPackSize,
				i18n.T("this product is counted in packs; set its unit (tablet, capsule, mL…) and usual pack size first"))
		}
		if err != nil {
			errText.SetText(stockErrText(err))
			errText.Show()
			preview.SetText("")
			return 0, false
		}
		errText.Hide()
		return n, true
	}
	update := func() {
		n, ok := read()
		if !ok {
			return
		}
		if n == line.PackSize {
			preview.SetText(i18n.T("On hand: %s.", bothText(line.OnHand, prod.Unit, n)))
			return
		}
		nb, err := stock.ConvertBalance(line.OnHand, max(line.PackSize, 1), n)
		if err != nil {
			errText.SetText(stockErrText(err))
			errText.Show()
			preview.SetText("")
			return
		}
		preview.SetText(i18n.T("Saving converts this lot's stock: %s → %s. The change shows on the stock card; Ctrl+Z undoes it.",
			bothText(line.OnHand, prod.Unit, line.PackSize), bothText(nb, prod.Unit, n)))
	}
	size.OnChanged = func(string) { update() }
	var dlg dialog.Dialog
	busy := false
	save := func() {
		n, ok := read()
		if !ok || busy {
			return
		}
		busy = true
		lineID := line.ID
		u.bg(func() func() {
			ch, err := u.d.Stock.SetLinePackSize(u.ctx, lineID, n)
			return func() {
				busy = false
				if err != nil {
					errText.SetText(stockErrText(err))
					errText.Show()
					return
				}
				dlg.Hide()
				if ch.ID != 0 {
					label := i18n.T("Pack size of %s: %s", lineTitle(&line), changeWords(&ch))
					c.s.unitChanged(label, ch, func(ctx context.Context) (stock.UnitChange, error) {
						return u.d.Stock.SetLinePackSize(ctx, lineID, n)
					})
				}
				c.reload()
				c.s.products.reloadSoon()
			}
		})
	}
	size.OnSubmitted = func(string) { save() }
	form := widget.NewForm(widget.NewFormItem(i18n.T("%s in one pack", unitPlural(prod.Unit)), size))
	saveBtn := widget.NewButtonWithIcon(i18n.T("Save the pack size (Enter)"), theme.ConfirmIcon(), save)
	saveBtn.Importance = widget.HighImportance
	cancel := widget.NewButton(i18n.T("Leave it as it is (Esc)"), func() { dlg.Hide() })
	title := i18n.T("Pack size of %s", lineTitle(&line))
	dlg = dialog.NewCustomWithoutButtons(title, container.NewVBox(form, preview, errText,
		container.NewHBox(layoutSpacer(), cancel, saveBtn)), u.win)
	dlg.Resize(fyne.NewSize(520, 0))
	update()
	u.showDialog(dlg, save, nil)
	u.win.Canvas().Focus(size)
}
