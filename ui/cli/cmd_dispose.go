package cli

import (
	"context"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/stock"
)

// runDispose is `medinventory dispose`: expired or damaged units destroyed.
func runDispose(c *Call, args []string) int {
	fs := c.flags("dispose", i18n.T(`Usage: medinventory dispose GTIN-OR-NAME QUANTITY --reason expired|damaged [--lot LOT] [--date DATE] [--note TEXT]

Records QUANTITY units of a lot destroyed, because expired or damaged. Without --lot the product's
only lot with stock is meant.

Flags:
`))
	f := addStockFlags(fs, "the lot disposed of (default: the product's only lot with stock)")
	reason := fs.String("reason", "", i18n.T("expired or damaged"))
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	ref, q, code := c.stockArgs("dispose", rest, f)
	if code != ExitOK {
		return code
	}
	r, err := reasonOf("a disposal", *reason, stock.DisposeReasons)
	if err != nil {
		return c.usageError("dispose", err)
	}
	return c.changeStock("dispose", ref, f, func(ctx context.Context, st *store.Store, p stock.Product) ([]stock.Movement, error) {
		l, err := lineOf(ctx, st, p, *f.lot)
		if err != nil {
			return nil, err
		}
		n, err := q.units(l.PackSize)
		if err != nil {
			return nil, err
		}
		m, err := st.Dispose(ctx, l.ID, n, r, *f.note)
		return []stock.Movement{m}, err
	})
}
