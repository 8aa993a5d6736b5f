package fields

import (
	"fmt"
	"time"
)

// GS1Date turns a GS1 date (YYMMDD, as in the application identifiers (11) production date and
// (17) expiry) into YYYY-MM-DD, by the GS1 General Specifications (section 7.12, "Determination of
// century in dates"): the century is the one that puts the year nearest to today, with a year more
// than 50 years ahead of today's taken as the previous century's and one 50 or more years behind it
// as the next century's. Read in 2026, "991231" is 1999-12-31 and "761231" 2076-12-31. A day of
// "00" means the last day of that month. It is the one reading of GS1 dates in the program: the
// barcode reader, the model's answer and the stock rules all call it.
//
// The error says in plain words that the digits are not a date (a month 13, a 30 February, 000000);
// a caller keeps the rest of the code and shows the error to the reviewer.
func GS1Date(yymmdd string, today time.Time) (string, error) {
	if len(yymmdd) != 6 || !allDigits(yymmdd) {
		return "", fmt.Errorf("%q is not a GS1 date (six digits, YYMMDD)", yymmdd)
	}
	yy := int(yymmdd[0]-'0')*10 + int(yymmdd[1]-'0')
	m := int(yymmdd[2]-'0')*10 + int(yymmdd[3]-'0')
	d := int(yymmdd[4]-'0')*10 + int(yymmdd[5]-'0')
	cur := today.Year()
	century := cur - cur%100
	switch diff := yy - cur%100; {
	case diff > 50: // 51 to 99 ahead: the previous century
		century -= 100
	case diff <= -50: // 50 to 99 behind: the next century
		century += 100
	}
	y := century + yy
	if m < 1 || m > 12 {
		return "", fmt.Errorf("%s is not a date (there is no month %02d)", yymmdd, m)
	}
	last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if d == 0 {
		d = last
	}
	if d > last {
		return "", fmt.Errorf("%s is not a date (%04d-%02d has %d days)", yymmdd, y, m, last)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d), nil
}

// CheckDigitOK verifies a GS1 mod-10 check digit: the last digit of a GTIN-8, -12, -13 or -14 (or
// of any GS1 key of digits, such as an SSCC). It is the one check of it in the program.
func CheckDigitOK(d string) bool {
	if len(d) < 2 || !allDigits(d) {
		return false
	}
	sum := 0
	for i, w := len(d)-2, 3; i >= 0; i, w = i-1, 4-w {
		sum += int(d[i]-'0') * w
	}
	return (10-sum%10)%10 == int(d[len(d)-1]-'0')
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
