package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// Packs and the units given out (issue 27). The ledger keeps units (tablets, capsules, mL); a lot
// has a pack size (units per pack) and a product a usual one. The window shows both — units first,
// "50 capsules · 1 pack + 20" — reads either ("10" in units, "2 packs", or any number with the
// packs switch on: Ctrl+U) and says what a movement will do before it is recorded. The rules
// (splitting, reading a typed quantity) are store/stock's; these only put them in words.

// scPacks is Ctrl+U: the packs/units switch of the form shown.
var scPacks = &desktop.CustomShortcut{KeyName: fyne.KeyU, Modifier: fyne.KeyModifierShortcutDefault}

// packSwitchText is the switch's label, with its key.
func packSwitchText() string { return i18n.T("Type in packs (Ctrl+U)") }

// newPackSwitch is the packs/units switch: off, a typed number is units; on, packs.
func newPackSwitch(changed func(bool)) *widget.Check {
	c := widget.NewCheck(packSwitchText(), changed)
	c.Hide() // shown for a product whose packs hold more than one unit
	return c
}

// lotPackSize is the number of units in one pack of a lot: its own pack size, else its product's
// usual one, else 1.
func lotPackSize(l *stock.Line, p *stock.Product) int64 {
	if stock.CountsInPacks(*p) {
		return 1
	}
	if l != nil && l.PackSize >= 1 {
		return l.PackSize
	}
	return productPackSize(p)
}

// productPackSize is a product's usual pack size (1 when none).
func productPackSize(p *stock.Product) int64 {
	if stock.CountsInPacks(*p) {
		return 1
	}
	return max(p.PackSize, 1)
}

// parseUnits reads a quantity typed in units ("10") or packs ("2 packs", "1 pack + 5", or "2"
// with inPacks) as units (stock.ParseQuantity); a leading sign is kept.
func parseUnits(text string, size int64, inPacks bool) (int64, error) {
	return stock.ParseQuantity(text, size, inPacks)
}

// packsText is "1 pack", "2 packs".
func packsText(n int64) string { return i18n.N(int(n), "%d pack", "%d packs", n) }

// hasPacks reports whether quantities of a unit and pack size are worth showing in packs too.
func hasPacks(size int64) bool { return size > 1 }

// packPart is a number of units in packs: "2 packs", "1 pack + 20", or "" when less than a pack.
func packPart(n, size int64) string {
	if n < 0 {
		n = -n
	}
	packs, rest := stock.Split(n, size)
	switch {
	case packs == 0:
		return ""
	case rest == 0:
		return packsText(packs)
	}
	return packsText(packs) + " + " + strconv.FormatInt(rest, 10)
}

// bothText is a balance in units and in packs: "50 capsules · 1 pack + 20" (units alone when a
// pack holds one unit or it is less than a pack).
func bothText(n int64, unit string, size int64) string {
	u := units(n, unit)
	if !hasPacks(size) {
		return u
	}
	if p := packPart(n, size); p != "" {
		return u + " · " + p
	}
	return u
}

// amountText is a quantity moved, in units with the packs beside: "60 capsules (2 packs)".
func amountText(n int64, unit string, size int64) string {
	if n < 0 {
		n = -n
	}
	u := units(n, unit)
	if !hasPacks(size) {
		return u
	}
	if p := packPart(n, size); p != "" {
		return u + " (" + p + ")"
	}
	return u
}

// conversionText is "2 packs × 30 capsules = 60 capsules".
func conversionText(packs, size int64, unit string) string {
	return packsText(packs) + " × " + units(size, unit) + " = " + units(packs*size, unit)
}

// packSizeFromText says where a receipt's pack size came from.
func packSizeFromText(from string) string {
	switch from {
	case "model":
		return i18n.T("pack size read on the pack")
	case "barcode":
		return i18n.T("pack size from the barcode")
	case "product":
		return i18n.T("the usual pack size of this product")
	case "person":
		return i18n.T("pack size typed by a person")
	}
	return ""
}

// moveAmountText says what a movement of n units (signed: below 0 takes stock out) will do, before
// it is recorded: "Gives out 60 capsules (2 packs)".
func moveAmountText(k stock.Kind, n int64, unit string, size int64) string {
	a := amountText(n, unit, size)
	switch {
	case k == stock.Dispense:
		return i18n.T("Gives out %s.", a)
	case k == stock.Dispose:
		return i18n.T("Destroys %s.", a)
	case n < 0:
		return i18n.T("Takes %s off this lot.", a)
	}
	return i18n.T("Adds %s to this lot.", a)
}

// trimSign splits a typed quantity's leading sign ("+", "-" or "−") from the rest.
func trimSign(text string) (sign, rest string) {
	t := strings.TrimSpace(strings.ReplaceAll(text, "−", "-"))
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
		return t[:1], strings.TrimSpace(t[1:])
	}
	return "", t
}

// packsKey is Ctrl+U: the packs/units switch of the form or the count shown.
func (u *UI) packsKey() {
	if u.tabs == nil || !u.stockShown() {
		return
	}
	s := u.stock
	var c *widget.Check
	switch s.current() {
	case s.product.root:
		c = s.product.form.inPacks
	case s.card.root:
		c = s.card.form.inPacks
	case s.count.root:
		c = s.count.inPacks
	}
	if c != nil && c.Visible() {
		c.SetChecked(!c.Checked)
	}
}
