package main

// The stock command and the stock reports of the export command.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"medinventory/store"
	"medinventory/store/export"
	"medinventory/store/stock"
)

func cmdStock(g *globalFlags, args []string, stdout, stderr io.Writer) int {
	fs := subFlags("stock", g, stderr, `Usage: medinventory stock [--format table|csv|json] [--low] [--out] [--expired] [--expiring DAYS] [SEARCH]

Prints what is on the shelf: each product with its usable stock (expired lots do not count), the
receipts from photos still waiting for review, and each lot with its expiry and stock on hand,
soonest expiry first. SEARCH keeps the products whose name, strength, maker, GTIN or lot contains it.

Flags:
`)
	format := fs.String("format", "table", "table (for reading), csv (one row per lot) or json (products with their lots)")
	low := fs.Bool("low", false, "only products below their reorder level")
	out := fs.Bool("out", false, "only products with nothing usable on hand")
	expired := fs.Bool("expired", false, "only products with expired stock")
	expiring := fs.Int("expiring", 0, "only products with a lot expiring within this many days or already expired")
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if *format != "table" && *format != "csv" && *format != "json" {
		fmt.Fprintf(stderr, "medinventory stock: %q is not a format: choose table, csv or json\n", *format)
		return exitUsage
	}
	if *expiring < 0 {
		fmt.Fprintln(stderr, "medinventory stock: --expiring takes a number of days, 0 or more")
		return exitUsage
	}
	st, _, done, code := openStockStore(g, stderr, "stock")
	if st == nil {
		return code
	}
	defer done()
	ctx := context.Background()
	f := store.ProductFilter{Search: strings.Join(rest, " "), Low: *low, Out: *out, Expired: *expired, ExpiringDays: *expiring, ExpiredToo: true}
	ps, err := st.StockOnHand(ctx, f)
	if err != nil {
		plainError(stderr, err)
		return exitFailed
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
		plainError(stderr, err)
		return exitFailed
	}
	return exitOK
}

// openStockStore opens the session and the store for a command that only reads (a read-only data
// folder will do); done closes both. On failure it has said why and returns the exit code.
func openStockStore(g *globalFlags, stderr io.Writer, component string) (*store.Store, *session, func(), int) {
	sess, err := openSession(g, stderr, component)
	if err != nil {
		plainError(stderr, err)
		return nil, nil, nil, exitFailed
	}
	st, err := openStore(context.Background(), sess, true)
	if err != nil {
		sess.Close()
		plainError(stderr, err)
		return nil, nil, nil, exitFailed
	}
	return st, sess, func() { st.Close(); sess.Close() }, exitOK
}

// stockJSON is the JSON form of `stock`: products with their lots.
type stockJSON struct {
	ID               int64     `json:"id"`
	UUID             string    `json:"uuid"`
	Name             string    `json:"name"`
	GenericName      string    `json:"generic_name"`
	Strength         string    `json:"strength"`
	DosageForm       string    `json:"dosage_form"`
	GTIN             string    `json:"gtin"`
	Unit             string    `json:"unit"`
	ReorderLevel     int64     `json:"reorder_level"`
	UsableOnHand     int64     `json:"usable_on_hand"`
	ExpiredOnHand    int64     `json:"expired_on_hand"`
	WaitingForReview int64     `json:"waiting_for_review"`
	NearestExpiry    string    `json:"nearest_expiry"`
	Low              bool      `json:"low"`
	OutOfStock       bool      `json:"out_of_stock"`
	Expiring         bool      `json:"expiring"`
	Expired          bool      `json:"expired"`
	Lots             []lotJSON `json:"lots"`
}

type lotJSON struct {
	ID               int64  `json:"id"`
	UUID             string `json:"uuid"`
	Lot              string `json:"lot"`
	Expiry           string `json:"expiry"`
	Location         string `json:"location"`
	OnHand           int64  `json:"on_hand"`
	WaitingForReview int64  `json:"waiting_for_review"`
	ReceiptsWaiting  int    `json:"receipts_waiting"`
	Expired          bool   `json:"expired"`
}

