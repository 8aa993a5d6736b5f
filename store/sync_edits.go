package store

// Field edits that travel (issue 28): each edit of a product's field names the edit it was based
// on. A pulled edit is merged per field, three ways — the value it was based on, this laptop's
// value, the other's:
//
//   - based on the edit this laptop shows (or on a value equal to this laptop's): applied;
//   - the same value as this laptop's: nothing to change, it becomes the field's edit;
//   - based on an edit of an open conflict of that field: it settles the conflict, applied;
//   - otherwise both laptops changed the field before either saw the other: a conflict, kept with
//     both edits (sync_conflicts) for a person to settle (SettleConflict). Never dropped: the
//     product keeps this laptop's value meanwhile, and the other edit stays in sync_edits.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"medinventory/store/syncwire"
)

// syncFields are the columns that travel as edits, per entity (migrations 0008 and 0009's
// triggers): a product's names, unit, usual pack size and reorder level; a lot's pack size.
var syncFields = map[string]map[string]bool{
	"product": {
		"name": true, "generic_name": true, "strength": true, "dosage_form": true, "manufacturer": true,
		"unit": true, "reorder_level": true, "pack_size": true,
	},
	"line": {"pack_size": true},
}

// syncTable is the local table of an entity that has edits.
var syncTable = map[string]string{"product": "products", "line": "stock_lines"}

// intField says whether a travelling field is a whole number in its column.
func intField(field string) bool { return field == "reorder_level" || field == "pack_size" }

// checkEditValue refuses what a column cannot hold.
func checkEditValue(field, v string) error {
	if !utf8.ValidString(v) || len(v) > 1000 {
		return fmt.Errorf("the hub sent an unreadable %s", field)
	}
	switch field {
	case "reorder_level":
		if n, err := strconv.ParseInt(v, 10, 64); err != nil || n < 0 {
			return fmt.Errorf("the hub sent a reorder level that is not a number: %q", v)
		}
	case "pack_size":
		if n, err := strconv.ParseInt(v, 10, 64); err != nil || n < 1 {
			return fmt.Errorf("the hub sent a pack size that is not a whole number of units: %q", v)
		}
	}
	return nil
}

// editValue is v as the column holds it.
func editValue(field, v string) any {
	if intField(field) {
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	}
	return v
}

