package store

// Photos become receipts. Each entry (what a photo shows, as reviewed) proposes one receipt of its
// quantity (or 1) on the stock line with the same product, lot and expiry: pending while the entry
// waits for review, confirmed with it. syncEntryStockTx keeps the two in step after every change
// to an entry, inside the same transaction.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"medinventory/store/fields"
	"medinventory/store/look"
	"medinventory/store/stock"
)

// syncEntryStockTx makes the ledger agree with an entry:
//   - a deleted entry, or one marked "same pack" or whose receipt was undone, proposes nothing:
//     its pending receipt is dismissed, a confirmed one reversed;
//   - otherwise its receipt is on the line of (product, lot, expiry, location) — an entry with no
//     location on the lot already listed, whatever its shelf (receiptLineTx) — of its quantity (1
//     when unknown), pending or confirmed as the entry is. A pending receipt is corrected in place
//     (it is not stock yet); a confirmed one that no longer agrees is reversed and received again,
//     so the card shows the correction.
//
// It is for changes a person made (an edit, a confirmation, a deletion); see
// syncEntryStockAfterAnalysisTx for an analysis's.
func (s *Store) syncEntryStockTx(ctx context.Context, tx *sql.Tx, entryID int64) error {
	return s.syncEntryStock(ctx, tx, entryID, true)
}

// syncEntryStockAfterAnalysisTx is syncEntryStockTx after an analysis merged into an entry. A
// machine never changes confirmed stock: when the analysis changed the quantity, lot or product of
// an entry whose receipt is already confirmed, the stock stays as it is and the entry goes back to
// review; confirming it again corrects the stock (a reversal and a new receipt).
func (s *Store) syncEntryStockAfterAnalysisTx(ctx context.Context, tx *sql.Tx, entryID int64) error {
	return s.syncEntryStock(ctx, tx, entryID, false)
}

