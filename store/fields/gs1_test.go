package fields_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"medinventory/store/fields"
)

func TestGS1DateFollowsTheGS1CenturyRuleAndDayZero(t *testing.T) {
	in2026 := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in    string
		today time.Time
		want  string
	}{
		{"271231", in2026, "2027-12-31"},
		{"991231", in2026, "1999-12-31"}, // 73 years ahead: the previous century
		{"771231", in2026, "1977-12-31"}, // 51 ahead: the previous century
		{"761231", in2026, "2076-12-31"}, // 50 ahead: this century
		{"000101", in2026, "2000-01-01"},
		{"270200", in2026, "2027-02-28"}, // day 00: the month's last day
		{"280200", in2026, "2028-02-29"}, // in a leap year
		{"261100", in2026, "2026-11-30"},
		{"000200", in2026, "2000-02-29"},                                      // 2000 was a leap year
		{"300101", time.Date(2080, 1, 1, 0, 0, 0, 0, time.UTC), "2130-01-01"}, // 50 behind: the next century
		{"310101", time.Date(2080, 1, 1, 0, 0, 0, 0, time.UTC), "2031-01-01"}, // 49 behind: this century
		{"700101", time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC), "2070-01-01"},
		{"710101", time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC), "1971-01-01"},
		{"990101", time.Date(1999, 6, 1, 0, 0, 0, 0, time.UTC), "1999-01-01"},
		{"010101", time.Date(1999, 6, 1, 0, 0, 0, 0, time.UTC), "2001-01-01"},
	} {
		got, err := fields.GS1Date(c.in, c.today)
		if err != nil || got != c.want {
			t.Errorf("GS1Date(%q) in %d = %q, %v; want %q", c.in, c.today.Year(), got, err, c.want)
		}
	}
}

func TestGS1DateSaysWhyDigitsAreNotADate(t *testing.T) {
	today := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct{ in, want string }{
		{"260230", "260230 is not a date (2026-02 has 28 days)"},
		{"280230", "280230 is not a date (2028-02 has 29 days)"},
		{"000000", "000000 is not a date (there is no month 00)"},
		{"271300", "271300 is not a date (there is no month 13)"},
		{"2712", "is not a GS1 date"},
		{"27123A", "is not a GS1 date"},
		{"+71231", "is not a GS1 date"},
		{"", "is not a GS1 date"},
	} {
		got, err := fields.GS1Date(c.in, today)
		if err == nil || got != "" || !strings.Contains(err.Error(), c.want) {
			t.Errorf("GS1Date(%q) = %q, %v; want an error containing %q", c.in, got, err, c.want)
		}
	}
}

func TestCheckDigitOK(t *testing.T) {
	for _, d := range []string{"09506000134352", "05901234123457", "00036000291452", "4006381333931", "96385074", "036000291452"} {
		if !fields.CheckDigitOK(d) {
			t.Errorf("CheckDigitOK(%s) = false, want true", d)
		}
		bad := d[:len(d)-1] + string('0'+(d[len(d)-1]-'0'+1)%10)
		if fields.CheckDigitOK(bad) {
			t.Errorf("CheckDigitOK(%s) = true, want false", bad)
		}
		if g, ok := fields.NormalizeGTIN(d); !ok || len(g) != 14 {
			t.Errorf("NormalizeGTIN(%s) = %q, %v", d, g, ok)
		}
	}
	for _, d := range []string{"", "7", "12345678901A", "-1234567"} {
		if fields.CheckDigitOK(d) {
			t.Errorf("CheckDigitOK(%q) = true, want false", d)
		}
	}
}

// Every date GS1Date gives reads back as itself through ParseExpiry (the fuzzer found "770100":
// 1977-01-31 by the century rule, refused as a year before 1990).
func TestGS1DatesReadBack(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	for yy := 0; yy < 100; yy++ {
		for _, mmdd := range []string{"0100", "0228", "1231"} {
			s := fmt.Sprintf("%02d%s", yy, mmdd)
			d, err := fields.GS1Date(s, now)
			if err != nil {
				t.Fatalf("GS1Date(%s): %v", s, err)
			}
			if back, ok := fields.ParseExpiry(d); !ok || back != d {
				t.Errorf("GS1Date(%s) = %s, which ParseExpiry reads as %q, %v", s, d, back, ok)
			}
		}
	}
}
