package hub

import (
	"context"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"medinventory/assets/i18n"
	"medinventory/store/syncwire"
)

// Pull returns the rows of the device's clinic numbered after req.After, in the hub's sequence,
// at most req.Limit of them (capped). All is read in one snapshot (REPEATABLE READ): since pushes
// of a clinic are numbered and committed one after another (Push), a snapshot that holds a row
// numbered n holds every row numbered below n, so Next never passes a row still to be committed.
func (h *Hub) Pull(ctx context.Context, token string, req syncwire.PullRequest) (syncwire.PullResponse, error) {
	limit := req.Limit
	if limit <= 0 {
		limit = syncwire.DefaultPullLimit
	}
	limit = min(limit, syncwire.MaxPullLimit)
	if req.After < 0 {
		return syncwire.PullResponse{}, refuse(syncwire.ErrBadRequest, i18n.T("The pull's after is negative."))
	}
	var resp syncwire.PullResponse
	err := pgx.BeginTxFunc(ctx, h.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		resp = syncwire.PullResponse{Next: req.After}
		d, err := h.deviceByToken(ctx, tx, token, false)
		if err != nil {
			return err
		}
		// Each kind's first limit+1 rows after After; merged by sequence, the first limit of
		// them are the first limit of all.
		args := []any{d.clinicID, req.After, d.id, req.IncludeOwn, limit + 1}
		const cond = ` WHERE clinic_id = $1 AND seq > $2 AND (device_id <> $3 OR $4::bool) ORDER BY seq LIMIT $5`
		var all []pulled
		products, err := collect(ctx, tx, `SELECT seq, uuid, device_id, gtin, name_key, created FROM products`+cond, args,
			func(r pgx.CollectableRow) (pulled, error) {
				var p syncwire.Product
				var s int64
				err := r.Scan(&s, &p.UUID, &p.DeviceID, &p.GTIN, &p.NameKey, &p.Created)
				return pulled{seq: s, product: &p}, err
			})
		if err != nil {
			return err
		}
		all = append(all, products...)
		lines, err := collect(ctx, tx, `SELECT seq, uuid, device_id, product_uuid, lot, expiry, location, created FROM lines`+cond, args,
			func(r pgx.CollectableRow) (pulled, error) {
				var l syncwire.Line
				var s int64
				err := r.Scan(&s, &l.UUID, &l.DeviceID, &l.ProductUUID, &l.Lot, &l.Expiry, &l.Location, &l.Created)
				return pulled{seq: s, line: &l}, err
			})
		if err != nil {
			return err
		}
		all = append(all, lines...)
		edits, err := collect(ctx, tx, `SELECT seq, uuid, device_id, entity, entity_uuid, field, value, base, at FROM edits`+cond, args,
			func(r pgx.CollectableRow) (pulled, error) {
				var e syncwire.Edit
				var s int64
				err := r.Scan(&s, &e.UUID, &e.DeviceID, &e.Entity, &e.EntityUUID, &e.Field, &e.Value, &e.Base, &e.At)
				return pulled{seq: s, edit: &e}, err
			})
		if err != nil {
			return err
		}
		all = append(all, edits...)
		movements, err := collect(ctx, tx, `SELECT seq, uuid, device_id, line_uuid, kind, reason, quantity, counted, at, recorded_at, note, reverses_uuid, batch_id FROM movements`+cond, args,
			func(r pgx.CollectableRow) (pulled, error) {
				var m syncwire.Movement
				var s int64
				err := r.Scan(&s, &m.UUID, &m.DeviceID, &m.LineUUID, &m.Kind, &m.Reason, &m.Quantity, &m.Counted, &m.At, &m.RecordedAt, &m.Note, &m.ReversesUUID, &m.BatchID)
				return pulled{seq: s, movement: &m}, err
			})
		if err != nil {
			return err
		}
		all = append(all, movements...)
		conflicts, seqs, err := loadConflicts(ctx, tx, `WHERE c.id IN (SELECT id FROM conflicts WHERE clinic_id = $1 AND seq > $2 ORDER BY seq LIMIT $3) ORDER BY c.seq`,
			d.clinicID, req.After, limit+1)
		if err != nil {
			return err
		}
		for i := range conflicts {
			all = append(all, pulled{seq: seqs[i], conflict: &conflicts[i]})
		}
		sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
		if len(all) > limit {
			all, resp.More = all[:limit], true
		}
		for _, p := range all {
			switch {
			case p.product != nil:
				resp.Products = append(resp.Products, *p.product)
			case p.line != nil:
				resp.Lines = append(resp.Lines, *p.line)
			case p.edit != nil:
				resp.Edits = append(resp.Edits, *p.edit)
			case p.movement != nil:
				resp.Movements = append(resp.Movements, *p.movement)
			case p.conflict != nil:
				resp.Conflicts = append(resp.Conflicts, *p.conflict)
			}
			resp.Next = p.seq
		}
		if !resp.More {
			// Everything of this clinic up to its counter is in this snapshot and was returned or
			// left out (the device's own rows): the next pull starts after it, so that a laptop
			// that alone records does not read its own rows again on every pull.
			var top int64
			if err := tx.QueryRow(ctx, "SELECT seq FROM clinics WHERE id = $1", d.clinicID).Scan(&top); err != nil {
				return err
			}
			resp.Next = max(resp.Next, top)
		}
		return nil
	})
	if err != nil {
		return syncwire.PullResponse{}, wrap("reading a pull", err)
	}
	// Outside the read-only snapshot: when the device last synced, for the district pages.
	if _, err := h.pool.Exec(ctx, "UPDATE devices SET last_sync = now() WHERE token_hash = $1", hashSecret(token)); err != nil {
		return syncwire.PullResponse{}, wrap("recording the sync", err)
	}
	return resp, nil
}

// pulled is one row of a pull with its hub sequence.
type pulled struct {
	seq      int64
	product  *syncwire.Product
	line     *syncwire.Line
	edit     *syncwire.Edit
	movement *syncwire.Movement
	conflict *syncwire.Conflict
}

// collect runs a query and reads each of its rows with fn.
func collect[T any](ctx context.Context, tx pgx.Tx, sql string, args []any, fn pgx.RowToFunc[T]) ([]T, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, fn)
}

// Status tells a device about its clinic: the hub, the clinic's name and its laptops.
func (h *Hub) Status(ctx context.Context, token string) (syncwire.StatusResponse, error) {
	d, err := h.deviceByToken(ctx, nil, token, false)
	if err != nil {
		return syncwire.StatusResponse{}, err
	}
	resp := syncwire.StatusResponse{HubID: h.id, Through: d.through}
	if err := h.pool.QueryRow(ctx, "SELECT name FROM clinics WHERE id = $1", d.clinicID).Scan(&resp.ClinicName); err != nil {
		return resp, wrap("reading the clinic", err)
	}
	rows, err := h.pool.Query(ctx, "SELECT device_id, name, last_sync FROM devices WHERE clinic_id = $1 ORDER BY enrolled, device_id", d.clinicID)
	if err != nil {
		return resp, wrap("reading the clinic's laptops", err)
	}
	resp.Devices, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (syncwire.Device, error) {
		var dv syncwire.Device
		var last *time.Time
		err := r.Scan(&dv.DeviceID, &dv.DeviceName, &last)
		if last != nil {
			dv.LastSync = last.UnixMilli()
		}
		return dv, err
	})
	return resp, wrap("reading the clinic's laptops", err)
}