func (s *Store) syncEntryStock(ctx context.Context, tx *sql.Tx, entryID int64, byPerson bool) error {
	var receiptID sql.NullInt64
	var noReceipt bool
	e, err := scanEntry(withExtra{tx.QueryRowContext(ctx, "SELECT "+entryCols+", e.receipt_id, e.no_receipt"+entryFrom+" WHERE e.id = ?", entryID),
		[]any{&receiptID, &noReceipt}})
	if err != nil {
		return fmt.Errorf("read entry %d: %w", entryID, err)
	}
	var cur *stock.Movement
	if receiptID.Valid {
		m, err := getMovement(ctx, tx, receiptID.Int64)
		if err != nil {
			return err
		}
		cur = &m
	}
	now := ms(s.now())
	setReceipt := func(id int64) error {
		_, err := tx.ExecContext(ctx, `UPDATE entries SET receipt_id = ?, product_id = COALESCE(?, product_id) WHERE id = ?`,
			nullID(id), nullID(e.ProductID), entryID)
		return err
	}
	if e.Deleted || noReceipt {
		if cur == nil {
			return nil
		}
		switch cur.Status {
		case stock.Pending:
			if _, err := tx.ExecContext(ctx, `UPDATE movements SET status = 'dismissed', note = ?, recorded_at = ? WHERE id = ? AND status = 'pending'`,
				"The photo's entry was removed.", now, cur.ID); err != nil {
				return fmt.Errorf("dismiss receipt: %w", err)
			}
		case stock.Confirmed:
			if _, err := s.reverseTx(ctx, tx, *cur, "The photo's entry was removed."); err != nil {
				return err
			}
		}
		return setReceipt(0)
	}
	productID, productConfirmed, err := s.ensureProductForEntryTx(ctx, tx, e)
	if err != nil {
		return err
	}
	lineID, err := s.receiptLineTx(ctx, tx, productID, e.Lot, e.Expiry, e.Location)
	if err != nil {
		return err
	}
	qty := int64(1)
	if e.Quantity != nil {
		qty = *e.Quantity
	}
	status := stock.Pending
	if e.Status == StatusConfirmed {
		status = stock.Confirmed
	}
	if e.ProductID != productID {
		// Linked below with the receipt, or here when the receipt stays.
		e.ProductID = productID
		if cur != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE entries SET product_id = ? WHERE id = ?`, productID, entryID); err != nil {
				return fmt.Errorf("link entry to product: %w", err)
			}
		}
	}
	if status == stock.Confirmed && !productConfirmed {
		if _, err := tx.ExecContext(ctx, `UPDATE products SET confirmed = 1 WHERE id = ? AND confirmed = 0`, productID); err != nil {
			return fmt.Errorf("remember product: %w", err)
		}
	}
	switch {
	case cur != nil && cur.Status == stock.Pending:
		if cur.LineID == lineID && cur.Quantity == qty && status == stock.Pending && cur.AnalysisID == e.AnalysisID {
			return nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE movements SET line_id = ?, quantity = ?, status = ?, analysis_id = ?, recorded_at = ?
			WHERE id = ? AND status = 'pending'`, lineID, qty, string(status), nullID(e.AnalysisID), now, cur.ID)
		if err != nil {
			return fmt.Errorf("correct receipt: %w", err)
		}
		return nil
	case cur != nil && cur.Status == stock.Confirmed:
		same := cur.LineID == lineID && cur.Quantity == qty
		switch {
		case same && status == stock.Confirmed:
			return nil
		case !byPerson && same:
			return nil // an entry an analysis sent back to review keeps its stock until a person acts
		case !byPerson:
			return backToReviewTx(ctx, tx, e, now)
		}
		// A person changed the entry, or reopened it for review (its stock waits for review again).
		if _, err := s.reverseTx(ctx, tx, *cur, "Corrected on the photo's entry."); err != nil {
			return err
		}
	}
	// No receipt yet (or the old one was dismissed or just reversed): propose one.
	m := stock.Movement{LineID: lineID, Kind: stock.Receive, Quantity: qty, Proposed: &qty, Status: status,
		At: time.UnixMilli(e.CreatedAt), PhotoID: e.PhotoID, AnalysisID: e.AnalysisID, EntryID: e.ID}
	if cur != nil {
		m.At = s.now() // a correction happens now
	}
	if e.PhotoID != 0 && cur == nil {
		sim, name, ago, err := similarPhotoTx(ctx, tx, e.PhotoID)
		if err != nil {
			return err
		}
		if sim != 0 {
			m.SimilarPhotoID = sim
			note := fmt.Sprintf("This photo looks like %q, added %s before it: probably the same pack. If it is, choose \"Same pack\" so it is not counted twice.",
				name, agoWords(ago))
			if _, err := tx.ExecContext(ctx, `UPDATE entries SET review_note = trim(review_note || ' ' || ?) WHERE id = ? AND instr(review_note, ?) = 0`,
				note, entryID, note); err != nil {
				return err
			}
		}
	}
	nm, err := s.insertMovementTx(ctx, tx, m)
	if err != nil {
		return err
	}
	return setReceipt(nm.ID)
}

