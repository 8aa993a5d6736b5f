package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/export"
	"medinventory/store/outfile"
	"medinventory/store/settings"
	"medinventory/store/stock"
)

// runExport is `medinventory export`: the inventory, or with --report a stock report.
func runExport(c *Call, args []string) int {
	stdout, stderr := c.Stdout, c.Stderr
	fs := c.flags("export", i18n.T(`Usage: medinventory export --format csv|xlsx|json [-o FILE]
       medinventory export --report stock|lots|expiry|movements|count-sheet --format csv|xlsx|json|pdf [-o FILE]

Writes every entry of the inventory (deleted ones excepted) with its product fields, lot, expiry,
quantity, status, where each value came from, and the photo's file name. Without -o it writes to
the screen (standard output). With --report it writes a stock report instead: stock on hand by
product or by lot, expired and expiring lots, the movements of a period, or a count sheet for a
shelf (--shelf; the lots with stock there, what the books expect, and a blank column to write
the count in); PDF is for printing.

Flags:
`))
	format := fs.String("format", "csv", i18n.T("csv (for Excel and other spreadsheets), xlsx or json"))
	outPath := fs.String("o", "", i18n.T("file to write (default: standard output)"))
	rf := addReportFlags(fs)
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if *rf.report != "" && len(rest) == 0 {
		return c.exportReport(rf, *format, *outPath)
	}
	f, err := export.ParseFormat(*format)
	if err != nil {
		PlainError(stderr, err)
		return ExitUsage
	}
	if len(rest) > 0 {
		fmt.Fprint(stderr, i18n.T("medinventory export: unexpected %q; use -o FILE to name the output file\n", rest[0]))
		return ExitUsage
	}
	ctx := context.Background()
	o, code := c.open(ctx, "export", need{store: true, readOK: true, check: func(s *Session) int {
		return refuseInsideDataDir(stderr, s.Dir, *outPath, "inventory."+*format)
	}})
	if o == nil {
		return code
	}
	defer o.Close()
	entries, err := o.St.ListEntries(ctx, store.Filter{SortByName: true})
	if err != nil {
		return c.fail(err)
	}
	if *outPath == "" && f == export.Format("xlsx") && IsTerminal(stdout) {
		fmt.Fprintln(stderr, i18n.T("medinventory export: an XLSX file cannot be shown on the screen; add -o inventory.xlsx"))
		return ExitUsage
	}
	if !writeOutput(*outPath, stdout, stderr, func(w io.Writer) error { return export.Write(w, f, entries) }) {
		return ExitFailed
	}
	if *outPath == "" {
		return ExitOK
	}
	fmt.Fprint(stderr, i18n.T("Wrote %d entries to %s\n", len(entries), *outPath))
	return ExitOK
}

// refuseInsideDataDir says why export will not write outPath and returns ExitUsage when outPath
// is inside the data dir (see outfile.Inside); example names a file elsewhere, e.g. "inventory.csv".
func refuseInsideDataDir(stderr io.Writer, dataDir, outPath, example string) int {
	if outPath == "" || !outfile.Inside(dataDir, outPath) {
		return ExitOK
	}
	fmt.Fprint(stderr, i18n.T("medinventory export: will not write %s: it is inside the inventory's data folder %s, where a file could replace the inventory itself. Choose a file elsewhere, for example: -o %s\n",
		outPath, dataDir, filepath.Join(homeOr("."), example)))
	return ExitUsage
}

// writeOutput hands write the command's output: standard output (buffered) when outPath is "",
// else outPath, replaced whole or not at all (writeAtomically). A failure is reported on stderr.
func writeOutput(outPath string, stdout, stderr io.Writer, write func(io.Writer) error) bool {
	if outPath != "" {
		if err := outfile.WriteExport(outPath, write); err != nil {
			PlainError(stderr, err)
			return false
		}
		return true
	}
	bw := bufio.NewWriter(stdout)
	err := write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		PlainError(stderr, err)
		return false
	}
	return true
}

// reportFlags are the export command's flags for the stock reports.
type reportFlags struct {
	report   *string
	days     *int
	from, to *string
	shelf    *string
}

