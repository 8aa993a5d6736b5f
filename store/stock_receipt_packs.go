package store

// Receipts from photos are counted in packs (issue 27): an entry's quantity is the packs the photo
// shows; its receipt is that many packs × the pack size — the pack's contents as the model read
// them ("30 capsules"), else the barcode's GS1 count, else the lot's or the product's usual size —
// in the product's units. A product counted in packs counts one per pack, as before.

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// PackSizeFromPerson: a reviewer typed the pack size (ConfirmReceiptPacks, or the entry's "unit"
// edited by hand); the other sources are stock.PackSizeFrom….
const PackSizeFromPerson = "person"

// receiptPackSizeTx chooses the receipt's pack size (stock.ReceiptPackSize) and its quantity in
// units. A lot nothing was recorded on yet takes the size its pack shows.
func receiptPackSizeTx(ctx context.Context, tx *sql.Tx, e Entry, productID int64, f *stock.ReceiptFacts) error {
	p, err := getProduct(ctx, tx, productID)
	if err != nil {
		return err
	}
	l, err := getLine(ctx, tx, f.LineID)
	if err != nil {
		return err
	}
	contents, count := e.Unit, int64(0)
	if e.Sources["unit"] == SourceBarcode { // the GS1 count of items, (30) or (37)
		if n, w, ok := stock.ParsePackContents(e.Unit); ok && w == "" {
			contents, count = "", n
		}
	}
	f.PackSize, f.PackSizeFrom = stock.ReceiptPackSize(p, contents, count, l.PackSize)
	if f.PackSizeFrom == stock.PackSizeFromModel && e.Sources["unit"] == SourceUser {
		f.PackSizeFrom = PackSizeFromPerson
	}
	if f.Packs > stock.MaxQuantity/f.PackSize {
		return fmt.Errorf("%w: %d packs of %d is more than %d; check the number of packs", stock.ErrQuantity, f.Packs, f.PackSize, stock.MaxQuantity)
	}
	f.Quantity = f.Packs * f.PackSize
	ownOnly := l.PendingReceipts == 0 || (l.PendingReceipts == 1 && f.Current != nil && f.Current.LineID == l.ID && f.Current.Status == stock.Pending)
	if f.PackSize != l.PackSize && l.Moves == 0 && l.OnHand == 0 && ownOnly {
		if _, err := tx.ExecContext(ctx, `UPDATE stock_lines SET pack_size = ? WHERE id = ?`, f.PackSize, l.ID); err != nil {
			return fmt.Errorf("save the lot's pack size: %w", err)
		}
	}
	return nil
}

// receiptPacksOf is how many packs n units of a receipt from a photo are: its entry counts whole
// packs, so n must be a whole number of them (ConfirmReceiptPacks corrects the size instead).
func receiptPacksOf(m stock.Movement, n int64) (int64, error) {
	if m.PackSize <= 1 {
		return n, nil
	}
	packs, rest := stock.Split(n, m.PackSize)
	if rest != 0 && packs == 0 {
		return 0, fmt.Errorf("%w: %s", stock.ErrQuantity,
			i18n.T("%d is not a whole number of packs of %d (the photo shows whole packs); type %d, or correct the pack size", n, m.PackSize, m.PackSize))
	}
	if rest != 0 {
		return 0, fmt.Errorf("%w: %s", stock.ErrQuantity,
			i18n.T("%d is not a whole number of packs of %d (the photo shows whole packs); type %d or %d, or correct the pack size", n, m.PackSize, packs*m.PackSize, (packs+1)*m.PackSize))
	}
	return packs, nil
}

// ConfirmReceiptPacks accepts a pending receipt as packs of packSize units each (a corrected pack
// size: the reviewer read the pack). The lot gets that pack size — converting what it already
// holds, as SetLinePackSize does — and the receipt is packs × packSize units. A receipt from a
// photo confirms its entry too, whose quantity becomes packs and pack contents "N units".
func (s *Store) ConfirmReceiptPacks(ctx context.Context, receiptID, packs, packSize int64) (stock.Movement, error) {
	m, err := pendingReceipt(ctx, s.r, receiptID)
	if err != nil {
		return m, err
	}
	if err := stock.CheckQuantity(packs); err != nil {
		return m, err
	}
	if err := stock.CheckPackSize(packSize); err != nil {
		return m, err
	}
	if packs > stock.MaxQuantity/packSize {
		return m, fmt.Errorf("%w: %d packs of %d is more than %d; check the number", stock.ErrQuantity, packs, packSize, stock.MaxQuantity)
	}
	if err := packDecisionErr(ctx, s.r, m); err != nil {
		return m, err
	}
	var p stock.Product
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		l, err := getLine(ctx, tx, m.LineID)
		if err != nil {
			return err
		}
		if p, err = getProduct(ctx, tx, l.ProductID); err != nil {
			return err
		}
		if l.PackSize == packSize {
			return nil
		}
		if l.OnHand == 0 && l.Moves == 0 && !stock.CountsInPacks(p) {
			_, err = tx.ExecContext(ctx, `UPDATE stock_lines SET pack_size = ? WHERE id = ?`, packSize, l.ID)
			return err
		}
		_, err = s.setLinePackSizeTx(ctx, tx, p, l, packSize)
		return err
	})
	if err != nil {
		return m, err
	}
	if m.EntryID != 0 {
		if _, err := s.UpdateEntry(ctx, m.EntryID, map[string]string{"quantity": strconv.FormatInt(packs, 10),
			"unit": stock.UnitWords(packSize, p.Unit)}); err != nil {
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
		res, err := tx.ExecContext(ctx, `UPDATE movements SET status = 'confirmed', quantity = ?, packs = ?, pack_size = ?, pack_size_from = ?,
			recorded_at = ? WHERE id = ? AND status = 'pending'`, packs*packSize, packs, packSize, PackSizeFromPerson, ms(s.now()), receiptID)
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
