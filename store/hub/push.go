package hub

import (
	"medinventory/store/stock"

	"context"
	"slices"

	"github.com/jackc/pgx/v5"

	"medinventory/assets/i18n"
	"medinventory/store/syncwire"
)

// MaxBatchRows is the most rows one push may carry; the laptop sends more in several batches.
const MaxBatchRows = 20000

// Push stores a laptop's batch in one transaction: rows are inserted by UUID (a row the hub
// already has is counted as a duplicate, never stored twice), numbered in the clinic's hub
// sequence in commit order, and edits are merged per field. The answer echoes req.Through: only
// then may the laptop move its push cursor.
func (h *Hub) Push(ctx context.Context, token string, req syncwire.PushRequest) (syncwire.PushResponse, error) {
	if err := checkBatch(&req); err != nil {
		return syncwire.PushResponse{}, err
	}
	resp := syncwire.PushResponse{Through: req.Through}
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		resp = syncwire.PushResponse{Through: req.Through}
		d, err := h.deviceByToken(ctx, tx, token, true)
		if err != nil {
			return err
		}
		if req.DeviceID != d.id {
			return refuse(syncwire.ErrBadRequest, i18n.T("The push names another device than the token's."))
		}
		if req.DataID != d.dataID {
			return cloneError()
		}
		// The clinic's counter row, locked until commit: pushes of one clinic are numbered and
		// committed one after another, so a reader never sees a number before an earlier one.
		var seq int64
		if err := tx.QueryRow(ctx, "SELECT seq FROM clinics WHERE id = $1 FOR UPDATE", d.clinicID).Scan(&seq); err != nil {
			return err
		}
		b := batch{tx: tx, clinic: d.clinicID, seq: seq}
		if err := b.checkOwned(ctx, &req); err != nil {
			return err
		}
		if err := b.products(ctx, req.Products); err != nil {
			return err
		}
		if err := b.lines(ctx, req.Lines); err != nil {
			return err
		}
		newEdits, err := b.edits(ctx, req.Edits)
		if err != nil {
			return err
		}
		if err := b.movements(ctx, req.Movements); err != nil {
			return err
		}
		conflicts, err := b.merge(ctx, newEdits)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE clinics SET seq = $2 WHERE id = $1", d.clinicID, b.seq); err != nil {
			return err
		}
		// A Through below the last acknowledged one: the laptop's data went back in time (a
		// restored backup). Its rows are stored by UUID as always; it is told, so that it pulls
		// back its own rows from after the backup (PullRequest.IncludeOwn).
		restored := req.Through < d.through
		if _, err := tx.Exec(ctx, `UPDATE devices SET through = $2, last_sync = now(),
			restores = restores + CASE WHEN $3 THEN 1 ELSE 0 END WHERE device_id = $1`, d.id, req.Through, restored); err != nil {
			return err
		}
		resp.Stored = b.stored
		resp.Duplicate = rowCount(&req) - b.stored
		resp.Conflicts = conflicts
		resp.Restored = restored
		if h.beforeCommit != nil {
			h.beforeCommit(ctx, &req)
		}
		return nil
	})
	if err != nil {
		return syncwire.PushResponse{}, wrap("storing a push", err)
	}
	return resp, nil
}

func rowCount(r *syncwire.PushRequest) int {
	return len(r.Products) + len(r.Lines) + len(r.Movements) + len(r.Edits)
}

