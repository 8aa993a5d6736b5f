package barcode

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"medinventory/store/fields"
)

// GS1 holds the GS1 application identifiers a medicine pack's code usually carries.
type GS1 struct {
	GTIN           string            // (01) 14 digits, check digit verified
	Expiry         string            // (17) YYYY-MM-DD; a day of 00 means the last day of that month
	Lot            string            // (10) batch or lot number
	Serial         string            // (21) serial number
	ProductionDate string            // (11) YYYY-MM-DD
	Count          *int64            // (30) variable count, else (37) count of trade items
	Other          map[string]string // any other application identifier → its raw value
	// Notes are what a reviewer must check, in plain words: a date in the code that is not a date
	// ("the barcode's expiry 260230 is not a date"), which is left out while the GTIN, lot and
	// serial are kept.
	Notes []string
}

// today is the day GS1 dates are read against (the century rule); tests change it.
var today = time.Now

// gs separates variable-length fields (FNC1 is transmitted as ASCII 29).
const gs = '\x1d'

// symbologyIDs are the AIM identifiers that announce GS1 data; ParseGS1 drops them.
var symbologyIDs = []string{"]d2", "]Q3", "]C1", "]e0", "]J1"}

// aiSpec describes one application identifier.
type aiSpec struct {
	fixed  int // data length when the AI has a predefined length (no separator follows), else 0
	max    int // maximum data length of a variable-length AI
	name   string
	digits bool // data must be all digits
}

// knownAIs are the identifiers the parser checks; any other is kept raw in GS1.Other.
var knownAIs = map[string]aiSpec{
	"00":  {fixed: 18, name: "SSCC", digits: true},
	"01":  {fixed: 14, name: "GTIN", digits: true},
	"02":  {fixed: 14, name: "contained GTIN", digits: true},
	"10":  {max: 20, name: "lot"},
	"11":  {fixed: 6, name: "production date", digits: true},
	"12":  {fixed: 6, name: "due date", digits: true},
	"13":  {fixed: 6, name: "packaging date", digits: true},
	"15":  {fixed: 6, name: "best before date", digits: true},
	"16":  {fixed: 6, name: "sell by date", digits: true},
	"17":  {fixed: 6, name: "expiry date", digits: true},
	"20":  {fixed: 2, name: "variant", digits: true},
	"21":  {max: 20, name: "serial number"},
	"22":  {max: 20, name: "consumer product variant"},
	"30":  {max: 8, name: "count", digits: true},
	"37":  {max: 8, name: "count", digits: true},
	"240": {max: 30, name: "additional product id"},
	"241": {max: 30, name: "customer part number"},
	"250": {max: 30, name: "secondary serial number"},
	"400": {max: 30, name: "order number"},
	"710": {max: 20, name: "national healthcare reimbursement number"},
	"711": {max: 20, name: "national healthcare reimbursement number"},
	"712": {max: 20, name: "national healthcare reimbursement number"},
	"713": {max: 20, name: "national healthcare reimbursement number"},
	"714": {max: 20, name: "national healthcare reimbursement number"},
	"715": {max: 20, name: "national healthcare reimbursement number"},
	"716": {max: 20, name: "national healthcare reimbursement number"},
}

// predefinedLength is GS1's table of AIs (by their first two digits) whose data has a fixed
// length and is never followed by a separator; it covers identifiers the parser does not know.
var predefinedLength = map[string]int{
	"00": 18, "01": 14, "02": 14, "03": 14, "04": 16,
	"11": 6, "12": 6, "13": 6, "14": 6, "15": 6, "16": 6, "17": 6, "18": 6, "19": 6,
	"20": 2, "31": 6, "32": 6, "33": 6, "34": 6, "35": 6, "36": 6, "41": 13,
}

// aiLength returns how many digits the application identifier starting with prefix (two digits) has.
func aiLength(prefix string) int {
	n, _ := strconv.Atoi(prefix)
	switch {
	case n >= 23 && n <= 29, n >= 40 && n <= 42, n == 71:
		return 3
	case n >= 31 && n <= 36, n == 39, n == 43, n == 70, n >= 72 && n <= 89:
		return 4
	}
	return 2
}

