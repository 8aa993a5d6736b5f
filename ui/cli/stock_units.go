package cli

// How the stock commands speak of a product counted in a dispensing unit (capsules, mL…) rather
// than in packs: every quantity in units, with packs beside it ("50 capsules (1 pack + 20)").

import (
	"fmt"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// reportUnits prints a stock change of a product not counted in packs.
func (c *Call) reportUnits(ch StockChange) int {
	// A product made by this command is counted in packs (report prints it): none is new here.
	for _, m := range ch.Movements {
		fmt.Fprintln(c.Stdout, i18n.T("%s, lot %s (expiry %s), on %s: %s now in this lot.", movementUnitWords(m, ch.Unit), lotName(m.Lot),
			orDash(i18n.Day(m.Expiry)), i18n.Day(m.Date), stock.QuantityWords(m.LotOnHand, ch.Unit, m.LotPackSize)))
	}
	fmt.Fprintln(c.Stdout, i18n.T("%s: %s usable on hand.", ch.Product, stock.QuantityWords(ch.UsableOnHand, ch.Unit, ch.PackSize)))
	return ExitOK
}

// movementUnitWords says what a movement did, in units: "Received 60 capsules (2 packs × 30)",
// "Dispensed 10 capsules", "Adjusted by -2 capsules (lost)"…
func movementUnitWords(m MovementDone, unit string) string {
	why := ""
	if m.Reason != "" {
		why = " (" + i18n.T(stock.ReasonWords(stock.Reason(m.Reason))) + ")"
	}
	n := func(v int64) string { return stock.UnitWords(v, unit) }
	switch stock.Kind(m.Kind) {
	case stock.Receive:
		if m.Packs > 0 && m.PackSize > 1 {
			return i18n.N(int(min(m.Packs, 1<<30)), "Received %[2]s (%[1]d pack × %[3]d)", "Received %[2]s (%[1]d packs × %[3]d)", m.Packs, n(m.Quantity), m.PackSize)
		}
		return i18n.T("Received %s", n(m.Quantity))
	case stock.Dispense:
		return i18n.T("Dispensed %s", n(-m.Quantity))
	case stock.Dispose:
		return i18n.T("Disposed of %s%s", n(-m.Quantity), why)
	case stock.Count:
		if m.Counted != nil {
			if why != "" {
				why = ", " + why[2:len(why)-1]
			}
			return i18n.T("Counted %s (a difference of %+d%s)", n(*m.Counted), m.Quantity, why)
		}
	}
	by := n(m.Quantity)
	if m.Quantity > 0 {
		by = "+" + by
	}
	return i18n.T("Adjusted by %s%s", by, why)
}
