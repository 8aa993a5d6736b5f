package store

// Lots to count after a unit change met movements its laptop had not seen (issue 28 with 27). A
// unit or pack size change converts each lot's balance by a convert movement of the difference,
// worked out from the balance its laptop held (2 packs → 60 capsules: +58). That movement
// travels and is added up on every laptop like any other. If the lot's balance here was not the
// one the other laptop converted (this laptop dispensed a pack meanwhile, or changed the unit
// too), the difference is in a unit no one can tell after the fact: 1 pack dispensed here and
// +58 from there make 59 "capsules" where 30 are on the shelf. ApplyPull keeps the movement (a
// fact) and lists the lot here; a count of the lot settles it, and the count travels, so every
// laptop then agrees.

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"medinventory/store/syncwire"
)

// SyncRecount is a lot to count.
type SyncRecount struct {
	ID          int64
	ProductID   int64
	ProductName string
	LineID      int64
	Lot         string
	Expiry      string
	Unit        string // the product's unit now
	Ours        int64  // the lot's balance here when the other laptop's change arrived
	Theirs      int64  // the balance the other laptop converted (TheirsKnown)
	TheirsKnown bool   // false: the other laptop changed the pack size converting nothing here
	TheirDevice string
	FoundAt     int64 // Unix ms
}

// SyncRecounts lists the lots to count, oldest first: those with no count recorded after the
// convert that was found to have converted another balance.
func (s *Store) SyncRecounts(ctx context.Context) ([]SyncRecount, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT r.id, p.id, p.name, l.id, l.lot, l.expiry, p.unit, r.ours, r.theirs, r.their_device, r.found_at
		FROM sync_recounts r JOIN stock_lines l ON l.id = r.line_id JOIN products p ON p.id = l.product_id
		WHERE NOT EXISTS (SELECT 1 FROM movements c WHERE c.line_id = r.line_id AND c.kind = 'count' AND c.status = 'confirmed' AND c.id > r.after_id)
		ORDER BY r.id`)
	if err != nil {
		return nil, fmt.Errorf("list the lots to count: %w", err)
	}
	defer rows.Close()
	var out []SyncRecount
	for rows.Next() {
		var r SyncRecount
		var theirs sql.NullInt64
		if err := rows.Scan(&r.ID, &r.ProductID, &r.ProductName, &r.LineID, &r.Lot, &r.Expiry, &r.Unit, &r.Ours, &theirs, &r.TheirDevice, &r.FoundAt); err != nil {
			return nil, fmt.Errorf("list the lots to count: %w", err)
		}
		r.Theirs, r.TheirsKnown = theirs.Int64, theirs.Valid
		out = append(out, r)
	}
	return out, rows.Err()
}

// addRecount lists a lot to count (after the movement afterID); theirs is nil when unknown.
func addRecount(ctx context.Context, tx *sql.Tx, lineID, afterID, ours int64, theirs any, device string, out *PullApplied) error {
	res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO sync_recounts(line_id, after_id, ours, theirs, their_device, found_at) VALUES (?,?,?,?,?,?)`,
		lineID, afterID, ours, theirs, device, ms(time.Now()))
	if err != nil {
		return fmt.Errorf("keep the lot to count: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		out.Recounts++
	}
	return nil
}

// convertWindow is how far from a pack size edit its laptop's convert movements are looked for:
// both were written in one transaction, on that laptop's clock.
const convertWindow = 5 * 60 * 1000

// checkUnconverted runs after a pulled pack size edit changed a lot's pack size here (entity
// line), or its product's usual size (entity product: old is the size before, which lots at it
// followed on the other laptop). A lot holding stock here that the other laptop did not convert
// (no convert movement of that laptop on it, made with the edit) holds it in the old size: it
// is listed to count, unless all of it comes from that laptop's own movements (the lot was made
// there in that size). That laptop held none of it, or had not seen the lot at all.
func checkUnconverted(ctx context.Context, tx *sql.Tx, e syncwire.Edit, local, old string, out *PullApplied) error {
	q := `SELECT l.id, t.on_hand FROM stock_lines l JOIN line_totals t ON t.line_id = l.id WHERE l.uuid = ? AND t.on_hand <> 0`
	args := []any{local}
	if e.Entity == "product" {
		size, err := strconv.ParseInt(old, 10, 64)
		if err != nil {
			return nil // no size before: nothing followed it
		}
		q = `SELECT l.id, t.on_hand FROM stock_lines l JOIN products p ON p.id = l.product_id JOIN line_totals t ON t.line_id = l.id
			WHERE p.uuid = ? AND l.pack_size = ? AND t.on_hand <> 0`
		args = append(args, size)
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read the lots of the product: %w", err)
	}
	type lot struct{ id, onHand int64 }
	var lots []lot
	for rows.Next() {
		var l lot
		if err := rows.Scan(&l.id, &l.onHand); err != nil {
			rows.Close()
			return fmt.Errorf("read the lots of the product: %w", err)
		}
		lots = append(lots, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the lots of the product: %w", err)
	}
	for _, l := range lots {
		// theirs: what that laptop's own movements add up to here. Only the rest of the balance
		// (this laptop's movements, a third one's) can be in a size that laptop never saw: a lot
		// it made in packs of 30 holds its own receipts, counted in that size.
		var converted, last, theirs int64
		err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM movements WHERE line_id = ? AND kind = 'convert' AND device_id = ? AND at BETWEEN ? AND ?),
			(SELECT COALESCE(MAX(id), 0) FROM movements),
			(SELECT COALESCE(SUM(quantity), 0) FROM movements WHERE line_id = ? AND device_id = ? AND status = 'confirmed')`,
			l.id, e.DeviceID, e.At-convertWindow, e.At+convertWindow, l.id, e.DeviceID).Scan(&converted, &last, &theirs)
		if err != nil {
			return fmt.Errorf("read the lot's movements: %w", err)
		}
		if converted == 0 && l.onHand != theirs {
			if err := addRecount(ctx, tx, l.id, last, l.onHand, nil, e.DeviceID, out); err != nil {
				return err
			}
		}
	}
	return nil
}
