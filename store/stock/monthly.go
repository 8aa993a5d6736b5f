package stock

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The monthly report and requisition: per product for one month, the stock summary a district
// asks for (opening balance, received, dispensed, losses and adjustments, closing balance, days
// out of stock) and what to order, from consumption as OpenLMIS and Open mSupply compute it.

// AMCMonths is how many months the average monthly consumption looks back over (the report's
// month and the two before it).
const AMCMonths = 3

// DefaultMaxMonths is the maximum months of stock a clinic keeps when nobody set it.
const DefaultMaxMonths = 3

// MonthlyMove is one confirmed movement as the monthly report reads it.
type MonthlyMove struct {
	ProductID int64
	At        time.Time // when it happened; its day is At's calendar day in At's location
	Kind      Kind
	Expiry    string // its lot's expiry, YYYY-MM-DD ("" unknown: never expires)
	// Reverses is, for a Reversal, the kind of the movement it undoes: a reversal counts in that
	// movement's column (a reversed dispense is not consumption).
	Reverses Kind
	Quantity int64 // signed: + into stock, − out of it
	// Reason is why stock was adjusted, disposed or counted differently (for a Reversal, the
	// reason of what it undoes); NoReason for receipts and dispenses.
	Reason Reason
}

// ReasonQuantity is how much of a month's losses and adjustments one reason explains.
type ReasonQuantity struct {
	Reason   Reason
	Quantity int64 // signed
}

// LotBalance is a balance of a product's lots of one expiry (YYYY-MM-DD, "" unknown).
type LotBalance struct {
	Expiry   string
	Quantity int64
}

// Ordered is what a person decided to order for a product in a month, when it differs from (or
// confirms) the suggestion.
type Ordered struct {
	Quantity int64
	Reason   string
}

// MonthlyInput is what Monthly computes from.
type MonthlyInput struct {
	// Month is the report's month: any instant in it. Its location decides where days begin.
	Month time.Time
	// Today: days after it are not counted (the month in progress counts up to today).
	Today time.Time
	// MaxMonths is the maximum months of stock (DefaultMaxMonths when 0 or less).
	MaxMonths int
	// Products are the products that may be listed; a product is listed when it had stock or a
	// movement in the AMCMonths months that end with Month.
	Products []Product
	// Carried is each product's balance at the start of the first of those months (WindowStart),
	// by the expiry of its lots.
	Carried map[int64][]LotBalance
	// Moves are the confirmed movements from WindowStart to the end of Month, in any order.
	Moves []MonthlyMove
	// Ordered holds the quantities people set for this month, by product id.
	Ordered map[int64]Ordered
}

// MonthlyRow is one product of the monthly report.
type MonthlyRow struct {
	Product           Product
	Opening           int64 // balance at the start of the month
	Received          int64 // receipts, less reversed receipts
	Dispensed         int64 // units given out, less reversed dispenses
	LossesAdjustments int64 // signed: adjustments, disposals and count differences (and their reversals)
	// LossReasons splits LossesAdjustments by reason (lost, damaged, expired, a count's reason…),
	// in the order the reasons first appear in the month; reasons that net to 0 are left out.
	LossReasons  []ReasonQuantity
	Closing      int64 // Opening + Received − Dispensed + LossesAdjustments
	StockOutDays int   // days of the month (up to today) that ended with nothing usable on hand
	// AMC is the average monthly consumption, adjusted for days out of stock; AMCMonths the number
	// of months it averages (0: no month had stock on any day, and AMC is 0).
	AMC       float64
	AMCMonths int
	// MonthsOfStock is Closing / AMC; HasMonthsOfStock is false when AMC is 0 (it is then unknown).
	MonthsOfStock    float64
	HasMonthsOfStock bool
	MaxQuantity      float64 // AMC × maximum months of stock
	OrderQuantity    int64   // MaxQuantity − Closing rounded up to whole units, never below 0
	// Ordered is the quantity to order: a person's (OrderedSet, with Reason when it differs from
	// OrderQuantity), else OrderQuantity.
	Ordered    int64
	OrderedSet bool
	Reason     string
}

// WindowStart is the first day of the AMC window of month: the first day of the month
// AMCMonths−1 months before it, at midnight in month's location.
func WindowStart(month time.Time) time.Time {
	return MonthStart(month).AddDate(0, -(AMCMonths - 1), 0)
}

