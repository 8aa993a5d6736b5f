package fields_test

import (
	"testing"

	"medinventory/store/fields"
)

// TestParseExpiry: the forms packs print and people type in English, French, Portuguese and
// Spanish. "" means refused.
func TestParseExpiry(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// What was accepted before the languages came: unchanged.
		{"2027-03-31", "2027-03-31"}, {"2027-03", "2027-03-31"}, {"03/2027", "2027-03-31"}, {"3/2027", "2027-03-31"},
		{"02/28", "2028-02-29"}, {"15.06.2027", "2027-06-15"}, {"15/06/27", "2027-06-15"}, {"2027/03/12", "2027-03-12"},
		{" 12/2027 ", "2027-12-31"},
		// Day first, as fr/pt/es write it: 12/03/2027 is 12 March, never 3 December.
		{"12/03/2027", "2027-03-12"}, {"12.03.2027", "2027-03-12"}, {"12-03-2027", "2027-03-12"}, {"31/12/2027", "2027-12-31"},
		// The month in words.
		{"mars 2027", "2027-03-31"}, {"Mars 2027", "2027-03-31"}, {"MARS 2027", "2027-03-31"},
		{"março 2027", "2027-03-31"}, {"MARÇO 2027", "2027-03-31"}, {"março de 2027", "2027-03-31"}, {"marco 2027", "2027-03-31"},
		{"marzo 2027", "2027-03-31"}, {"marzo de 2027", "2027-03-31"}, {"March 2027", "2027-03-31"}, {"MAR 2027", "2027-03-31"},
		{"Mar-27", "2027-03-31"}, {"mar/2027", "2027-03-31"}, {"févr. 2028", "2028-02-29"}, {"fevrier 2027", "2027-02-28"},
		{"août 2027", "2027-08-31"}, {"AOÛT 2027", "2027-08-31"}, {"sept. 2027", "2027-09-30"}, {"setembro 2027", "2027-09-30"},
		{"set 2027", "2027-09-30"}, {"out 2027", "2027-10-31"}, {"dez 2027", "2027-12-31"}, {"dic 2027", "2027-12-31"},
		{"déc 2027", "2027-12-31"}, {"ene 2027", "2027-01-31"}, {"mai 2027", "2027-05-31"}, {"mayo 2027", "2027-05-31"},
		{"12 mars 2027", "2027-03-12"}, {"12 de marzo de 2027", "2027-03-12"}, {"31 Mar 2027", "2027-03-31"}, {"1er mars 2027", ""},
		// Refused.
		{"", ""}, {"abc", ""}, {"13/2027", ""}, {"00/2027", ""}, {"2027-02-30", ""}, {"31/02/2027", ""}, {"1/1/1/1", ""},
		{"mars", ""}, {"2027 mars", ""}, {"marsh 2027", ""}, {"mars avril 2027", ""}, {"32 mars 2027", ""}, {"mars 12027", ""},
		{"mars 1969", ""}, {"12 mars", ""},
	} {
		got, ok := fields.ParseExpiry(c.in)
		if (c.want == "") == ok || got != c.want {
			t.Errorf("ParseExpiry(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

func TestMonthNumber(t *testing.T) {
	for w, want := range map[string]int{"janvier": 1, "Fev": 2, "MARÇO": 3, "abr": 4, "mai": 5, "junio": 6, "juil.": 7,
		"agosto": 8, "setiembre": 9, "out": 10, "noviembre": 11, "dic": 12, "lundi": 0, "": 0} {
		if got := fields.MonthNumber(w); got != want {
			t.Errorf("MonthNumber(%q) = %d, want %d", w, got, want)
		}
	}
}