func (s *Store) applyEdit(ctx context.Context, tx *sql.Tx, e syncwire.Edit, out *PullApplied) error {
	if err := checkUUID("change", e.UUID); err != nil {
		return err
	}
	if table := syncTable[e.Entity]; table != "" {
		// An edit of a product or lot not here yet waits for it (sync_parked.go).
		if _, _, ok, err := localRow(ctx, tx, table, e.EntityUUID); err != nil {
			return err
		} else if !ok {
			return park(ctx, tx, "edit", e.UUID, e.EntityUUID, e, out)
		}
	}
	res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO sync_edits(uuid, device_id, entity, entity_uuid, field, value, base, at, local)
		VALUES (?,?,?,?,?,?,?,?,0)`, e.UUID, e.DeviceID, e.Entity, e.EntityUUID, e.Field, e.Value, e.Base, e.At)
	if err != nil {
		return fmt.Errorf("keep the change the hub sent: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // pulled before
	}
	out.Edits++
	table := syncTable[e.Entity]
	if !syncFields[e.Entity][e.Field] || checkEditValue(e.Field, e.Value) != nil {
		return nil // kept, not shown: a field this version does not know
	}
	localID, local, ok, err := localRow(ctx, tx, table, e.EntityUUID)
	if err != nil || !ok {
		return err
	}
	var head string
	err = tx.QueryRowContext(ctx, `SELECT edit_uuid FROM sync_heads WHERE entity = ? AND entity_uuid = ? AND field = ?`, e.Entity, local, e.Field).Scan(&head)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read the product's field: %w", err)
	}
	var ours string
	if err := tx.QueryRowContext(ctx, `SELECT CAST(COALESCE(`+e.Field+`, '') AS TEXT) FROM `+table+` WHERE uuid = ?`, local).Scan(&ours); err != nil {
		return fmt.Errorf("read the product's field: %w", err)
	}
	apply := e.Base == head
	if !apply && e.Base != "" {
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_conflicts WHERE entity_uuid = ? AND field = ? AND settled_at = 0 AND (ours = ? OR theirs = ?)`,
			local, e.Field, e.Base, e.Base).Scan(&open); err != nil {
			return fmt.Errorf("read conflicts: %w", err)
		}
		apply = open > 0
	}
	if !apply && e.Value != ours {
		baseValue, known := "", e.Base == ""
		if !known {
			err := tx.QueryRowContext(ctx, `SELECT value FROM sync_edits WHERE uuid = ?`, e.Base).Scan(&baseValue)
			known = err == nil
		}
		if !known || baseValue != ours {
			_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO sync_conflicts(entity, entity_uuid, field, ours, theirs, found_at) VALUES (?,?,?,?,?,?)`,
				e.Entity, local, e.Field, head, e.UUID, ms(s.now()))
			if err != nil {
				return fmt.Errorf("keep the conflict: %w", err)
			}
			out.Conflicts++
			return nil
		}
		apply = true
	}
	if apply && e.Value != ours {
		if err := setSyncField(ctx, tx, e.Entity, local, e.Field, e.Value, ms(s.now())); err != nil {
			return fmt.Errorf("apply the change the hub sent: %w", err)
		}
		if e.Field == "pack_size" {
			if err := checkUnconverted(ctx, tx, e, local, ours, out); err != nil {
				return err
			}
		}
		if e.Field == "unit" || e.Field == "pack_size" {
			// Receipts waiting for review here were proposed in the old unit or size: they are
			// proposed again (ApplyPull), as after a change made here.
			productID := localID
			if e.Entity == "line" {
				if err := tx.QueryRowContext(ctx, `SELECT product_id FROM stock_lines WHERE id = ?`, localID).Scan(&productID); err != nil {
					return fmt.Errorf("find the lot's product: %w", err)
				}
			}
			if out.resync == nil {
				out.resync = &map[int64]bool{}
			}
			(*out.resync)[productID] = true // at the end of the page, once its unit and sizes are all in
		}
	}
	return settleHead(ctx, tx, e.Entity, local, e.Field, e.UUID, e.Base, ms(s.now()))
}

// setSyncField writes one travelling field of a local product or lot. A unit or pack size pulled
// from another laptop is written as is: that laptop's convert movements travel beside it, so the
// balance here is converted by them, not converted a second time.
func setSyncField(ctx context.Context, tx *sql.Tx, entity, local, field, value string, now int64) error {
	set := field + ` = ?`
	args := []any{editValue(field, value)}
	if entity == "product" {
		set += `, updated_at = ?`
		args = append(args, now)
	}
	_, err := tx.ExecContext(ctx, `UPDATE `+syncTable[entity]+` SET `+set+` WHERE uuid = ?`, append(args, local)...)
	return err
}

// settleHead makes edit the field's current edit and closes the field's open conflicts that
// involve base (an edit made on top of one side of a conflict settles it).
func settleHead(ctx context.Context, tx *sql.Tx, entity, local, field, edit, base string, now int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sync_heads(entity, entity_uuid, field, edit_uuid) VALUES (?,?,?,?)
		ON CONFLICT (entity, entity_uuid, field) DO UPDATE SET edit_uuid = excluded.edit_uuid`, entity, local, field, edit)
	if err != nil {
		return fmt.Errorf("save the product's field: %w", err)
	}
	if base != "" {
		_, err = tx.ExecContext(ctx, `UPDATE sync_conflicts SET settled_at = ?, settled_by = ? WHERE entity_uuid = ? AND field = ? AND settled_at = 0 AND (ours = ? OR theirs = ?)`,
			now, edit, local, field, base, base)
		if err != nil {
			return fmt.Errorf("settle the conflict: %w", err)
		}
	}
	return nil
}

