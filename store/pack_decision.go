package store

// A receipt whose photo looks like one added shortly before (movements.similar_photo_id: "probably
// the same pack as photo N") is never confirmed silently. Confirming it — its entry (ConfirmEntry),
// the receipt itself (ConfirmReceipt), or many at once — returns a *PackDecisionError and changes
// nothing, until the reviewer answered DecidePack: a new pack (recorded on the receipt as reason
// ReasonNewPack; confirming may then proceed) or the same pack (the receipt is dismissed, as
// MarkSamePack does).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// ErrPackDecision is what a *PackDecisionError matches with errors.Is: the receipt looks like a
// pack already counted and waits for the reviewer's decision.
var ErrPackDecision = i18n.Err("this photo looks like a pack already counted")

// ReasonNewPack is the reason a receipt carries once the reviewer decided that its photo, although
// it looks like an earlier one, shows another pack (DecidePack with NewPack).
const ReasonNewPack = stock.NewPack

// PackDecision is the reviewer's answer for a receipt that looks like an earlier photo's pack.
type PackDecision int

// The two answers.
const (
	NewPack  PackDecision = iota + 1 // another pack: it may be confirmed and counted
	SamePack                         // the pack of the earlier photo: the receipt is dismissed, nothing is counted
)

// PackDecisionError says which receipt waits for a decision and which photo it looks like.
type PackDecisionError struct {
	ReceiptID        int64
	EntryID          int64 // 0: the receipt has no entry
	PhotoID          int64
	PhotoName        string
	SimilarPhotoID   int64
	SimilarPhotoName string
}

func (e *PackDecisionError) Error() string {
	return i18n.T("photo %d%s looks like photo %d%s, added shortly before: probably the same pack. Nothing was confirmed: choose “Confirm as a new pack” or “Same pack as photo %d”",
		e.PhotoID, nameInParens(e.PhotoName), e.SimilarPhotoID, nameInParens(e.SimilarPhotoName), e.SimilarPhotoID)
}

// Is makes errors.Is(err, ErrPackDecision) true.
func (e *PackDecisionError) Is(target error) bool { return target == ErrPackDecision }

func nameInParens(n string) string {
	if n == "" {
		return ""
	}
	return " (" + n + ")"
}

// NeedsPackDecision reports whether a movement is a pending receipt that looks like an earlier
// photo's pack and nobody has decided yet whether it is another pack.
func NeedsPackDecision(m stock.Movement) bool {
	return m.Kind == stock.Receive && m.Status == stock.Pending && m.SimilarPhotoID != 0 && m.Reason != ReasonNewPack
}

// packDecisionErr is the error for a receipt that needs a decision (nil when it needs none).
func packDecisionErr(ctx context.Context, q querier, m stock.Movement) error {
	if !NeedsPackDecision(m) {
		return nil
	}
	e := &PackDecisionError{ReceiptID: m.ID, EntryID: m.EntryID, PhotoID: m.PhotoID, SimilarPhotoID: m.SimilarPhotoID}
	err := q.QueryRowContext(ctx, `SELECT COALESCE((SELECT original_name FROM photos WHERE id = ?), ''),
		COALESCE((SELECT original_name FROM photos WHERE id = ?), '')`, m.PhotoID, m.SimilarPhotoID).Scan(&e.PhotoName, &e.SimilarPhotoName)
	if err != nil {
		return i18n.Errorf("read the look-alike photos: %w", err)
	}
	return e
}

