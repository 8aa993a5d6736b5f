package cli

import (
	"context"
	"errors"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/stock"
)

// runCount is `medinventory count`: what was counted on the shelf for one lot.
func runCount(c *Call, args []string) int {
	fs := c.flags("count", i18n.T(`Usage: medinventory count GTIN-OR-NAME COUNTED [--reason REASON] [--lot LOT] [--date DATE] [--note TEXT]

Records a stock count of one lot: COUNTED is what is on the shelf; the difference from the books
becomes the movement (0 when they agree, so the stock card shows when the lot was last counted).
A count that differs from the books needs --reason, why it differs: count_correction (either
way), damaged or lost (fewer counted), returned (more counted). It is kept on the movement and
shown on the stock card and in the movements report. Without --lot the product's only lot with
stock is meant.

Flags:
`))
	f := addStockFlags(fs, "the lot counted (default: the product's only lot with stock)")
	reason := fs.String("reason", "", i18n.T("why the count differs from the books: count_correction, damaged, lost or returned"))
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	ref, q, code := c.stockArgs("count", rest, f)
	if code != ExitOK {
		return code
	}
	var r stock.Reason
	if *reason != "" {
		var err error
		if r, err = reasonOf("a count", *reason, stock.AdjustReasons); err != nil {
			return c.usageError("count", err)
		}
	}
	return c.changeStock("count", ref, f, func(ctx context.Context, st *store.Store, p stock.Product) ([]stock.Movement, error) {
		l, err := lineOf(ctx, st, p, *f.lot)
		if err != nil {
			return nil, err
		}
		n, err := q.units(l.PackSize)
		if err != nil {
			return nil, err
		}
		ms, err := st.Count(ctx, []stock.CountInput{{LineID: l.ID, Counted: n, Reason: r}}, *f.note)
		if errors.Is(err, stock.ErrReason) && r == stock.NoReason {
			return nil, i18n.Errorf("%d counted, %d in the books: say why they differ with --reason count_correction, damaged, lost or returned", n, l.OnHand)
		}
		return ms, err
	})
}
