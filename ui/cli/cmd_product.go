package cli

import (
	"context"
	"fmt"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/stock"
)

// runProduct is `medinventory product`: a product's dispensing unit and pack sizes, their
// recorded changes, and undoing the last one.
func runProduct(c *Call, args []string) int {
	fs := c.flags("product", i18n.T(`Usage: medinventory product set GTIN-OR-NAME [--unit UNIT] [--pack-size N] [--lot LOT]
       medinventory product changes GTIN-OR-NAME
       medinventory product undo GTIN-OR-NAME

set: the product's dispensing unit (tablet, capsule, sachet, mL… or pack) and its usual pack size
(units per pack); lots at the old usual size follow it. With --lot, only that lot's pack size
(packs of one product can differ between suppliers). Stock is kept in units: each lot's balance is
converted by a recorded movement (2 packs → 60 capsules) and the change itself is recorded.
changes: the product's recorded unit changes. undo: undoes the latest change still standing.

Flags:
`))
	unit := fs.String("unit", "", i18n.T("the dispensing unit, e.g. tablet, capsule, sachet, mL, pack"))
	packSize := fs.Int64("pack-size", 0, i18n.T("units in one pack (with --lot: that lot's packs)"))
	lot := fs.String("lot", "", i18n.T("set the pack size of this lot only"))
	format := fs.String("format", "text", i18n.T("text or json"))
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	usage := func(msg string) int {
		fmt.Fprintln(c.Stderr, "medinventory product: "+msg)
		return ExitUsage
	}
	if *format != "text" && *format != "json" {
		return usage(i18n.T("--format takes text or json, not %q", *format))
	}
	if len(rest) != 2 || (rest[0] != "set" && rest[0] != "changes" && rest[0] != "undo") {
		return usage(i18n.T(`name what to do and the product, e.g. medinventory product set "Amoxicillin 500 mg" --unit capsule --pack-size 30`))
	}
	verb, ref := rest[0], rest[1]
	if verb == "set" {
		switch {
		case *unit == "" && *packSize == 0:
			return usage(i18n.T("say what to set: --unit UNIT, --pack-size N, or both"))
		case *lot != "" && (*unit != "" || *packSize == 0):
			return usage(i18n.T("with --lot, give only --pack-size N: the unit is the product's, for all its lots"))
		case *packSize < 0:
			return usage(i18n.T("--pack-size takes a whole number of units, 1 or more"))
		}
	}
	ctx := context.Background()
	o, code := c.open(ctx, "product", need{store: true})
	if o == nil {
		return code
	}
	defer o.Close()
	st := o.St
	p, err := st.FindProduct(ctx, ref)
	if err != nil {
		return c.fail(err)
	}
	var ch stock.UnitChange
	switch verb {
	case "changes":
		cs, err := st.UnitChanges(ctx, p.ID)
		if err != nil {
			return c.fail(err)
		}
		return c.writeUnitChanges(ctx, st, p, cs, *format)
	case "undo":
		cs, err := st.UnitChanges(ctx, p.ID)
		if err != nil {
			return c.fail(err)
		}
		last := standing(cs)
		if last == nil {
			return c.fail(fmt.Errorf("%s", i18n.T("%s has no unit change to undo", productName(p))))
		}
		ch, err = st.UndoUnitChange(ctx, last.ID)
		if err != nil {
			return c.fail(err)
		}
	default:
		if *lot != "" {
			l, err := lineOf(ctx, st, p, *lot)
			if err != nil {
				return c.fail(err)
			}
			ch, err = st.SetLinePackSize(ctx, l.ID, *packSize)
		} else {
			ch, err = st.SetProductUnit(ctx, p.ID, *unit, *packSize)
		}
		if err != nil {
			return c.fail(err)
		}
	}
	if p, err = st.StockProduct(ctx, p.ID); err != nil {
		return c.fail(err)
	}
	var cs []stock.UnitChange
	if ch.ID != 0 {
		cs = []stock.UnitChange{ch}
	}
	return c.writeUnitChanges(ctx, st, p, cs, *format)
}

// standing is the latest change that is neither undone nor an undo, nil when none.
func standing(cs []stock.UnitChange) *stock.UnitChange {
	for i := len(cs) - 1; i >= 0; i-- {
		if cs[i].UndoneBy == 0 && cs[i].UndoesID == 0 {
			return &cs[i]
		}
	}
	return nil
}

