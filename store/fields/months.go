package fields

import (
	"strconv"
	"strings"
	"unicode"
)

// monthWords are the month names and their usual abbreviations in the languages the app speaks
// (English, French, Portuguese, Spanish), lower case, with and without accents: a pack printed in
// French is read the same in a Portuguese-speaking clinic, so every language's words are accepted
// whatever the language in use. No word names two different months across the languages.
var monthWords = func() map[string]int {
	m := map[string]int{}
	for i, names := range [12]string{
		"january jan janvier janv janeiro enero ene",
		"february feb février fevrier fév fev févr fevr fevereiro febrero",
		"march mar mars março marco marzo",
		"april apr avril avr abril abr",
		"may mai maio mayo",
		"june jun juin junho junio",
		"july jul juillet juil julho julio",
		"august aug août aout aoû aou agosto ago",
		"september sep sept septembre setembro set septiembre setiembre",
		"october oct octobre outubro out octubre",
		"november nov novembre novembro noviembre",
		"december dec décembre decembre déc dezembro dez diciembre dic",
	} {
		for _, w := range strings.Fields(names) {
			m[w] = i + 1
		}
	}
	return m
}()

// MonthNumber is the month (1–12) a month name or abbreviation names in English, French,
// Portuguese or Spanish ("mars", "Março", "DIC", "sept."), 0 when it names none.
func MonthNumber(word string) int {
	return monthWords[strings.TrimSuffix(strings.ToLower(strings.TrimSpace(word)), ".")]
}

// parseMonthWords reads an expiry written with the month in words: "mars 2027", "março de 2027",
// "marzo 2027", "MAR 2027", "Mar-27", "12 mars 2027", "12 de marzo de 2027". It returns the
// numeric form ParseExpiry reads ("3/2027", "12/3/2027"), or false when v is not month words.
func parseMonthWords(v string) (string, bool) {
	var t []string
	for _, w := range strings.FieldsFunc(strings.ToLower(v), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if w != "de" && w != "del" && w != "of" {
			t = append(t, w)
		}
	}
	switch {
	case len(t) == 2 && MonthNumber(t[0]) > 0 && allDigits(t[1]): // month year
		return strconv.Itoa(MonthNumber(t[0])) + "/" + t[1], true
	case len(t) == 3 && allDigits(t[0]) && MonthNumber(t[1]) > 0 && allDigits(t[2]): // day month year
		return t[0] + "/" + strconv.Itoa(MonthNumber(t[1])) + "/" + t[2], true
	}
	return "", false
}
