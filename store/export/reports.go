package export

import (
	"cmp"
	"fmt"
	"sort"
	"strings"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// The stock reports. Each is a Table; write it with WriteTable. Quantities are in each product's
// unit of count (the unit column); "waiting_for_review" counts receipts proposed from photos that
// nobody has confirmed yet, which on-hand figures never include.

// packHeaders are the headers of the pack columns every stock report carries beside its units:
// the lot's (or product's usual) units per pack, and the quantity as whole packs + loose units.
// (A function: the language is chosen after the package is initialised.)
func packHeaders() map[string]string {
	return map[string]string{
		"pack_size":    i18n.T("Units per pack"),
		"packs":        i18n.T("In packs"),
		"usable_packs": i18n.T("Usable in packs"),
	}
}

// packsCell is units as packs of size: "1 + 20" (1 pack and 20 loose), "2"; empty when the packs
// hold one unit (a product counted in packs: the quantity says it all).
func packsCell(units, size int64) cell {
	if size <= 1 {
		return cell{}
	}
	packs, rest := stock.Split(units, size)
	if rest == 0 {
		return textCell(fmt.Sprint(packs))
	}
	return textCell(fmt.Sprintf("%d + %d", packs, rest))
}

// hidePacks leaves the pack columns out of the PDF when no row's packs hold more than one unit
// (an inventory counted in packs prints as before); CSV, JSON and XLSX keep them.
func (t *Table) hidePacks(show bool, cols ...string) {
	if !show {
		t.NoPrint = append(t.NoPrint, cols...)
	}
}

// movementPacks is a receipt counted in packs: "2 × 30"; empty for other movements.
func movementPacks(m stock.Movement) cell {
	if m.Packs <= 0 || m.PackSize <= 1 {
		return cell{}
	}
	return textCell(fmt.Sprintf("%d × %d", m.Packs, m.PackSize))
}

func productName(p stock.Product) string {
	if strings.TrimSpace(p.Name) == "" {
		if p.GTIN != "" {
			return "(not yet named) GTIN " + p.GTIN
		}
		return "(not yet named)"
	}
	return p.Name
}

// productCell is a product's name; one not yet named says so in the reader's words on paper.
func productCell(p stock.Product) cell {
	if strings.TrimSpace(p.Name) == "" {
		say := i18n.T("(not yet named)")
		if p.GTIN != "" {
			say = i18n.T("(not yet named) GTIN %s", p.GTIN)
		}
		return sayCell(productName(p), say)
	}
	return textCell(p.Name)
}

// badgeCell is a product's or lot's warnings in words, "; "-separated: English in CSV and JSON,
// the reader's language on paper.
func badgeCell(b stock.Badges, days int) cell {
	var en, say []string
	add := func(e, s string) { en, say = append(en, e), append(say, s) }
	if b.Out {
		add("out of stock", i18n.T("out of stock"))
	}
	if b.Low {
		add("low", i18n.T("low"))
	}
	if b.Expired {
		add("expired stock", i18n.T("expired stock"))
	}
	if b.Expiring {
		add(fmt.Sprintf("expires within %d days", days), i18n.N(days, "expires within %d day", "expires within %d days"))
	}
	return sayCell(strings.Join(en, "; "), strings.Join(say, "; "))
}

// on is a report's period for one day: "On 2026-11-29" ("Au 29/11/2026").
func on(today time.Time) string { return i18n.T("On %s", i18n.Date(today)) }

func warnDays(days int) int {
	if days <= 0 {
		return stock.DefaultExpiringDays
	}
	return days
}

// StockTable is stock on hand by product: usable (expired lots do not count), expired, waiting
// for review, nearest expiry and warnings. days is the "expiring" window (0: the default, 90).
func StockTable(ps []stock.ProductStock, today time.Time, days int) Table {
	days = warnDays(days)
	t := Table{Title: i18n.T("Stock on hand by product"), Period: on(today),
		Subtitle: i18n.T("Expired lots are not usable stock. Quantities are in each product's unit."),
		Sheet:    i18n.T("Stock by product"), Totals: []string{"usable_on_hand", "expired_on_hand", "waiting_for_review"},
		Columns: []string{"product", "generic_name", "strength", "dosage_form", "gtin", "unit", "usable_on_hand",
			"expired_on_hand", "waiting_for_review", "nearest_expiry", "reorder_level", "lots", "warnings", "pack_size", "usable_packs"},
		Headers: packHeaders(),
		Widths:  []float64{26, 20, 12, 12, 16, 7, 9, 9, 9, 14, 8, 5, 30, 7, 9}}
	anyPacks := false
	for _, p := range ps {
		var reorder cell
		if p.ReorderLevel > 0 {
			reorder = numCell(p.ReorderLevel)
		}
		t.add(productCell(p.Product), textCell(p.GenericName), textCell(p.Strength), textCell(p.DosageForm),
			textCell(p.GTIN), textCell(p.Unit), numCell(p.Usable), numCell(p.ExpiredOnHand), numCell(p.Pending),
			dateCell(p.NearestExpiry), reorder, numCell(int64(p.Lots)), badgeCell(p.Badges, days),
			numCell(max(p.PackSize, 1)), packsCell(p.Usable, p.PackSize))
		anyPacks = anyPacks || p.PackSize > 1
	}
	t.hidePacks(anyPacks, "pack_size", "usable_packs")
	return t
}

// LotsTable is stock on hand by lot, each product's lots soonest expiry first.
func LotsTable(ps []stock.ProductStock, today time.Time, days int) Table {
	days = warnDays(days)
	t := Table{Title: i18n.T("Stock on hand by lot"), Period: on(today), Subtitle: i18n.T("Each product's lots, soonest expiry first."),
		Sheet: i18n.T("Stock by lot"), Totals: []string{"on_hand", "waiting_for_review"},
		Columns: []string{"product", "strength", "gtin", "lot", "expiry", "location", "on_hand", "waiting_for_review",
			"unit", "warnings", "pack_size", "packs"},
		Headers: packHeaders(),
		Widths:  []float64{28, 12, 16, 14, 14, 14, 9, 10, 8, 26, 7, 9}}
	anyPacks := false
	for _, p := range ps {
		for _, l := range p.Lines {
			b := stock.LineBadges(l, today, days)
			b.Out = false // an empty lot is not news; the product's row says out of stock
			t.add(productCell(p.Product), textCell(p.Strength), textCell(p.GTIN), textCell(l.Lot), dateCell(l.Expiry),
				textCell(l.Location), numCell(l.OnHand), numCell(l.Pending), textCell(p.Unit), badgeCell(b, days),
				numCell(max(l.PackSize, 1)), packsCell(l.OnHand, l.PackSize))
			anyPacks = anyPacks || l.PackSize > 1
		}
	}
	t.hidePacks(anyPacks, "pack_size", "packs")
	return t
}

// ExpiryTable lists lots with stock that have expired or expire within days of today, soonest
// first, with the days left (negative: expired that many days ago).
func ExpiryTable(rows []stock.LotRow, today time.Time, days int) Table {
	t := Table{Title: i18n.T("Expired and expiring stock"), Period: on(today),
		Subtitle: i18n.N(days, "Lots with stock that have expired or expire within %d day of %s.",
			"Lots with stock that have expired or expire within %d days of %s.", days, i18n.Date(today)),
		Sheet: i18n.T("Expiry"), Totals: []string{"on_hand"},
		Columns: []string{"product", "strength", "gtin", "lot", "expiry", "days_left", "on_hand", "unit", "location", "status",
			"pack_size", "packs"},
		Headers: packHeaders(),
		Widths:  []float64{28, 12, 16, 14, 14, 9, 9, 8, 14, 24, 7, 9}}
	day0, _ := time.Parse(time.DateOnly, stock.Day(today))
	anyPacks := false
	for _, r := range rows {
		exp, err := time.Parse(time.DateOnly, r.Line.Expiry)
		if err != nil {
			continue
		}
		left := int64(exp.Sub(day0).Hours() / 24)
		status := sayCell(fmt.Sprintf("expires in %d days", left), i18n.N(int(left), "expires in %d day", "expires in %d days"))
		switch {
		case r.Badges.Expired:
			status = sayCell(fmt.Sprintf("expired %d days ago: dispose", -left),
				i18n.N(int(-left), "expired %d day ago: dispose", "expired %d days ago: dispose"))
		case left == 0:
			status = sayCell("expires today", i18n.T("expires today"))
		}
		t.add(productCell(r.Product), textCell(r.Product.Strength), textCell(r.Product.GTIN), textCell(r.Line.Lot),
			dateCell(r.Line.Expiry), numCell(left), numCell(r.Line.OnHand), textCell(r.Product.Unit), textCell(r.Line.Location),
			status, numCell(max(r.Line.PackSize, 1)), packsCell(r.Line.OnHand, r.Line.PackSize))
		anyPacks = anyPacks || r.Line.PackSize > 1
	}
	t.hidePacks(anyPacks, "pack_size", "packs")
	return t
}

// The movements' and reasons' words (stock.KindWords, stock.ReasonWords) are English in CSV and
// JSON and translated on paper.

func kindCell(k stock.Kind) cell { w := stock.KindWords(k); return sayCell(w, i18n.T(w)) }

func reasonCell(r stock.Reason) cell { w := stock.ReasonWords(r); return sayCell(w, i18n.T(w)) }

// MovementsTable lists the confirmed movements of a period, oldest first. Each row carries the movement's
// global id and device, so two inventories' reports can be compared line by line.
func MovementsTable(rows []stock.MovementRow, from, to time.Time) Table {
	t := Table{Title: i18n.T("Stock movements"), Period: period(from, to),
		Subtitle: i18n.T("Confirmed movements, oldest first; a count's quantity is the difference from the books."),
		Sheet:    i18n.T("Movements"), Totals: []string{"quantity"},
		Columns: []string{"at", "product", "strength", "lot", "expiry", "serial", "movement", "reason", "quantity", "counted",
			"note", "id", "device", "unit", "packs"},
		Headers: packHeaders(),
		Widths:  []float64{19, 26, 10, 12, 14, 12, 12, 16, 8, 8, 26, 36, 36, 8, 9},
		NoPrint: []string{"id", "device"}}
	anyPacks := false
	for _, r := range rows {
		var counted cell
		if r.Counted != nil {
			counted = numCell(*r.Counted)
		}
		t.add(instantCell(r.At), productCell(r.Product), textCell(r.Product.Strength), textCell(r.Line.Lot),
			dateCell(r.Line.Expiry), textCell(r.Serial), kindCell(r.Kind), reasonCell(r.Reason), numCell(r.Quantity),
			counted, textCell(r.Note), textCell(r.UUID), textCell(r.DeviceID), textCell(cmp.Or(r.Unit, r.Product.Unit)), movementPacks(r.Movement))
		anyPacks = anyPacks || !stock.CountsInPacks(r.Product)
	}
	t.hidePacks(anyPacks, "unit", "packs")
	return t
}

// period says [from, to) in words: whole days when both are midnights.
func period(from, to time.Time) string {
	midnight := func(t time.Time) bool {
		return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
	}
	if midnight(from) && midnight(to) {
		return i18n.T("From %s to %s, both days included", i18n.Date(from), i18n.Date(to.AddDate(0, 0, -1)))
	}
	return i18n.T("From %s to %s", i18n.DateTime(from), i18n.DateTime(to))
}

// CountSheetAllShelves is the count sheet's shelf choice for "every shelf".
const CountSheetAllShelves = ""

// CountSheetTable is a printable count sheet for a shelf (CountSheetAllShelves: every shelf): the
// lots the books say have stock there, by shelf, product and soonest expiry, with what the books
// expect, and blank "counted" and "remarks" columns to write the shelf's number and why it
// differs in. The "line" column (the
// lot's number in this inventory, for a program reading the CSV back) is not printed.
func CountSheetTable(ps []stock.ProductStock, shelf string, today time.Time) Table {
	shelf = strings.TrimSpace(shelf)
	title := i18n.T("Count sheet")
	where := i18n.T("every shelf")
	if shelf != CountSheetAllShelves {
		where = shelf
		if l := strings.ToLower(shelf); !strings.HasPrefix(l, "shelf") && !strings.HasPrefix(l, i18n.T("shelf")) {
			where = i18n.T("shelf %s", shelf)
		}
		title = i18n.T("Count sheet: %s", where)
	}
	t := Table{Title: title, Period: i18n.T("On %s, %s", i18n.Date(today), where),
		Subtitle: i18n.T("Count each lot and write the number on the shelf under Counted; the books' figure is under Expected on hand. Quantities are in each product's unit."),
		Sheet:    i18n.T("Count sheet"),
		Columns: []string{"shelf", "product", "strength", "lot", "expiry", "expected_on_hand", "unit", "counted", "remarks", "line",
			"pack_size", "expected_packs"},
		Headers: map[string]string{"remarks": i18n.T("Remarks (why it differs)"), "pack_size": packHeaders()["pack_size"],
			"expected_packs": i18n.T("Expected in packs")},
		Widths:  []float64{14, 30, 12, 14, 12, 10, 9, 12, 24, 8, 7, 9},
		NoPrint: []string{"line"},
		Blank:   []string{"counted", "remarks"}}
	type item struct {
		p stock.Product
		l stock.Line
	}
	var items []item
	for _, p := range ps {
		for _, l := range p.Lines {
			if l.OnHand <= 0 || shelf != CountSheetAllShelves && !strings.EqualFold(strings.TrimSpace(l.Location), shelf) {
				continue
			}
			items = append(items, item{p.Product, l})
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.l.Location != b.l.Location {
			return strings.ToLower(a.l.Location) < strings.ToLower(b.l.Location)
		}
		if na, nb := strings.ToLower(productName(a.p)), strings.ToLower(productName(b.p)); na != nb {
			return na < nb
		}
		return a.l.Expiry < b.l.Expiry
	})
	anyPacks := false
	for _, it := range items {
		t.add(textCell(it.l.Location), productCell(it.p), textCell(it.p.Strength), textCell(it.l.Lot),
			dateCell(it.l.Expiry), numCell(it.l.OnHand), textCell(it.p.Unit), cell{}, cell{}, numCell(it.l.ID),
			numCell(max(it.l.PackSize, 1)), packsCell(it.l.OnHand, it.l.PackSize))
		anyPacks = anyPacks || it.l.PackSize > 1
	}
	t.hidePacks(anyPacks, "pack_size", "expected_packs")
	return t
}
