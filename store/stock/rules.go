package stock

import (
	"fmt"
	"math/bits"
	"medinventory/assets/i18n"
	"sort"
	"strings"
	"time"
)

// Errors the rules return, each wrapped with the details in plain words. Test with errors.Is.
var (
	ErrQuantity        = i18n.Err("the quantity must be a whole number above 0")
	ErrNotEnough       = i18n.Err("there is not that much on hand")
	ErrExpiredLot      = i18n.Err("this lot has expired")
	ErrReason          = i18n.Err("this reason does not fit this kind of movement")
	ErrNotConfirmed    = i18n.Err("only a confirmed movement can be undone")
	ErrAlreadyReversed = i18n.Err("this movement has already been undone")
	ErrNotPending      = i18n.Err("this receipt has already been reviewed")
)

// MaxQuantity bounds any one movement, so that a typo (an extra six zeros) is caught.
const MaxQuantity = 10_000_000

// Day is the calendar date of t as YYYY-MM-DD, in t's location: the form expiry dates are kept in.
// (It is written out by hand: the product view calls it for every lot, and time.Format costs ten
// times more.)
func Day(t time.Time) string {
	y, m, d := t.Date()
	if y < 0 || y > 9999 {
		return t.Format("2006-01-02")
	}
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + int(m)/10), byte('0' + int(m)%10), '-', byte('0' + d/10), byte('0' + d%10)}
	return string(b[:])
}

// IsExpired reports whether a lot with this expiry (YYYY-MM-DD) has expired on the given day. A
// pack is usable through its expiry date and expired from the day after. An unknown expiry ("")
// is never expired.
func IsExpired(expiry string, today time.Time) bool {
	return expiry != "" && expiry < Day(today)
}

// ExpiresWithin reports whether a lot that has not yet expired expires within days from today
// (today + days included). Expired or unknown expiries are not "expiring".
func ExpiresWithin(expiry string, today time.Time, days int) bool {
	if expiry == "" || IsExpired(expiry, today) || days < 0 {
		return false
	}
	return expiry <= Day(today.AddDate(0, 0, days))
}

// DaysLeft is the number of calendar days from today to the expiry day (YYYY-MM-DD): 0 on the
// day itself, negative once expired; ok is false for an unknown or unreadable date.
func DaysLeft(expiry string, today time.Time) (days int, ok bool) {
	d, err := time.Parse("2006-01-02", expiry)
	if err != nil {
		return 0, false
	}
	y, m, dd := today.Date()
	return int(d.Sub(time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)).Hours() / 24), true
}

// OnHand is the sum of the confirmed movements (pending and dismissed ones do not count).
func OnHand(ms []Movement) int64 {
	var n int64
	for _, m := range ms {
		if m.Status == Confirmed {
			n += m.Quantity
		}
	}
	return n
}

// PendingIn is the number of units, and of receipts, that wait for review.
func PendingIn(ms []Movement) (units int64, receipts int) {
	for _, m := range ms {
		if m.Status == Pending {
			units += m.Quantity
			receipts++
		}
	}
	return units, receipts
}

// Usable is a line's on hand that may be dispensed today: 0 for an expired lot.
func Usable(l Line, today time.Time) int64 {
	if IsExpired(l.Expiry, today) || l.OnHand < 0 {
		return 0
	}
	return l.OnHand
}

// LineBadges are the warnings of one line: expiring or expired only when it has stock on hand.
func LineBadges(l Line, today time.Time, expiringDays int) Badges {
	var b Badges
	if l.OnHand > 0 {
		b.Expired = IsExpired(l.Expiry, today)
		b.Expiring = ExpiresWithin(l.Expiry, today, expiringDays)
	}
	b.Out = Usable(l, today) == 0
	return b
}

