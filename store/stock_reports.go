package store

// The stock reports: stock on hand, expiry, movements of a period.

import (
	"context"
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
	out := make([]stock.MovementRow, len(rs))
	for i, r := range rs {
		out[i] = r.MovementRow
	}
	return out, nil
}