// ParseGS1 parses a GS1 element string: application identifiers followed by their data, with
// variable-length fields ended by FNC1 (ASCII 29, GS). It accepts a leading symbology identifier
// (]d2, ]Q3, ]C1, ]e0) and the human-readable form "(01)09506000134352(17)261231(10)AB1".
// It verifies the GTIN check digit and the dates; errors say in plain words what is wrong.
func ParseGS1(s string) (GS1, error) {
	for _, id := range symbologyIDs {
		if strings.HasPrefix(s, id) {
			s = s[len(id):]
			break
		}
	}
	s = strings.TrimLeft(s, "\x1d")
	s = strings.TrimRight(s, "\x1d\r\n")
	if strings.TrimSpace(s) == "" {
		return GS1{}, errors.New("the barcode holds no GS1 data")
	}
	var fields [][2]string
	var err error
	if strings.HasPrefix(s, "(") {
		fields, err = splitHuman(s)
	} else {
		fields, err = splitElementString(s)
	}
	if err != nil {
		return GS1{}, err
	}
	// (30) wins over (37) whatever their order.
	for i, f := range fields {
		if f[0] == "37" {
			fields = append(append([][2]string{f}, fields[:i]...), fields[i+1:]...)
			break
		}
	}
	var g GS1
	seen := map[string]string{}
	for _, f := range fields {
		ai, v := f[0], f[1]
		if old, ok := seen[ai]; ok {
			if old != v {
				return GS1{}, fmt.Errorf("(%s) appears twice with different values %q and %q", ai, old, v)
			}
			continue
		}
		seen[ai] = v
		if err := g.set(ai, v); err != nil {
			return GS1{}, err
		}
	}
	return g, nil
}

// splitElementString splits a GS-separated element string into (AI, data) pairs.
func splitElementString(s string) ([][2]string, error) {
	var out [][2]string
	for i := 0; i < len(s); {
		if s[i] == gs {
			i++
			continue
		}
		if i+2 > len(s) || !isDigits(s[i:i+2]) {
			return nil, fmt.Errorf("expected an application identifier (digits) at position %d but found %q", i+1, clip(s[i:]))
		}
		n := aiLength(s[i : i+2])
		if i+n > len(s) || !isDigits(s[i:i+n]) {
			return nil, fmt.Errorf("the application identifier at position %d is cut short (%q)", i+1, clip(s[i:]))
		}
		ai := s[i : i+n]
		i += n
		fixed := 0
		if spec, ok := knownAIs[ai]; ok {
			fixed = spec.fixed
		} else if l, ok := predefinedLength[ai[:2]]; ok {
			fixed = l
		}
		var v string
		if fixed > 0 {
			if i+fixed > len(s) {
				return nil, fmt.Errorf("(%s) needs %d characters but only %d are left", ai, fixed, len(s)-i)
			}
			v = s[i : i+fixed]
			i += fixed
		} else {
			end := strings.IndexByte(s[i:], gs)
			if end < 0 {
				end = len(s) - i
			}
			v = s[i : i+end]
			i += end
		}
		out = append(out, [2]string{ai, v})
	}
	return out, nil
}

// splitHuman splits the human-readable "(AI)data(AI)data" form.
func splitHuman(s string) ([][2]string, error) {
	var out [][2]string
	for len(s) > 0 {
		if s[0] != '(' {
			return nil, fmt.Errorf("expected \"(\" before an application identifier but found %q", clip(s))
		}
		end := strings.IndexByte(s, ')')
		if end < 0 {
			return nil, fmt.Errorf("the application identifier in %q has no closing \")\"", clip(s))
		}
		ai := s[1:end]
		if len(ai) < 2 || len(ai) > 4 || !isDigits(ai) {
			return nil, fmt.Errorf("%q is not an application identifier (2 to 4 digits)", s[:end+1])
		}
		s = s[end+1:]
		next := nextHumanAI(s)
		v := strings.TrimRight(s[:next], "\x1d ")
		s = s[next:]
		out = append(out, [2]string{ai, v})
	}
	return out, nil
}

// nextHumanAI finds the next "(digits)" in s, or len(s).
func nextHumanAI(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] != '(' {
			continue
		}
		end := strings.IndexByte(s[i:], ')')
		if end >= 3 && end <= 5 && isDigits(s[i+1:i+end]) {
			return i
		}
	}
	return len(s)
}

