package store

// The push half of sync (issue 28): the outbox SQLite's triggers fill (migration 0008) read in
// batches, and the push cursor moved only once the hub acknowledged a batch.

import (
	"context"
	"database/sql"
	"fmt"

	"medinventory/store/syncwire"
)

// OutboxBatch reads up to limit outbox rows after the push cursor as one push request, in the
// order they were recorded. Through is the outbox position of its last row (0 when there is
// nothing to send). The request's DeviceID and DataID are this laptop's.
func (s *Store) OutboxBatch(ctx context.Context, limit int) (syncwire.PushRequest, error) {
	var req syncwire.PushRequest
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return req, fmt.Errorf("read what is left to send: %w", err)
	}
	defer tx.Rollback()
	var after int64
	if err := tx.QueryRowContext(ctx, `SELECT push_through FROM sync_state WHERE id = 1`).Scan(&after); err != nil {
		return req, fmt.Errorf("read the push cursor: %w", err)
	}
	if req.DeviceID, err = deviceID(ctx, tx); err != nil {
		return req, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT id FROM data_identity`).Scan(&req.DataID); err != nil {
		return req, fmt.Errorf("read the data folder's identity: %w", err)
	}
	// One query per kind over the batch's range keeps the reads on the uuid indexes.
	var through int64
	err = tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM (SELECT seq FROM sync_outbox WHERE seq > ? ORDER BY seq LIMIT ?)`,
		after, limit).Scan(&through)
	if err != nil {
		return req, fmt.Errorf("read the outbox: %w", err)
	}
	if through == 0 {
		return req, nil
	}
	req.Through = through
	rows, err := tx.QueryContext(ctx, `SELECT p.uuid, p.device_id, COALESCE(p.gtin,''), COALESCE(p.name_key,''), p.created_at
		FROM sync_outbox o JOIN products p ON p.uuid = o.uuid WHERE o.seq > ? AND o.seq <= ? AND o.kind = 'product' ORDER BY o.seq`, after, through)
	if err != nil {
		return req, fmt.Errorf("read new products: %w", err)
	}
	for rows.Next() {
		var p syncwire.Product
		if err := rows.Scan(&p.UUID, &p.DeviceID, &p.GTIN, &p.NameKey, &p.Created); err != nil {
			rows.Close()
			return req, fmt.Errorf("read new products: %w", err)
		}
		req.Products = append(req.Products, p)
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT l.uuid, l.device_id, p.uuid, l.lot, l.expiry, l.location, l.created_at
		FROM sync_outbox o JOIN stock_lines l ON l.uuid = o.uuid JOIN products p ON p.id = l.product_id
		WHERE o.seq > ? AND o.seq <= ? AND o.kind = 'line' ORDER BY o.seq`, after, through)
	if err != nil {
		return req, fmt.Errorf("read new lots: %w", err)
	}
	for rows.Next() {
		var l syncwire.Line
		if err := rows.Scan(&l.UUID, &l.DeviceID, &l.ProductUUID, &l.Lot, &l.Expiry, &l.Location, &l.Created); err != nil {
			rows.Close()
			return req, fmt.Errorf("read new lots: %w", err)
		}
		req.Lines = append(req.Lines, l)
	}
	rows.Close()
	// A convert carries in Counted the balance it converted (syncwire.Movement.Counted).
	rows, err = tx.QueryContext(ctx, `SELECT m.uuid, m.device_id, l.uuid, m.kind, m.reason, m.quantity,
		CASE WHEN m.kind = 'convert' THEN (SELECT u.old_on_hand FROM unit_change_lines u WHERE u.movement_id = m.id) ELSE m.counted END,
		m.at, m.recorded_at, m.note, COALESCE(r.uuid, ''), m.batch_id
		FROM sync_outbox o JOIN movements m ON m.uuid = o.uuid JOIN stock_lines l ON l.id = m.line_id
		LEFT JOIN movements r ON r.id = m.reverses_id
		WHERE o.seq > ? AND o.seq <= ? AND o.kind = 'movement' ORDER BY o.seq`, after, through)
	if err != nil {
		return req, fmt.Errorf("read new movements: %w", err)
	}
	for rows.Next() {
		var m syncwire.Movement
		var counted sql.NullInt64
		if err := rows.Scan(&m.UUID, &m.DeviceID, &m.LineUUID, &m.Kind, &m.Reason, &m.Quantity, &counted, &m.At, &m.RecordedAt,
			&m.Note, &m.ReversesUUID, &m.BatchID); err != nil {
			rows.Close()
			return req, fmt.Errorf("read new movements: %w", err)
		}
		if counted.Valid {
			c := counted.Int64
			m.Counted = &c
		}
		req.Movements = append(req.Movements, m)
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT e.uuid, e.device_id, e.entity, e.entity_uuid, e.field, e.value, e.base, e.at
		FROM sync_outbox o JOIN sync_edits e ON e.uuid = o.uuid WHERE o.seq > ? AND o.seq <= ? AND o.kind = 'edit' ORDER BY o.seq`, after, through)
	if err != nil {
		return req, fmt.Errorf("read new edits: %w", err)
	}
	for rows.Next() {
		var e syncwire.Edit
		if err := rows.Scan(&e.UUID, &e.DeviceID, &e.Entity, &e.EntityUUID, &e.Field, &e.Value, &e.Base, &e.At); err != nil {
			rows.Close()
			return req, fmt.Errorf("read new edits: %w", err)
		}
		req.Edits = append(req.Edits, e)
	}
	rows.Close()
	return req, rows.Err()
}

// AckPush moves the push cursor to through once the hub acknowledged a batch up to it. It never
// moves it back: an acknowledgement that arrives twice changes nothing.
func (s *Store) AckPush(ctx context.Context, through int64) error {
	_, err := s.w.ExecContext(ctx, `UPDATE sync_state SET push_through = ? WHERE id = 1 AND push_through < ?`, through, through)
	if err != nil {
		return fmt.Errorf("save the push cursor: %w", err)
	}
	return nil
}

// OutboxPending counts the rows the hub has not acknowledged yet.
func (s *Store) OutboxPending(ctx context.Context) (int64, error) {
	var n int64
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_outbox WHERE seq > (SELECT push_through FROM sync_state WHERE id = 1)`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count what is left to send: %w", err)
	}
	return n, nil
}