func writeStockJSON(w io.Writer, ps []stock.ProductStock, today time.Time) error {
	out := make([]stockJSON, 0, len(ps))
	for _, p := range ps {
		j := stockJSON{ID: p.ID, UUID: p.UUID, Name: p.Name, GenericName: p.GenericName, Strength: p.Strength,
			DosageForm: p.DosageForm, GTIN: p.GTIN, Unit: p.Unit, ReorderLevel: p.ReorderLevel, UsableOnHand: p.Usable,
			ExpiredOnHand: p.ExpiredOnHand, WaitingForReview: p.Pending, NearestExpiry: p.NearestExpiry,
			Low: p.Badges.Low, OutOfStock: p.Badges.Out, Expiring: p.Badges.Expiring, Expired: p.Badges.Expired,
			Lots: []lotJSON{}}
		for _, l := range p.Lines {
			j.Lots = append(j.Lots, lotJSON{ID: l.ID, UUID: l.UUID, Lot: l.Lot, Expiry: l.Expiry, Location: l.Location,
				OnHand: l.OnHand, WaitingForReview: l.Pending, ReceiptsWaiting: l.PendingReceipts,
				Expired: stock.IsExpired(l.Expiry, today)})
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
		_, err := fmt.Fprintln(w, "No products to list.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PRODUCT\tLOT\tEXPIRY\tON HAND\tWAITING\tWARNINGS")
	for _, p := range ps {
		name := p.Name
		if name == "" {
			name = "(not yet named) " + p.GTIN
		}
		if p.Strength != "" {
			name += " " + p.Strength
		}
		fmt.Fprintf(tw, "%s\t\t%s\t%d %s\t%s\t%s\n", clip(name, 40), p.NearestExpiry, p.Usable, p.Unit,
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
			fmt.Fprintf(tw, "\t%s\t%s\t%d\t%s\t%s\n", clip(lot, 30), l.Expiry, l.OnHand, waiting(l.Pending), warn)
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

// reportFlags are the export command's flags for the stock reports.
type reportFlags struct {
	report   *string
	days     *int
	from, to *string
}

func addReportFlags(fs *flag.FlagSet) reportFlags {
	return reportFlags{
		report: fs.String("report", "", "a stock report instead of the entries: stock (by product), lots (by lot), expiry or movements; also --format pdf"),
		days:   fs.Int("days", stock.DefaultExpiringDays, "--report expiry: lots expiring within this many days (and those expired)"),
		from:   fs.String("from", "", "--report movements: first day, YYYY-MM-DD (default: 30 days ago)"),
		to:     fs.String("to", "", "--report movements: last day, YYYY-MM-DD (default: today)"),
	}
}

// exportReport writes one of the stock reports.
func (rf reportFlags) exportReport(g *globalFlags, format, outPath string, stdout, stderr io.Writer) int {
	f, err := export.ParseReportFormat(format)
	if err != nil {
		plainError(stderr, err)
		return exitUsage
	}
	if outPath == "" && (f == export.XLSX || f == export.PDF) && isTerminal(stdout) {
		fmt.Fprintf(stderr, "medinventory export: a %s file cannot be shown on the screen; add -o report%s\n", strings.ToUpper(string(f)), f.Ext())
		return exitUsage
	}
	if *rf.days < 0 {
		fmt.Fprintln(stderr, "medinventory export: --days takes a number of days, 0 or more")
		return exitUsage
	}
	st, sess, done, code := openStockStore(g, stderr, "export")
	if st == nil {
		return code
	}
	defer done()
	if refuseInsideDataDir(stderr, sess.dir, outPath, "report"+f.Ext()) {
		return exitUsage
	}
	ctx := context.Background()
	now := st.Now()
	var t export.Table
	switch *rf.report {
	case "stock", "lots":
		ps, err := st.StockOnHand(ctx, store.ProductFilter{})
		if err != nil {
			plainError(stderr, err)
			return exitFailed
		}
		t = export.StockTable(ps, now, 0)
		if *rf.report == "lots" {
			t = export.LotsTable(ps, now, 0)
		}
	case "expiry":
		rows, err := st.ExpiryReport(ctx, now, *rf.days)
		if err != nil {
			plainError(stderr, err)
			return exitFailed
		}
		t = export.ExpiryTable(rows, now, *rf.days)
	case "movements":
		from, to, err := reportPeriod(*rf.from, *rf.to, now)
		if err != nil {
			fmt.Fprintln(stderr, "medinventory export: "+err.Error())
			return exitUsage
		}
		rows, err := st.MovementsBetween(ctx, from, to)
		if err != nil {
			plainError(stderr, err)
			return exitFailed
		}
		t = export.MovementsTable(rows, from, to)
	default:
		fmt.Fprintf(stderr, "medinventory export: %q is not a report: choose stock, lots, expiry or movements\n", *rf.report)
		return exitUsage
	}
	if !writeOutput(outPath, stdout, stderr, func(w io.Writer) error { return export.WriteTable(w, f, t) }) {
		return exitFailed
	}
	if outPath == "" {
		return exitOK
	}
	fmt.Fprintf(stderr, "Wrote %s (%d rows) to %s\n", strings.ToLower(t.Title), t.Len(), outPath)
	return exitOK
}

// reportPeriod reads --from/--to (whole days, local time; --to included) into [from, to).
func reportPeriod(fromS, toS string, now time.Time) (time.Time, time.Time, error) {
	day := func(s string, def time.Time) (time.Time, error) {
		if s == "" {
			return time.Date(def.Year(), def.Month(), def.Day(), 0, 0, 0, 0, now.Location()), nil
		}
		d, err := time.ParseInLocation(time.DateOnly, s, now.Location())
		if err != nil {
			return d, fmt.Errorf("%q is not a date: write it as YYYY-MM-DD, e.g. 2026-11-01", s)
		}
		return d, nil
	}
	from, err := day(fromS, now.AddDate(0, 0, -30))
	if err != nil {
		return from, from, err
	}
	to, err := day(toS, now)
	if err != nil {
		return from, to, err
	}
	to = to.AddDate(0, 0, 1)
	if !to.After(from) {
		return from, to, errors.New("--to must be the same day as --from or later")
	}
	return from, to, nil
}
