package i18n

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"
)

func TestDatesAndNumbers(t *testing.T) {
	defer Set("en")
	day := time.Date(2027, 3, 12, 14, 5, 59, 0, time.UTC)
	for _, c := range []struct {
		tag, date, dateTime, month, int1, int2, neg, dec1, dec2 string
	}{
		{"en", "2027-03-12", "2027-03-12 14:05", "March 2027", "1,234", "1,234,567", "-1,234", "38.8", "1,234.5"},
		{"fr", "12/03/2027", "12/03/2027 14:05", "mars 2027", "1\u202f234", "1\u202f234\u202f567", "-1\u202f234", "38,8", "1\u202f234,5"},
		{"pt-BR", "12/03/2027", "12/03/2027 14:05", "março de 2027", "1.234", "1.234.567", "-1.234", "38,8", "1.234,5"},
		{"pt-PT", "12/03/2027", "12/03/2027 14:05", "março de 2027", "1\u00a0234", "1\u00a0234\u00a0567", "-1\u00a0234", "38,8", "1\u00a0234,5"},
		{"es", "12/03/2027", "12/03/2027 14:05", "marzo de 2027", "1.234", "1.234.567", "-1.234", "38,8", "1.234,5"},
	} {
		if got := Set(c.tag); got != c.tag {
			t.Fatalf("Set(%q) = %q", c.tag, got)
		}
		for _, g := range []struct{ what, got, want string }{
			{"Date", Date(day), c.date},
			{"Day", Day("2027-03-12"), c.date},
			{"DateTime", DateTime(day), c.dateTime},
			{"Month", Month(day), c.month},
			{"Int(1234)", Int(1234), c.int1},
			{"Int(1234567)", Int(1234567), c.int2},
			{"Int(-1234)", Int(-1234), c.neg},
			{"Decimal(38.75, 1)", Decimal(38.75, 1), c.dec1},
			{"Decimal(1234.46, 1)", Decimal(1234.46, 1), c.dec2},
		} {
			if g.got != g.want {
				t.Errorf("%s: %s = %q, want %q", c.tag, g.what, g.got, g.want)
			}
		}
	}
}

func TestNumbersEdges(t *testing.T) {
	defer Set("en")
	Set("en")
	for _, c := range []struct {
		got, want string
	}{
		{Int(0), "0"}, {Int(7), "7"}, {Int(999), "999"}, {Int(1000), "1,000"}, {Int(-999), "-999"},
		{Int(100000), "100,000"}, {Int(math.MinInt64), "-9,223,372,036,854,775,808"},
		{Decimal(30, 1), "30"}, {Decimal(30.04, 1), "30"}, {Decimal(0.25, 1), "0.3"}, {Decimal(-0.04, 1), "0"},
		{Decimal(2.5, 0), "3"}, {Decimal(1.005, 2), "1"}, {Decimal(1.256, 2), "1.26"}, {Decimal(1234.5, -1), "1,235"},
		{Decimal(math.NaN(), 1), "NaN"},
		{Day(""), ""}, {Day("2027-03"), "2027-03"}, {Day("not a day"), "not a day"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// TestEnglishDecimalUnchanged: English decimals are what the reports printed before (the
// stock.Decimal rule: one decimal, no trailing ".0").
func TestEnglishDecimalUnchanged(t *testing.T) {
	defer Set("en")
	Set("en")
	for _, x := range []float64{0, 0.04, 0.05, 0.3, 1, 29.96, 38.75, 999.95} {
		want := map[float64]string{0: "0", 0.04: "0", 0.05: "0.1", 0.3: "0.3", 1: "1", 29.96: "30", 38.75: "38.8", 999.95: "1,000"}[x]
		if got := Decimal(x, 1); got != want {
			t.Errorf("Decimal(%v, 1) = %q, want %q", x, got, want)
		}
	}
}

func BenchmarkInt(b *testing.B) {
	defer Set("en")
	Set("fr")
	for i := 0; i < b.N; i++ {
		_ = Int(int64(i) * 1013)
	}
}

func TestErrors(t *testing.T) {
	defer Set("en")
	base := errors.New("disk on fire")
	Set("en")
	e := Errorf("cannot store the photo: %w", base)
	if !errors.Is(e, base) || e.Error() != "cannot store the photo: disk on fire" {
		t.Fatalf("Errorf = %v", e)
	}
	sentinel := Err("no such message here")
	wrapped := fmt.Errorf("x: %w", sentinel)
	if !errors.Is(wrapped, sentinel) || errors.Is(wrapped, Err("no such message here")) {
		t.Fatal("Err must match itself only, by identity")
	}
	if sentinel.Error() != "no such message here" {
		t.Fatalf("Err = %q", sentinel.Error())
	}
}