// checkBatch refuses a batch the hub cannot store, in words, before anything is written.
func checkBatch(r *syncwire.PushRequest) error {
	cleanBatch(r)
	if err := checkID("device_id", r.DeviceID); err != nil {
		return err
	}
	if err := checkID("data_id", r.DataID); err != nil {
		return err
	}
	if n := rowCount(r); n > MaxBatchRows {
		return refuse(syncwire.ErrBadRequest, i18n.T("The push carries %d rows; the hub takes at most %d at once: send them in several batches.", n, MaxBatchRows))
	}
	bad := func(msg string) error { return refuse(syncwire.ErrBadRequest, msg) }
	for i, p := range r.Products {
		if p.UUID == "" || p.DeviceID == "" {
			return bad(i18n.T("Product %d of the push has no uuid or device_id: nothing was stored.", i+1))
		}
	}
	for i, l := range r.Lines {
		if l.UUID == "" || l.DeviceID == "" || l.ProductUUID == "" {
			return bad(i18n.T("Lot %d of the push has no uuid, device_id or product_uuid: nothing was stored.", i+1))
		}
	}
	for i, m := range r.Movements {
		if m.UUID == "" || m.DeviceID == "" || m.LineUUID == "" {
			return bad(i18n.T("Movement %d of the push has no uuid, device_id or line_uuid: nothing was stored.", i+1))
		}
		if outOfRange(m.Quantity) || (m.Counted != nil && outOfRange(*m.Counted)) {
			return bad(i18n.T("Movement %d of the push has a quantity beyond %d: nothing was stored.", i+1, maxRowQuantity))
		}
		if !slices.Contains(stock.Kinds, stock.Kind(m.Kind)) { // the laptop's ledger kinds, one list
			return bad(i18n.T("Movement %d of the push has an unknown kind %q: nothing was stored.", i+1, m.Kind))
		}
	}
	for i, e := range r.Edits {
		if e.UUID == "" || e.DeviceID == "" || e.EntityUUID == "" || e.Field == "" {
			return bad(i18n.T("Edit %d of the push has no uuid, device_id, entity_uuid or field: nothing was stored.", i+1))
		}
		if e.Entity != "product" && e.Entity != "line" {
			return bad(i18n.T("Edit %d of the push names an unknown entity %q: nothing was stored.", i+1, e.Entity))
		}
		if e.Base == e.UUID {
			return bad(i18n.T("Edit %d of the push is based on itself: nothing was stored.", i+1))
		}
	}
	return checkUUIDs(r)
}

// batch inserts one push's rows, numbering them from seq on.
type batch struct {
	tx     pgx.Tx
	clinic string
	seq    int64
	stored int
}

// take numbers n rows: they get seq+1 … seq+n (a duplicate leaves its number unused).
func (b *batch) take(n int) int64 {
	first := b.seq
	b.seq += int64(n)
	return first
}

func (b *batch) products(ctx context.Context, rows []syncwire.Product) error {
	if len(rows) == 0 {
		return nil
	}
	var uuids, devs, gtins, names []string
	var created []int64
	for _, p := range rows {
		uuids, devs, gtins, names = append(uuids, p.UUID), append(devs, p.DeviceID), append(gtins, p.GTIN), append(names, p.NameKey)
		created = append(created, p.Created)
	}
	tag, err := b.tx.Exec(ctx, `INSERT INTO products (uuid, clinic_id, device_id, gtin, name_key, created, seq)
		SELECT u, $1, d, g, n, c, $2 + o FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[]) WITH ORDINALITY AS t(u, d, g, n, c, o)
		ON CONFLICT (uuid) DO NOTHING`, b.clinic, b.take(len(rows)), uuids, devs, gtins, names, created)
	b.stored += int(tag.RowsAffected())
	return err
}

func (b *batch) lines(ctx context.Context, rows []syncwire.Line) error {
	if len(rows) == 0 {
		return nil
	}
	var uuids, devs, prods, lots, exps, locs []string
	var created []int64
	for _, l := range rows {
		uuids, devs, prods = append(uuids, l.UUID), append(devs, l.DeviceID), append(prods, l.ProductUUID)
		lots, exps, locs = append(lots, l.Lot), append(exps, l.Expiry), append(locs, l.Location)
		created = append(created, l.Created)
	}
	tag, err := b.tx.Exec(ctx, `INSERT INTO lines (uuid, clinic_id, device_id, product_uuid, lot, expiry, location, created, seq)
		SELECT u, $1, d, p, l, e, x, c, $2 + o FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[]) WITH ORDINALITY AS t(u, d, p, l, e, x, c, o)
		ON CONFLICT (uuid) DO NOTHING`, b.clinic, b.take(len(rows)), uuids, devs, prods, lots, exps, locs, created)
	b.stored += int(tag.RowsAffected())
	return err
}

