package i18n

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Dates and numbers where people read them (the window, the command line's tables, the PDF and
// XLSX reports), in the reader's convention: 12/03/2027 and "1 234" in French, 12/03/2027 and
// "1.234" in Portuguese and Spanish. English keeps what the app has always shown: ISO days
// (2027-03-12), which no English reader mistakes for month-first, and "1,234". Files meant for
// machines (CSV, JSON, the database, file names) stay ISO and never call these.
//
// The conventions are a small table rather than golang.org/x/text's CLDR data: the app speaks five
// fixed languages, and x/text v0.44 writes French thousands with a no-break space (U+00A0) where
// CLDR and French typography now use the narrow one (U+202F); a table says plainly what each
// language gets and costs nothing per call.

// convention is how one language writes dates and numbers.
type convention struct {
	day      string // time layout of a calendar day
	dayTime  string // of a day and a time
	group    string // thousands separator
	point    string // decimal separator
	months   [12]string
	monthFmt string // layout of a month and year: "%s %d", "%s de %d"
}

var conventions = map[string]convention{
	"en": {day: "2006-01-02", dayTime: "2006-01-02 15:04", group: ",", point: ".", monthFmt: "%s %d",
		months: [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September",
			"October", "November", "December"}},
	"fr": {day: "02/01/2006", dayTime: "02/01/2006 15:04", group: "\u202f", point: ",", monthFmt: "%s %d",
		months: [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
			"octobre", "novembre", "décembre"}},
	"pt-BR": {day: "02/01/2006", dayTime: "02/01/2006 15:04", group: ".", point: ",", monthFmt: "%s de %d",
		months: [12]string{"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
			"outubro", "novembro", "dezembro"}},
	// European Portuguese groups thousands with a space (CLDR), not a point.
	"pt-PT": {day: "02/01/2006", dayTime: "02/01/2006 15:04", group: "\u00a0", point: ",", monthFmt: "%s de %d",
		months: [12]string{"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
			"outubro", "novembro", "dezembro"}},
	"es": {day: "02/01/2006", dayTime: "02/01/2006 15:04", group: ".", point: ",", monthFmt: "%s de %d",
		months: [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
			"octubre", "noviembre", "diciembre"}},
}

// conv is the convention of the language in use.
func conv() convention {
	if c, ok := conventions[Current()]; ok {
		return c
	}
	return conventions["en"]
}

// Date is t's calendar day as the reader writes it: 12/03/2027 (day first) in French, Portuguese
// and Spanish, 2027-03-12 in English.
func Date(t time.Time) string { return t.Format(conv().day) }

// DayFirst reports whether the reader writes the day first (12/03/2027), for formats that hold
// their own date pattern (a spreadsheet's date cells); false means ISO (2027-03-12).
func DayFirst() bool { return strings.HasPrefix(conv().day, "02") }

// DateTime is t's day and time (hours and minutes) as the reader writes them: 12/03/2027 14:05,
// 2027-03-12 14:05 in English.
func DateTime(t time.Time) string { return t.Format(conv().dayTime) }

// Day rewrites a calendar day kept as YYYY-MM-DD (an expiry, a report's day) as the reader writes
// it; anything else (empty, a partial date) is returned unchanged.
func Day(iso string) string {
	if len(iso) != 10 {
		return iso
	}
	d, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return Date(d)
}

// Month is t's month and year in words: "March 2027", "mars 2027", "março de 2027", "marzo de
// 2027".
func Month(t time.Time) string {
	c := conv()
	name := c.months[t.Month()-1]
	return fmt.Sprintf(c.monthFmt, name, t.Year())
}

// MonthName is month m's name in the language in use ("mars"), lower case except in English.
func MonthName(m time.Month) string { return conv().months[m-1] }

// Int writes n with the reader's thousands separator: 1,234 in English, 1 234 (a narrow no-break
// space) in French, 1.234 in Portuguese (Brazil) and Spanish, 1 234 (a no-break space) in
// Portuguese (Portugal).
func Int(n int64) string { return group(strconv.FormatInt(n, 10), conv().group) }

// Decimal writes f rounded to digits decimals with the reader's separators (38,8 and 1 234,5 in
// French), without trailing zeros after the decimal separator (30, not 30.0): the way the reports
// have always written their decimals (AMC, months of stock). digits below 0 count as 0.
func Decimal(f float64, digits int) string {
	if digits < 0 {
		digits = 0
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	p := math.Pow(10, float64(digits))
	f = math.Round(f*p) / p
	s := strconv.FormatFloat(f, 'f', digits, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	c := conv()
	whole, frac, hasFrac := strings.Cut(s, ".")
	out := group(whole, c.group)
	if hasFrac {
		out += c.point + frac
	}
	return out
}

// group inserts sep between each three digits of a whole number written in ASCII ("-1234567").
func group(s, sep string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	if len(s) <= 3 {
		return sign + s
	}
	var b strings.Builder
	b.Grow(len(sign) + len(s) + len(s)/3*len(sep))
	b.WriteString(sign)
	head := len(s) % 3
	if head == 0 {
		head = 3
	}
	b.WriteString(s[:head])
	for i := head; i < len(s); i += 3 {
		b.WriteString(sep)
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