// MonthStart is the first instant of t's month in t's location.
func MonthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
}

// NeedsReason says whether an ordered quantity that differs from the suggestion lacks its reason.
func NeedsReason(suggested, ordered int64, reason string) bool {
	return ordered != suggested && reason == ""
}

// Monthly computes the monthly report, one row per listed product in the order of in.Products.
//
// How days and months are counted. A movement's day is the calendar day of its At. A month's
// days are its calendar days (28 to 31); for the month in progress only the days up to and
// including Today count, and a month that begins after Today counts no days. A day is a
// stock-out day when the product's usable balance at the end of that day is 0 or less: its
// confirmed units in lots not expired on that day (IsExpired: a lot is usable through its expiry
// date), as the product view's "out of stock" says. The balances in the report (opening, closing)
// count every unit, expired lots included, as the ledger does.
//
// AMC. Each of the AMCMonths months ending with in.Month gives its consumption C (its dispensed
// units, never below 0) adjusted for days out of stock as OpenLMIS and Open mSupply do,
// C·(30·M)/(30·M − X), here with the month's own counted days D in place of 30·M (M = 1; the
// same formula on a month scaled to 30 days): C·D/(D − X), X its stock-out days. A month that
// counted no days, or that was out of stock on every counted day (X = D: there was nothing to
// consume, so it says nothing about demand, and the formula would divide by zero), is left out
// of the average; AMC is the mean of the adjusted consumption of the months left, and 0 when
// none is left (AMCMonths is then 0 and months of stock unknown).
func Monthly(in MonthlyInput) []MonthlyRow {
	maxMonths := in.MaxMonths
	if maxMonths <= 0 {
		maxMonths = DefaultMaxMonths
	}
	start := WindowStart(in.Month)
	loc := start.Location()
	// The window's days: day index → (month index, day counted?).
	var monthStarts [AMCMonths + 1]int // day index where each month begins; the last is the end
	var monthDays [AMCMonths]int       // counted days of each month
	today := dayOf(in.Today, loc)
	idx := 0
	for m := 0; m < AMCMonths; m++ {
		ms := start.AddDate(0, m, 0)
		n := ms.AddDate(0, 1, 0).Sub(ms).Hours()
		days := int(math.Round(n / 24))
		monthStarts[m] = idx
		for d := 0; d < days; d++ {
			if !ms.AddDate(0, 0, d).After(today) {
				monthDays[m]++
			}
		}
		idx += days
	}
	monthStarts[AMCMonths] = idx
	totalDays := idx
	dayNames := make([]string, totalDays) // YYYY-MM-DD of each day, for the expiry rule
	for d := range dayNames {
		dayNames[d] = Day(start.AddDate(0, 0, d))
	}

	byProduct := map[int64][]MonthlyMove{}
	for _, mv := range in.Moves {
		byProduct[mv.ProductID] = append(byProduct[mv.ProductID], mv)
	}
	out := make([]MonthlyRow, 0, len(in.Products))
	var exps []string  // the expiries of the product's lots
	var nets [][]int64 // each expiry's net change per day
	var bals []int64   // each expiry's balance
	var dispensedIn [AMCMonths]int64
	last := AMCMonths - 1
	for _, p := range in.Products {
		moves := byProduct[p.ID]
		carried := in.Carried[p.ID]
		if len(moves) == 0 && !anyStock(carried) {
			continue
		}
		exps, bals = exps[:0], bals[:0]
		group := func(e string) int {
			for i, x := range exps {
				if x == e {
					return i
				}
			}
			exps, bals = append(exps, e), append(bals, 0)
			if len(nets) < len(exps) {
				nets = append(nets, make([]int64, totalDays))
			}
			clear(nets[len(exps)-1])
			return len(exps) - 1
		}
		for _, c := range carried {
			bals[group(c.Expiry)] += c.Quantity
		}
		dispensedIn = [AMCMonths]int64{}
		r := MonthlyRow{Product: p}
		for _, mv := range moves {
			d := dayIndex(start, mv.At.In(loc))
			if d < 0 || d >= totalDays {
				continue // outside the window: the store should not have passed it
			}
			nets[group(mv.Expiry)][d] += mv.Quantity
			m := monthOfDay(monthStarts[:], d)
			kind := mv.Kind
			if kind == Reversal {
				kind = mv.Reverses
			}
			switch kind {
			case Dispense:
				dispensedIn[m] -= mv.Quantity
			}
			if m != last {
				continue
			}
			switch kind {
			case Receive:
				r.Received += mv.Quantity
			case Dispense:
				r.Dispensed -= mv.Quantity
			default:
				r.LossesAdjustments += mv.Quantity
				r.LossReasons = addReason(r.LossReasons, mv.Reason, mv.Quantity)
			}
		}
		// Walk the days: balances, stock-out days per month.
		var outDays [AMCMonths]int
		var bal int64
		for _, b := range bals {
			bal += b
		}
		for m := 0; m < AMCMonths; m++ {
			if m == last {
				r.Opening = bal
			}
			for d := monthStarts[m]; d < monthStarts[m+1]; d++ {
				var usable int64
				bal = 0
				for g, e := range exps {
					bals[g] += nets[g][d]
					bal += bals[g]
					if e == "" || e >= dayNames[d] {
						usable += bals[g]
					}
				}
				if d-monthStarts[m] < monthDays[m] && usable <= 0 {
					outDays[m]++
				}
			}
		}
		r.Closing = bal
		r.StockOutDays = outDays[last]
		var sum float64
		for m := 0; m < AMCMonths; m++ {
			D, X := monthDays[m], outDays[m]
			if D == 0 || X >= D {
				continue
			}
			c := float64(max(dispensedIn[m], 0))
			sum += c * float64(D) / float64(D-X)
			r.AMCMonths++
		}
		if r.AMCMonths > 0 {
			r.AMC = sum / float64(r.AMCMonths)
		}
		if r.AMC > 0 {
			r.MonthsOfStock = float64(r.Closing) / r.AMC
			r.HasMonthsOfStock = true
		}
		r.MaxQuantity = r.AMC * float64(maxMonths)
		r.OrderQuantity = wholeUp(r.MaxQuantity - float64(r.Closing))
		r.Ordered = r.OrderQuantity
		if o, ok := in.Ordered[p.ID]; ok {
			r.Ordered, r.OrderedSet, r.Reason = o.Quantity, true, o.Reason
		}
		out = append(out, r)
	}
	return out
}

