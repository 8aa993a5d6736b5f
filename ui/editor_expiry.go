package ui

// The editor shows an expiry as the reader writes it (31/05/2025 in French, as the list does),
// while the store keeps YYYY-MM-DD; the one expiry parser (store/fields.ParseExpiry) reads the
// day-first form back, so a field opened and left alone saves as the same day and is not edited.

import (
	"medinventory/assets/i18n"
	"medinventory/store/fields"
)

// isDateField reports whether field f holds a calendar day (the expiry).
func isDateField(f string) bool {
	fd, ok := fields.ByName(f)
	return ok && fd.Kind == fields.DateKind
}

// shownValue is field f's stored value as the editor's box shows it: a day as the reader writes
// it (i18n.Day), anything else — and a day i18n.Day cannot rewrite — as stored.
func shownValue(f, stored string) string {
	if isDateField(f) {
		return i18n.Day(stored)
	}
	return stored
}

// unchanged reports whether what a box says is still field f's stored value: as shown, as
// stored, or (a day) the same day written another way.
func unchanged(f, text, stored string) bool {
	if text == stored || text == shownValue(f, stored) {
		return true
	}
	if !isDateField(f) || stored == "" {
		return false
	}
	d, ok := fields.ParseExpiry(text)
	return ok && d == stored
}
