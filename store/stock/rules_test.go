package stock

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"medinventory/store/fields"
)

var today = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

func TestIsExpiredAndExpiresWithin(t *testing.T) {
	for _, c := range []struct {
		expiry   string
		days     int
		expired  bool
		expiring bool
	}{
		{"", 90, false, false},              // unknown: never expired, never "expiring"
		{"2026-11-28", 90, true, false},     // yesterday: expired
		{"2026-11-29", 90, false, true},     // today: still usable, expiring
		{"2026-11-30", 0, false, false},     // window of 0 days: only today
		{"2026-11-29", 0, false, true},      //
		{"2027-02-27", 90, false, true},     // today + 90 days, included
		{"2027-02-28", 90, false, false},    // one day past the window
		{"2030-01-31", 90, false, false},    // far away
		{"2026-11-30", -1, false, false},    // a negative window selects nothing
		{"2020-01-31", 100000, true, false}, // expired is not expiring, whatever the window
		{"2026-12-31", 32, false, true},     //
		{"2026-12-31", 31, false, false},    //
		{"2026-12-31", DefaultExpiringDays, false, true},
	} {
		if got := IsExpired(c.expiry, today); got != c.expired {
			t.Errorf("IsExpired(%q) = %v, want %v", c.expiry, got, c.expired)
		}
		if got := ExpiresWithin(c.expiry, today, c.days); got != c.expiring {
			t.Errorf("ExpiresWithin(%q, %d) = %v, want %v", c.expiry, c.days, got, c.expiring)
		}
	}
}

func mv(kind Kind, q int64, st Status) Movement { return Movement{Kind: kind, Quantity: q, Status: st} }

func TestOnHandPendingAndRunningBalance(t *testing.T) {
	ms := []Movement{
		mv(Receive, 10, Confirmed),
		mv(Receive, 3, Pending),     // waiting for review: not on hand
		mv(Dispense, -4, Confirmed), //
		mv(Receive, 5, Dismissed),   // same pack: never counts
		mv(Adjust, -1, Confirmed),   //
		mv(Count, 2, Confirmed),     // counted 7 when the books said 5
		mv(Reversal, 4, Confirmed),  // the dispense undone
	}
	if got := OnHand(ms); got != 11 {
		t.Errorf("OnHand = %d, want 11", got)
	}
	if u, n := PendingIn(ms); u != 3 || n != 1 {
		t.Errorf("PendingIn = %d units, %d receipts; want 3, 1", u, n)
	}
	var bal []int64
	for _, r := range RunningBalance(ms) {
		bal = append(bal, r.Balance)
	}
	if want := []int64{10, 10, 6, 6, 5, 7, 11}; !reflect.DeepEqual(bal, want) {
		t.Errorf("running balance = %v, want %v", bal, want)
	}
	if OnHand(nil) != 0 || len(RunningBalance(nil)) != 0 {
		t.Error("an empty ledger has 0 on hand and an empty card")
	}
}

