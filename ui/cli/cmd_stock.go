package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/export"
	"medinventory/store/stock"
)

// runStock is `medinventory stock`: what is on the shelf.
func runStock(c *Call, args []string) int {
	stdout, stderr := c.Stdout, c.Stderr
	fs := c.flags("stock", i18n.T(`Usage: medinventory stock [--format table|csv|json] [--low] [--out] [--expired] [--expiring DAYS] [SEARCH]

Prints what is on the shelf: each product with its usable stock (expired lots do not count), the
receipts from photos still waiting for review, and each lot with its expiry and stock on hand,
soonest expiry first. SEARCH keeps the products whose name, strength, maker, GTIN or lot contains it.

Flags:
`))
	format := fs.String("format", "table", i18n.T("table (for reading), csv (one row per lot) or json (products with their lots)"))
	low := fs.Bool("low", false, i18n.T("only products below their reorder level or out of stock"))
	out := fs.Bool("out", false, i18n.T("only products with nothing usable on hand"))
	expired := fs.Bool("expired", false, i18n.T("only products with expired stock"))
	expiring := fs.Int("expiring", 0, i18n.T("only products with a lot expiring within this many days or already expired"))
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if *format != "table" && *format != "csv" && *format != "json" {
		fmt.Fprint(stderr, i18n.T("medinventory stock: %q is not a format: choose table, csv or json\n", *format))
		return ExitUsage
	}
	if *expiring < 0 {
		fmt.Fprintln(stderr, i18n.T("medinventory stock: --expiring takes a number of days, 0 or more"))
		return ExitUsage
	}
	ctx := context.Background()
	o, code := c.open(ctx, "stock", need{store: true, readOK: true})
	if o == nil {
		return code
	}
	defer o.Close()
	st := o.St
	f := store.ProductFilter{Search: strings.Join(rest, " "), Low: *low, Out: *out, Expired: *expired, ExpiringDays: *expiring, ExpiredToo: true}
	ps, err := st.StockOnHand(ctx, f)
	if err != nil {
		return c.fail(err)
	}
	today := st.Now()
	bw := bufio.NewWriter(stdout)
	switch *format {
	case "json":
		err = writeStockJSON(bw, ps, today)
	case "csv":
		err = export.WriteTable(bw, export.CSV, export.LotsTable(ps, today, 0))
	default:
		err = writeStockText(bw, ps, today)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return c.fail(err)
	}
	return ExitOK
}

// StockProduct is the JSON form of `stock`: products with their lots.
type StockProduct struct {
	ID               int64      `json:"id"`
	UUID             string     `json:"uuid"`
	Name             string     `json:"name"`
	GenericName      string     `json:"generic_name"`
	Strength         string     `json:"strength"`
	DosageForm       string     `json:"dosage_form"`
	GTIN             string     `json:"gtin"`
	Unit             string     `json:"unit"`      // the dispensing unit every quantity counts
	PackSize         int64      `json:"pack_size"` // the product's usual units per pack
	ReorderLevel     int64      `json:"reorder_level"`
	UsableOnHand     int64      `json:"usable_on_hand"`
	ExpiredOnHand    int64      `json:"expired_on_hand"`
	WaitingForReview int64      `json:"waiting_for_review"`
	NearestExpiry    string     `json:"nearest_expiry"`
	Low              bool       `json:"low"`
	OutOfStock       bool       `json:"out_of_stock"`
	Expiring         bool       `json:"expiring"`
	Expired          bool       `json:"expired"`
	Lots             []StockLot `json:"lots"`
}

// StockLot is one lot of a StockProduct.
type StockLot struct {
	ID               int64  `json:"id"`
	UUID             string `json:"uuid"`
	Lot              string `json:"lot"`
	Expiry           string `json:"expiry"`
	Location         string `json:"location"`
	OnHand           int64  `json:"on_hand"` // in units
	WaitingForReview int64  `json:"waiting_for_review"`
	ReceiptsWaiting  int    `json:"receipts_waiting"`
	Expired          bool   `json:"expired"`
	Unit             string `json:"unit"`
	PackSize         int64  `json:"pack_size"` // this lot's units per pack
	Packs            int64  `json:"packs"`     // on hand as whole packs…
	Loose            int64  `json:"loose"`     // …and the units left over
}

