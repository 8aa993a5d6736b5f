package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"medinventory/assets/i18n"
	"medinventory/store/export"
	"medinventory/store/settings"
	"medinventory/store/stock"
)

// runReport is `medinventory report monthly`: the monthly report and requisition.
func runReport(c *Call, args []string) int {
	stdout, stderr := c.Stdout, c.Stderr
	fs := c.flags("report", i18n.T(`Usage: medinventory report monthly [--month YYYY-MM] [--format table|csv|xlsx|json|pdf] [-o FILE]

The monthly report and requisition, per product: opening balance, received, dispensed, losses and
adjustments, closing balance, days out of stock, the average monthly consumption (AMC: the month
and the two before it, each adjusted for its days out of stock), months of stock (closing / AMC),
the maximum quantity (AMC × the maximum months of stock: medinventory settings set
stock.max_months N; default 3), the suggested order (maximum − closing, rounded up, never below 0)
and the quantity ordered, with its reason when it differs. Without -o it writes to the screen.

Flags:
`))
	monthS := fs.String("month", "", i18n.T("the month, YYYY-MM (default: last month)"))
	format := fs.String("format", "table", i18n.T("table (for reading), csv, xlsx, json or pdf (for printing)"))
	outPath := fs.String("o", "", i18n.T("file to write (default: standard output)"))
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(rest) != 1 || rest[0] != "monthly" {
		fmt.Fprintln(stderr, i18n.T("medinventory report: say which report: medinventory report monthly --month YYYY-MM"))
		return ExitUsage
	}
	var f export.Format
	if *format != "table" {
		var err error
		if f, err = export.ParseReportFormat(*format); err != nil {
			fmt.Fprint(stderr, i18n.T("medinventory report: %q is not a format: choose table, csv, xlsx, json or pdf\n", *format))
			return ExitUsage
		}
		if *outPath == "" && (f == export.XLSX || f == export.PDF) && IsTerminal(stdout) {
			fmt.Fprint(stderr, i18n.T("medinventory report: a %s file cannot be shown on the screen; add -o monthly%s\n", strings.ToUpper(string(f)), f.Ext()))
			return ExitUsage
		}
	}
	ctx := context.Background()
	o, code := c.open(ctx, "report", need{store: true, readOK: true, check: func(s *Session) int {
		return refuseInsideDataDir(stderr, s.Dir, *outPath, "monthly."+*format)
	}})
	if o == nil {
		return code
	}
	defer o.Close()
	now := o.St.Now().Local()
	month, err := parseMonth(*monthS, now)
	if err != nil {
		fmt.Fprintln(stderr, "medinventory report: "+err.Error())
		return ExitUsage
	}
	app := settings.Load(o.Sess.Dir)
	maxMonths := app.MaxMonthsOrDefault()
	rows, err := o.St.MonthlyReport(ctx, month, maxMonths)
	if err != nil {
		return c.fail(err)
	}
	write := func(w io.Writer) error {
		switch {
		case *format == "table":
			return writeMonthlyText(w, rows, month, clinicLine(app), maxMonths)
		case f == export.JSON:
			return writeMonthlyJSON(w, rows)
		default:
			return export.WriteTable(w, f, export.MonthlyTable(rows, month, ClinicOf(app), maxMonths))
		}
	}
	if !writeOutput(*outPath, stdout, stderr, write) {
		return ExitFailed
	}
	if *outPath != "" {
		fmt.Fprint(stderr, i18n.T("Wrote the monthly report of %s (%d products) to %s\n", month.Format("January 2006"), len(rows), *outPath))
	}
	return ExitOK
}

// parseMonth reads --month (YYYY-MM, local time); "" is the month before now's. A month that has
// not begun is refused.
func parseMonth(s string, now time.Time) (time.Time, error) {
	this := stock.MonthStart(now)
	if s == "" {
		return this.AddDate(0, -1, 0), nil
	}
	m, err := time.ParseInLocation("2006-01", strings.TrimSpace(s), now.Location())
	if err != nil {
		return m, i18n.Errorf("%q is not a month: write it as YYYY-MM, e.g. %s", s, this.AddDate(0, -1, 0).Format("2006-01"))
	}
	if m.After(this) {
		return m, i18n.Errorf("%s has not begun yet: choose %s or an earlier month", m.Format("January 2006"), this.Format("2006-01"))
	}
	return m, nil
}

// ClinicOf is the clinic of the settings, as the reports print it.
func ClinicOf(a settings.App) export.Clinic {
	return export.Clinic{Name: a.ClinicName, Code: a.ClinicCode, District: a.ClinicDistrict, PreparedBy: a.PreparedBy}
}