// anyStock says whether a carried balance holds anything.
func anyStock(bs []LotBalance) bool {
	for _, b := range bs {
		if b.Quantity != 0 {
			return true
		}
	}
	return false
}

// wholeUp rounds x up to whole units, never below 0; a float's last-bit error (30·3 computed as
// 90.00000000001) does not add a unit.
func wholeUp(x float64) int64 {
	if x <= 0 {
		return 0
	}
	return int64(math.Ceil(x - 1e-9))
}

// dayOf is t's calendar day at midnight in loc.
func dayOf(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// dayIndex is the number of calendar days from start (a midnight) to t's day.
func dayIndex(start, t time.Time) int {
	y, m, d := t.Date()
	day := time.Date(y, m, d, 12, 0, 0, 0, start.Location()) // noon: daylight saving changes do not shift it
	if day.Before(start) {
		return -1
	}
	return int(day.Sub(start).Hours() / 24)
}

// monthOfDay is the month index of day index d.
func monthOfDay(starts []int, d int) int {
	return sort.Search(AMCMonths, func(m int) bool { return starts[m+1] > d })
}

// Decimal writes a report's decimal figure (AMC, months of stock, maximum quantity) as people
// read it: rounded to one decimal, without a trailing ".0" (30, 38.8, 0.3).
func Decimal(x float64) string {
	return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64)
}

// addReason adds q to reason r's share in rs (a share that reaches 0 is removed).
func addReason(rs []ReasonQuantity, r Reason, q int64) []ReasonQuantity {
	for i := range rs {
		if rs[i].Reason == r {
			rs[i].Quantity += q
			if rs[i].Quantity == 0 {
				return append(rs[:i], rs[i+1:]...)
			}
			return rs
		}
	}
	if q == 0 {
		return rs
	}
	return append(rs, ReasonQuantity{r, q})
}

// LossReasonWords is a month's losses and adjustments by reason in words: "lost -4, expired -10".
func LossReasonWords(rs []ReasonQuantity) string {
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteString(", ")
		}
		w := ReasonWords(r.Reason)
		if r.Reason == NoReason {
			w = "no reason given"
		}
		fmt.Fprintf(&b, "%s %+d", w, r.Quantity)
	}
	return b.String()
}
