package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"medinventory/store"
	"medinventory/store/stock"
)

func TestExpiryWords(t *testing.T) {
	today := time.Date(2026, 6, 1, 15, 0, 0, 0, time.Local)
	for _, c := range []struct{ expiry, want string }{
		{"2026-05-31", "Expired"},
		{"2026-06-01", "Expires today"},
		{"2026-06-02", "Expires in 1 day"},
		{"2026-06-03", "Expires in 2 days"},
		{"2026-08-30", "Expires in 90 days"},
		{"2026-08-31", ""},
		{"", ""},
		{"03/2027", ""},
	} {
		if got := store.ExpiryWords(c.expiry, today); got != c.want {
			t.Errorf("ExpiryWords(%q) = %q, want %q", c.expiry, got, c.want)
		}
	}
	if st, days := store.ExpiryOf("2026-06-02", today); st != store.ExpirySoon || days != 1 {
		t.Errorf("ExpiryOf = %v %d", st, days)
	}
}

func TestWarningsAndReviewNote(t *testing.T) {
	e := store.Entry{Values: store.Values{Name: "Amoxicillin", Expiry: "2027-01-31"}, Status: store.StatusNeedsReview}
	if w := e.Warnings(); len(w) != 0 {
		t.Fatalf("a clean barcode entry has warnings %q", w)
	}
	e.ReviewNote = "Check lot: the model was not sure."
	if w := e.Warnings(); len(w) != 1 || !e.ShowsReviewNote() {
		t.Fatalf("warnings %q, shows note %v", w, e.ShowsReviewNote())
	}
	e.Status = store.StatusConfirmed
	if len(e.Warnings()) != 0 || e.ShowsReviewNote() {
		t.Fatal("a confirmed entry's review note is no longer open")
	}
	nameless := store.Entry{Status: store.StatusNeedsReview, Values: store.Values{GTIN: "4006381333932"}}
	w := strings.Join(nameless.Warnings(), "; ")
	if !strings.Contains(w, "no name") || !strings.Contains(w, "check digit") {
		t.Fatalf("warnings %q", w)
	}
}

func TestAddEntryByHandIsConfirmedAndReopenUndoesConfirm(t *testing.T) {
	st := open(t, t.TempDir())
	ctx := context.Background()
	e, err := st.AddConfirmedEntry(ctx, map[string]string{"name": "Cetirizine", "gtin": "4006381333931"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != store.StatusConfirmed || e.ProductID == 0 {
		t.Fatalf("typed by hand: status %s product %d", e.Status, e.ProductID)
	}
	e, err = st.ReopenEntry(ctx, e.ID)
	if err != nil || e.Status != store.StatusNeedsReview {
		t.Fatalf("reopen: %v %s", err, e.Status)
	}
	hist, _ := st.History(ctx, e.ID)
	if len(hist) != 2 || hist[1].OldValue != store.StatusConfirmed || hist[1].NewValue != store.StatusNeedsReview {
		t.Fatalf("history %+v", hist)
	}
	if _, err := st.ReopenEntry(ctx, 9999); err != store.ErrEntryNotFound {
		t.Fatalf("reopen of a missing entry: %v", err)
	}
}

// The entry list's "expires soon" and the stock view's "expiring" are one rule: for every day
// around the window's edges they agree.
func TestExpiryOfAgreesWithTheStockRules(t *testing.T) {
	today := time.Date(2026, 3, 1, 23, 30, 0, 0, time.Local)
	for d := -3; d <= store.ExpiresSoonDays+3; d++ {
		expiry := stock.Day(today.AddDate(0, 0, d))
		st, days := store.ExpiryOf(expiry, today)
		if days != d {
			t.Errorf("ExpiryOf(%s) days = %d, want %d", expiry, days, d)
		}
		if (st == store.ExpirySoon) != stock.ExpiresWithin(expiry, today, stock.DefaultExpiringDays) ||
			(st == store.ExpiryExpired) != stock.IsExpired(expiry, today) {
			t.Errorf("ExpiryOf(%s) = %v, the stock rules say expiring %v, expired %v", expiry, st,
				stock.ExpiresWithin(expiry, today, stock.DefaultExpiringDays), stock.IsExpired(expiry, today))
		}
	}
}