// SyncConflict is a field two laptops changed before either saw the other.
type SyncConflict struct {
	ID          int64
	ProductID   int64
	ProductName string
	Lot         string // the lot's number when the field is a lot's ("" for a product's field)
	Field       string
	Ours        string // the value this laptop shows
	Theirs      string // the other laptop's value
	TheirDevice string
	FoundAt     int64 // Unix ms
}

// SyncConflicts lists the conflicts no one has settled yet, oldest first.
func (s *Store) SyncConflicts(ctx context.Context) ([]SyncConflict, error) {
	// A lot's conflict names its product (and the field says "pack_size").
	rows, err := s.r.QueryContext(ctx, `SELECT c.id, p.id, p.name, COALESCE(l.lot, ''), c.field, COALESCE(o.value, ''), t.value, t.device_id, c.found_at
		FROM sync_conflicts c
		LEFT JOIN stock_lines l ON c.entity = 'line' AND l.uuid = c.entity_uuid
		JOIN products p ON p.uuid = CASE WHEN c.entity = 'line' THEN (SELECT uuid FROM products WHERE id = l.product_id) ELSE c.entity_uuid END
		JOIN sync_edits t ON t.uuid = c.theirs
		LEFT JOIN sync_edits o ON o.uuid = c.ours
		WHERE c.settled_at = 0 ORDER BY c.id`)
	if err != nil {
		return nil, fmt.Errorf("list conflicts: %w", err)
	}
	defer rows.Close()
	var out []SyncConflict
	for rows.Next() {
		var c SyncConflict
		if err := rows.Scan(&c.ID, &c.ProductID, &c.ProductName, &c.Lot, &c.Field, &c.Ours, &c.Theirs, &c.TheirDevice, &c.FoundAt); err != nil {
			return nil, fmt.Errorf("list conflicts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SettleConflict settles conflict id with value (usually one of the two, or another): the
// product takes it, and a new edit based on the other laptop's edit carries the choice to the
// other laptops, where it settles the same conflict.
func (s *Store) SettleConflict(ctx context.Context, id int64, value string) error {
	value = strings.TrimSpace(value)
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		var entity, local, field, theirs string
		err := tx.QueryRowContext(ctx, `SELECT entity, entity_uuid, field, theirs FROM sync_conflicts WHERE id = ? AND settled_at = 0`, id).Scan(&entity, &local, &field, &theirs)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("conflict %d: %w", id, ErrNotFound)
		} else if err != nil {
			return fmt.Errorf("read the conflict: %w", err)
		}
		if err := checkEditValue(field, value); err != nil {
			return fmt.Errorf("%s: write a whole number", field)
		}
		if !intField(field) && entity == "product" {
			if value, err = ValidateField(field, value); err != nil {
				return &FieldError{Field: field, Err: err}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sync_state SET applying = 1 WHERE id = 1`); err != nil {
			return err
		}
		if err := setSyncField(ctx, tx, entity, local, field, value, ms(s.now())); err != nil {
			return fmt.Errorf("save the product: %w", err)
		}
		u, dev, err := s.newIDs(ctx, tx)
		if err != nil {
			return err
		}
		// local = 1: the trigger sends it and makes it the field's edit.
		if _, err := tx.ExecContext(ctx, `INSERT INTO sync_edits(uuid, device_id, entity, entity_uuid, field, value, base, at) VALUES (?,?,?,?,?,?,?,?)`,
			u, dev, entity, local, field, value, theirs, ms(s.now())); err != nil {
			return fmt.Errorf("save the choice: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sync_conflicts SET settled_at = ?, settled_by = ? WHERE id = ?`, ms(s.now()), u, id); err != nil {
			return fmt.Errorf("settle the conflict: %w", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE sync_state SET applying = 0 WHERE id = 1`)
		return err
	})
}