// set checks one field and stores it in g.
func (g *GS1) set(ai, v string) error {
	spec, known := knownAIs[ai]
	if v == "" {
		return fmt.Errorf("(%s) has no data", ai)
	}
	for _, r := range v {
		if r < 0x21 || r > 0x7e {
			return fmt.Errorf("(%s) contains a character %q that GS1 does not allow", ai, r)
		}
	}
	if known {
		if spec.fixed > 0 && len(v) != spec.fixed {
			return fmt.Errorf("the %s (%s) must be %d digits, not %d (%q)", spec.name, ai, spec.fixed, len(v), v)
		}
		if spec.max > 0 && len(v) > spec.max {
			return fmt.Errorf("the %s (%s) is %d characters long; at most %d are allowed", spec.name, ai, len(v), spec.max)
		}
		if spec.digits && !isDigits(v) {
			return fmt.Errorf("the %s (%s) must be digits only, not %q", spec.name, ai, v)
		}
	}
	switch ai {
	case "01":
		if !checkDigitOK(v) {
			return fmt.Errorf("GTIN check digit is wrong in %s", v)
		}
		g.GTIN = v
	case "17", "11":
		d, err := fields.GS1Date(v, today())
		if err != nil {
			// A misprinted date does not make the GTIN, lot or serial wrong: keep them, say why.
			what := "expiry"
			if ai == "11" {
				what = "production date"
			}
			g.Notes = append(g.Notes, fmt.Sprintf("the barcode's %s %s is not a date", what, v))
			return nil
		}
		if ai == "17" {
			g.Expiry = d
		} else {
			g.ProductionDate = d
		}
	case "10":
		g.Lot = v
	case "21":
		g.Serial = v
	case "30", "37":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("the count (%s) %q is not a number", ai, v)
		}
		if ai == "30" || g.Count == nil {
			g.Count = &n
		}
	default:
		g.other(ai, v)
	}
	return nil
}

func (g *GS1) other(ai, v string) {
	if g.Other == nil {
		g.Other = map[string]string{}
	}
	g.Other[ai] = v
}

// checkDigitOK verifies a GS1 mod-10 check digit (GTIN-8/12/13/14).
func checkDigitOK(d string) bool { return fields.CheckDigitOK(d) }

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// clip shortens s for an error message, showing GS as "<GS>".
func clip(s string) string {
	s = strings.ReplaceAll(s, "\x1d", "<GS>")
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}

// notTradeItem says in plain words why a GTIN-14 (check digit already verified) read from a
// symbol of symbology sym is not a trade item's number, or "" when it may be one. GS1 General
// Specifications, "GS1 Prefixes", on the GTIN-13 form (the GTIN-14 without its indicator digit):
// 020–029, 040–049 and 200–299 are restricted circulation numbers (a shop's or company's own:
// weighed goods, in-store labels); 050–059 (GS1 US coupons, now reserved), 980 (refund receipts),
// 981–984 and 990–999 (coupons) are not products; an EAN-13 or UPC-A starting 00000 is either a
// company-internal number (0000000) or unused so as not to collide with GTIN-8s (000001–000009).
// A GTIN-8 (an EAN-8, or six leading zeros in a 2D code's (01)) starting with 0 or 2 is a
// restricted circulation number.
func notTradeItem(gtin string, sym Symbology) string {
	if len(gtin) != 14 || !isDigits(gtin) {
		return ""
	}
	const rcn = "a restricted-circulation number (a shop's or company's own label, e.g. for weighed goods), not a product's GTIN"
	g13 := gtin[1:]
	if sym == EAN8 || (sym != EAN13 && sym != UPCA && strings.HasPrefix(gtin, "000000")) {
		if g8 := gtin[6:]; g8[0] == '0' || g8[0] == '2' {
			return rcn
		}
		return ""
	}
	if strings.HasPrefix(g13, "00000") {
		return "a number no product carries (GS1 keeps it for company-internal use or leaves it unused), so it is taken as a misread"
	}
	p3 := g13[:3]
	switch {
	case p3 >= "020" && p3 <= "029", p3 >= "040" && p3 <= "049", p3 >= "200" && p3 <= "299":
		return rcn
	case p3 >= "050" && p3 <= "059", p3 >= "981" && p3 <= "984", p3 >= "990":
		return "a coupon's number, not a product's GTIN"
	case p3 == "980":
		return "a refund receipt's number, not a product's GTIN"
	}
	return ""
}
