package cli

import (
	"context"
	"fmt"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/stock"
)

// runReceive is `medinventory receive`: a delivery recorded without photos.
func runReceive(c *Call, args []string) int {
	fs := c.flags("receive", i18n.T(`Usage: medinventory receive GTIN-OR-NAME QUANTITY --lot LOT --expiry DATE [--date DATE] [--name NAME]

Records a delivery without photos: QUANTITY units of the product named by its GTIN (the number
under the barcode) or its name, in lot LOT expiring on DATE, received today or on --date. A product
not listed yet is added (a new GTIN needs --name); the lot is found or added. It counts at once.

Flags:
`))
	f := addStockFlags(fs, "the lot number printed on the packs")
	expiry := fs.String("expiry", "", i18n.T("the expiry date printed on the packs, e.g. 2027-05-31 or 05/2027"))
	name := fs.String("name", "", i18n.T("the product's name, when its GTIN is not listed yet"))
	packSize := fs.Int64("pack-size", 0, i18n.T("units in one pack of this lot (default: the lot's, or the product's usual pack); a new lot takes it"))
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	ref, q, code := c.stockArgs("receive", rest, f)
	if code != ExitOK {
		return code
	}
	if *expiry == "" {
		fmt.Fprintln(c.Stderr, i18n.T("medinventory receive: give the expiry printed on the packs with --expiry, e.g. --expiry 2027-05-31"))
		return ExitUsage
	}
	ctx := context.Background()
	o, code := c.open(ctx, "receive", need{store: true})
	if o == nil {
		return code
	}
	defer o.Close()
	dctx, err := dated(ctx, *f.date, o.St.Now())
	if err != nil {
		return c.usageError("receive", err)
	}
	m, p, created, err := o.St.ReceiveDelivery(dctx, store.Delivery{Product: ref, Name: *name, Lot: *f.lot, Expiry: *expiry, Quantity: q.loose,
		Packs: q.packs, PackSize: *packSize, Note: *f.note})
	if err != nil {
		return c.fail(err)
	}
	return c.report(ctx, o.St, p, created, []stock.Movement{m}, *f.format)
}
