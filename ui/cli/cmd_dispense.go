package cli

import (
	"context"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/stock"
)

// runDispense is `medinventory dispense`: units given out, first expiry first out without --lot.
func runDispense(c *Call, args []string) int {
	fs := c.flags("dispense", i18n.T(`Usage: medinventory dispense GTIN-OR-NAME QUANTITY [--lot LOT] [--date DATE] [--note TEXT]

Records QUANTITY units given out of the product named by its GTIN or its name, today or on --date.
Without --lot they are taken first expiry first out over its usable lots; expired lots are never
dispensed. It is refused, and nothing is recorded, when there is not that much on hand.

Flags:
`))
	f := addStockFlags(fs, "the lot to take them from (default: first expiry first out)")
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	ref, q, code := c.stockArgs("dispense", rest, f)
	if code != ExitOK {
		return code
	}
	return c.changeStock("dispense", ref, f, func(ctx context.Context, st *store.Store, p stock.Product) ([]stock.Movement, error) {
		if *f.lot == "" {
			n, err := q.units(p.PackSize) // the product's usual pack
			if err != nil {
				return nil, err
			}
			return st.DispenseProduct(ctx, p.ID, n, *f.note)
		}
		l, err := lineOf(ctx, st, p, *f.lot)
		if err != nil {
			return nil, err
		}
		n, err := q.units(l.PackSize)
		if err != nil {
			return nil, err
		}
		m, err := st.Dispense(ctx, l.ID, n, *f.note)
		return []stock.Movement{m}, err
	})
}
