package barcode

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func i64(v int64) *int64 { return &v }

func TestParseGS1(t *testing.T) {
	full := GS1{GTIN: "09506000134352", Expiry: "2027-12-31", Lot: "AB-1234", Serial: "SN00012345"}
	cases := []struct {
		name, in string
		want     GS1
	}{
		{"DataMatrix with ]d2", "]d2" + "0109506000134352" + "17271231" + "10AB-1234\x1d" + "21SN00012345", full},
		{"no symbology id, leading FNC1", "\x1d0109506000134352" + "17271231" + "10AB-1234\x1d" + "21SN00012345", full},
		{"QR ]Q3", "]Q30109506000134352" + "17271231" + "10AB-1234\x1d" + "21SN00012345", full},
		{"GS1-128 ]C1", "]C10109506000134352" + "17271231" + "10AB-1234\x1d" + "21SN00012345", full},
		{"human form", "(01)09506000134352(17)271231(10)AB-1234(21)SN00012345", full},
		{"human form with spaces", "(01)09506000134352 (17)271231 (10)AB-1234 (21)SN00012345", full},
		{"order does not matter", "]d210AB-1234\x1d21SN00012345\x1d0109506000134352" + "17271231", full},
		{"trailing GS", "]d2" + "0109506000134352" + "17271231" + "10AB-1234\x1d" + "21SN00012345\x1d", full},
		{"EAN-13 as ]e0", "]e00105901234123457", GS1{GTIN: "05901234123457"}},
		{"expiry day 00 is end of month", "0109506000134352" + "17280200", GS1{GTIN: "09506000134352", Expiry: "2028-02-29"}},
		{"expiry day 00 in a 30-day month", "0109506000134352" + "17270400", GS1{GTIN: "09506000134352", Expiry: "2027-04-30"}},
		{"production date", "0109506000134352" + "11250115" + "17270115", GS1{GTIN: "09506000134352", ProductionDate: "2025-01-15", Expiry: "2027-01-15"}},
		{"count (30)", "0109506000134352" + "3024", GS1{GTIN: "09506000134352", Count: i64(24)}},
		{"count (37)", "0109506000134352" + "37100\x1d10L1", GS1{GTIN: "09506000134352", Count: i64(100), Lot: "L1"}},
		{"(30) wins over (37)", "37100\x1d3012", GS1{Count: i64(12)}},
		{"unknown AIs kept raw", "0109506000134352" + "7003250101" + "1230\x1d" + "91internal\x1d3102000150" + "240PART-9",
			GS1{GTIN: "09506000134352", Other: map[string]string{"7003": "2501011230", "91": "internal", "3102": "000150", "240": "PART-9"}}},
		{"national reimbursement number", "]d20109506000134352" + "714ABC123", GS1{GTIN: "09506000134352", Other: map[string]string{"714": "ABC123"}}},
		{"same AI twice, same value", "10A\x1d10A", GS1{Lot: "A"}},
		{"a year more than 50 ahead is last century's", "0109506000134352" + "17991231", GS1{GTIN: "09506000134352", Expiry: "1999-12-31"}},
		{"an impossible expiry keeps the GTIN, lot and serial", "]d20109506000134352" + "17260230" + "10AB-1234\x1d" + "21SN00012345",
			GS1{GTIN: "09506000134352", Lot: "AB-1234", Serial: "SN00012345", Notes: []string{"the barcode's expiry 260230 is not a date"}}},
		{"expiry 000000", "0109506000134352" + "17000000" + "10L1", GS1{GTIN: "09506000134352", Lot: "L1", Notes: []string{"the barcode's expiry 000000 is not a date"}}},
		{"month 13", "17251340", GS1{Notes: []string{"the barcode's expiry 251340 is not a date"}}},
		{"impossible production date", "0109506000134352" + "11251301" + "17270115",
			GS1{GTIN: "09506000134352", Expiry: "2027-01-15", Notes: []string{"the barcode's production date 251301 is not a date"}}},
	}
	defer func(old func() time.Time) { today = old }(today)
	today = func() time.Time { return time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC) }
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseGS1(c.in)
			if err != nil {
				t.Fatalf("ParseGS1(%q): %v", c.in, err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("ParseGS1(%q)\n got %+v\nwant %+v", c.in, got, c.want)
			}
		})
	}
}

func TestParseGS1Errors(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"empty", "", "holds no GS1 data"},
		{"only a symbology id", "]d2", "holds no GS1 data"},
		{"check digit", "0109506000134353", "GTIN check digit is wrong"},
		{"GTIN not digits", "(01)0950600013435X", "must be digits only"},
		{"GTIN short in human form", "(01)123", "must be 14 digits, not 3"},
		{"GTIN cut short", "01095060001343", "(01) needs 14 characters but only 12 are left"},
		{"letters where an AI belongs", "ABC", "expected an application identifier (digits) at position 1"},
		{"lot too long", "10ABCDEFGHIJKLMNOPQRSTU", "lot (10) is 21 characters long; at most 20"},
		{"count not digits", "30x2", "count (30) must be digits only"},
		{"count too long", "30123456789", "count (30) is 9 characters long; at most 8"},
		{"empty lot", "10\x1d17250101", "(10) has no data"},
		{"control character", "10AB\x01C", "(10) contains a character"},
		{"duplicate AI", "10A\x1d10B", "(10) appears twice with different values"},
		{"AI cut short", "0109506000134352" + "7", "expected an application identifier (digits) at position 17"},
		{"4-digit AI cut short", "310", "application identifier at position 1 is cut short"},
		{"human form, AI with no data", "(01)(17)271231", "(01) has no data"},
		{"human form bad AI", "(1)5", "is not an application identifier"},
		{"human form unclosed", "(01", "has no closing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseGS1(c.in)
			if err == nil {
				t.Fatalf("ParseGS1(%q) = nil error, want one containing %q", c.in, c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("ParseGS1(%q) error %q, want it to contain %q", c.in, err, c.want)
			}
		})
	}
}

func TestCheckDigit(t *testing.T) {
	for _, d := range []string{"09506000134352", "05901234123457", "00036000291452", "4006381333931", "96385074"} {
		if !checkDigitOK(d) {
			t.Errorf("checkDigitOK(%s) = false, want true", d)
		}
		bad := d[:len(d)-1] + string('0'+(d[len(d)-1]-'0'+1)%10)
		if checkDigitOK(bad) {
			t.Errorf("checkDigitOK(%s) = true, want false", bad)
		}
	}
}

func FuzzParseGS1(f *testing.F) {
	for _, s := range []string{
		"]d20109506000134352" + "17271231" + "10AB-1234\x1d" + "21SN00012345",
		"(01)09506000134352(17)271200(10)X",
		"]C10109506000134352" + "3024\x1d" + "37100",
		"7003250101" + "1230\x1d91x", "", "]Q3", "(", "((01)", "310", "\x1d\x1d",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseGS1(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if g.GTIN != "" && (len(g.GTIN) != 14 || !checkDigitOK(g.GTIN)) {
			t.Fatalf("accepted a bad GTIN %q from %q", g.GTIN, s)
		}
		for _, d := range []string{g.Expiry, g.ProductionDate} {
			if d != "" && (len(d) != 10 || d[4] != '-' || d[7] != '-') {
				t.Fatalf("date %q from %q is not YYYY-MM-DD", d, s)
			}
		}
		if g.Count != nil && *g.Count < 0 {
			t.Fatalf("negative count from %q", s)
		}
	})
}
