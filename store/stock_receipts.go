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

	"medinventory/assets/i18n"
	"medinventory/store/fields"
	"medinventory/store/stock"
)

// syncEntryStockTx makes the ledger agree with an entry. The decision is stock.PlanReceipt's
// (dismiss / reverse / correct / back to review / propose, the same pack by serial, the look-alike
// flag); this reads its facts and applies its plan:
//   - the entry's receipt is on the line of (product, lot, expiry, location) — an entry with no
//     location on the lot already listed, whatever its shelf (receiptLineTx) — of its quantity (1
//     when unknown), pending or confirmed as the entry is;
//   - an entry whose GTIN and serial another entry's live receipt counts proposes none, and its
//     note says "Same pack as photo N (serial S)"; when the entry that counted a pack stops counting
//     it (removed), the next photo of that pack counts it;
//   - a photo that looks like one added shortly before is flagged, unless the two photos' serials
//     prove them different packs.
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
		return i18n.Errorf("read entry %d: %w", entryID, err)
	}
	f := stock.ReceiptFacts{Removed: e.Deleted || noReceipt, ByPerson: byPerson}
	if receiptID.Valid {
		m, err := getMovement(ctx, tx, receiptID.Int64)
		if err != nil {
			return err
		}
		f.Current = &m
	}
	var owner packOwner
	var similar similarPhoto
	if !f.Removed {
		if err := s.receiptTargetTx(ctx, tx, &e, &f); err != nil {
			return err
		}
		if owner, err = packOwnerTx(ctx, tx, e); err != nil {
			return err
		}
		f.SamePack = owner.found
		if f.SamePack && f.Packs > 1 && owner.photoID != 0 {
			similar = similarPhoto{id: owner.photoID, name: owner.photoName} // flagged as the pack's other photo
		} else if f.Current == nil && e.PhotoID != 0 && !f.SamePack {
			if similar, err = similarPhotoTx(ctx, tx, e.PhotoID, stock.Pack{GTIN: e.GTIN, Serial: e.Serial}); err != nil {
				return err
			}
			f.LookAlike = similar.id != 0
		}
	}
	plan := stock.PlanReceipt(f)
	if err := s.applyReceiptPlanTx(ctx, tx, e, f, plan, owner, similar); err != nil {
		return err
	}
	if !f.Removed && e.PhotoID != 0 && e.Serial != "" {
		if err := clearDisprovedLookAlikesTx(ctx, tx, e); err != nil {
			return err
		}
	}
	// The pack this entry counted is counted no more: another photo of it may count it now.
	if (plan.Dismiss || plan.Reverse) && !plan.Propose && !plan.SamePackNote && e.GTIN != "" && e.Serial != "" {
		var twin int64
		err := tx.QueryRowContext(ctx, `SELECT e.id FROM entries e LEFT JOIN movements m ON m.id = e.receipt_id
			WHERE e.gtin = ? AND e.serial = ? AND e.gtin <> '' AND e.serial <> '' AND e.id <> ? AND e.deleted_at IS NULL AND e.no_receipt = 0
			AND (m.id IS NULL OR m.status NOT IN ('pending', 'confirmed')) ORDER BY e.id LIMIT 1`, e.GTIN, e.Serial, e.ID).Scan(&twin)
		if err == nil {
			return s.syncEntryStock(ctx, tx, twin, byPerson)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return i18n.Errorf("find another photo of the pack: %w", err)
		}
	}
	return nil
}

