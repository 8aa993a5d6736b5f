package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// ExpiresSoonDays is how many days ahead "expires soon" looks (the window's filter and colours):
// the stock rules' window, stock.DefaultExpiringDays.
const ExpiresSoonDays = stock.DefaultExpiringDays

// Expiry is where an entry stands against its expiry date.
type Expiry int

const (
	ExpiryUnknown Expiry = iota // no date
	ExpiryOK                    // more than ExpiresSoonDays away
	ExpirySoon                  // within ExpiresSoonDays (today included)
	ExpiryExpired               // the date has passed
)

// ExpiryOf says where an expiry date ("YYYY-MM-DD") stands on the day of today, and how many days
// are left (negative once expired), by the stock rules (stock.IsExpired, stock.ExpiresWithin): a
// medicine is usable through its expiry day.
func ExpiryOf(expiry string, today time.Time) (Expiry, int) {
	days, ok := stock.DaysLeft(expiry, today)
	switch {
	case !ok:
		return ExpiryUnknown, 0
	case stock.IsExpired(expiry, today):
		return ExpiryExpired, days
	case stock.ExpiresWithin(expiry, today, ExpiresSoonDays):
		return ExpirySoon, days
	}
	return ExpiryOK, days
}

// ExpiryWords is the expiry as people say it: "Expired", "Expires today", "Expires in 1 day",
// "Expires in 12 days"; "" when the date is unknown or far away.
func ExpiryWords(expiry string, today time.Time) string {
	st, days := ExpiryOf(expiry, today)
	switch {
	case st == ExpiryExpired:
		return "Expired"
	case st != ExpirySoon:
		return ""
	case days == 0:
		return "Expires today"
	case days == 1:
		return "Expires in 1 day"
	}
	return fmt.Sprintf("Expires in %d days", days)
}

// NeedsReview reports whether a person still has to check the entry.
func (e *Entry) NeedsReview() bool { return e.Status == StatusNeedsReview }

// Warnings are the entry's open warnings: what a reviewer must look at before confirming it.
// Confirming several entries at once skips any entry that has one.
func (e *Entry) Warnings() []string {
	var w []string
	if e.Name == "" && e.GenericName == "" {
		w = append(w, "it has no name")
	}
	if e.NeedsReview() && strings.TrimSpace(e.ReviewNote) != "" {
		w = append(w, "it has a note to check")
	}
	for _, f := range EntryFields {
		if v := e.Get(f); v != "" {
			if _, err := ValidateField(f, v); err != nil {
				w = append(w, err.Error())
			}
		}
	}
	return w
}

// ShowsReviewNote reports whether the entry's review note is still true: once a person confirmed
// the entry, what the analysis was unsure about has been checked.
func (e *Entry) ShowsReviewNote() bool { return e.NeedsReview() && e.ReviewNote != "" }

// AddConfirmedEntry adds a stock line typed by hand, like AddEntry, and confirms it in the same
// transaction: the person typed what the package says, so there is nothing left to check against
// a photo (with a GTIN, the product is remembered as on Confirm).
func (s *Store) AddConfirmedEntry(ctx context.Context, fields map[string]string) (Entry, error) {
	return s.addEntry(ctx, fields, true)
}

// ReopenEntry puts a confirmed entry back to "needs review" (undoing a Confirm). The change is
// kept in the history. An entry that already needs review is left as it is.
func (s *Store) ReopenEntry(ctx context.Context, id int64) (Entry, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return Entry{}, err
	}
	defer tx.Rollback()
	var status string
	err = tx.QueryRowContext(ctx, `SELECT status FROM entries WHERE id = ? AND deleted_at IS NULL`, id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, ErrEntryNotFound
	} else if err != nil {
		return Entry{}, i18n.Errorf("reopen entry %d: %w", id, err)
	}
	if status != StatusNeedsReview {
		now := ms(s.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO edits(entry_id, field, old_value, new_value, source, at) VALUES (?,?,?,?,?,?)`,
			id, "status", status, StatusNeedsReview, SourceUser, now); err != nil {
			return Entry{}, i18n.Errorf("reopen entry %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE entries SET status = ?, updated_at = ? WHERE id = ?`, StatusNeedsReview, now, id); err != nil {
			return Entry{}, i18n.Errorf("reopen entry %d: %w", id, err)
		}
		if err := s.syncEntryStockTx(ctx, tx, id); err != nil {
			return Entry{}, err
		}
	}
	if err := tx.Commit(); err != nil {
		return Entry{}, err
	}
	return s.Entry(ctx, id)
}
