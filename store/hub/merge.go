package hub

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"

	"medinventory/store/syncwire"
)

// merge applies new edits field by field, in the batch's order. An edit based on the field's
// current edit (or the first edit of a field) becomes the current one. An edit based on anything
// else was made before its laptop saw the current one: with the same value it agrees and nothing
// changes; with another value both are kept as a conflict (the current value stays until a person
// settles it). An edit based on one of an open conflict's edits settles that conflict and becomes
// the current one. It returns the conflicts this batch made or changed.
func (b *batch) merge(ctx context.Context, edits []syncwire.Edit) ([]syncwire.Conflict, error) {
	var changed []int64
	for _, e := range edits {
		var headUUID, headValue string
		err := b.tx.QueryRow(ctx, `SELECT edit_uuid, value FROM field_heads
			WHERE clinic_id = $1 AND entity = $2 AND entity_uuid = $3 AND field = $4 FOR UPDATE`,
			b.clinic, e.Entity, e.EntityUUID, e.Field).Scan(&headUUID, &headValue)
		noHead := isNoRows(err)
		if err != nil && !noHead {
			return nil, err
		}
		var open int64
		var openEdits []string
		err = b.tx.QueryRow(ctx, `SELECT id, edit_uuids FROM conflicts
			WHERE clinic_id = $1 AND entity = $2 AND entity_uuid = $3 AND field = $4 AND settled_by = ''`,
			b.clinic, e.Entity, e.EntityUUID, e.Field).Scan(&open, &openEdits)
		if err != nil && !isNoRows(err) {
			return nil, err
		}
		settles := open != 0 && e.Base != "" && slices.Contains(openEdits, e.Base)
		switch {
		case noHead:
			_, err = b.tx.Exec(ctx, `INSERT INTO field_heads (clinic_id, entity, entity_uuid, field, edit_uuid, value)
				VALUES ($1, $2, $3, $4, $5, $6)`, b.clinic, e.Entity, e.EntityUUID, e.Field, e.UUID, e.Value)
		case e.Base == headUUID || settles:
			_, err = b.tx.Exec(ctx, `UPDATE field_heads SET edit_uuid = $5, value = $6
				WHERE clinic_id = $1 AND entity = $2 AND entity_uuid = $3 AND field = $4`,
				b.clinic, e.Entity, e.EntityUUID, e.Field, e.UUID, e.Value)
			if err == nil && settles {
				_, err = b.tx.Exec(ctx, "UPDATE conflicts SET settled_by = $2, seq = $3 WHERE id = $1", open, e.UUID, b.take(1)+1)
				changed = append(changed, open)
			}
		case e.Value == headValue:
			// Made concurrently, but it agrees: nothing to settle.
		case open != 0:
			_, err = b.tx.Exec(ctx, "UPDATE conflicts SET edit_uuids = array_append(edit_uuids, $2), seq = $3 WHERE id = $1", open, e.UUID, b.take(1)+1)
			changed = append(changed, open)
		default:
			var id int64
			err = b.tx.QueryRow(ctx, `INSERT INTO conflicts (clinic_id, entity, entity_uuid, field, edit_uuids, seq)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
				b.clinic, e.Entity, e.EntityUUID, e.Field, []string{headUUID, e.UUID}, b.take(1)+1).Scan(&id)
			changed = append(changed, id)
		}
		if err != nil {
			return nil, err
		}
	}
	if len(changed) == 0 {
		return nil, nil
	}
	out, _, err := loadConflicts(ctx, b.tx, `WHERE c.id = ANY($1) ORDER BY c.seq`, slices.Compact(changed))
	return out, err
}

// loadConflicts reads conflicts with their edits, and each one's hub sequence; where is the SQL
// after FROM conflicts c, ending with its ORDER BY.
func loadConflicts(ctx context.Context, q pgx.Tx, where string, args ...any) ([]syncwire.Conflict, []int64, error) {
	rows, err := q.Query(ctx, `SELECT c.entity, c.entity_uuid, c.field, c.settled_by, c.seq,
			e.uuid, e.device_id, e.value, e.base, e.at
		FROM conflicts c JOIN LATERAL unnest(c.edit_uuids) WITH ORDINALITY AS u(uuid, o) ON true
		JOIN edits e ON e.uuid = u.uuid `+where+`, u.o`, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []syncwire.Conflict
	var seqs []int64
	var lastSeq int64 = -1
	for rows.Next() {
		var c syncwire.Conflict
		var seq int64
		var e syncwire.Edit
		if err := rows.Scan(&c.Entity, &c.EntityUUID, &c.Field, &c.SettledBy, &seq, &e.UUID, &e.DeviceID, &e.Value, &e.Base, &e.At); err != nil {
			return nil, nil, err
		}
		e.Entity, e.EntityUUID, e.Field = c.Entity, c.EntityUUID, c.Field
		if seq != lastSeq {
			out = append(out, c)
			seqs = append(seqs, seq)
			lastSeq = seq
		}
		out[len(out)-1].Edits = append(out[len(out)-1].Edits, e)
	}
	return out, seqs, rows.Err()
}
