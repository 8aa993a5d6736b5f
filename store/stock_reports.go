package store

// The stock reports: stock on hand, expiry, movements of a period.

import (
	"context"
	"database/sql"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// StockOnHand is the stock-on-hand report: every listed product with its lots (soonest expiry
// first), as ListProducts selects them.
func (s *Store) StockOnHand(ctx context.Context, f ProductFilter) ([]stock.ProductStock, error) {
	ps, err := s.listProductStock(ctx, f)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		var keep []stock.Line
		for _, l := range ps[i].Lines {
			if l.Moves > 0 || l.PendingReceipts > 0 || l.OnHand != 0 {
				keep = append(keep, l)
			}
		}
		if ps[i].Lines, err = s.dropUndone(ctx, keep); err != nil {
			return nil, i18n.Errorf("stock on hand: %w", err)
		}
	}
	return ps, nil
}

// ExpiryReport lists the lots with stock on hand that have expired or expire within days of
// today, soonest first.
func (s *Store) ExpiryReport(ctx context.Context, today time.Time, days int) ([]stock.LotRow, error) {
	today = s.today(today)
	if days < 0 {
		return nil, i18n.Err("the number of days must be 0 or more")
	}
	until := stock.Day(today.AddDate(0, 0, days))
	prods, lines, _, err := s.productLines(ctx, "", nil, `l.expiry <> '' AND l.expiry <= ? AND t.on_hand > 0`, []any{until})
	if err != nil {
		return nil, err
	}
	var out []stock.LotRow
	for _, p := range prods {
		for _, l := range lines[p.ID] {
			if l.OnHand > 0 {
				out = append(out, stock.LotRow{Product: p, Line: l, Badges: stock.LineBadges(l, today, days)})
			}
		}
	}
	sortLotRows(out)
	return out, nil
}

func sortLotRows(rows []stock.LotRow) {
	ls := make([]stock.Line, len(rows))
	idx := map[int64]stock.LotRow{}
	for i, r := range rows {
		ls[i] = r.Line
		idx[r.Line.ID] = r
	}
	stock.SortByExpiry(ls)
	for i, l := range ls {
		rows[i] = idx[l.ID]
	}
}

// MovementsBetween lists the confirmed movements that happened in [from, to), oldest first, with
// their product and lot: the ledger of the period (receipts still waiting for review, and dismissed
// ones, are not stock movements yet; the stock card shows them).
func (s *Store) MovementsBetween(ctx context.Context, from, to time.Time) ([]stock.MovementRow, error) {
	if !to.After(from) {
		return nil, i18n.Err("the end of the period must be after its start")
	}
	rs, err := s.queryReceipts(ctx, s.r, `m.at >= ? AND m.at < ? AND m.status = 'confirmed'`, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	units, err := s.recordedUnits(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]stock.MovementRow, len(rs))
	for i, r := range rs {
		out[i] = r.MovementRow
		out[i].Unit = r.Product.Unit
		if u, ok := units[r.ID]; ok {
			out[i].Unit = u
		}
	}
	return out, nil
}

// recordedUnits gives the confirmed movements of [from, to) recorded before a change of their
// lot's unit and pack size (packs → capsules in packs of 30; a unit only renamed keeps its
// numbers, and the rows say today's name) the unit they count (the first such change's old unit): the order of recording is the
// change's convert movement after the movement's id and, for a receipt from a photo, its being
// settled before the change (one waiting at the change was proposed again in the new unit).
func (s *Store) recordedUnits(ctx context.Context, from, to time.Time) (map[int64]string, error) {
	rows, err := s.r.QueryContext(ctx, `
WITH changed AS (SELECT ucl.line_id, ucl.movement_id, uc.old_unit, uc.at FROM unit_change_lines ucl
  JOIN unit_changes uc ON uc.id = ucl.change_id
  WHERE uc.old_unit <> uc.new_unit AND ucl.old_pack_size <> ucl.new_pack_size AND ucl.movement_id IS NOT NULL)
SELECT m.id, (SELECT c.old_unit FROM changed c WHERE c.line_id = m.line_id AND c.movement_id > m.id
        AND (m.entry_id IS NULL OR m.recorded_at <= c.at) ORDER BY c.movement_id LIMIT 1) AS unit
  FROM movements m
 WHERE m.status = 'confirmed' AND m.at >= ? AND m.at < ? AND m.line_id IN (SELECT line_id FROM changed)`, ms(from), ms(to))
	if err != nil {
		return nil, i18n.Errorf("read the units of the movements: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var unit sql.NullString
		if err := rows.Scan(&id, &unit); err != nil {
			return nil, err
		}
		if unit.Valid {
			out[id] = unit.String
		}
	}
	return out, rows.Err()
}
