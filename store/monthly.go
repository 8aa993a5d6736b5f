package store

// The monthly report and requisition (issue 24): the store reads the ledger in one query and
// store/stock.Monthly computes; the ordered quantities people set are kept in requisition_lines.

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// MonthKey is how a month is written and stored: YYYY-MM.
func MonthKey(month time.Time) string { return month.Format("2006-01") }

// MaxReasonRunes is the longest reason for an ordered quantity.
const MaxReasonRunes = 200

// MonthlyReport is the monthly report and requisition for month (any instant in it; its location
// decides where days begin): one row per product that had stock or a movement in the month or
// the two before it, by name, with maxMonths the maximum months of stock (stock.DefaultMaxMonths
// when 0). Confirmed movements only: receipts still waiting for review are not stock yet.
func (s *Store) MonthlyReport(ctx context.Context, month time.Time, maxMonths int) ([]stock.MonthlyRow, error) {
	in, err := s.monthlyInput(ctx, month, maxMonths)
	if err != nil {
		return nil, i18n.Errorf("the monthly report: %w", err)
	}
	return stock.Monthly(in), nil
}

// monthlyInput reads what stock.Monthly needs in one read transaction: the products, each one's
// balance before the window and the window's movements (one query), and the ordered quantities.
func (s *Store) monthlyInput(ctx context.Context, month time.Time, maxMonths int) (stock.MonthlyInput, error) {
	in := stock.MonthlyInput{Month: month, Today: s.now().In(month.Location()), MaxMonths: maxMonths,
		Carried: map[int64][]stock.LotBalance{}, Ordered: map[int64]stock.Ordered{}}
	from := stock.WindowStart(month)
	to := stock.MonthStart(month).AddDate(0, 1, 0)
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return in, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT `+productCols+` FROM products p ORDER BY p.name COLLATE NOCASE, p.id`)
	if err != nil {
		return in, err
	}
	for rows.Next() {
		var p stock.Product
		dst, set := scanProduct(&p)
		if err := rows.Scan(dst...); err != nil {
			rows.Close()
			return in, err
		}
		set()
		in.Products = append(in.Products, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return in, err
	}
	// A change of unit re-expresses a lot's balance (2 packs → 60 capsules): figures from before it
	// are restated in the unit of today, so that a month's columns and the AMC count one unit, and
	// the conversions themselves are neither consumption nor losses.
	restate, err := unitRestater(ctx, tx)
	if err != nil {
		return in, err
	}
	// One query: the balance carried into the window by lot (kind ''), then the window's movements
	// with their lot's expiry, each reversal with the kind of the movement it undoes.
	rows, err = tx.QueryContext(ctx, `
SELECT l.product_id, l.id, 0, '', '', SUM(m.quantity), l.expiry, ''
  FROM movements m JOIN stock_lines l ON l.id = m.line_id
 WHERE m.status = 'confirmed' AND m.at < ?
 GROUP BY l.id
UNION ALL
SELECT l.product_id, l.id, m.at, m.kind, COALESCE(r.kind, ''), m.quantity, l.expiry,
       CASE WHEN m.kind = 'reversal' THEN COALESCE(r.reason, '') ELSE COALESCE(m.reason, '') END
  FROM movements m JOIN stock_lines l ON l.id = m.line_id LEFT JOIN movements r ON r.id = m.reverses_id
 WHERE m.status = 'confirmed' AND m.at >= ? AND m.at < ? AND m.kind <> 'convert'`, ms(from), ms(from), ms(to))
	if err != nil {
		return in, err
	}
	loc := month.Location()
	carried := map[int64]map[string]int64{}
	for rows.Next() {
		var pid, lid, at, q int64
		var kind, rev, expiry, reason string
		if err := rows.Scan(&pid, &lid, &at, &kind, &rev, &q, &expiry, &reason); err != nil {
			rows.Close()
			return in, err
		}
		if kind == "" {
			if carried[pid] == nil {
				carried[pid] = map[string]int64{}
			}
			carried[pid][expiry] += restate(lid, ms(from)-1, q)
			continue
		}
		in.Moves = append(in.Moves, stock.MonthlyMove{ProductID: pid, At: time.UnixMilli(at).In(loc),
			Kind: stock.Kind(kind), Expiry: expiry, Reverses: stock.Kind(rev), Quantity: restate(lid, at, q), Reason: stock.Reason(reason)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return in, err
	}
	for pid, byExpiry := range carried {
		for expiry, q := range byExpiry {
			in.Carried[pid] = append(in.Carried[pid], stock.LotBalance{Expiry: expiry, Quantity: q})
		}
		sort.Slice(in.Carried[pid], func(i, j int) bool { return in.Carried[pid][i].Expiry < in.Carried[pid][j].Expiry })
	}
	rows, err = tx.QueryContext(ctx, `SELECT product_id, ordered, reason FROM requisition_lines WHERE month = ?`, MonthKey(month))
	if err != nil {
		return in, err
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var o stock.Ordered
		if err := rows.Scan(&pid, &o.Quantity, &o.Reason); err != nil {
			return in, err
		}
		in.Ordered[pid] = o
	}
	return in, rows.Err()
}

// SetOrdered keeps the quantity to order of a product for month (any instant in it), with the
// reason a person gave when it differs from the suggestion (the caller checks that with
// stock.NeedsReason: the store keeps what it is given). A quantity below 0 is refused.
func (s *Store) SetOrdered(ctx context.Context, month time.Time, productID int64, qty int64, reason string) error {
	reason = strings.TrimSpace(reason)
	switch {
	case qty < 0 || qty > stock.MaxQuantity:
		return i18n.Errorf("the quantity to order must be between 0 and %d", stock.MaxQuantity)
	case len([]rune(reason)) > MaxReasonRunes:
		return i18n.Errorf("the reason is too long (at most %d characters): say it in a few words", MaxReasonRunes)
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO requisition_lines(month, product_id, ordered, reason, updated_at)
SELECT ?, id, ?, ?, ? FROM products WHERE id = ?
ON CONFLICT(month, product_id) DO UPDATE SET ordered = excluded.ordered, reason = excluded.reason, updated_at = excluded.updated_at`,
		MonthKey(month), qty, reason, ms(s.now()), productID)
	if err != nil {
		return i18n.Errorf("save the quantity to order: %w", err)
	}
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM products WHERE id = ?`, productID).Scan(&n); err != nil {
		return i18n.Errorf("save the quantity to order: %w", err)
	}
	if n == 0 {
		return ErrProductNotFound
	}
	return nil
}

// unitRestater reads the changes of unit that re-expressed lots (a unit change with another pack
// size: 2 packs → 60 capsules) and returns a function restating q units of lot line, as of the
// instant at (Unix ms), in the lot's unit of today: q × new size / old size for each such change
// after at, rounded to whole units when the old unit was the larger (a report figure; the ledger
// itself is never rounded). A change that kept the unit (a lot's packs re-sized) counts units
// that stay units, and restates nothing.
func unitRestater(ctx context.Context, q querier) (func(line, at, qty int64) int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT ucl.line_id, uc.at, ucl.old_pack_size, ucl.new_pack_size
		FROM unit_change_lines ucl JOIN unit_changes uc ON uc.id = ucl.change_id
		WHERE uc.old_unit <> uc.new_unit AND ucl.old_pack_size <> ucl.new_pack_size ORDER BY uc.at, uc.id`)
	if err != nil {
		return nil, i18n.Errorf("read the changes of unit: %w", err)
	}
	defer rows.Close()
	type change struct{ at, old, new int64 }
	byLine := map[int64][]change{}
	for rows.Next() {
		var line int64
		var c change
		if err := rows.Scan(&line, &c.at, &c.old, &c.new); err != nil {
			return nil, err
		}
		byLine[line] = append(byLine[line], c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return func(line, at, qty int64) int64 {
		num, den := int64(1), int64(1)
		for _, c := range byLine[line] {
			if c.at > at {
				num, den = num*c.new, den*c.old
				if g := gcd(num, den); g > 1 {
					num, den = num/g, den/g
				}
			}
		}
		if den == 1 {
			return qty * num
		}
		x := qty * num
		if x < 0 {
			return -((-x + den/2) / den)
		}
		return (x + den/2) / den
	}, nil
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
