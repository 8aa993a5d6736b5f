package cli

// What the commands that change stock share (receive, dispense, adjust, dispose, count): their
// flags, the day a movement happened (--date), the product and lot a person names, and how the
// change is printed.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"regexp"
	"strings"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/stock"
)

// stockFlags are the flags every stock-changing command takes.
type stockFlags struct {
	format, date, note, lot *string
	packs                   *bool
}

func addStockFlags(fs *flag.FlagSet, lotHelp string) stockFlags {
	return stockFlags{
		format: fs.String("format", "text", i18n.T("text or json")),
		date:   fs.String("date", "", i18n.T("the day it happened, YYYY-MM-DD, today or earlier (default: today): for a paper register typed in later")),
		note:   fs.String("note", "", i18n.T("a note kept with the movement")),
		lot:    fs.String("lot", "", lotHelp),
		packs:  fs.Bool("packs", false, i18n.T("the number counts whole packs (of the lot's pack size); \"2 packs\" and \"1 pack + 5\" work without it")),
	}
}

// qty is the quantity a person typed: whole packs and loose units (stock.ParsePacks), in units
// once the pack size of the lot (or of the product's usual pack) is known.
type qty struct{ packs, loose int64 }

func (q qty) units(packSize int64) (int64, error) {
	return stock.PacksToUnits(q.packs, q.loose, packSize)
}

// signedNumber is a number a person may write with a minus sign ("-5", "-1 pack"), which the
// flag parser would otherwise take for a flag.
var signedNumber = regexp.MustCompile(`^[-+][0-9]`)

