package store

// The pull half of sync (issue 28): rows the other laptops of the clinic recorded, applied in one
// transaction per page. Every row is inserted by its UUID (a row pulled twice is stored once);
// movements go in through the ledger's own triggers, so line_totals and stock_version stay right;
// a pulled product or lot that is the same as a local one is mapped onto it (sync_alias); field
// edits merge per field (sync_edits.go).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"medinventory/store/stock"
	"medinventory/store/syncwire"
)

// PullApplied says what one applied page changed.
type PullApplied struct {
	Products, Lines, Movements, Edits int // rows new to this laptop
	Mapped                            int // products and lots found to be the same as local ones
	Conflicts                         int // edits kept as a conflict to settle
	Recounts                          int // lots to count: another laptop converted another balance (SyncRecounts)
	Parked                            int // rows kept aside until their product or lot arrives (sync_parked.go)
	// resync: products whose unit or pack sizes changed in the page (their pending receipts are
	// proposed again at its end); nil once the page is applied, so PullApplied stays comparable.
	resync *map[int64]bool
}

// ApplyPull applies one page the hub sent and moves the pull cursor to page.Next, in one
// transaction: killed half-way, nothing of the page is kept and it is pulled again.
func (s *Store) ApplyPull(ctx context.Context, page syncwire.PullResponse) (PullApplied, error) {
	var out PullApplied
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		out = PullApplied{}
		if _, err := tx.ExecContext(ctx, `UPDATE sync_state SET applying = 1 WHERE id = 1`); err != nil {
			return fmt.Errorf("apply what the hub sent: %w", err)
		}
		for _, p := range page.Products {
			if err := applyProduct(ctx, tx, p, &out); err != nil {
				return err
			}
		}
		for _, l := range page.Lines {
			if err := applyLine(ctx, tx, l, &out); err != nil {
				return err
			}
		}
		for _, m := range page.Movements {
			if err := applyMovement(ctx, tx, m, &out); err != nil {
				return err
			}
		}
		for _, e := range page.Edits {
			if err := s.applyEdit(ctx, tx, e, &out); err != nil {
				return err
			}
		}
		if err := s.unpark(ctx, tx, &out); err != nil {
			return err
		}
		var resync map[int64]bool
		if out.resync != nil {
			resync = *out.resync
		}
		for _, id := range slices.Sorted(maps.Keys(resync)) {
			if err := s.resyncPendingReceiptsTx(ctx, tx, id); err != nil {
				return fmt.Errorf("propose the receipts waiting for review again: %w", err)
			}
		}
		out.resync = nil
		_, err := tx.ExecContext(ctx, `UPDATE sync_state SET applying = 0, pull_after = MAX(pull_after, ?) WHERE id = 1`, page.Next)
		if err != nil {
			return fmt.Errorf("save the pull cursor: %w", err)
		}
		return nil
	})
	return out, err
}

// localRow finds the local row a pulled uuid names: the row itself, or the local row it was
// mapped onto. ok is false when there is none.
func localRow(ctx context.Context, tx *sql.Tx, table, uuid string) (id int64, localUUID string, ok bool, err error) {
	err = tx.QueryRowContext(ctx, `SELECT id, uuid FROM `+table+` WHERE uuid = COALESCE((SELECT local_uuid FROM sync_alias WHERE uuid = ?), ?)`,
		uuid, uuid).Scan(&id, &localUUID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", false, nil
	}
	if err != nil {
		return 0, "", false, fmt.Errorf("find %s: %w", table, err)
	}
	return id, localUUID, true, nil
}

func alias(ctx context.Context, tx *sql.Tx, entity, uuid, local string) error {
	_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO sync_alias(uuid, entity, local_uuid) VALUES (?,?,?)`, uuid, entity, local)
	if err != nil {
		return fmt.Errorf("map the other laptop's %s onto this one's: %w", entity, err)
	}
	return nil
}

func checkUUID(what, u string) error {
	if len(u) < 8 || len(u) > 64 || strings.ContainsAny(u, " \r\n\t") {
		return fmt.Errorf("the hub sent a %s with a bad id %q", what, u)
	}
	return nil
}

// applyProduct stores a pulled product, or maps it onto the local product with the same GTIN (or,
// without a GTIN, the same name key): products(gtin) is unique, and one medicine is one product.
func applyProduct(ctx context.Context, tx *sql.Tx, p syncwire.Product, out *PullApplied) error {
	if err := checkUUID("product", p.UUID); err != nil {
		return err
	}
	if _, _, ok, err := localRow(ctx, tx, "products", p.UUID); err != nil || ok {
		return err
	}
	var local string
	var err error
	if p.GTIN != "" {
		err = tx.QueryRowContext(ctx, `SELECT uuid FROM products WHERE gtin = ? AND uuid IS NOT NULL`, p.GTIN).Scan(&local)
	} else if p.NameKey != "" {
		err = tx.QueryRowContext(ctx, `SELECT uuid FROM products WHERE gtin IS NULL AND name_key = ? AND uuid IS NOT NULL ORDER BY id LIMIT 1`, p.NameKey).Scan(&local)
	} else {
		err = sql.ErrNoRows
	}
	switch {
	case err == nil:
		out.Mapped++
		return alias(ctx, tx, "product", p.UUID, local)
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("find the same product here: %w", err)
	}
	var gtin, key any
	if p.GTIN != "" {
		gtin = p.GTIN
	}
	if p.NameKey != "" {
		key = p.NameKey
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO products(uuid, device_id, gtin, name_key, confirmed, created_at, updated_at) VALUES (?,?,?,?,1,?,?)`,
		p.UUID, p.DeviceID, gtin, key, p.Created, p.Created)
	if err != nil {
		return fmt.Errorf("add the product the hub sent: %w", err)
	}
	out.Products++
	return nil
}