// receiptTargetTx fills in the receipt an entry calls for — its product (made if needed, and
// remembered when the entry is confirmed), line, quantity (1 when unread), status and analysis —
// and links the entry to its product.
func (s *Store) receiptTargetTx(ctx context.Context, tx *sql.Tx, e *Entry, f *stock.ReceiptFacts) error {
	productID, productConfirmed, err := s.ensureProductForEntryTx(ctx, tx, *e)
	if err != nil {
		return err
	}
	if f.LineID, err = s.receiptLineTx(ctx, tx, productID, e.Lot, e.Expiry, e.Location); err != nil {
		return err
	}
	f.Packs, f.Status, f.AnalysisID = 1, stock.Pending, e.AnalysisID
	if e.Quantity != nil {
		f.Packs = *e.Quantity
	}
	if err := receiptPackSizeTx(ctx, tx, *e, productID, f); err != nil {
		return err
	}
	if e.Status == StatusConfirmed {
		f.Status = stock.Confirmed
	}
	if e.ProductID != productID {
		e.ProductID = productID
		if _, err := tx.ExecContext(ctx, `UPDATE entries SET product_id = ? WHERE id = ?`, productID, e.ID); err != nil {
			return i18n.Errorf("link entry to product: %w", err)
		}
	}
	if f.Status == stock.Confirmed && !productConfirmed {
		if _, err := tx.ExecContext(ctx, `UPDATE products SET confirmed = 1 WHERE id = ? AND confirmed = 0`, productID); err != nil {
			return i18n.Errorf("remember product: %w", err)
		}
	}
	return nil
}

// applyReceiptPlanTx does what stock.PlanReceipt decided, in its order.
func (s *Store) applyReceiptPlanTx(ctx context.Context, tx *sql.Tx, e Entry, f stock.ReceiptFacts, p stock.ReceiptPlan,
	owner packOwner, similar similarPhoto) error {
	now := ms(s.now())
	cur := f.Current
	setReceipt := func(id int64) error {
		_, err := tx.ExecContext(ctx, `UPDATE entries SET receipt_id = ? WHERE id = ?`, nullID(id), e.ID)
		return err
	}
	samePack := ""
	if p.SamePackNote {
		samePack = stock.SamePackNote(owner.photoName, e.Serial)
	}
	if p.Dismiss {
		note := p.Note
		if p.DismissReason == stock.SamePack {
			note = samePack
		}
		if _, err := tx.ExecContext(ctx, `UPDATE movements SET status = 'dismissed', reason = ?, note = ?, recorded_at = ? WHERE id = ? AND status = 'pending'`,
			string(p.DismissReason), note, now, cur.ID); err != nil {
			return i18n.Errorf("dismiss receipt: %w", err)
		}
	}
	if p.Reverse {
		if _, err := s.reverseTx(ctx, tx, *cur, p.Note); err != nil {
			return err
		}
	}
	if p.Correct {
		if _, err := tx.ExecContext(ctx, `UPDATE movements SET line_id = ?, quantity = ?, status = ?, analysis_id = ?, recorded_at = ?,
			packs = ?, pack_size = ?, pack_size_from = ? WHERE id = ? AND status = 'pending'`, f.LineID, f.Quantity, string(f.Status),
			nullID(f.AnalysisID), now, f.Packs, f.PackSize, f.PackSizeFrom, cur.ID); err != nil {
			return i18n.Errorf("correct receipt: %w", err)
		}
	}
	switch {
	case samePack != "":
		if err := appendReviewNoteTx(ctx, tx, e.ID, samePack); err != nil {
			return err
		}
	case !f.Removed && strings.Contains(e.ReviewNote, "Same pack as "):
		// The pack is no longer another photo's: the note is no longer true.
		if _, err := tx.ExecContext(ctx, `UPDATE entries SET review_note = ? WHERE id = ?`, stock.WithoutSamePackNote(e.ReviewNote), e.ID); err != nil {
			return i18n.Errorf("update review note: %w", err)
		}
	}
	if p.BackToReview {
		if err := backToReviewTx(ctx, tx, e, now); err != nil {
			return err
		}
	}
	if !p.Propose {
		if p.Unlink {
			return setReceipt(0)
		}
		return nil
	}
	m := stock.Movement{LineID: f.LineID, Kind: stock.Receive, Quantity: f.Quantity, Proposed: &f.Quantity, Status: f.Status,
		At: time.UnixMilli(e.CreatedAt), PhotoID: e.PhotoID, AnalysisID: e.AnalysisID, EntryID: e.ID,
		Packs: f.Packs, PackSize: f.PackSize, PackSizeFrom: f.PackSizeFrom}
	if p.ProposeNow {
		m.At = s.now() // a correction happens now
	}
	if p.FlagLookAlike {
		m.SimilarPhotoID = similar.id
		note := lookAlikeNote(similar.name, similar.ago)
		if p.SharedSerial {
			note = stock.SharedSerialNote(similar.name, e.Serial)
		}
		if err := appendReviewNoteTx(ctx, tx, e.ID, note); err != nil {
			return err
		}
	}
	nm, err := s.insertMovementTx(ctx, tx, m)
	if err != nil {
		return err
	}
	return setReceipt(nm.ID)
}