// numbersLast moves signed numbers to the end, after "--", so that `adjust X -5 --reason lost`
// reads -5 as the number, not as a flag.
func numbersLast(args []string) []string {
	var rest, nums []string
	for i, a := range args {
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		if signedNumber.MatchString(a) {
			nums = append(nums, a)
		} else {
			rest = append(rest, a)
		}
	}
	if len(nums) == 0 {
		return rest
	}
	if len(rest) > 0 && contains(rest, "--") {
		return append(rest, nums...)
	}
	return append(append(rest, "--"), nums...)
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// stockArgs reads the positional arguments PRODUCT NUMBER of a stock command, and checks
// --format. On failure it has said why and returns ExitUsage.
func (c *Call) stockArgs(name string, rest []string, f stockFlags) (ref string, q qty, code int) {
	if *f.format != "text" && *f.format != "json" {
		fmt.Fprint(c.Stderr, i18n.T("medinventory %s: --format must be text or json, not %q\n", name, *f.format))
		return "", q, ExitUsage
	}
	if len(rest) == 3 && signedNumber.MatchString(rest[2]) && !signedNumber.MatchString(rest[1]) {
		rest = []string{rest[0], rest[2] + " " + rest[1]} // "-1 pack" written as two words, moved last
	} else if len(rest) == 3 {
		rest = []string{rest[0], rest[1] + " " + rest[2]} // "2 packs" written as two words
	}
	if len(rest) != 2 {
		fmt.Fprint(c.Stderr, i18n.T("medinventory %s: name the product (its GTIN or its name, in quotes if it has spaces) and a number. Example: medinventory %s \"Amoxicillin 500 mg\" 10\n", name, name))
		return "", q, ExitUsage
	}
	var err error
	if q.packs, q.loose, err = stock.ParsePacks(rest[1], *f.packs); err != nil {
		fmt.Fprint(c.Stderr, i18n.T("medinventory %s: %v\n", name, err))
		return "", q, ExitUsage
	}
	return rest[0], q, ExitOK
}

// dated returns ctx carrying the day of --date (store.AtDate), or ctx itself for today or no
// --date. A day after today is refused: a movement is recorded on the day it happened.
func dated(ctx context.Context, date string, now time.Time) (context.Context, error) {
	if strings.TrimSpace(date) == "" {
		return ctx, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(date), now.Location())
	if err != nil {
		return ctx, i18n.Errorf("--date %q is not a date: write it as YYYY-MM-DD, e.g. %s", date, now.AddDate(0, 0, -1).Format(time.DateOnly))
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	switch {
	case d.After(today):
		return ctx, i18n.Errorf("--date %s is in the future (today is %s): stock is recorded on the day it moved, today or earlier", d.Format(time.DateOnly), today.Format(time.DateOnly))
	case d.Equal(today):
		return ctx, nil
	}
	return store.AtDate(ctx, d.Add(12*time.Hour)), nil // midday: the same day in any report
}

// lineOf finds the lot of product p that lot names; with no lot, the product's only lot with
// stock (or its only lot). It says which lots there are when it cannot choose.
func lineOf(ctx context.Context, st *store.Store, p stock.Product, lot string) (stock.Line, error) {
	lines, err := st.ProductLines(ctx, p.ID)
	if err != nil {
		return stock.Line{}, err
	}
	var match []stock.Line
	for _, l := range lines {
		if lot != "" && stock.LotKey(l.Lot) == stock.LotKey(lot) || lot == "" && l.OnHand > 0 {
			match = append(match, l)
		}
	}
	if lot == "" && len(match) == 0 && len(lines) == 1 {
		match = lines
	}
	if len(match) == 1 {
		return match[0], nil
	}
	var lots []string
	for _, l := range lines {
		lots = append(lots, i18n.T("%s (expiry %s, %d on hand)", lotName(l.Lot), orDash(i18n.Day(l.Expiry)), l.OnHand))
	}
	name := productName(p)
	switch {
	case len(lines) == 0:
		return stock.Line{}, i18n.Errorf("%s has no lots yet: record a delivery first with medinventory receive", name)
	case lot != "" && len(match) == 0:
		return stock.Line{}, i18n.Errorf("%s has no lot %q; its lots: %s", name, lot, strings.Join(lots, "; "))
	case lot != "":
		return stock.Line{}, i18n.Errorf("%s has several lines of lot %q (different expiry or shelf): %s; correct them in the window", name, lot, strings.Join(lots, "; "))
	}
	return stock.Line{}, i18n.Errorf("%s has several lots: name one with --lot. Its lots: %s", name, strings.Join(lots, "; "))
}

func lotName(lot string) string {
	if lot == "" {
		return "(no lot)"
	}
	return lot
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// productName is a product as people read it: name and strength, else its GTIN.
func productName(p stock.Product) string {
	n := strings.TrimSpace(p.Name + " " + p.Strength)
	if n == "" {
		n = "GTIN " + p.GTIN
	}
	return n
}

// StockChange is what a stock command did, as --format json prints it.
type StockChange struct {
	Product        string         `json:"product"`
	GTIN           string         `json:"gtin,omitempty"`
	ProductCreated bool           `json:"product_created,omitempty"`
	Movements      []MovementDone `json:"movements"`
	UsableOnHand   int64          `json:"usable_on_hand"` // the product's, after the change
	Unit           string         `json:"unit"`           // what the quantities count ("pack", "capsule"…)
	PackSize       int64          `json:"pack_size"`      // the product's usual units per pack
}

// MovementDone is one movement a stock command recorded.
type MovementDone struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`
	Reason    string `json:"reason,omitempty"`
	Quantity  int64  `json:"quantity"` // signed: + into stock, − out of it
	Counted   *int64 `json:"counted,omitempty"`
	Lot       string `json:"lot"`
	Expiry    string `json:"expiry"`
	Date      string `json:"date"` // the day it happened, YYYY-MM-DD
	LotOnHand int64  `json:"lot_on_hand"`
	Note      string `json:"note,omitempty"`
	// LotPackSize is the lot's units per pack; Packs and PackSize what a receipt counted in packs.
	LotPackSize int64 `json:"lot_pack_size"`
	Packs       int64 `json:"packs,omitempty"`
	PackSize    int64 `json:"pack_size,omitempty"`
}

// report prints what the movements did to product p (text or JSON) and returns the exit code.
func (c *Call) report(ctx context.Context, st *store.Store, p stock.Product, created bool, ms []stock.Movement, format string) int {
	lines, err := st.ProductLines(ctx, p.ID)
	if err != nil {
		return c.fail(err)
	}
	byID := map[int64]stock.Line{}
	today := st.Now()
	ch := StockChange{Product: productName(p), GTIN: p.GTIN, ProductCreated: created, Movements: []MovementDone{},
		Unit: p.Unit, PackSize: p.PackSize}
	for _, l := range lines {
		byID[l.ID] = l
		if !stock.IsExpired(l.Expiry, today) {
			ch.UsableOnHand += l.OnHand
		}
	}
	for _, m := range ms {
		l := byID[m.LineID]
		ch.Movements = append(ch.Movements, MovementDone{ID: m.ID, Kind: string(m.Kind), Reason: string(m.Reason), Quantity: m.Quantity,
			Counted: m.Counted, Lot: l.Lot, Expiry: l.Expiry, Date: m.At.Local().Format(time.DateOnly), LotOnHand: l.OnHand, Note: m.Note,
			LotPackSize: l.PackSize, Packs: m.Packs, PackSize: m.PackSize})
	}
	if format == "json" {
		return c.writeJSON(ch)
	}
	if !stock.CountsInPacks(p) {
		return c.reportUnits(ch)
	}
	if created {
		fmt.Fprint(c.Stdout, i18n.T("New product: %s.\n", ch.Product))
	}
	for _, m := range ch.Movements {
		fmt.Fprint(c.Stdout, i18n.T("%s, lot %s (expiry %s), on %s: %d now in this lot.\n", movementWords(m), lotName(m.Lot), orDash(i18n.Day(m.Expiry)), i18n.Day(m.Date), m.LotOnHand))
	}
	fmt.Fprint(c.Stdout, i18n.T("%s: %d usable on hand.\n", ch.Product, ch.UsableOnHand))
	return ExitOK
}

// movementWords says what a movement did: "Received 100", "Dispensed 30", "Adjusted by -2 (lost)"…
func movementWords(m MovementDone) string {
	why := ""
	if m.Reason != "" {
		why = " (" + i18n.T(stock.ReasonWords(stock.Reason(m.Reason))) + ")"
	}
	switch stock.Kind(m.Kind) {
	case stock.Receive:
		return i18n.T("Received %d", m.Quantity)
	case stock.Dispense:
		return i18n.T("Dispensed %d", -m.Quantity)
	case stock.Dispose:
		return i18n.T("Disposed of %d%s", -m.Quantity, why)
	case stock.Count:
		if m.Counted != nil {
			if why != "" {
				why = ", " + why[2:len(why)-1]
			}
			return i18n.T("Counted %d (a difference of %+d%s)", *m.Counted, m.Quantity, why)
		}
	}
	return i18n.T("Adjusted by %+d%s", m.Quantity, why)
}

// writeJSON prints v as indented JSON on standard output.
func (c *Call) writeJSON(v any) int {
	enc := json.NewEncoder(c.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return c.fail(err)
	}
	return ExitOK
}

// reasonOf reads --reason: one of allowed (the store's stock.Reason values).
func reasonOf(name, v string, allowed []stock.Reason) (stock.Reason, error) {
	var words []string
	for _, r := range allowed {
		if string(r) == strings.TrimSpace(v) {
			return r, nil
		}
		words = append(words, string(r))
	}
	if strings.TrimSpace(v) == "" {
		return "", i18n.Errorf("%s needs a reason: --reason %s", name, strings.Join(words, "|"))
	}
	return "", i18n.Errorf("%q is not a reason for %s: choose %s", v, name, strings.Join(words, ", "))
}

// usageError prints a usage mistake ("medinventory NAME: …") and returns ExitUsage.
func (c *Call) usageError(name string, err error) int {
	fmt.Fprint(c.Stderr, i18n.T("medinventory %s: %v\n", name, err))
	return ExitUsage
}

// changeStock is the body every stock-changing command shares once its flags are read: it opens
// the store for writing, dates the context (--date), finds the product, runs do (one transaction
// in the store) and prints the change.
func (c *Call) changeStock(name, ref string, f stockFlags, do func(ctx context.Context, st *store.Store, p stock.Product) ([]stock.Movement, error)) int {
	ctx := context.Background()
	o, code := c.open(ctx, name, need{store: true})
	if o == nil {
		return code
	}
	defer o.Close()
	dctx, err := dated(ctx, *f.date, o.St.Now())
	if err != nil {
		return c.usageError(name, err)
	}
	p, err := o.St.FindProduct(ctx, ref)
	if err != nil {
		return c.fail(err)
	}
	ms, err := do(dctx, o.St, p)
	if err != nil {
		return c.fail(err)
	}
	return c.report(ctx, o.St, p, false, ms, *f.format)
}