func (b *batch) movements(ctx context.Context, rows []syncwire.Movement) error {
	if len(rows) == 0 {
		return nil
	}
	n := len(rows)
	uuids, devs, lines, kinds, reasons := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	notes, revs, batches := make([]string, n), make([]string, n), make([]string, n)
	qty, at, rec := make([]int64, n), make([]int64, n), make([]int64, n)
	counted := make([]*int64, n)
	for i, m := range rows {
		uuids[i], devs[i], lines[i], kinds[i], reasons[i] = m.UUID, m.DeviceID, m.LineUUID, m.Kind, m.Reason
		notes[i], revs[i], batches[i] = m.Note, m.ReversesUUID, m.BatchID
		qty[i], at[i], rec[i], counted[i] = m.Quantity, m.At, m.RecordedAt, m.Counted
	}
	// The movements new to the hub are added to their lots' totals in the same statement.
	var stored int
	err := b.tx.QueryRow(ctx, `WITH ins AS (
			INSERT INTO movements (uuid, clinic_id, device_id, line_uuid, kind, reason, quantity, counted, at, recorded_at, note, reverses_uuid, batch_id, seq)
			SELECT u, $1, d, l, k, r, q, c, a, ra, n, rv, b, $2 + o
			FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::text[], $13::text[], $14::text[])
				WITH ORDINALITY AS t(u, d, l, k, r, q, c, a, ra, n, rv, b, o)
			ON CONFLICT (uuid) DO NOTHING
			RETURNING line_uuid, quantity),
		totals AS (
			INSERT INTO line_totals (line_uuid, clinic_id, on_hand)
			SELECT line_uuid, $1, sum(quantity) FROM ins GROUP BY line_uuid
			ON CONFLICT (line_uuid) DO UPDATE SET on_hand = line_totals.on_hand + EXCLUDED.on_hand)
		SELECT count(*) FROM ins`, b.clinic, b.take(n), uuids, devs, lines, kinds, reasons, qty, counted, at, rec, notes, revs, batches).Scan(&stored)
	b.stored += stored
	return err
}

// edits inserts the edits and returns those new to the hub, in the batch's order.
func (b *batch) edits(ctx context.Context, rows []syncwire.Edit) ([]syncwire.Edit, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	n := len(rows)
	uuids, devs, ents, eus, fields, vals, bases := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	at := make([]int64, n)
	for i, e := range rows {
		uuids[i], devs[i], ents[i], eus[i], fields[i], vals[i], bases[i], at[i] = e.UUID, e.DeviceID, e.Entity, e.EntityUUID, e.Field, e.Value, e.Base, e.At
	}
	got, err := b.tx.Query(ctx, `INSERT INTO edits (uuid, clinic_id, device_id, entity, entity_uuid, field, value, base, at, seq)
		SELECT u, $1, d, en, eu, f, v, ba, a, $2 + o
		FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[]) WITH ORDINALITY AS t(u, d, en, eu, f, v, ba, a, o)
		ON CONFLICT (uuid) DO NOTHING RETURNING uuid`, b.clinic, b.take(n), uuids, devs, ents, eus, fields, vals, bases, at)
	if err != nil {
		return nil, err
	}
	inserted, err := pgx.CollectRows(got, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	b.stored += len(inserted)
	isNew := make(map[string]bool, len(inserted))
	for _, u := range inserted {
		isNew[u] = true
	}
	var out []syncwire.Edit
	for _, e := range rows {
		if isNew[e.UUID] {
			out = append(out, e)
		}
	}
	return out, nil
}
