package stock

import (
	"math"
	"testing"
	"time"
)

func TestMonthly(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, s, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(10 * time.Hour)
	}
	mv := func(s string, k Kind, q int64) MonthlyMove {
		return MonthlyMove{ProductID: 1, At: day(s), Kind: k, Quantity: q}
	}
	rev := func(s string, of Kind, q int64) MonthlyMove {
		return MonthlyMove{ProductID: 1, At: day(s), Kind: Reversal, Reverses: of, Quantity: q}
	}
	type want struct {
		opening, received, dispensed, lossAdj, closing int64
		outDays                                        int
		amc                                            float64
		amcMonths                                      int
		mos                                            float64 // -1: unknown
		max                                            float64
		order, ordered                                 int64
		orderedSet                                     bool
	}
	cases := []struct {
		name      string
		month     string // YYYY-MM-DD in the month
		today     string
		maxMonths int
		carried   int64
		lots      []LotBalance // the carried balance by expiry, when it is not all of unknown expiry
		moves     []MonthlyMove
		ordered   map[int64]Ordered
		listed    bool
		w         want
	}{
		{
			name: "the issue's example: 100 on Aug 25, 30 out on the 15th of Sep, Oct and Nov", month: "2026-11-01", today: "2026-12-07",
			moves: []MonthlyMove{mv("2026-09-15", Dispense, -30), mv("2026-10-15", Dispense, -30), mv("2026-11-15", Dispense, -30)},
			// the window starts in September: Aug's receipt is the balance carried in
			carried: 100, listed: true,
			w: want{opening: 40, dispensed: 30, closing: 10, amc: 30, amcMonths: 3, mos: 10.0 / 30, max: 90, order: 80, ordered: 80},
		},
		{
			name: "stock-out days adjust the AMC: out from Oct 17 (15 of 31 days) gives 20·31/16", month: "2026-10-01", today: "2026-12-07",
			carried: 20, maxMonths: 2, listed: true,
			moves: []MonthlyMove{mv("2026-10-16", Dispense, -20)},
			// Aug, Sep: stock, nothing given out (0 each); Oct: 20 adjusted to 38.75
			w: want{opening: 20, dispensed: 20, closing: 0, outDays: 16, amc: (0 + 0 + 20.0*31/15) / 3, amcMonths: 3,
				mos: 0, max: 2 * (20.0 * 31 / 15) / 3, order: 28, ordered: 28},
		},
		{
			name: "out of stock the whole month: the month is left out of the AMC", month: "2026-11-01", today: "2026-12-07",
			carried: 60, listed: true,
			moves: []MonthlyMove{mv("2026-09-10", Dispense, -30), mv("2026-10-31", Dispense, -30)},
			// Sep: 30; Oct: 30 out, out on Oct 31 (1 of 31 days): 30·31/30 = 31; Nov left out
			w: want{opening: 0, closing: 0, outDays: 30, amc: 30.5, amcMonths: 2, mos: 0, max: 91.5, order: 92, ordered: 92},
		},
		{
			name: "out of stock all three months: no AMC, months of stock unknown, nothing suggested", month: "2026-11-01", today: "2026-12-07",
			listed: true, carried: 0,
			moves: []MonthlyMove{mv("2026-11-30", Adjust, 0)},
			w:     want{outDays: 30, mos: -1},
		},
		{
			name: "a reversed dispense is not consumption; a reversed receipt is not received", month: "2026-11-01", today: "2026-12-07",
			carried: 50, listed: true,
			moves: []MonthlyMove{mv("2026-11-02", Receive, 10), rev("2026-11-03", Receive, -10),
				mv("2026-11-05", Dispense, -20), rev("2026-11-05", Dispense, 20), mv("2026-11-06", Dispense, -5),
				mv("2026-11-07", Dispose, -3), mv("2026-11-08", Count, 1), rev("2026-11-09", Dispose, 3), mv("2026-11-10", Adjust, -2)},
			w: want{opening: 50, received: 0, dispensed: 5, lossAdj: -1, closing: 44, amc: 5.0 / 3, amcMonths: 3,
				mos: 44 / (5.0 / 3), max: 5, order: 0, ordered: 0},
		},
		{
			name: "a dispense reversed in a later month does not make that month's consumption negative", month: "2026-11-01", today: "2026-12-07",
			carried: 50, listed: true,
			moves: []MonthlyMove{mv("2026-10-05", Dispense, -30), rev("2026-11-05", Dispense, 30)},
			w:     want{opening: 20, dispensed: -30, closing: 50, amc: 10, amcMonths: 3, mos: 5, max: 30, order: 0, ordered: 0},
		},
		{
			name: "the month in progress counts its days up to today", month: "2026-12-01", today: "2026-12-07",
			carried: 10, listed: true,
			moves: []MonthlyMove{mv("2026-12-04", Dispense, -10)},
			// Dec: 7 days counted, out on the 4th to the 7th (4 days): 10·7/3
			w: want{opening: 10, dispensed: 10, closing: 0, outDays: 4, amc: (10.0 * 7 / 3) / 3, amcMonths: 3, mos: 0,
				max: 10.0 * 7 / 3, order: 24, ordered: 24},
		},
		{
			name: "a month after today counts no days", month: "2027-02-01", today: "2026-12-07",
			carried: 10, listed: true,
			w: want{opening: 10, closing: 10, amc: 0, amcMonths: 1, mos: -1},
		},
		{
			name: "an ordered quantity set by a person, with its reason", month: "2026-11-01", today: "2026-12-07",
			carried: 40, listed: true, ordered: map[int64]Ordered{1: {Quantity: 100, Reason: "rainy season"}},
			moves: []MonthlyMove{mv("2026-11-15", Dispense, -30)},
			w: want{opening: 40, dispensed: 30, closing: 10, amc: 10, amcMonths: 3, mos: 1, max: 30, order: 20,
				ordered: 100, orderedSet: true},
		},
		{
			name: "maximum months from the setting; the order rounds up to whole units", month: "2026-11-01", today: "2026-12-07",
			carried: 10, maxMonths: 4, listed: true,
			moves: []MonthlyMove{mv("2026-11-15", Dispense, -1)},
			w:     want{opening: 10, dispensed: 1, closing: 9, amc: 1.0 / 3, amcMonths: 3, mos: 27, max: 4.0 / 3, order: 0, ordered: 0},
		},
		{
			name: "a lot that expires on Nov 10 leaves nothing usable from Nov 11: 20 days out, its units still on the books", month: "2026-11-01", today: "2026-12-07",
			lots: []LotBalance{{Expiry: "2026-11-10", Quantity: 10}}, listed: true,
			moves: []MonthlyMove{mv("2026-10-05", Dispense, -2)},
			// Sep: 0 given out; Oct: 2; Nov: 0 over 10 usable days (0 adjusted)
			w: want{opening: 8, closing: 8, outDays: 20, amc: 2.0 / 3, amcMonths: 3, mos: 12, max: 2, order: 0, ordered: 0},
		},
		{
			name: "an expired lot beside a usable one is no stock-out", month: "2026-11-01", today: "2026-12-07",
			lots: []LotBalance{{Expiry: "2026-09-30", Quantity: 5}, {Expiry: "2027-09-30", Quantity: 1}}, listed: true,
			moves: []MonthlyMove{{ProductID: 1, At: day("2026-11-20"), Kind: Dispense, Expiry: "2027-09-30", Quantity: -1},
				{ProductID: 1, At: day("2026-11-21"), Kind: Receive, Expiry: "2027-09-30", Quantity: 3}},
			// Nov 20 ends with the usable lot at 0: one day out; Nov: 1·30/29
			w: want{opening: 6, received: 3, dispensed: 1, closing: 8, outDays: 1, amc: (30.0 / 29) / 3, amcMonths: 3,
				mos: 8 / ((30.0 / 29) / 3), max: 30.0 / 29, order: 0, ordered: 0},
		},
		{
			name: "a product with no stock and no movement in the window is not listed", month: "2026-11-01", today: "2026-12-07",
		},
		{
			name: "a movement outside the window is ignored", month: "2026-11-01", today: "2026-12-07", listed: true,
			carried: 5, moves: []MonthlyMove{mv("2026-12-02", Dispense, -5), mv("2026-01-02", Dispense, -5)},
			w: want{opening: 5, closing: 5, amcMonths: 3, mos: -1},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := MonthlyInput{Month: day(c.month), Today: day(c.today), MaxMonths: c.maxMonths,
				Products: []Product{{ID: 1}}, Carried: map[int64][]LotBalance{1: {{Quantity: c.carried}}}, Moves: c.moves, Ordered: c.ordered}
			if c.lots != nil {
				in.Carried[1] = c.lots
			}
			// The store passes only the window's moves of the Received-through-Closing columns; the
			// carried balance covers what came before. Moves before the window are the store's to sum.
			rows := Monthly(in)
			if !c.listed {
				if len(rows) != 0 {
					t.Fatalf("listed %+v", rows)
				}
				return
			}
			if len(rows) != 1 {
				t.Fatalf("got %d rows", len(rows))
			}
			r := rows[0]
			got := want{r.Opening, r.Received, r.Dispensed, r.LossesAdjustments, r.Closing, r.StockOutDays, r.AMC, r.AMCMonths,
				r.MonthsOfStock, r.MaxQuantity, r.OrderQuantity, r.Ordered, r.OrderedSet}
			if !r.HasMonthsOfStock {
				got.mos = -1
			}
			near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
			w := c.w
			if !near(got.amc, w.amc) || !near(got.mos, w.mos) || !near(got.max, w.max) {
				t.Errorf("amc %v mos %v max %v, want %v %v %v", got.amc, got.mos, got.max, w.amc, w.mos, w.max)
			}
			got.amc, got.mos, got.max = w.amc, w.mos, w.max
			if got != w {
				t.Errorf("got  %+v\nwant %+v", got, w)
			}
			if r.Closing != r.Opening+r.Received-r.Dispensed+r.LossesAdjustments {
				t.Errorf("closing %d is not opening + received − dispensed + losses and adjustments", r.Closing)
			}
		})
	}
}

func TestNeedsReason(t *testing.T) {
	for _, c := range []struct {
		s, o   int64
		reason string
		want   bool
	}{{80, 80, "", false}, {80, 100, "", true}, {80, 100, "rainy season", false}, {0, 0, "", false}} {
		if got := NeedsReason(c.s, c.o, c.reason); got != c.want {
			t.Errorf("NeedsReason(%d, %d, %q) = %v", c.s, c.o, c.reason, got)
		}
	}
}

func TestWindowStart(t *testing.T) {
	got := WindowStart(time.Date(2026, 1, 31, 15, 0, 0, 0, time.UTC))
	if want := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("WindowStart = %v, want %v", got, want)
	}
}

func TestDecimal(t *testing.T) {
	for x, want := range map[float64]string{30: "30", 38.75: "38.8", 1.0 / 3: "0.3", 0: "0", 90.00000000001: "90"} {
		if got := Decimal(x); got != want {
			t.Errorf("Decimal(%v) = %q, want %q", x, got, want)
		}
	}
}