// Summarize reads a product's lines into its row of the product view. expiringDays is the
// "expiring soon" window (DefaultExpiringDays when ≤ 0).
func Summarize(p Product, lines []Line, today time.Time, expiringDays int) ProductSummary {
	if expiringDays <= 0 {
		expiringDays = DefaultExpiringDays
	}
	s := ProductSummary{Product: p}
	for _, l := range lines {
		if l.OnHand != 0 || l.PendingReceipts > 0 {
			s.Lots++
		}
		s.OnHand += l.OnHand
		s.Pending += l.Pending
		s.PendingReceipts += l.PendingReceipts
		u := Usable(l, today)
		s.Usable += u
		if IsExpired(l.Expiry, today) && l.OnHand > 0 {
			s.ExpiredOnHand += l.OnHand
		}
		if u > 0 && l.Expiry != "" && (s.NearestExpiry == "" || l.Expiry < s.NearestExpiry) {
			s.NearestExpiry = l.Expiry
		}
		lb := LineBadges(l, today, expiringDays)
		s.Badges.Expiring = s.Badges.Expiring || lb.Expiring
		s.Badges.Expired = s.Badges.Expired || lb.Expired
	}
	s.Badges.Out = s.Usable <= 0
	s.Badges.Low = IsLow(s.Usable, p.ReorderLevel)
	return s
}

// IsLow reports whether usable stock is below the reorder level (a level of 0 means none is set;
// nothing usable at all is "out of stock", not "low").
func IsLow(usable, reorderLevel int64) bool {
	return reorderLevel > 0 && usable > 0 && usable < reorderLevel
}

// FEFO orders lines first-expiry-first-out: the lines that may be dispensed (usable stock > 0),
// soonest expiry first, unknown expiry last, then by lot and id so the order is stable. Expired
// and empty lines are left out.
func FEFO(lines []Line, today time.Time) []Line {
	var out []Line
	for _, l := range lines {
		if Usable(l, today) > 0 {
			out = append(out, l)
		}
	}
	SortByExpiry(out)
	return out
}

// SortByExpiry sorts lines soonest expiry first, unknown expiry last, then by lot and id: the
// order a product's lots are shown in.
func SortByExpiry(lines []Line) {
	sort.SliceStable(lines, func(i, j int) bool {
		a, b := lines[i], lines[j]
		if (a.Expiry == "") != (b.Expiry == "") {
			return b.Expiry == ""
		}
		if a.Expiry != b.Expiry {
			return a.Expiry < b.Expiry
		}
		if a.Lot != b.Lot {
			return a.Lot < b.Lot
		}
		return a.ID < b.ID
	})
}

// PlanDispense splits a dispense of n units of a product over its lines, first expiry first out.
// It fails with ErrNotEnough (and takes nothing) when the usable stock is less than n.
func PlanDispense(lines []Line, n int64, today time.Time) ([]Pick, error) {
	if err := CheckQuantity(n); err != nil {
		return nil, err
	}
	var picks []Pick
	left := n
	var usable int64
	for _, l := range FEFO(lines, today) {
		u := Usable(l, today)
		usable += u
		if left == 0 {
			continue
		}
		take := min(u, left)
		picks = append(picks, Pick{LineID: l.ID, Quantity: take})
		left -= take
	}
	if left > 0 {
		return nil, i18n.Errorf("%w: %d asked, %d usable (expired lots cannot be dispensed)", ErrNotEnough, n, usable)
	}
	return picks, nil
}

// CheckQuantity checks a count of units for a receipt, dispense or disposal: 1 … MaxQuantity.
func CheckQuantity(n int64) error {
	if n <= 0 {
		return i18n.Errorf("%w (got %d)", ErrQuantity, n)
	}
	if n > MaxQuantity {
		return i18n.Errorf("%w: %d is more than %d; check the number", ErrQuantity, n, MaxQuantity)
	}
	return nil
}

// CheckDispense checks a dispense of n from a line: not more than is on hand, and not from an
// expired lot (dispose of it instead).
func CheckDispense(l Line, n int64, today time.Time) error {
	if err := CheckQuantity(n); err != nil {
		return err
	}
	if IsExpired(l.Expiry, today) {
		return i18n.Errorf("%w on %s: it cannot be dispensed; dispose of it instead", ErrExpiredLot, l.Expiry)
	}
	if n > l.OnHand {
		return i18n.Errorf("%w: %d asked, %d on hand in this lot", ErrNotEnough, n, max(l.OnHand, 0))
	}
	return nil
}

