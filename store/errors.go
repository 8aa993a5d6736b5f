package store

import (
	"database/sql"
	"errors"

	"medinventory/assets/i18n"
)

// ErrNotFound is the store's one "no such thing" error: every lookup of something that does not
// exist — an entry, a photo, a catalog product — returns an error that matches it with errors.Is
// (and matches sql.ErrNoRows too, for callers written against database/sql). The error's own
// message says what was missing in plain words.
var ErrNotFound = i18n.Err("not found")

// notFound is a "no such thing" error with its own words.
type notFound struct{ msg string }

func (e *notFound) Error() string   { return i18n.T(e.msg) }
func (e *notFound) Unwrap() []error { return []error{ErrNotFound, sql.ErrNoRows} }

// The store's not-found errors; each matches ErrNotFound. (The stock ones, ErrLineNotFound,
// ErrProductNotFound and ErrMovementNotFound, are in stock.go.)
var (
	ErrEntryNotFound    error = &notFound{i18n.Mark("this entry no longer exists")}
	ErrPhotoNotFound    error = &notFound{i18n.Mark("this photo is no longer in the inventory")}
	errNoCatalogProduct error = &notFound{i18n.Mark("no confirmed product has this GTIN")}
)

// orNotFound turns database/sql's "no rows" into the store's not-found error nf.
func orNotFound(err, nf error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nf
	}
	return err
}

// IsNotFound reports whether err means "no such thing" (errors.Is(err, ErrNotFound)).
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