func writeStockJSON(w io.Writer, ps []stock.ProductStock, today time.Time) error {
	out := make([]StockProduct, 0, len(ps))
	for _, p := range ps {
		j := StockProduct{ID: p.ID, UUID: p.UUID, Name: p.Name, GenericName: p.GenericName, Strength: p.Strength,
			DosageForm: p.DosageForm, GTIN: p.GTIN, Unit: p.Unit, PackSize: p.PackSize, ReorderLevel: p.ReorderLevel, UsableOnHand: p.Usable,
			ExpiredOnHand: p.ExpiredOnHand, WaitingForReview: p.Pending, NearestExpiry: p.NearestExpiry,
			Low: p.Badges.Low, OutOfStock: p.Badges.Out, Expiring: p.Badges.Expiring, Expired: p.Badges.Expired,
			Lots: []StockLot{}}
		for _, l := range p.Lines {
			packs, loose := stock.Split(l.OnHand, l.PackSize)
			j.Lots = append(j.Lots, StockLot{ID: l.ID, UUID: l.UUID, Lot: l.Lot, Expiry: l.Expiry, Location: l.Location,
				OnHand: l.OnHand, WaitingForReview: l.Pending, ReceiptsWaiting: l.PendingReceipts,
				Expired: stock.IsExpired(l.Expiry, today), Unit: p.Unit, PackSize: l.PackSize, Packs: packs, Loose: loose})
		}
		out = append(out, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func writeStockText(w io.Writer, ps []stock.ProductStock, today time.Time) error {
	if len(ps) == 0 {
		_, err := fmt.Fprintln(w, i18n.T("No products to list."))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, i18n.T("PRODUCT\tLOT\tEXPIRY\tON HAND\tWAITING\tWARNINGS"))
	for _, p := range ps {
		name := p.Name
		if name == "" {
			name = "(not yet named) " + p.GTIN
		}
		if p.Strength != "" {
			name += " " + p.Strength
		}
		usable := fmt.Sprintf("%d %s", p.Usable, p.Unit)
		if !stock.CountsInPacks(p.Product) {
			usable = stock.QuantityWords(p.Usable, p.Unit, p.PackSize) // "50 capsules (1 pack + 20)"
		}
		fmt.Fprintf(tw, "%s\t\t%s\t%s\t%s\t%s\n", clip(name, 40), i18n.Day(p.NearestExpiry), usable,
			waiting(p.Pending), warnings(p.Badges))
		for _, l := range p.Lines {
			lot := l.Lot
			if lot == "" {
				lot = "(no lot)"
			}
			if l.Location != "" {
				lot += " @ " + l.Location
			}
			var warn string
			if stock.IsExpired(l.Expiry, today) && l.OnHand > 0 {
				warn = "expired"
			}
			onHand := fmt.Sprint(l.OnHand)
			if !stock.CountsInPacks(p.Product) {
				onHand = stock.QuantityWords(l.OnHand, p.Unit, l.PackSize)
			}
			fmt.Fprintf(tw, "\t%s\t%s\t%s\t%s\t%s\n", clip(lot, 30), i18n.Day(l.Expiry), onHand, waiting(l.Pending), warn)
		}
	}
	return tw.Flush()
}

func waiting(n int64) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d", n)
}

func warnings(b stock.Badges) string {
	var w []string
	for _, x := range []struct {
		on   bool
		word string
	}{{b.Out, "out of stock"}, {b.Low, "low"}, {b.Expired, "expired stock"}, {b.Expiring, "expiring"}} {
		if x.on {
			w = append(w, x.word)
		}
	}
	return strings.Join(w, ", ")
}
