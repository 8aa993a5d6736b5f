package store

// Rows that came before what they belong to (issue 28). The hub numbers rows in the order they
// reached it, which is the order they were made, but for one case: a hub that lost its database
// (a new one, or one put back from an old copy) is filled again by each laptop in turn, so a
// laptop may send its movement on another laptop's lot before that laptop sends the lot. A pulled
// lot of a product not here yet, a movement of a lot not here yet and an edit of either are kept
// aside in sync_parked, and applied as soon as what they wait for arrives (at the end of every
// page). Before, such a row stopped every sync of the laptop at its page, for ever: the lot came
// in a later page, which was never reached.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"medinventory/store/syncwire"
)

// park keeps a pulled row (a *syncwire.Line, Movement or Edit) until waits (a product's or a
// lot's uuid) is here.
func park(ctx context.Context, tx *sql.Tx, kind, uuid, waits string, row any, out *PullApplied) error {
	body, err := json.Marshal(row)
	if err != nil {
		return fmt.Errorf("keep the %s aside: %w", kind, err)
	}
	res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO sync_parked(kind, uuid, waits, body) VALUES (?,?,?,?)`, kind, uuid, waits, string(body))
	if err != nil {
		return fmt.Errorf("keep the %s aside: %w", kind, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		out.Parked++
	}
	return nil
}

// unpark applies the rows kept aside whose product or lot has arrived, again and again while
// any could be applied (a lot waited for its product, its movements for the lot).
func (s *Store) unpark(ctx context.Context, tx *sql.Tx, out *PullApplied) error {
	for {
		rows, err := tx.QueryContext(ctx, `SELECT id, kind, body FROM sync_parked p
			WHERE EXISTS (SELECT 1 FROM products WHERE uuid = p.waits) OR EXISTS (SELECT 1 FROM stock_lines WHERE uuid = p.waits)
			   OR EXISTS (SELECT 1 FROM sync_alias WHERE uuid = p.waits) ORDER BY id`)
		if err != nil {
			return fmt.Errorf("read the rows kept aside: %w", err)
		}
		type parked struct {
			id         int64
			kind, body string
		}
		var ready []parked
		for rows.Next() {
			var p parked
			if err := rows.Scan(&p.id, &p.kind, &p.body); err != nil {
				rows.Close()
				return fmt.Errorf("read the rows kept aside: %w", err)
			}
			ready = append(ready, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read the rows kept aside: %w", err)
		}
		if len(ready) == 0 {
			return nil
		}
		for _, p := range ready {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sync_parked WHERE id = ?`, p.id); err != nil {
				return fmt.Errorf("apply a row kept aside: %w", err)
			}
			switch p.kind {
			case "line":
				var l syncwire.Line
				if err = json.Unmarshal([]byte(p.body), &l); err == nil {
					err = applyLine(ctx, tx, l, out)
				}
			case "movement":
				var m syncwire.Movement
				if err = json.Unmarshal([]byte(p.body), &m); err == nil {
					err = applyMovement(ctx, tx, m, out)
				}
			case "edit":
				var e syncwire.Edit
				if err = json.Unmarshal([]byte(p.body), &e); err == nil {
					err = s.applyEdit(ctx, tx, e, out)
				}
			}
			if err != nil {
				return err
			}
		}
	}
}