func TestSummarize(t *testing.T) {
	p := Product{ID: 1, Values: fields.Values{Name: "Amoxicillin"}, ReorderLevel: 10}
	line := func(id int64, expiry string, onHand, pending int64) Line {
		l := Line{ID: id, ProductID: 1, Lot: "L" + expiry, Expiry: expiry, OnHand: onHand, Pending: pending}
		if pending > 0 {
			l.PendingReceipts = 1
		}
		return l
	}
	for _, c := range []struct {
		name  string
		lines []Line
		want  ProductSummary
	}{
		{"no lines: out of stock", nil, ProductSummary{Badges: Badges{Out: true}}},
		{"only expired stock is out of stock", []Line{line(1, "2026-01-31", 20, 0)},
			ProductSummary{OnHand: 20, ExpiredOnHand: 20, Lots: 1, Badges: Badges{Out: true, Expired: true}}},
		{"low: usable below the reorder level", []Line{line(1, "2028-01-31", 6, 3)},
			ProductSummary{OnHand: 6, Usable: 6, Pending: 3, PendingReceipts: 1, NearestExpiry: "2028-01-31", Lots: 1, Badges: Badges{Low: true}}},
		{"at the reorder level is not low", []Line{line(1, "2028-01-31", 10, 0)},
			ProductSummary{OnHand: 10, Usable: 10, NearestExpiry: "2028-01-31", Lots: 1}},
		{"expired stock does not lift a low product", []Line{line(1, "2028-01-31", 4, 0), line(2, "2025-05-31", 50, 0)},
			ProductSummary{OnHand: 54, Usable: 4, ExpiredOnHand: 50, NearestExpiry: "2028-01-31", Lots: 2, Badges: Badges{Low: true, Expired: true}}},
		{"expiring: a lot with stock within 90 days; nearest expiry skips expired and empty lots",
			[]Line{line(1, "2027-01-15", 30, 0), line(2, "2026-12-01", 0, 0), line(3, "2026-10-01", 5, 0), line(4, "", 7, 0)},
			ProductSummary{OnHand: 42, Usable: 37, ExpiredOnHand: 5, NearestExpiry: "2027-01-15", Lots: 3, Badges: Badges{Expiring: true, Expired: true}}},
		{"pending receipts alone: out of stock, 3 waiting", []Line{line(1, "2028-01-31", 0, 3)},
			ProductSummary{Pending: 3, PendingReceipts: 1, Lots: 1, Badges: Badges{Out: true}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.want.Product = p
			if got := Summarize(p, c.lines, today, 0); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestIsLow(t *testing.T) {
	for _, c := range []struct {
		usable, level int64
		want          bool
	}{{5, 10, true}, {10, 10, false}, {0, 10, false}, {5, 0, false}, {1, 2, true}} {
		if got := IsLow(c.usable, c.level); got != c.want {
			t.Errorf("IsLow(%d, %d) = %v", c.usable, c.level, got)
		}
	}
}

func TestFEFOAndPlanDispense(t *testing.T) {
	lines := []Line{
		{ID: 1, Lot: "C", Expiry: "", OnHand: 100},          // unknown expiry: last
		{ID: 2, Lot: "B", Expiry: "2027-06-30", OnHand: 4},  //
		{ID: 3, Lot: "A", Expiry: "2026-01-31", OnHand: 50}, // expired: never dispensed
		{ID: 4, Lot: "D", Expiry: "2027-03-31", OnHand: 0},  // empty
		{ID: 5, Lot: "E", Expiry: "2027-03-31", OnHand: 6},
		{ID: 6, Lot: "A", Expiry: "2027-06-30", OnHand: 2}, // same expiry as 2: by lot
	}
	var order []int64
	for _, l := range FEFO(lines, today) {
		order = append(order, l.ID)
	}
	if want := []int64{5, 6, 2, 1}; !reflect.DeepEqual(order, want) {
		t.Errorf("FEFO order = %v, want %v", order, want)
	}
	for _, c := range []struct {
		n    int64
		want []Pick
		err  error
	}{
		{1, []Pick{{5, 1}}, nil},
		{6, []Pick{{5, 6}}, nil},
		{9, []Pick{{5, 6}, {6, 2}, {2, 1}}, nil},
		{112, []Pick{{5, 6}, {6, 2}, {2, 4}, {1, 100}}, nil},
		{113, nil, ErrNotEnough}, // the 50 expired do not count
		{0, nil, ErrQuantity},
		{-3, nil, ErrQuantity},
	} {
		got, err := PlanDispense(lines, c.n, today)
		if !errors.Is(err, c.err) || !reflect.DeepEqual(got, c.want) {
			t.Errorf("PlanDispense(%d) = %v, %v; want %v, %v", c.n, got, err, c.want, c.err)
		}
	}
}

func TestChecks(t *testing.T) {
	good := Line{OnHand: 5, Expiry: "2027-12-31"}
	old := Line{OnHand: 5, Expiry: "2026-01-31"}
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"dispense all", CheckDispense(good, 5, today), nil},
		{"dispense too many", CheckDispense(good, 6, today), ErrNotEnough},
		{"dispense 0", CheckDispense(good, 0, today), ErrQuantity},
		{"dispense a huge typo", CheckDispense(Line{OnHand: 1 << 40}, MaxQuantity+1, today), ErrQuantity},
		{"dispense expired", CheckDispense(old, 1, today), ErrExpiredLot},
		{"adjust lost", CheckAdjust(good, -2, Lost), nil},
		{"adjust lost with a plus", CheckAdjust(good, 2, Lost), ErrReason},
		{"adjust damaged below 0", CheckAdjust(good, -6, Damaged), ErrNotEnough},
		{"adjust returned", CheckAdjust(good, 3, Returned), nil},
		{"adjust returned with a minus", CheckAdjust(good, -3, Returned), ErrReason},
		{"adjust correction either way", CheckAdjust(good, -5, CountCorrection), nil},
		{"adjust no reason", CheckAdjust(good, 1, NoReason), ErrReason},
		{"count that agrees needs no reason", CheckCountReason(0, NoReason), nil},
		{"count that differs needs a reason", CheckCountReason(-2, NoReason), ErrReason},
		{"count of fewer, lost", CheckCountReason(-2, Lost), nil},
		{"count of more, lost", CheckCountReason(2, Lost), ErrReason},
		{"count of more, returned", CheckCountReason(2, Returned), nil},
		{"count of fewer, returned", CheckCountReason(-2, Returned), ErrReason},
		{"count either way, count correction", CheckCountReason(5, CountCorrection), nil},
		{"count with a disposal reason", CheckCountReason(-1, Expired), ErrReason},
		{"adjust by 0", CheckAdjust(good, 0, CountCorrection), ErrQuantity},
		{"adjust an expired lot (allowed: it is still on the shelf)", CheckAdjust(old, -1, Damaged), nil},
		{"dispose expired", CheckDispose(old, 5, Expired), nil},
		{"dispose too many", CheckDispose(old, 6, Expired), ErrNotEnough},
		{"dispose lost", CheckDispose(old, 1, Lost), ErrReason},
		{"reverse a receipt", CheckReverse(Movement{Kind: Receive, Quantity: 5, Status: Confirmed}, 5), nil},
		{"reverse a used receipt", CheckReverse(Movement{Kind: Receive, Quantity: 5, Status: Confirmed}, 4), ErrNotEnough},
		{"reverse a dispense", CheckReverse(Movement{Kind: Dispense, Quantity: -5, Status: Confirmed}, 0), nil},
		{"reverse twice", CheckReverse(Movement{Kind: Dispense, Quantity: -5, Status: Confirmed, ReversedBy: 9}, 0), ErrAlreadyReversed},
		{"reverse a reversal", CheckReverse(Movement{Kind: Reversal, Quantity: 5, Status: Confirmed}, 5), ErrAlreadyReversed},
		{"reverse a pending receipt", CheckReverse(Movement{Kind: Receive, Quantity: 5, Status: Pending}, 0), ErrNotConfirmed},
	} {
		if !errors.Is(c.err, c.want) || (c.want == nil) != (c.err == nil) {
			t.Errorf("%s: got %v, want %v", c.name, c.err, c.want)
		}
	}
}

func TestCountDelta(t *testing.T) {
	for _, c := range []struct {
		onHand, counted, want int64
		ok                    bool
	}{{10, 7, -3, true}, {10, 10, 0, true}, {0, 4, 4, true}, {3, -1, 0, false}, {0, MaxQuantity + 1, 0, false}} {
		got, err := CountDelta(c.onHand, c.counted)
		if got != c.want || (err == nil) != c.ok {
			t.Errorf("CountDelta(%d, %d) = %d, %v", c.onHand, c.counted, got, err)
		}
	}
}

func TestPhotoMatchesLine(t *testing.T) {
	p := Product{ID: 7, Values: fields.Values{GTIN: "09506000134352"}}
	l := Line{ProductID: 7, Lot: "AB12-3", Expiry: "2027-12-31"}
	for _, c := range []struct {
		gtin, lot, expiry string
		want              bool
	}{
		{"09506000134352", "AB12-3", "2027-12-31", true},
		{"09506000134352", "ab 123", "2027-12-31", true}, // lots match by LotKey
		{"09506000134352", "AB124", "2027-12-31", false},
		{"09506000134352", "AB12-3", "2027-11-30", false},
		{"09506000134353", "AB12-3", "2027-12-31", false},
		{"09506000134352", "", "2027-12-31", false}, // lot unknown: no match by this rule
		{"", "AB12-3", "2027-12-31", false},
		{"09506000134352", "AB12-3", "", false},
	} {
		if got := PhotoMatchesLine(c.gtin, c.lot, c.expiry, p, l); got != c.want {
			t.Errorf("PhotoMatchesLine(%q, %q, %q) = %v", c.gtin, c.lot, c.expiry, got)
		}
	}
	if (Line{ProductID: 8, Lot: "AB123", Expiry: "2027-12-31"}) == l || PhotoMatchesLine(p.GTIN, "AB123", "2027-12-31", p, Line{ProductID: 8, Lot: "AB123", Expiry: "2027-12-31"}) {
		t.Error("a line of another product never matches")
	}
}

func TestProductKeyAndLotKey(t *testing.T) {
	if ProductKey("  Amoxicillin  Caps", "500 mg", "Capsule") != ProductKey("amoxicillin caps", "500  MG", "capsule") {
		t.Error("product keys differ by case and spaces only")
	}
	if ProductKey("", "500 mg", "tablet") != "" {
		t.Error("no name, no key")
	}
	if LotKey(" ab/12.3 ") != "AB123" {
		t.Errorf("LotKey = %q", LotKey(" ab/12.3 "))
	}
}

func TestPhotosLookAlike(t *testing.T) {
	for _, c := range []struct {
		a, b uint64
		want bool
	}{
		{0, 0, true},
		{0xFFFF_0000_FFFF_0000, 0xFFFF_0000_FFFF_0000 ^ 0x3FF, true}, // 10 bits differ
		{0xFFFF_0000_FFFF_0000, 0xFFFF_0000_FFFF_0000 ^ 0x7FF, false},
		{0, ^uint64(0), false},
	} {
		if got := PhotosLookAlike(c.a, c.b); got != c.want {
			t.Errorf("PhotosLookAlike(%x, %x) = %v", c.a, c.b, got)
		}
	}
}

func TestLineBadges(t *testing.T) {
	for _, c := range []struct {
		l    Line
		want Badges
	}{
		{Line{Expiry: "2026-12-15", OnHand: 3}, Badges{Expiring: true}},
		{Line{Expiry: "2026-12-15", OnHand: 0}, Badges{Out: true}}, // empty lots warn of nothing but being empty
		{Line{Expiry: "2026-01-15", OnHand: 3}, Badges{Expired: true, Out: true}},
		{Line{Expiry: "", OnHand: 3}, Badges{}},
	} {
		if got := LineBadges(c.l, today, 90); got != c.want {
			t.Errorf("LineBadges(%+v) = %+v, want %+v", c.l, got, c.want)
		}
	}
}

func TestDay(t *testing.T) {
	for _, tm := range []time.Time{today, time.Date(2027, 1, 5, 23, 59, 0, 0, time.UTC), time.Date(999, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 30, 0, 0, time.FixedZone("x", -3600))} {
		if got, want := Day(tm), tm.Format("2006-01-02"); got != want {
			t.Errorf("Day(%v) = %q, want %q", tm, got, want)
		}
	}
}