// applyLine stores a pulled lot, or maps it onto the local line of the same product, lot, expiry
// and shelf (stock_lines' unique index), so both laptops' stock of that lot adds up in one line.
func applyLine(ctx context.Context, tx *sql.Tx, l syncwire.Line, out *PullApplied) error {
	if err := checkUUID("lot", l.UUID); err != nil {
		return err
	}
	if _, _, ok, err := localRow(ctx, tx, "stock_lines", l.UUID); err != nil || ok {
		return err
	}
	productID, _, ok, err := localRow(ctx, tx, "products", l.ProductUUID)
	if err != nil {
		return err
	}
	if !ok {
		return park(ctx, tx, "line", l.UUID, l.ProductUUID, l, out)
	}
	key := stock.LotKey(l.Lot)
	var local string
	err = tx.QueryRowContext(ctx, `SELECT uuid FROM stock_lines WHERE product_id = ? AND lot_key = ? AND expiry = ? AND location = ?`,
		productID, key, l.Expiry, l.Location).Scan(&local)
	switch {
	case err == nil:
		out.Mapped++
		return alias(ctx, tx, "line", l.UUID, local)
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("find the same lot here: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO stock_lines(uuid, device_id, product_id, lot, lot_key, expiry, location, created_at) VALUES (?,?,?,?,?,?,?,?)`,
		l.UUID, l.DeviceID, productID, strings.TrimSpace(l.Lot), key, l.Expiry, l.Location, l.Created)
	if err != nil {
		return fmt.Errorf("add the lot the hub sent: %w", err)
	}
	out.Lines++
	return nil
}

// secondReversalNote marks a reversal pulled from another laptop of a movement already reversed
// here. It is stored in the ledger (English, as the other notes the ledger writes).
const secondReversalNote = "(another laptop reversed the same movement: this second reversal counts as a movement of its own)"

// applyMovement appends a pulled movement to the ledger, confirmed, through the ledger's triggers.
// The other laptop checked its stock rules when it was recorded; a movement is a fact, kept.
func applyMovement(ctx context.Context, tx *sql.Tx, m syncwire.Movement, out *PullApplied) error {
	if err := checkUUID("movement", m.UUID); err != nil {
		return err
	}
	if !slices.Contains(stock.Kinds, stock.Kind(m.Kind)) {
		return fmt.Errorf("the hub sent a movement of an unknown kind %q: update this app", m.Kind)
	}
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM movements WHERE uuid = ?`, m.UUID).Scan(&exists); err != nil {
		return fmt.Errorf("find movement: %w", err)
	}
	if exists > 0 {
		return nil
	}
	lineID, _, ok, err := localRow(ctx, tx, "stock_lines", m.LineUUID)
	if err != nil {
		return err
	}
	if !ok {
		return park(ctx, tx, "movement", m.UUID, m.LineUUID, m, out)
	}
	var reverses any
	if m.ReversesUUID != "" {
		// A movement is reversed at most once (movements_reverses). Two laptops that reversed the
		// same movement before either saw the other both recorded it: the second reversal is kept
		// as a plain movement (it counted on its laptop, so it counts here: both laptops agree),
		// with a note saying so; a person corrects it with an adjustment if it was a mistake.
		var id, taken int64
		err := tx.QueryRowContext(ctx, `SELECT m.id, COUNT(r.id) FROM movements m LEFT JOIN movements r ON r.reverses_id = m.id
			WHERE m.uuid = ? GROUP BY m.id`, m.ReversesUUID).Scan(&id, &taken)
		switch {
		case err == nil && taken == 0:
			reverses = id
		case err == nil:
			m.Note = strings.TrimSpace(m.Note + " " + secondReversalNote)
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("find the reversed movement: %w", err)
		}
	}
	var counted any
	if m.Counted != nil && m.Kind != string(stock.Convert) {
		counted = *m.Counted
	}
	var ours int64
	if m.Kind == string(stock.Convert) {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT on_hand FROM line_totals WHERE line_id = ?), 0)`, lineID).Scan(&ours); err != nil {
			return fmt.Errorf("read the lot's balance: %w", err)
		}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO movements(uuid, device_id, line_id, kind, reason, quantity, counted, status, at, recorded_at, note, reverses_id, batch_id)
		VALUES (?,?,?,?,?,?,?,'confirmed',?,?,?,?,?)`,
		m.UUID, m.DeviceID, lineID, m.Kind, m.Reason, m.Quantity, counted, m.At, m.RecordedAt, m.Note, reverses, m.BatchID)
	if err != nil {
		return fmt.Errorf("add the movement the hub sent: %w", err)
	}
	out.Movements++
	if m.Kind == string(stock.Convert) && m.Counted != nil && *m.Counted != ours {
		// The other laptop converted a balance other than the one here: one of them had
		// movements the other had not seen (a dispense in the old unit, or a unit change here
		// too), so the converted balance may mix two units. Kept as recorded (a movement is a
		// fact), and the lot is listed to count (SyncRecounts).
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("add the movement the hub sent: %w", err)
		}
		if err := addRecount(ctx, tx, lineID, id, ours, *m.Counted, m.DeviceID, out); err != nil {
			return err
		}
	}
	return nil
}