// CheckAdjust checks an adjustment of delta (signed) with its reason: damaged and lost take stock
// away, returned brings it back, a count correction goes either way; stock never goes below 0.
func CheckAdjust(l Line, delta int64, r Reason) error {
	if delta == 0 {
		return i18n.Errorf("%w: an adjustment of 0 changes nothing", ErrQuantity)
	}
	if delta > MaxQuantity || delta < -MaxQuantity {
		return i18n.Errorf("%w: %d is too large; check the number", ErrQuantity, delta)
	}
	switch r {
	case CountCorrection:
	case Damaged, Lost:
		if delta > 0 {
			return i18n.Errorf("%w: stock %s takes stock away, so the number must be below 0", ErrReason, i18n.T(ReasonWords(r)))
		}
	case Returned:
		if delta < 0 {
			return i18n.Errorf("%w: stock returned adds stock, so the number must be above 0", ErrReason)
		}
	default:
		return i18n.Errorf("%w: an adjustment needs a reason (count correction, damaged, lost or returned), not %q", ErrReason, r)
	}
	if l.OnHand+delta < 0 {
		return i18n.Errorf("%w: this would leave %d; only %d on hand", ErrNotEnough, l.OnHand+delta, max(l.OnHand, 0))
	}
	return nil
}

// CheckDispose checks a disposal of n from a line with its reason (expired or damaged).
func CheckDispose(l Line, n int64, r Reason) error {
	if err := CheckQuantity(n); err != nil {
		return err
	}
	if r != Expired && r != Damaged {
		return i18n.Errorf("%w: a disposal is for expired or damaged stock, not %q", ErrReason, r)
	}
	if n > l.OnHand {
		return i18n.Errorf("%w: %d asked, %d on hand in this lot", ErrNotEnough, n, max(l.OnHand, 0))
	}
	return nil
}

// CountDelta is the movement a stock count makes: what was counted minus what the books say.
func CountDelta(onHand, counted int64) (int64, error) {
	if counted < 0 || counted > MaxQuantity {
		return 0, i18n.Errorf("%w: a count is 0 or more (got %d)", ErrQuantity, counted)
	}
	return counted - onHand, nil
}

// CheckCountReason checks the reason a stock count gives for a difference of delta from the
// books: a count that agrees needs none (any reason given is dropped: see CountReason); one that
// differs needs an adjustment reason (AdjustReasons) that fits its sign: damaged and lost take
// stock away, returned brings it back, a count correction goes either way.
func CheckCountReason(delta int64, r Reason) error {
	if delta == 0 {
		return nil
	}
	switch r {
	case CountCorrection:
	case Damaged, Lost:
		if delta > 0 {
			return i18n.Errorf("%w: %d more were counted than the books say, so the difference is not stock %s; choose count correction or returned", ErrReason, delta, i18n.T(ReasonWords(r)))
		}
	case Returned:
		if delta < 0 {
			return i18n.Errorf("%w: %d fewer were counted than the books say, so the difference is not stock returned; choose count correction, damaged or lost", ErrReason, -delta)
		}
	case NoReason:
		return i18n.Errorf("%w: the count differs from the books by %+d; say why (count correction, damaged, lost or returned)", ErrReason, delta)
	default:
		return i18n.Errorf("%w: a count difference needs a reason (count correction, damaged, lost or returned), not %q", ErrReason, r)
	}
	return nil
}

// CountReason is the reason a count movement keeps: r when the count differs (delta ≠ 0), none
// when it agrees with the books.
func CountReason(delta int64, r Reason) Reason {
	if delta == 0 {
		return NoReason
	}
	return r
}

// CheckReverse checks that m may be undone: it is confirmed, is not itself a reversal, has not
// been undone already, and undoing it does not leave the line below 0.
func CheckReverse(m Movement, lineOnHand int64) error {
	switch {
	case m.Status != Confirmed:
		return i18n.Errorf("%w (this one is %s)", ErrNotConfirmed, m.Status)
	case m.Kind == Reversal:
		return i18n.Errorf("%w: this is itself an undo; record a new movement instead", ErrAlreadyReversed)
	case m.Kind == Convert:
		return fmt.Errorf("%w: %s", ErrUnitChanged, i18n.T("a unit conversion is undone by undoing its unit change"))
	case m.ReversedBy != 0:
		return ErrAlreadyReversed
	case lineOnHand-m.Quantity < 0:
		return i18n.Errorf("%w: undoing it would leave %d on hand (some of it was used since)", ErrNotEnough, lineOnHand-m.Quantity)
	}
	return nil
}

