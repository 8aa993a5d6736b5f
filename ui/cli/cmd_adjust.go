package cli

import (
	"context"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/stock"
)

// runAdjust is `medinventory adjust`: a correction of a lot's stock, with its reason.
func runAdjust(c *Call, args []string) int {
	fs := c.flags("adjust", i18n.T(`Usage: medinventory adjust GTIN-OR-NAME CHANGE --reason REASON [--lot LOT] [--date DATE] [--note TEXT]

Corrects a lot's stock by CHANGE units (-2 takes two away, +3 adds three) with its reason:
count_correction (either way), damaged or lost (takes away), returned (adds back). Without --lot
the product's only lot with stock is meant. Stock never goes below 0.

Flags:
`))
	f := addStockFlags(fs, "the lot to correct (default: the product's only lot with stock)")
	reason := fs.String("reason", "", i18n.T("count_correction, damaged, lost or returned"))
	rest, code, ok := parseArgs(fs, numbersLast(args))
	if !ok {
		return code
	}
	ref, q, code := c.stockArgs("adjust", rest, f)
	if code != ExitOK {
		return code
	}
	r, err := reasonOf("an adjustment", *reason, stock.AdjustReasons)
	if err != nil {
		return c.usageError("adjust", err)
	}
	return c.changeStock("adjust", ref, f, func(ctx context.Context, st *store.Store, p stock.Product) ([]stock.Movement, error) {
		l, err := lineOf(ctx, st, p, *f.lot)
		if err != nil {
			return nil, err
		}
		n, err := q.units(l.PackSize)
		if err != nil {
			return nil, err
		}
		m, err := st.Adjust(ctx, l.ID, n, r, *f.note)
		return []stock.Movement{m}, err
	})
}
