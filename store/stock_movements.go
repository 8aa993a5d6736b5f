package store

// Writing the ledger: every movement (receive, dispense, adjust, dispose, count, reversal) is one
// immediate transaction that checks the stock rules first; lines and products are made here too.

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"medinventory/assets/i18n"
	"medinventory/store/printable"
	"medinventory/store/stock"
)

// insertMovementTx appends m to the ledger (a new UUIDv7, this device's id) and returns it as stored.
func (s *Store) insertMovementTx(ctx context.Context, tx *sql.Tx, m stock.Movement) (stock.Movement, error) {
	id, dev, err := s.newIDs(ctx, tx)
	if err != nil {
		return m, err
	}
	now := s.now()
	if m.At.IsZero() {
		m.At = movementTime(ctx, now) // now, or the day AtDate gives (stock_typed.go)
	}
	if m.Status == "" {
		m.Status = stock.Confirmed
	}
	var counted, proposed any
	if m.Counted != nil {
		counted = *m.Counted
	}
	if m.Proposed != nil {
		proposed = *m.Proposed
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO movements(uuid, device_id, line_id, kind, reason, quantity, counted, proposed, status,
		at, recorded_at, note, photo_id, analysis_id, entry_id, reverses_id, batch_id, similar_photo_id, packs, pack_size, pack_size_from)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id`,
		id, dev, m.LineID, string(m.Kind), string(m.Reason), m.Quantity, counted, proposed, string(m.Status),
		ms(m.At), ms(now), m.Note, nullID(m.PhotoID), nullID(m.AnalysisID), nullID(m.EntryID), nullID(m.ReversesID),
		m.BatchID, nullID(m.SimilarPhotoID), nullID(m.Packs), nullID(m.PackSize), m.PackSizeFrom).Scan(&m.ID)
	if err != nil {
		return m, i18n.Errorf("record movement: %w", err)
	}
	m.UUID, m.DeviceID = id, dev
	return m, nil
}

// writeTx runs fn in one immediate transaction.
func (s *Store) writeTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return i18n.Errorf("open the inventory for writing: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return i18n.Errorf("save: %w", err)
	}
	return nil
}

const maxNote = 2000

func checkNote(note string) (string, error) {
	note = strings.TrimSpace(note)
	if len([]rune(note)) > maxNote {
		return "", i18n.Errorf("the note is too long (at most %d characters)", maxNote)
	}
	return note, nil
}

// lineOp reads a line inside tx, checks the rule, and appends one confirmed movement.
func (s *Store) lineOp(ctx context.Context, lineID int64, note string, build func(l stock.Line) (stock.Movement, error)) (stock.Movement, error) {
	note, err := checkNote(note)
	if err != nil {
		return stock.Movement{}, err
	}
	var out stock.Movement
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		l, err := getLine(ctx, tx, lineID)
		if err != nil {
			return err
		}
		m, err := build(l)
		if err != nil {
			return err
		}
		m.LineID, m.Note, m.Status = lineID, note, stock.Confirmed
		out, err = s.insertMovementTx(ctx, tx, m)
		return err
	})
	return out, err
}

// Receive records n units received into a line by hand (confirmed at once).
func (s *Store) Receive(ctx context.Context, lineID, n int64, note string) (stock.Movement, error) {
	return s.lineOp(ctx, lineID, note, func(l stock.Line) (stock.Movement, error) {
		if err := stock.CheckQuantity(n); err != nil {
			return stock.Movement{}, err
		}
		return stock.Movement{Kind: stock.Receive, Quantity: n}, nil
	})
}

// Dispense records n units given out from a line. It is refused (stock.ErrNotEnough,
// stock.ErrExpiredLot) when the lot has less on hand or has expired.
func (s *Store) Dispense(ctx context.Context, lineID, n int64, note string) (stock.Movement, error) {
	today := s.now()
	return s.lineOp(ctx, lineID, note, func(l stock.Line) (stock.Movement, error) {
		if err := stock.CheckDispense(l, n, today); err != nil {
			return stock.Movement{}, err
		}
		return stock.Movement{Kind: stock.Dispense, Quantity: -n}, nil
	})
}

// DispenseProduct records n units given out of a product, taken first expiry first out over its
// usable lots (stock.PlanDispense), as one movement per lot in one transaction.
func (s *Store) DispenseProduct(ctx context.Context, productID, n int64, note string) ([]stock.Movement, error) {
	note, err := checkNote(note)
	if err != nil {
		return nil, err
	}
	batch, err := newUUID()
	if err != nil {
		return nil, err
	}
	today := s.now()
	var out []stock.Movement
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := getProduct(ctx, tx, productID); err != nil {
			return err
		}
		lines, err := linesOfProduct(ctx, tx, productID)
		if err != nil {
			return err
		}
		picks, err := stock.PlanDispense(lines, n, today)
		if err != nil {
			return err
		}
		for _, p := range picks {
			m, err := s.insertMovementTx(ctx, tx, stock.Movement{LineID: p.LineID, Kind: stock.Dispense, Quantity: -p.Quantity,
				Note: note, BatchID: batch})
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

func linesOfProduct(ctx context.Context, q querier, productID int64) ([]stock.Line, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+lineCols+linesFrom+` WHERE l.product_id = ?`, productID)
	if err != nil {
		return nil, i18n.Errorf("read lots: %w", err)
	}
	defer rows.Close()
	var out []stock.Line
	for rows.Next() {
		var l stock.Line
		if err := rows.Scan(scanLine(&l)...); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Adjust records a correction of delta units (signed) with its reason (stock.AdjustReasons).
func (s *Store) Adjust(ctx context.Context, lineID, delta int64, reason stock.Reason, note string) (stock.Movement, error) {
	return s.lineOp(ctx, lineID, note, func(l stock.Line) (stock.Movement, error) {
		if err := stock.CheckAdjust(l, delta, reason); err != nil {
			return stock.Movement{}, err
		}
		return stock.Movement{Kind: stock.Adjust, Reason: reason, Quantity: delta}, nil
	})
}

// Dispose records n units destroyed, because expired or damaged (stock.DisposeReasons).
func (s *Store) Dispose(ctx context.Context, lineID, n int64, reason stock.Reason, note string) (stock.Movement, error) {
	return s.lineOp(ctx, lineID, note, func(l stock.Line) (stock.Movement, error) {
		if err := stock.CheckDispose(l, n, reason); err != nil {
			return stock.Movement{}, err
		}
		return stock.Movement{Kind: stock.Dispose, Reason: reason, Quantity: -n}, nil
	})
}

// Count saves a stock count of some lines as one transaction: for each line, the counted value is
// kept and the difference from the books is the movement (0 when they agree, so the card shows
// when the lot was last counted). A line whose count differs needs its reason (CountInput.Reason,
// checked by stock.CheckCountReason), kept on the movement. The movements share one batch id.
func (s *Store) Count(ctx context.Context, counts []stock.CountInput, note string) ([]stock.Movement, error) {
	note, err := checkNote(note)
	if err != nil {
		return nil, err
	}
	if len(counts) == 0 {
		return nil, i18n.Err("nothing was counted: type at least one number")
	}
	seen := map[int64]bool{}
	for _, c := range counts {
		if seen[c.LineID] {
			return nil, i18n.Errorf("lot %d is counted twice in one count; keep one number per lot", c.LineID)
		}
		seen[c.LineID] = true
	}
	batch, err := newUUID()
	if err != nil {
		return nil, err
	}
	var out []stock.Movement
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		for _, c := range counts {
			l, err := getLine(ctx, tx, c.LineID)
			if err != nil {
				return err
			}
			d, err := stock.CountDelta(l.OnHand, c.Counted)
			if err != nil {
				return i18n.Errorf("lot %s: %w", lotWords(l), err)
			}
			if err := stock.CheckCountReason(d, c.Reason); err != nil {
				return i18n.Errorf("lot %s: %w", lotWords(l), err)
			}
			counted := c.Counted
			m, err := s.insertMovementTx(ctx, tx, stock.Movement{LineID: l.ID, Kind: stock.Count, Quantity: d,
				Reason: stock.CountReason(d, c.Reason), Counted: &counted, Note: note, BatchID: batch})
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

func lotWords(l stock.Line) string {
	if l.Lot == "" {
		return "with no lot number"
	}
	return printable.String(l.Lot)
}

// Reverse undoes a confirmed movement with a reversing movement of the opposite quantity; the
// original stays on the card. It is refused for a movement already undone, for a reversal, for a
// pending receipt (dismiss it with MarkSamePack, or correct it before confirming), and when undoing
// it would leave the lot below 0. A receipt that came from a photo's entry leaves that entry in
// the inventory list; its stock is gone.
func (s *Store) Reverse(ctx context.Context, movementID int64, note string) (stock.Movement, error) {
	note, err := checkNote(note)
	if err != nil {
		return stock.Movement{}, err
	}
	var out stock.Movement
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		m, err := getMovement(ctx, tx, movementID)
		if err != nil {
			return err
		}
		if out, err = s.reverseTx(ctx, tx, m, note); err != nil {
			return err
		}
		if m.EntryID != 0 && m.Kind == stock.Receive {
			// The entry's receipt is undone: the entry no longer proposes stock.
			_, err = tx.ExecContext(ctx, `UPDATE entries SET receipt_id = NULL, no_receipt = 1, updated_at = ? WHERE id = ? AND receipt_id = ?`,
				ms(s.now()), m.EntryID, m.ID)
		}
		return err
	})
	return out, err
}

// AddLine returns the line of a product with this lot, expiry and location, making it if needed.
func (s *Store) AddLine(ctx context.Context, productID int64, lot, expiry, location string) (stock.Line, error) {
	var err error
	if expiry, err = ValidateField("expiry", expiry); err != nil {
		return stock.Line{}, &FieldError{Field: "expiry", Err: err}
	}
	for f, v := range map[string]*string{"lot": &lot, "location": &location} {
		if *v, err = ValidateField(f, *v); err != nil {
			return stock.Line{}, &FieldError{Field: f, Err: err}
		}
	}
	var id int64
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := getProduct(ctx, tx, productID); err != nil {
			return err
		}
		id, err = s.ensureLineTx(ctx, tx, productID, lot, expiry, location)
		return err
	})
	if err != nil {
		return stock.Line{}, err
	}
	return getLine(ctx, s.r, id)
}

// SetProductStock sets a product's unit of count ("" keeps it) and reorder level (0: none). A new
// unit goes through the conversion of SetProductUnit (recorded, undoable; the usual pack size
// stays, or becomes 1 for the unit "pack"), in the same transaction as the reorder level.
func (s *Store) SetProductStock(ctx context.Context, productID int64, unit string, reorderLevel int64) (stock.Product, error) {
	unit = strings.TrimSpace(unit)
	if len([]rune(unit)) > 40 {
		return stock.Product{}, i18n.Err("the unit is too long (at most 40 characters), e.g. pack, tablet, bottle")
	}
	if reorderLevel < 0 || reorderLevel > stock.MaxQuantity {
		return stock.Product{}, i18n.Errorf("the reorder level must be between 0 (none) and %d", stock.MaxQuantity)
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		p, err := getProduct(ctx, tx, productID)
		if err != nil {
			return err
		}
		if unit != "" && unit != p.Unit {
			if _, err := s.setProductUnitTx(ctx, tx, p, unit, 0); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE products SET reorder_level = ?, updated_at = ? WHERE id = ?`,
			reorderLevel, ms(s.now()), productID); err != nil {
			return i18n.Errorf("save product: %w", err)
		}
		return nil
	})
	if err != nil {
		return stock.Product{}, err
	}
	return getProduct(ctx, s.r, productID)
}

