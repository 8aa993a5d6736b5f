// Package fields is the field table: the one definition of a stock line's medicine fields (name,
// label, limit, check, how each is read and set — see All and Values) that the store's SQL, the
// merge of analyses, the editor, the exports and the model's answer schema all read. It also checks
// and normalises values that come from outside — a model's answer, a barcode, a person typing:
// expiry dates as printed on packs and GTINs with their check digit. It is pure (no I/O), so every
// package that meets such values can share it.
package fields

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseExpiry reads an expiry date as printed on packs and as people type it: YYYY-MM-DD,
// YYYY-MM, MM/YYYY, MM/YY, DD/MM/YYYY, DD.MM.YYYY (the day first, as French, Portuguese and Spanish
// write it; never month-first), and the month in words in English, French, Portuguese or Spanish
// ("mars 2027", "março de 2027", "marzo 2027", "MAR 2027", "12 mars 2027"; see MonthNumber). A
// month without a day means the last day of that month.
func ParseExpiry(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if w, ok := parseMonthWords(v); ok {
		v = w
	}
	v = strings.NewReplacer(".", "/", " ", "", "-", "/").Replace(v)
	parts := strings.Split(v, "/")
	atoi := func(s string) (int, bool) {
		if s == "" || len(s) > 4 {
			return 0, false
		}
		n, err := strconv.Atoi(s)
		return n, err == nil
	}
	var y, m, d int
	var ok1, ok2, ok3 bool
	switch len(parts) {
	case 2:
		if len(parts[0]) == 4 { // YYYY/MM
			y, ok1 = atoi(parts[0])
			m, ok2 = atoi(parts[1])
		} else { // MM/YYYY or MM/YY
			m, ok1 = atoi(parts[0])
			y, ok2 = atoi(parts[1])
			if len(parts[1]) == 2 {
				y += 2000
			} else if len(parts[1]) != 4 {
				return "", false
			}
		}
		ok3 = true
	case 3:
		if len(parts[0]) == 4 { // YYYY/MM/DD
			y, ok1 = atoi(parts[0])
			m, ok2 = atoi(parts[1])
			d, ok3 = atoi(parts[2])
		} else { // DD/MM/YYYY
			d, ok1 = atoi(parts[0])
			m, ok2 = atoi(parts[1])
			y, ok3 = atoi(parts[2])
			if len(parts[2]) == 2 {
				y += 2000
			} else if len(parts[2]) != 4 {
				return "", false
			}
		}
	default:
		return "", false
	}
	// 1970: the oldest year a GS1 date can name today is 1977 (GS1Date's century rule: a two-digit
	// year more than 50 ahead is the previous century's), and such a date must read back as itself.
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || y < 1970 || y > 2100 {
		return "", false
	}
	last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if d == 0 {
		d = last
	}
	if d < 1 || d > last {
		return "", false
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d), true
}

// NormalizeGTIN checks a GTIN-8/12/13/14's check digit and returns it as 14 digits.
func NormalizeGTIN(v string) (string, bool) {
	v = strings.ReplaceAll(strings.TrimSpace(v), " ", "")
	switch len(v) {
	case 8, 12, 13, 14:
	default:
		return "", false
	}
	if !CheckDigitOK(v) {
		return "", false
	}
	return strings.Repeat("0", 14-len(v)) + v, true
}