func addReportFlags(fs *flag.FlagSet) reportFlags {
	return reportFlags{
		report: fs.String("report", "", i18n.T("a stock report instead of the entries: stock (by product), lots (by lot), expiry, movements or count-sheet; also --format pdf")),
		days:   fs.Int("days", stock.DefaultExpiringDays, i18n.T("--report expiry: lots expiring within this many days (and those expired)")),
		from:   fs.String("from", "", i18n.T("--report movements: first day, YYYY-MM-DD (default: 30 days ago)")),
		to:     fs.String("to", "", i18n.T("--report movements: last day, YYYY-MM-DD (default: today)")),
		shelf:  fs.String("shelf", "", i18n.T("--report count-sheet: the shelf to count (default: every shelf)")),
	}
}

// exportReport writes one of the stock reports.
func (c *Call) exportReport(rf reportFlags, format, outPath string) int {
	stdout, stderr := c.Stdout, c.Stderr
	f, err := export.ParseReportFormat(format)
	if err != nil {
		PlainError(stderr, err)
		return ExitUsage
	}
	if outPath == "" && (f == export.XLSX || f == export.PDF) && IsTerminal(stdout) {
		fmt.Fprint(stderr, i18n.T("medinventory export: a %s file cannot be shown on the screen; add -o report%s\n", strings.ToUpper(string(f)), f.Ext()))
		return ExitUsage
	}
	if *rf.days < 0 {
		fmt.Fprintln(stderr, i18n.T("medinventory export: --days takes a number of days, 0 or more"))
		return ExitUsage
	}
	ctx := context.Background()
	o, code := c.open(ctx, "export", need{store: true, readOK: true})
	if o == nil {
		return code
	}
	defer o.Close()
	if code := refuseInsideDataDir(stderr, o.Sess.Dir, outPath, "report"+f.Ext()); code != ExitOK {
		return code
	}
	st := o.St
	now := st.Now()
	var t export.Table
	switch *rf.report {
	case "stock", "lots":
		ps, err := st.StockOnHand(ctx, store.ProductFilter{})
		if err != nil {
			return c.fail(err)
		}
		t = export.StockTable(ps, now, 0)
		if *rf.report == "lots" {
			t = export.LotsTable(ps, now, 0)
		}
	case "expiry":
		rows, err := st.ExpiryReport(ctx, now, *rf.days)
		if err != nil {
			return c.fail(err)
		}
		t = export.ExpiryTable(rows, now, *rf.days)
	case "movements":
		from, to, err := reportPeriod(*rf.from, *rf.to, now)
		if err != nil {
			fmt.Fprintln(stderr, "medinventory export: "+err.Error())
			return ExitUsage
		}
		rows, err := st.MovementsBetween(ctx, from, to)
		if err != nil {
			return c.fail(err)
		}
		t = export.MovementsTable(rows, from, to)
	case "count-sheet":
		ps, err := st.StockOnHand(ctx, store.ProductFilter{Today: now})
		if err != nil {
			return c.fail(err)
		}
		t = export.CountSheetTable(ps, *rf.shelf, now)
		if t.Len() == 0 && strings.TrimSpace(*rf.shelf) != "" {
			fmt.Fprint(stderr, i18n.T("medinventory export: no lot with stock is on shelf %q; check the name (medinventory stock lists the lots and their shelves), or leave out --shelf for every shelf\n", *rf.shelf))
			return ExitFailed
		}
	default:
		fmt.Fprint(stderr, i18n.T("medinventory export: %q is not a report: choose stock, lots, expiry, movements or count-sheet\n", *rf.report))
		return ExitUsage
	}
	t.Clinic = ClinicOf(settings.Load(o.Sess.Dir)) // on every page of the PDF and XLSX
	if !writeOutput(outPath, stdout, stderr, func(w io.Writer) error { return export.WriteTable(w, f, t) }) {
		return ExitFailed
	}
	if outPath == "" {
		return ExitOK
	}
	fmt.Fprint(stderr, i18n.T("Wrote %s (%d rows) to %s\n", strings.ToLower(t.Title), t.Len(), outPath))
	return ExitOK
}

// reportPeriod reads --from/--to (whole days, local time; --to included) into [from, to).
func reportPeriod(fromS, toS string, now time.Time) (time.Time, time.Time, error) {
	day := func(s string, def time.Time) (time.Time, error) {
		if s == "" {
			return time.Date(def.Year(), def.Month(), def.Day(), 0, 0, 0, 0, now.Location()), nil
		}
		d, err := time.ParseInLocation(time.DateOnly, s, now.Location())
		if err != nil {
			return d, i18n.Errorf("%q is not a date: write it as YYYY-MM-DD, e.g. 2026-11-01", s)
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
		return from, to, errors.New(i18n.T("--to must be the same day as --from or later"))
	}
	return from, to, nil
}