// receiptLineTx returns the line an entry's receipt goes to. An entry that names no shelf (a photo
// cannot see one) goes to the lot already listed with the same product, lot and expiry, whatever
// its shelf (the oldest such line), so a photo of a shelved lot never makes a second line of it;
// an entry that names a shelf goes to that shelf's line.
func (s *Store) receiptLineTx(ctx context.Context, tx *sql.Tx, productID int64, lot, expiry, location string) (int64, error) {
	if strings.TrimSpace(location) == "" {
		var id int64
		// INDEXED BY: without statistics SQLite searched by expiry alone, every lot with that date
		// for every receipt (quadratic in a migration of 60,000 entries).
		err := tx.QueryRowContext(ctx, `SELECT id FROM stock_lines INDEXED BY stock_lines_lot WHERE product_id = ? AND lot_key = ? AND expiry = ? ORDER BY id LIMIT 1`,
			productID, stock.LotKey(lot), expiry).Scan(&id)
		if err == nil {
			return id, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return 0, i18n.Errorf("find lot: %w", err)
		}
	}
	return s.ensureLineTx(ctx, tx, productID, lot, expiry, location)
}

// ensureLineTx returns the id of the line (product, lot, expiry, location), making it if needed.
// Lots match by stock.LotKey, so a second photo of a listed lot never makes a second line.
func (s *Store) ensureLineTx(ctx context.Context, tx *sql.Tx, productID int64, lot, expiry, location string) (int64, error) {
	key := stock.LotKey(lot)
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM stock_lines WHERE product_id = ? AND lot_key = ? AND expiry = ? AND location = ?`,
		productID, key, expiry, location).Scan(&id)
	if err == nil {
		return id, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, i18n.Errorf("find lot: %w", err)
	}
	u, dev, err := s.newIDs(ctx, tx)
	if err != nil {
		return 0, err
	}
	// A new lot holds packs of the product's usual size until said otherwise.
	err = tx.QueryRowContext(ctx, `INSERT INTO stock_lines(uuid, device_id, product_id, lot, lot_key, expiry, location, created_at, pack_size)
		VALUES (?,?,?,?,?,?,?,?, (SELECT pack_size FROM products WHERE id = ?)) RETURNING id`,
		u, dev, productID, strings.TrimSpace(lot), key, expiry, location, ms(s.now()), productID).Scan(&id)
	if err != nil {
		return 0, i18n.Errorf("add lot: %w", err)
	}
	return id, nil
}

// ParseQuantity reads a whole number a person typed for a movement ("12", " 3 "); see
// stock.CheckQuantity for the bounds the movement itself checks.
func ParseQuantity(v string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, i18n.Errorf("%w: %q is not a whole number", stock.ErrQuantity, strings.TrimSpace(v))
	}
	return n, nil
}