// clinicLine is the clinic as the reports name it: "Name (code), district. Prepared by P", or "".
func clinicLine(a settings.App) string {
	s := a.ClinicName
	if a.ClinicCode != "" {
		s += " (" + a.ClinicCode + ")"
	}
	if a.ClinicDistrict != "" {
		s += ", " + a.ClinicDistrict
	}
	s = strings.TrimPrefix(strings.TrimSpace(s), ", ")
	if a.PreparedBy != "" {
		if s != "" {
			s += ". "
		}
		s += i18n.T("Prepared by %s", a.PreparedBy)
	}
	return s
}

// MonthlyProduct is one product of `report monthly --format json`.
type MonthlyProduct struct {
	ProductID         int64  `json:"product_id"`
	Product           string `json:"product"`
	GTIN              string `json:"gtin"`
	Unit              string `json:"unit"`
	OpeningBalance    int64  `json:"opening_balance"`
	Received          int64  `json:"received"`
	Dispensed         int64  `json:"dispensed"`
	LossesAdjustments int64  `json:"losses_adjustments"`
	// LossReasons splits losses_adjustments by reason (the stock.Reason keys: lost, damaged, …).
	LossReasons    map[string]int64 `json:"losses_adjustments_by_reason"`
	ClosingBalance int64            `json:"closing_balance"`
	StockOutDays   int              `json:"stock_out_days"`
	AMC            float64          `json:"amc"`
	MonthsOfStock  *float64         `json:"months_of_stock"` // null: no consumption to divide by
	MaxQuantity    float64          `json:"max_quantity"`
	OrderQuantity  int64            `json:"order_quantity"`
	Ordered        int64            `json:"ordered"`
	Reason         string           `json:"reason"`
	PackSize       int64            `json:"pack_size"`     // the product's usual units per pack
	OrderedPacks   int64            `json:"ordered_packs"` // Ordered in whole packs, rounded up
}

// round2 keeps two decimals: enough for a consumption figure, and 30 stays 30.
func round2(x float64) float64 { return math.Round(x*100) / 100 }

func writeMonthlyJSON(w io.Writer, rows []stock.MonthlyRow) error {
	out := make([]MonthlyProduct, 0, len(rows))
	for _, r := range rows {
		j := MonthlyProduct{ProductID: r.Product.ID, Product: r.Product.Name, GTIN: r.Product.GTIN, Unit: r.Product.Unit,
			OpeningBalance: r.Opening, Received: r.Received, Dispensed: r.Dispensed, LossesAdjustments: r.LossesAdjustments,
			ClosingBalance: r.Closing, StockOutDays: r.StockOutDays, AMC: round2(r.AMC), MaxQuantity: round2(r.MaxQuantity),
			OrderQuantity: r.OrderQuantity, Ordered: r.Ordered, Reason: r.Reason, LossReasons: map[string]int64{},
			PackSize: max(r.Product.PackSize, 1), OrderedPacks: stock.PacksToOrder(r.Ordered, r.Product.PackSize)}
		for _, lr := range r.LossReasons {
			j.LossReasons[string(lr.Reason)] += lr.Quantity
		}
		if r.HasMonthsOfStock {
			m := round2(r.MonthsOfStock)
			j.MonthsOfStock = &m
		}
		out = append(out, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func writeMonthlyText(w io.Writer, rows []stock.MonthlyRow, month time.Time, clinic string, maxMonths int) error {
	title := i18n.T("Monthly report and requisition, %s", i18n.Month(month))
	if clinic != "" {
		title = clinic + "\n" + title
	}
	fmt.Fprint(w, i18n.T("%s (maximum %d months of stock)\n\n", title, maxMonths))
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, i18n.T("No product had stock or a movement in this month or the two before it."))
		return err
	}
	names := make([]string, len(rows))
	head := i18n.T("PRODUCT")
	width := utf8.RuneCountInString(head)
	for i, r := range rows {
		name := r.Product.Name
		if name == "" {
			name = i18n.T("(not yet named) GTIN %s", r.Product.GTIN)
		}
		names[i] = clip(name, 40)
		width = max(width, utf8.RuneCountInString(names[i]))
	}
	// Numbers right-aligned; the names padded so that they read from the left.
	left := func(s string) string { return s + strings.Repeat(" ", width-utf8.RuneCountInString(s)) }
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, left(head)+i18n.T("\tOPENING\tRECEIVED\tDISPENSED\tLOSSES/ADJ\tCLOSING\tDAYS OUT\tAMC\tMONTHS\tMAX\tORDER\tORDERED\t"))
	for i, r := range rows {
		mos := "-"
		if r.HasMonthsOfStock {
			mos = i18n.Decimal(r.MonthsOfStock, 1)
		}
		ordered := fmt.Sprint(r.Ordered)
		if r.Reason != "" {
			ordered += " (" + r.Reason + ")"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%d\t%s\t\n", left(names[i]), r.Opening, r.Received, r.Dispensed,
			r.LossesAdjustments, r.Closing, r.StockOutDays, i18n.Decimal(r.AMC, 1), mos, i18n.Decimal(r.MaxQuantity, 1), r.OrderQuantity, ordered)
	}
	return tw.Flush()
}
