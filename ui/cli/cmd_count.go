package cli

import (
	"context"

	"medinventory/store"
	"medinventory/store/stock"
)

// runCount is `medinventory count`: what was counted on the shelf for one lot.
func runCount(c *Call, args []string) int {
	fs := c.flags("count", `Usage: medinventory count GTIN-OR-NAME COUNTED [--lot LOT] [--date DATE] [--note TEXT]

Records a stock count of one lot: COUNTED is what is on the shelf; the difference from the books
becomes the movement (0 when they agree, so the stock card shows when the lot was last counted).
Without --lot the product's only lot with stock is meant.

Flags:
`)
	f := addStockFlags(fs, "the lot counted (default: the product's only lot with stock)")
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	ref, n, code := c.stockArgs("count", rest, f)
	if code != ExitOK {
		return code
	}
	return c.changeStock("count", ref, f, func(ctx context.Context, st *store.Store, p stock.Product) ([]stock.Movement, error) {
		l, err := lineOf(ctx, st, p, *f.lot)
		if err != nil {
			return nil, err
		}
		return st.Count(ctx, []stock.CountInput{{LineID: l.ID, Counted: n}}, *f.note)
	})
}