// RunningBalance turns a line's movements (oldest first) into its stock card: each row carries
// the confirmed balance after it. Pending and dismissed rows are listed with the balance unchanged.
func RunningBalance(ms []Movement) []CardRow {
	out := make([]CardRow, len(ms))
	var bal int64
	for i, m := range ms {
		if m.Status == Confirmed {
			bal += m.Quantity
		}
		out[i] = CardRow{Movement: m, Balance: bal}
	}
	return out
}

// LotKey is the form of a lot number used to match lots: letters upper-cased, spaces and
// separators a reader may or may not see ("-", "/", ".") dropped. "ab 12-3" and "AB123" match.
func LotKey(lot string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(strings.TrimSpace(lot)) {
		switch r {
		case ' ', '\t', '-', '/', '.':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// PhotoMatchesLine reports whether a pack read from a photo (GTIN, lot, expiry) is the lot of
// line l of product p: same GTIN, same lot (by LotKey) and same expiry, each known. A pack with
// any of the three unknown matches no line by this rule (the store keeps such packs on the
// product's line with the same, possibly empty, lot and expiry).
func PhotoMatchesLine(gtin, lot, expiry string, p Product, l Line) bool {
	if gtin == "" || lot == "" || expiry == "" {
		return false
	}
	return p.GTIN == gtin && l.ProductID == p.ID && LotKey(l.Lot) == LotKey(lot) && l.Expiry == expiry
}

// ProductKey is the key a product without a GTIN is matched by: name, strength and form, in
// lower case with spaces squeezed. "" when the name is unknown (such a pack is its own product).
func ProductKey(name, strength, form string) string {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	if norm(name) == "" {
		return ""
	}
	return norm(name) + "|" + norm(strength) + "|" + norm(form)
}

// SimilarPhotoWindow is how long before a photo another one counts as "added shortly before".
const SimilarPhotoWindow = 2 * time.Hour

// SimilarHashDistance is the largest number of differing bits between two 64-bit difference
// hashes (dHash) of photos that look alike.
const SimilarHashDistance = 10

// NewPack is the reason a receipt carries once the reviewer decided that its photo, although it
// looks like an earlier one (SimilarPhotoID), shows another pack (store.DecidePack).
const NewPack Reason = "new_pack"

// PhotosLookAlike reports whether two photos' 64-bit difference hashes say they look alike (photos
// analysed before looks were kept; see store/look).
func PhotosLookAlike(a, b uint64) bool {
	return bits.OnesCount64(a^b) <= SimilarHashDistance
}

// KindWords and ReasonWords are the plain English words for kinds and reasons: as they are in
// CSV and JSON, and the keys of their translations wherever people read them (i18n.T(KindWords(k))
// in the window, the reports on paper, the commands' messages). They are marked here, where written.
func KindWords(k Kind) string {
	switch k {
	case Receive:
		return i18n.Mark("received")
	case Dispense:
		return i18n.Mark("dispensed")
	case Adjust:
		return i18n.Mark("adjusted")
	case Dispose:
		return i18n.Mark("disposed of")
	case Count:
		return i18n.Mark("stock count")
	case Reversal:
		return i18n.Mark("undone")
	case Convert:
		return i18n.Mark("unit converted")
	}
	return string(k)
}

// ReasonWords: see KindWords.
func ReasonWords(r Reason) string {
	switch r {
	case CountCorrection:
		return i18n.Mark("count correction")
	case SamePack:
		return i18n.Mark("same pack as an earlier photo")
	case NewPack:
		return i18n.Mark("another pack, though its photo looked like an earlier one")
	case Damaged:
		return i18n.Mark("damaged")
	case Lost:
		return i18n.Mark("lost")
	case Returned:
		return i18n.Mark("returned")
	case Expired:
		return i18n.Mark("expired")
	}
	return string(r)
}