// entryReceiptTx returns the receipt an entry proposes now; ok false when it has none.
func entryReceiptTx(ctx context.Context, q querier, entryID int64) (m stock.Movement, ok bool, err error) {
	var id sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT receipt_id FROM entries WHERE id = ?`, entryID).Scan(&id); errors.Is(err, sql.ErrNoRows) {
		return m, false, ErrEntryNotFound
	} else if err != nil {
		return m, false, i18n.Errorf("read entry %d: %w", entryID, err)
	}
	if !id.Valid {
		return m, false, nil
	}
	m, err = getMovement(ctx, q, id.Int64)
	return m, err == nil, err
}

// PackQuestion returns the decision an entry's receipt waits for (a *PackDecisionError), or nil
// when confirming the entry needs none.
func (s *Store) PackQuestion(ctx context.Context, entryID int64) (*PackDecisionError, error) {
	m, ok, err := entryReceiptTx(ctx, s.r, entryID)
	if err != nil || !ok {
		return nil, err
	}
	var pe *PackDecisionError
	if err := packDecisionErr(ctx, s.r, m); errors.As(err, &pe) {
		return pe, nil
	} else if err != nil {
		return nil, err
	}
	return nil, nil
}

// DecidePack records the reviewer's answer for a pending receipt that looks like an earlier
// photo's pack. NewPack keeps the receipt pending, marked as another pack (it is confirmed as
// usual afterwards, and is not asked about again); SamePack dismisses it (MarkSamePack). The
// decision is kept in the entry's history.
func (s *Store) DecidePack(ctx context.Context, receiptID int64, d PackDecision) error {
	switch d {
	case SamePack:
		return s.MarkSamePack(ctx, receiptID)
	case NewPack:
	default:
		return fmt.Errorf("unknown pack decision %d", d)
	}
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		m, err := pendingReceipt(ctx, tx, receiptID)
		if err != nil {
			return err
		}
		if m.SimilarPhotoID == 0 || m.Reason == ReasonNewPack {
			return nil // nothing to decide, or decided already
		}
		now := ms(s.now())
		if _, err := tx.ExecContext(ctx, `UPDATE movements SET reason = ?, recorded_at = ? WHERE id = ? AND status = 'pending'`,
			string(ReasonNewPack), now, receiptID); err != nil {
			return i18n.Errorf("record the decision: %w", err)
		}
		if m.EntryID == 0 {
			return nil
		}
		var like string
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT original_name FROM photos WHERE id = ?), '')`, m.SimilarPhotoID).Scan(&like); err != nil {
			return i18n.Errorf("read the look-alike photo: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO edits(entry_id, field, old_value, new_value, source, at) VALUES (?,?,?,?,?,?)`,
			m.EntryID, "pack", "", fmt.Sprintf("a new pack, though it looks like photo %d%s", m.SimilarPhotoID, nameInParens(like)), SourceUser, now)
		return err
	})
}

// checkPackDecidedTx refuses to confirm an entry whose receipt waits for a pack decision: before
// is its receipt before the confirmation, after the one it has now (in the same transaction).
// The caller rolls the transaction back on the error, so nothing changes.
func checkPackDecidedTx(ctx context.Context, tx *sql.Tx, entryID int64, before stock.Movement, hadBefore bool) error {
	if hadBefore {
		if err := packDecisionErr(ctx, tx, before); err != nil {
			return err
		}
	}
	after, ok, err := entryReceiptTx(ctx, tx, entryID)
	if err != nil || !ok {
		return err
	}
	if after.Status != stock.Confirmed || after.SimilarPhotoID == 0 || after.Reason == ReasonNewPack {
		return nil
	}
	if hadBefore && before.ID == after.ID && before.Status == stock.Confirmed {
		return nil // confirmed earlier: nothing new is counted now
	}
	// A receipt proposed and confirmed in this one step, though it looks like an earlier photo.
	after.Status = stock.Pending
	return packDecisionErr(ctx, tx, after)
}

// UndoSamePack undoes a "same pack" decision on an entry (Undo in the window): the entry needs
// review again and proposes a receipt again — flagged again when its photo still looks like an
// earlier one — so the decision can be made anew. The dismissed receipt stays on the stock card.
func (s *Store) UndoSamePack(ctx context.Context, entryID int64) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		var status string
		var noReceipt bool
		err := tx.QueryRowContext(ctx, `SELECT status, no_receipt FROM entries WHERE id = ? AND deleted_at IS NULL`, entryID).Scan(&status, &noReceipt)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrEntryNotFound
		} else if err != nil {
			return i18n.Errorf("read entry %d: %w", entryID, err)
		}
		if !noReceipt {
			return nil // not marked the same pack (any more): nothing to undo
		}
		now := ms(s.now())
		if _, err := tx.ExecContext(ctx, `UPDATE entries SET no_receipt = 0, status = 'needs_review', updated_at = ? WHERE id = ?`, now, entryID); err != nil {
			return i18n.Errorf("reopen entry %d: %w", entryID, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO edits(entry_id, field, old_value, new_value, source, at) VALUES (?,?,?,?,?,?)`,
			entryID, "same_pack", "same pack as an earlier photo: not counted", "undone: to decide again", SourceUser, now); err != nil {
			return err
		}
		if status != StatusNeedsReview {
			if _, err := tx.ExecContext(ctx, `INSERT INTO edits(entry_id, field, old_value, new_value, source, at) VALUES (?,?,?,?,?,?)`,
				entryID, "status", status, StatusNeedsReview, SourceUser, now); err != nil {
				return err
			}
		}
		return s.syncEntryStockTx(ctx, tx, entryID)
	})
}