// appendReviewNoteTx adds a sentence to an entry's review note, once.
func appendReviewNoteTx(ctx context.Context, tx *sql.Tx, entryID int64, note string) error {
	_, err := tx.ExecContext(ctx, `UPDATE entries SET review_note = trim(review_note || ' ' || ?) WHERE id = ? AND instr(review_note, ?) = 0`,
		note, entryID, note)
	if err != nil {
		return i18n.Errorf("update review note: %w", err)
	}
	return nil
}

// packOwner is the other entry whose live receipt counts the pack an entry shows (same GTIN and
// serial), with its photo's file name.
type packOwner struct {
	found     bool
	entryID   int64
	photoID   int64
	photoName string
}

// packOwnerTx finds another entry with the same GTIN and serial whose receipt is pending or
// confirmed: the same physical pack, already counted. An entry without both counts on its own.
func packOwnerTx(ctx context.Context, tx *sql.Tx, e Entry) (packOwner, error) {
	if e.GTIN == "" || e.Serial == "" {
		return packOwner{}, nil
	}
	o := packOwner{found: true}
	err := tx.QueryRowContext(ctx, `SELECT o.id, COALESCE(o.photo_id, 0), COALESCE(ph.original_name, '') FROM entries o
		JOIN movements m ON m.id = o.receipt_id LEFT JOIN photos ph ON ph.id = o.photo_id
		WHERE o.gtin = ? AND o.serial = ? AND o.gtin <> '' AND o.serial <> '' -- the partial index entries_pack
		AND o.id <> ? AND o.deleted_at IS NULL AND m.status IN ('pending', 'confirmed')
		ORDER BY o.id LIMIT 1`, e.GTIN, e.Serial, e.ID).Scan(&o.entryID, &o.photoID, &o.photoName)
	if errors.Is(err, sql.ErrNoRows) {
		return packOwner{}, nil
	} else if err != nil {
		return packOwner{}, i18n.Errorf("find the pack's other photos: %w", err)
	}
	return o, nil
}