// backToReviewTx sends a confirmed entry that an analysis changed back to review, with a note and
// the status change in its history.
func backToReviewTx(ctx context.Context, tx *sql.Tx, e Entry, now int64) error {
	const note = "A later analysis changed this entry after it was confirmed; the stock was not changed. Check the values and confirm again to correct the stock."
	if _, err := tx.ExecContext(ctx, `UPDATE entries SET status = 'needs_review', review_note = trim(review_note || ' ' || ?), updated_at = ?
		WHERE id = ? AND status = 'confirmed'`, note, now, e.ID); err != nil {
		return fmt.Errorf("send entry back to review: %w", err)
	}
	if e.Status != StatusConfirmed {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO edits(entry_id, field, old_value, new_value, source, at) VALUES (?,?,?,?,?,?)`,
		e.ID, "status", StatusConfirmed, StatusNeedsReview, SourceModel, now)
	return err
}

func agoWords(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "moments"
	case d < 2*time.Minute:
		return "a minute"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " minutes"
	}
	return fmt.Sprintf("%.1f hours", d.Hours())
}

// reverseTx appends the reversal of m after checking the rule (stock.CheckReverse).
func (s *Store) reverseTx(ctx context.Context, tx *sql.Tx, m stock.Movement, note string) (stock.Movement, error) {
	l, err := getLine(ctx, tx, m.LineID)
	if err != nil {
		return stock.Movement{}, err
	}
	if err := stock.CheckReverse(m, l.OnHand); err != nil {
		if errors.Is(err, stock.ErrNotEnough) && m.Kind == stock.Receive {
			err = fmt.Errorf("%w: only %d of the %d received are still on hand (the rest was dispensed or adjusted since), so this receipt cannot be undone or changed any more; record an adjustment on the lot instead",
				stock.ErrNotEnough, max(l.OnHand, 0), m.Quantity)
		}
		return stock.Movement{}, err
	}
	return s.insertMovementTx(ctx, tx, stock.Movement{LineID: m.LineID, Kind: stock.Reversal, Quantity: -m.Quantity,
		ReversesID: m.ID, EntryID: m.EntryID, PhotoID: m.PhotoID, Note: note})
}

// ensureProductForEntryTx finds the product an entry is a pack of, making it if needed: by GTIN
// when the entry has one, else by name, strength and form (stock.ProductKey), else (no name yet)
// a product of its own. A product nobody has confirmed yet takes the values it lacks from the entry.
func (s *Store) ensureProductForEntryTx(ctx context.Context, tx *sql.Tx, e Entry) (id int64, confirmed bool, err error) {
	key := stock.ProductKey(e.Name, e.Strength, e.DosageForm)
	if e.GTIN != "" {
		err = tx.QueryRowContext(ctx, `SELECT id, confirmed FROM products WHERE gtin = ?`, e.GTIN).Scan(&id, &confirmed)
	} else {
		if key == "" {
			key = "entry:" + strconv.FormatInt(e.ID, 10)
		}
		err = tx.QueryRowContext(ctx, `SELECT id, confirmed FROM products WHERE gtin IS NULL AND name_key = ? ORDER BY id LIMIT 1`, key).Scan(&id, &confirmed)
	}
	if err == nil {
		if !confirmed {
			if err := fillProductTx(ctx, tx, id, e.Values); err != nil {
				return 0, false, err
			}
		}
		return id, confirmed, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("find product: %w", err)
	}
	u, dev, err := s.newIDs(ctx, tx)
	if err != nil {
		return 0, false, err
	}
	var nameKey any
	if e.GTIN == "" {
		nameKey = key
	}
	now := ms(s.now())
	args := fieldArgs(&e.Values, catalogFields)
	for i, n := range fields.Names(catalogFields) {
		if n == "gtin" && e.GTIN == "" {
			args[i] = nil // unknown: NULL, which the unique index on GTIN allows many of
		}
	}
	args = append([]any{u, dev}, args...)
	args = append(args, nameKey, now, now)
	err = tx.QueryRowContext(ctx, `INSERT INTO products(uuid, device_id, `+fieldCols("", catalogFields, "")+`, name_key, confirmed,
		created_at, updated_at) VALUES (?,?,`+placeholders(len(fields.Names(catalogFields)))+`,?,0,?,?) RETURNING id`, args...).Scan(&id)
	if err != nil {
		return 0, false, fmt.Errorf("add product: %w", err)
	}
	return id, false, nil
}

// fillProductTx gives a product nobody has confirmed yet the catalog values it lacks, from an
// entry of it (a later photo may have read its name when the first had only its barcode).
func fillProductTx(ctx context.Context, tx *sql.Tx, productID int64, v fields.Values) error {
	var sets, empty []string
	var args []any
	for _, n := range fields.Names(catalogFields) {
		f, _ := fields.ByName(n)
		if n == "gtin" || f.Get(&v) == "" {
			continue
		}
		sets = append(sets, n+" = CASE WHEN "+n+" = '' THEN ? ELSE "+n+" END")
		empty = append(empty, n+" = ''")
		args = append(args, f.SQL(f.Get(&v)))
	}
	if len(sets) == 0 {
		return nil
	}
	args = append(args, productID)
	_, err := tx.ExecContext(ctx, `UPDATE products SET `+strings.Join(sets, ", ")+` WHERE id = ? AND confirmed = 0 AND (`+
		strings.Join(empty, " OR ")+`)`, args...)
	if err != nil {
		return fmt.Errorf("update product: %w", err)
	}
	return nil
}

// similarPhotoTx finds a photo added within stock.SimilarPhotoWindow before this one that looks
// alike (look.Matcher; for photos analysed by older versions, their difference hashes); 0 when
// none (or this photo's look is unknown). The latest such photo is named. A photo whose entries
// read other GTINs than this one's (both read one) shows another product and is not compared.
func similarPhotoTx(ctx context.Context, tx *sql.Tx, photoID int64) (id int64, name string, ago time.Duration, err error) {
	var h photoLook
	var added int64
	if err := tx.QueryRowContext(ctx, `SELECT dhash, added_at FROM photos WHERE id = ?`, photoID).Scan(&h, &added); err != nil {
		return 0, "", 0, fmt.Errorf("read photo: %w", err)
	}
	if h.empty() {
		return 0, "", 0, nil
	}
	var m *look.Matcher // made at the first earlier photo with a look (it costs ~40 ms)
	// Photos whose barcodes read different GTINs show different products, however alike they look
	// (close-ups of barcodes all look alike): they are not compared.
	rows, err := tx.QueryContext(ctx, `SELECT id, original_name, dhash, added_at FROM photos p
		WHERE dhash IS NOT NULL AND id <> ?1 AND added_at >= ?2 AND (added_at < ?3 OR (added_at = ?3 AND id < ?1))
		AND NOT (EXISTS (SELECT 1 FROM entries a WHERE a.photo_id = ?1 AND a.gtin <> '' AND a.deleted_at IS NULL)
			AND EXISTS (SELECT 1 FROM entries b WHERE b.photo_id = p.id AND b.gtin <> '' AND b.deleted_at IS NULL)
			AND NOT EXISTS (SELECT 1 FROM entries a JOIN entries b ON b.gtin = a.gtin
				WHERE a.photo_id = ?1 AND b.photo_id = p.id AND a.gtin <> '' AND a.deleted_at IS NULL AND b.deleted_at IS NULL))
		ORDER BY added_at DESC, id DESC`, photoID, added-stock.SimilarPhotoWindow.Milliseconds(), added)
	if err != nil {
		return 0, "", 0, fmt.Errorf("find similar photos: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var oid, oadded int64
		var oname string
		var o photoLook
		if err := rows.Scan(&oid, &oname, &o, &oadded); err != nil {
			return 0, "", 0, err
		}
		alike := false
		switch {
		case h.sig != nil && o.sig != nil:
			if m == nil {
				if m, err = look.NewMatcher(h.sig); err != nil {
					return 0, "", 0, nil // a look this version cannot read: no flag
				}
			}
			alike = m.Like(o.sig)
		case h.hasHash && o.hasHash:
			alike = stock.PhotosLookAlike(h.hash, o.hash)
		}
		if alike {
			return oid, oname, time.Duration(added-oadded) * time.Millisecond, nil
		}
	}
	return 0, "", 0, rows.Err()
}

// SetPhotoHash records a photo's 64-bit difference hash, as release 0.1's analysis did (the
// analysis now records the photo's look: SetPhotoLook); such photos are compared by their hashes.
func (s *Store) SetPhotoHash(ctx context.Context, photoID int64, hash uint64) error {
	res, err := s.w.ExecContext(ctx, `UPDATE photos SET dhash = ? WHERE id = ?`, int64(hash), photoID)
	if err != nil {
		return fmt.Errorf("save photo hash: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrPhotoNotFound
	}
	return nil
}

var receiptSelect = `SELECT ` + movementCols + `, ` + productCols + `, l.id, l.uuid, l.device_id, l.product_id, l.lot, l.expiry, l.location,
	COALESCE(ph.original_name,''), COALESCE(sp.original_name,'')
	FROM movements m JOIN stock_lines l ON l.id = m.line_id JOIN products p ON p.id = l.product_id
	LEFT JOIN photos ph ON ph.id = m.photo_id LEFT JOIN photos sp ON sp.id = m.similar_photo_id`

// queryReceipts reads movements with their product, lot and photos (the receipts' view; the
// movements report uses it too), oldest first.
func (s *Store) queryReceipts(ctx context.Context, q querier, where string, args ...any) ([]stock.Receipt, error) {
	rows, err := q.QueryContext(ctx, receiptSelect+" WHERE "+where+" ORDER BY m.at, m.id", args...)
	if err != nil {
		return nil, fmt.Errorf("list movements: %w", err)
	}
	defer rows.Close()
	var out []stock.Receipt
	for rows.Next() {
		var x movementScan
		var r stock.Receipt
		l := &r.Line
		pdst, set := scanProduct(&r.Product)
		dst := append(x.dest(), pdst...)
		dst = append(dst, &l.ID, &l.UUID, &l.DeviceID, &l.ProductID, &l.Lot, &l.Expiry, &l.Location, &r.PhotoName, &r.SimilarPhotoName)
		if err := rows.Scan(dst...); err != nil {
			return nil, fmt.Errorf("list movements: %w", err)
		}
		set()
		r.Movement = x.done()
		out = append(out, r)
	}
	return out, rows.Err()
}

// PendingReceipts lists the receipts waiting for review, oldest first.
func (s *Store) PendingReceipts(ctx context.Context) ([]stock.Receipt, error) {
	return s.queryReceipts(ctx, s.r, `m.status = 'pending'`)
}

// Receipt returns one receipt (a receive movement) with its product, lot and photo.
func (s *Store) Receipt(ctx context.Context, movementID int64) (stock.Receipt, error) {
	rs, err := s.queryReceipts(ctx, s.r, `m.id = ? AND m.kind = 'receive'`, movementID)
	if err != nil {
		return stock.Receipt{}, err
	}
	if len(rs) == 0 {
		return stock.Receipt{}, ErrMovementNotFound
	}
	return rs[0], nil
}

// ReceiptForEntry returns the receipt an entry proposes now, or ErrMovementNotFound when it
// proposes none (deleted, or marked "same pack").
func (s *Store) ReceiptForEntry(ctx context.Context, entryID int64) (stock.Receipt, error) {
	var id sql.NullInt64
	if err := s.r.QueryRowContext(ctx, `SELECT receipt_id FROM entries WHERE id = ?`, entryID).Scan(&id); errors.Is(err, sql.ErrNoRows) {
		return stock.Receipt{}, ErrEntryNotFound
	} else if err != nil {
		return stock.Receipt{}, err
	}
	if !id.Valid {
		return stock.Receipt{}, ErrMovementNotFound
	}
	return s.Receipt(ctx, id.Int64)
}

func pendingReceipt(ctx context.Context, q querier, id int64) (stock.Movement, error) {
	m, err := getMovement(ctx, q, id)
	if err != nil {
		return m, err
	}
	if m.Kind != stock.Receive {
		return m, fmt.Errorf("movement %d is not a receipt (it is %s)", id, stock.KindWords(m.Kind))
	}
	if m.Status != stock.Pending {
		return m, fmt.Errorf("%w (it is %s)", stock.ErrNotPending, m.Status)
	}
	return m, nil
}

// ConfirmReceipt accepts a pending receipt with n units (the reviewer may change the number
// proposed). A receipt from a photo confirms its entry too (so the entry's quantity becomes n, and
// the product is remembered in the catalog); that happens as the entry's edit and confirmation,
// so a crash in between leaves the receipt pending with the new number, never counted twice.
// A receipt that looks like an earlier photo's pack is not confirmed until the reviewer decided
// (DecidePack): it returns a *PackDecisionError and changes nothing.
func (s *Store) ConfirmReceipt(ctx context.Context, receiptID, n int64) (stock.Movement, error) {
	m, err := pendingReceipt(ctx, s.r, receiptID)
	if err != nil {
		return m, err
	}
	if err := stock.CheckQuantity(n); err != nil {
		return m, fmt.Errorf("%w; if the photo shows a pack already received, choose \"Same pack\" instead", err)
	}
	if err := packDecisionErr(ctx, s.r, m); err != nil {
		return m, err // checked again below, inside each transaction
	}
	if m.EntryID != 0 {
		if _, err := s.UpdateEntry(ctx, m.EntryID, map[string]string{"quantity": strconv.FormatInt(n, 10)}); err != nil {
			return m, err
		}
		if _, err := s.ConfirmEntry(ctx, m.EntryID); err != nil {
			return m, err
		}
		return getMovement(ctx, s.r, receiptID)
	}
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		cur, err := pendingReceipt(ctx, tx, receiptID)
		if err != nil {
			return err
		}
		if err := packDecisionErr(ctx, tx, cur); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE movements SET status = 'confirmed', quantity = ?, recorded_at = ? WHERE id = ? AND status = 'pending'`,
			n, ms(s.now()), receiptID)
		if err != nil {
			return fmt.Errorf("confirm receipt: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return stock.ErrNotPending
		}
		return nil
	})
	if err != nil {
		return m, err
	}
	return getMovement(ctx, s.r, receiptID)
}