// ProductUnits is `product --format json`: the product's unit and usual pack size and the
// changes shown (the one just made, or all of them).
type ProductUnits struct {
	Product  string            `json:"product"`
	GTIN     string            `json:"gtin,omitempty"`
	Unit     string            `json:"unit"`
	PackSize int64             `json:"pack_size"`
	Changes  []UnitChangeShown `json:"changes"`
}

// UnitChangeShown is one recorded unit change.
type UnitChangeShown struct {
	ID          int64           `json:"id"`
	Date        string          `json:"date"`
	Lot         string          `json:"lot,omitempty"` // a lot's change; "" for the product's
	OldUnit     string          `json:"old_unit"`
	NewUnit     string          `json:"new_unit"`
	OldPackSize int64           `json:"old_pack_size"`
	NewPackSize int64           `json:"new_pack_size"`
	UndoesID    int64           `json:"undoes_id,omitempty"`
	UndoneBy    int64           `json:"undone_by,omitempty"`
	Lots        []LotConversion `json:"lots"`
}

// LotConversion is one lot's balance as a unit change converted it.
type LotConversion struct {
	Lot         string `json:"lot"`
	Expiry      string `json:"expiry"`
	OldPackSize int64  `json:"old_pack_size"`
	NewPackSize int64  `json:"new_pack_size"`
	OldOnHand   int64  `json:"old_on_hand"`
	NewOnHand   int64  `json:"new_on_hand"`
}

func (c *Call) writeUnitChanges(ctx context.Context, st *store.Store, p stock.Product, cs []stock.UnitChange, format string) int {
	lines, err := st.ProductLines(ctx, p.ID)
	if err != nil {
		return c.fail(err)
	}
	byID := map[int64]stock.Line{}
	for _, l := range lines {
		byID[l.ID] = l
	}
	lotOf := func(id int64) stock.Line {
		if l, ok := byID[id]; ok {
			return l
		}
		l, _ := st.Line(ctx, id) // a lot without stock is not among ProductLines
		return l
	}
	out := ProductUnits{Product: productName(p), GTIN: p.GTIN, Unit: p.Unit, PackSize: p.PackSize, Changes: []UnitChangeShown{}}
	for _, ch := range cs {
		s := UnitChangeShown{ID: ch.ID, Date: ch.At.Local().Format(time.DateOnly), OldUnit: ch.OldUnit, NewUnit: ch.NewUnit,
			OldPackSize: ch.OldPackSize, NewPackSize: ch.NewPackSize, UndoesID: ch.UndoesID, UndoneBy: ch.UndoneBy, Lots: []LotConversion{}}
		if ch.LineID != 0 {
			s.Lot = lotName(lotOf(ch.LineID).Lot)
		}
		for _, cl := range ch.Lines {
			l := lotOf(cl.LineID)
			s.Lots = append(s.Lots, LotConversion{Lot: l.Lot, Expiry: l.Expiry, OldPackSize: cl.OldPackSize, NewPackSize: cl.NewPackSize,
				OldOnHand: cl.OldOnHand, NewOnHand: cl.NewOnHand})
		}
		out.Changes = append(out.Changes, s)
	}
	if format == "json" {
		return c.writeJSON(out)
	}
	w := c.Stdout
	for _, s := range out.Changes {
		what := i18n.T("unit %s, packs of %d → unit %s, packs of %d", s.OldUnit, s.OldPackSize, s.NewUnit, s.NewPackSize)
		if s.Lot != "" {
			what = i18n.T("lot %s: packs of %d → packs of %d", s.Lot, s.OldPackSize, s.NewPackSize)
		}
		switch {
		case s.UndoesID != 0:
			what = i18n.T("%s (undoes change %d)", what, s.UndoesID)
		case s.UndoneBy != 0:
			what = i18n.T("%s (undone by change %d)", what, s.UndoneBy)
		}
		fmt.Fprintln(w, i18n.T("Change %d on %s: %s.", s.ID, s.Date, what))
		for _, l := range s.Lots {
			fmt.Fprintln(w, i18n.T("  lot %s (expiry %s): %s → %s", lotName(l.Lot), orDash(i18n.Day(l.Expiry)),
				stock.UnitWords(l.OldOnHand, s.OldUnit), stock.QuantityWords(l.NewOnHand, s.NewUnit, l.NewPackSize)))
		}
	}
	if len(cs) == 0 && len(out.Changes) == 0 {
		fmt.Fprintln(w, i18n.T("No unit changes."))
	}
	fmt.Fprintln(w, i18n.T("%s is counted in %s, in packs of %d.", out.Product, stock.UnitWords(2, p.Unit)[2:], p.PackSize))
	return ExitOK
}
