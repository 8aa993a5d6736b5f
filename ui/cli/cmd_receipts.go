package cli

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/stock"
)

// ReceiptJSON is one receipt waiting for review, as `receipts --format json` prints it.
type ReceiptJSON struct {
	ID       int64  `json:"id"`
	Photo    string `json:"photo"`
	Product  string `json:"product"`
	GTIN     string `json:"gtin,omitempty"`
	Lot      string `json:"lot"`
	Expiry   string `json:"expiry"`
	Serial   string `json:"serial,omitempty"` // the GS1 serial (AI 21): names this one pack
	Quantity int64  `json:"quantity"`         // in the product's units
	Date     string `json:"date"`
	// Unit is what Quantity counts; Packs × PackSize = Quantity, the size read from the pack
	// ("model"), its barcode ("barcode"), the lot or product ("product") or typed ("person").
	Unit         string `json:"unit"`
	Packs        int64  `json:"packs,omitempty"`
	PackSize     int64  `json:"pack_size,omitempty"`
	PackSizeFrom string `json:"pack_size_from,omitempty"`
	// LooksLike is the photo this one looks like ("probably the same pack"), "" when none.
	LooksLike string `json:"looks_like,omitempty"`
}

// ReceiptsConfirmed is what `receipts --confirm-all --format json` prints.
type ReceiptsConfirmed struct {
	Confirmed []int64       `json:"confirmed"`
	Left      []ReceiptLeft `json:"left"`
}

// ReceiptLeft is a receipt --confirm-all left waiting, and why.
type ReceiptLeft struct {
	ID  int64  `json:"id"`
	Why string `json:"why"`
}

// runReceipts is `medinventory receipts`: the receipts from photos waiting for review, and
// --confirm-all.
func runReceipts(c *Call, args []string) int {
	fs := c.flags("receipts", i18n.T(`Usage: medinventory receipts [--format json] [--confirm-all]

Lists the receipts proposed from photos that wait for review: the photo, the product, lot, expiry
and quantity, and whether the photo looks like another one added shortly before (probably the same
pack photographed twice). With --confirm-all each is confirmed with its quantity and counts as
stock, except the ones that look like another photo, or that cannot be confirmed: those are left
for review in the window, and the command says which and why.

Exit codes: 0 done (also when some were left for review), 1 the inventory could not be read, 2 wrong usage.

Flags:
`))
	format := fs.String("format", "text", i18n.T("text or json"))
	all := fs.Bool("confirm-all", false, i18n.T("confirm every receipt that does not look like another photo"))
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if *format != "text" && *format != "json" {
		fmt.Fprint(c.Stderr, i18n.T("medinventory receipts: --format must be text or json, not %q\n", *format))
		return ExitUsage
	}
	if len(rest) > 0 {
		fmt.Fprint(c.Stderr, i18n.T("medinventory receipts: unexpected %q\n", rest[0]))
		return ExitUsage
	}
	ctx := context.Background()
	o, code := c.open(ctx, "receipts", need{store: true, readOK: !*all})
	if o == nil {
		return code
	}
	defer o.Close()
	rs, err := o.St.PendingReceipts(ctx)
	if err != nil {
		return c.fail(err)
	}
	if !*all {
		return c.listReceipts(rs, *format)
	}
	var res ReceiptsConfirmed
	res.Confirmed, res.Left = []int64{}, []ReceiptLeft{}
	for _, r := range rs {
		// A look-alike the reviewer has not decided is refused by the store (store.ErrPackDecision),
		// as in the window: it is left, never confirmed silently.
		if _, err := o.St.ConfirmReceipt(ctx, r.ID, r.Quantity); errors.Is(err, store.ErrPackDecision) {
			res.Left = append(res.Left, ReceiptLeft{r.ID, i18n.T("photo %s looks like photo %s, added shortly before: probably the same pack; review it in the window (Same pack, or confirm as a new pack)",
				clip(r.PhotoName, 80), clip(orDash(r.SimilarPhotoName), 80))})
			continue
		} else if err != nil {
			res.Left = append(res.Left, ReceiptLeft{r.ID, "it could not be confirmed: " + err.Error()})
			continue
		}
		res.Confirmed = append(res.Confirmed, r.ID)
	}
	if *format == "json" {
		return c.writeJSON(res)
	}
	fmt.Fprint(c.Stdout, i18n.T("%d receipt(s) confirmed; %d left for review.\n", len(res.Confirmed), len(res.Left)))
	for _, l := range res.Left {
		fmt.Fprint(c.Stdout, i18n.T("  receipt %d: %s\n", l.ID, l.Why))
	}
	return ExitOK
}

// listReceipts prints the receipts waiting for review.
func (c *Call) listReceipts(rs []stock.Receipt, format string) int {
	out := make([]ReceiptJSON, 0, len(rs))
	qty := map[int64]string{}
	for _, r := range rs {
		out = append(out, ReceiptJSON{ID: r.ID, Photo: r.PhotoName, Product: productName(r.Product), GTIN: r.Product.GTIN,
			Lot: r.Line.Lot, Expiry: r.Line.Expiry, Serial: r.Serial, Quantity: r.Quantity, Date: r.At.Local().Format(time.DateOnly), LooksLike: r.SimilarPhotoName,
			Unit: r.Product.Unit, Packs: r.Packs, PackSize: r.PackSize, PackSizeFrom: r.PackSizeFrom})
		qty[r.ID] = fmt.Sprint(r.Quantity)
		if !stock.CountsInPacks(r.Product) {
			qty[r.ID] = stock.ReceiptWords(r.Movement, r.Product.Unit) // "2 packs × 30 capsules = 60 capsules"
		}
	}
	if format == "json" {
		return c.writeJSON(out)
	}
	if len(out) == 0 {
		fmt.Fprintln(c.Stdout, i18n.T("No receipts wait for review."))
		return ExitOK
	}
	tw := tabwriter.NewWriter(c.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, i18n.T("ID\tPHOTO\tPRODUCT\tLOT\tEXPIRY\tSERIAL\tQUANTITY\tNOTE"))
	for _, r := range out {
		note := ""
		if r.LooksLike != "" {
			note = i18n.T("looks like %s: probably the same pack", r.LooksLike)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, clip(r.Photo, 30), clip(r.Product, 40), lotName(r.Lot), orDash(i18n.Day(r.Expiry)), orDash(clip(r.Serial, 20)), qty[r.ID], note)
	}
	tw.Flush()
	fmt.Fprint(c.Stdout, i18n.T("%d receipt(s) wait for review. Confirm them in the window, or all that look like no other photo with: medinventory receipts --confirm-all\n", len(out)))
	return ExitOK
}