// backToReviewTx sends a confirmed entry that an analysis changed back to review, with a note and
// the status change in its history.
func backToReviewTx(ctx context.Context, tx *sql.Tx, e Entry, now int64) error {
	const note = "A later analysis changed this entry after it was confirmed; the stock was not changed. Check the values and confirm again to correct the stock."
	if _, err := tx.ExecContext(ctx, `UPDATE entries SET status = 'needs_review', review_note = trim(review_note || ' ' || ?), updated_at = ?
		WHERE id = ? AND status = 'confirmed'`, note, now, e.ID); err != nil {
		return i18n.Errorf("send entry back to review: %w", err)
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
	var converted bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM movements WHERE line_id = ? AND kind = 'convert' AND id > ?)`,
		m.LineID, m.ID).Scan(&converted); err != nil {
		return stock.Movement{}, i18n.Errorf("read the lot's unit changes: %w", err)
	}
	if converted && m.Kind != stock.Convert {
		// Its quantity is in the lot's units as they were: undoing it now would count in the wrong ones.
		return stock.Movement{}, fmt.Errorf("%w: %s", stock.ErrUnitChanged,
			i18n.T("the lot's unit or pack size changed after this movement, so it cannot be undone any more; record an adjustment on the lot instead"))
	}
	if err := stock.CheckReverse(m, l.OnHand); err != nil {
		if errors.Is(err, stock.ErrNotEnough) && m.Kind == stock.Receive {
			err = i18n.Errorf("%w: only %d of the %d received are still on hand (the rest was dispensed or adjusted since), so this receipt cannot be undone or changed any more; record an adjustment on the lot instead",
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
		return 0, false, i18n.Errorf("find product: %w", err)
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
		return 0, false, i18n.Errorf("add product: %w", err)
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
		return i18n.Errorf("update product: %w", err)
	}
	return nil
}

var receiptSelect = `SELECT ` + movementCols + `, ` + productCols + `, l.id, l.uuid, l.device_id, l.product_id, l.lot, l.expiry, l.location, l.pack_size,
	COALESCE(ph.original_name,''), COALESCE(sp.original_name,''), COALESCE(en.serial,'')
	FROM movements m JOIN stock_lines l ON l.id = m.line_id JOIN products p ON p.id = l.product_id
	LEFT JOIN photos ph ON ph.id = m.photo_id LEFT JOIN photos sp ON sp.id = m.similar_photo_id
	LEFT JOIN entries en ON en.id = m.entry_id`

// queryReceipts reads movements with their product, lot and photos (the receipts' view; the
// movements report uses it too), oldest first.
func (s *Store) queryReceipts(ctx context.Context, q querier, where string, args ...any) ([]stock.Receipt, error) {
	rows, err := q.QueryContext(ctx, receiptSelect+" WHERE "+where+" ORDER BY m.at, m.id", args...)
	if err != nil {
		return nil, i18n.Errorf("list movements: %w", err)
	}
	defer rows.Close()
	var out []stock.Receipt
	for rows.Next() {
		var x movementScan
		var r stock.Receipt
		l := &r.Line
		pdst, set := scanProduct(&r.Product)
		dst := append(x.dest(), pdst...)
		dst = append(dst, &l.ID, &l.UUID, &l.DeviceID, &l.ProductID, &l.Lot, &l.Expiry, &l.Location, &l.PackSize, &r.PhotoName, &r.SimilarPhotoName, &r.Serial)
		if err := rows.Scan(dst...); err != nil {
			return nil, i18n.Errorf("list movements: %w", err)
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
		return m, i18n.Errorf("movement %d is not a receipt (it is %s)", id, i18n.T(stock.KindWords(m.Kind)))
	}
	if m.Status != stock.Pending {
		return m, i18n.Errorf("%w (it is %s)", stock.ErrNotPending, m.Status)
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
		return m, i18n.Errorf("%w; if the photo shows a pack already received, choose \"Same pack\" instead", err)
	}
	if err := packDecisionErr(ctx, s.r, m); err != nil {
		return m, err // checked again below, inside each transaction
	}
	if m.EntryID != 0 {
		// The entry counts packs: n units are n / PackSize of them.
		packs, err := receiptPacksOf(m, n)
		if err != nil {
			return m, err
		}
		if _, err := s.UpdateEntry(ctx, m.EntryID, map[string]string{"quantity": strconv.FormatInt(packs, 10)}); err != nil {
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
			return i18n.Errorf("dismiss receipt: %w", err)
		}
		if m.EntryID == 0 {
			return nil
		}
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM entries WHERE id = ?`, m.EntryID).Scan(&status); err != nil {
			return i18n.Errorf("read entry: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE entries SET no_receipt = 1, receipt_id = NULL, status = 'confirmed', updated_at = ? WHERE id = ?`,
			now, m.EntryID); err != nil {
			return i18n.Errorf("mark entry: %w", err)
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