// MarkSamePack dismisses a pending receipt: the photo shows a pack that was already received
// (another photo of it). Nothing is added to stock; the receipt stays on the card as dismissed, and
// the photo's entry is marked reviewed with the reason in its history.
func (s *Store) MarkSamePack(ctx context.Context, receiptID int64) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		m, err := pendingReceipt(ctx, tx, receiptID)
		if err != nil {
			return err
		}
		now := ms(s.now())
		if _, err := tx.ExecContext(ctx, `UPDATE movements SET status = 'dismissed', reason = 'same_pack', recorded_at = ? WHERE id = ? AND status = 'pending'`,
			now, receiptID); err != nil {
			return fmt.Errorf("dismiss receipt: %w", err)
		}
		if m.EntryID == 0 {
			return nil
		}
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM entries WHERE id = ?`, m.EntryID).Scan(&status); err != nil {
			return fmt.Errorf("read entry: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE entries SET no_receipt = 1, receipt_id = NULL, status = 'confirmed', updated_at = ? WHERE id = ?`,
			now, m.EntryID); err != nil {
			return fmt.Errorf("mark entry: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO edits(entry_id, field, old_value, new_value, source, at) VALUES (?,?,?,?,?,?)`,
			m.EntryID, "same_pack", "", "same pack as an earlier photo: not counted", SourceUser, now); err != nil {
			return err
		}
		if status != StatusConfirmed {
			if _, err := tx.ExecContext(ctx, `INSERT INTO edits(entry_id, field, old_value, new_value, source, at) VALUES (?,?,?,?,?,?)`,
				m.EntryID, "status", status, StatusConfirmed, SourceUser, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// withExtra scans a row into the destinations its caller gives, then into extra: a way to read
// more columns through a scan function that knows only its own.
type withExtra struct {
	row   *sql.Row
	extra []any
}

func (w withExtra) Scan(dst ...any) error { return w.row.Scan(append(dst, w.extra...)...) }
