package store

import (
	"context"
	"database/sql"
	"log/slog"

	"medinventory/assets/i18n"
)

// Per-lot totals are a cache of the ledger.
//
// line_totals holds each lot's on-hand, pending and counts, kept by SQLite triggers in the same
// transaction as every movement (see the stock migration), so the product view reads 10,000 lots in
// one join. The movements are the truth: a total that disagrees with them (a bug, a hand edit of
// the file, a tool that bypassed the triggers) is recomputed from the movements, logged and
// reported once (OpenReport.TotalsRepaired) — at every open and before every backup. It is never a
// reason to refuse a backup or a restore: restoring opens the unpacked copy, which repairs it.

// stockSumsCTE recomputes every lot's totals from the movements alone, in one pass over the
// covering index movements_line(line_id, status, quantity) in its order (the table itself is not
// read), and joins them with the cached totals: every lot, its cached totals t (NULL when its row
// is missing) and its sums s (NULL when it has no movements).
const stockSumsCTE = `WITH per AS (
	SELECT line_id, status, SUM(quantity) AS q, COUNT(*) AS n FROM movements GROUP BY line_id, status),
sums AS MATERIALIZED (
	SELECT line_id,
		SUM(CASE WHEN status = 'confirmed' THEN q ELSE 0 END) AS on_hand,
		SUM(CASE WHEN status = 'pending' THEN q ELSE 0 END) AS pending,
		SUM(CASE WHEN status = 'pending' THEN n ELSE 0 END) AS pending_receipts,
		SUM(CASE WHEN status = 'confirmed' THEN n ELSE 0 END) AS moves
	FROM per GROUP BY line_id),
cmp AS (
	SELECT l.id AS line_id, t.line_id AS cached,
		COALESCE(s.on_hand, 0) AS on_hand, COALESCE(s.pending, 0) AS pending,
		COALESCE(s.pending_receipts, 0) AS pending_receipts, COALESCE(s.moves, 0) AS moves,
		t.on_hand AS t_on_hand, t.pending AS t_pending, t.pending_receipts AS t_pending_receipts, t.moves AS t_moves
	FROM stock_lines l LEFT JOIN line_totals t ON t.line_id = l.id LEFT JOIN sums s ON s.line_id = l.id)`

// stockMismatchWhere selects the lots (rows of cmp) whose cached totals are wrong.
const stockMismatchWhere = ` FROM cmp s WHERE s.cached IS NULL OR s.t_on_hand <> s.on_hand OR s.t_pending <> s.pending
	OR s.t_pending_receipts <> s.pending_receipts OR s.t_moves <> s.moves`

// wrongStockTotals returns the ids of the lots whose cached totals disagree with their movements.
func wrongStockTotals(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) ([]int64, error) {
	rows, err := q.QueryContext(ctx, stockSumsCTE+` SELECT s.line_id`+stockMismatchWhere+` ORDER BY s.line_id`)
	if err != nil {
		return nil, i18n.Errorf("check stock totals: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, i18n.Errorf("check stock totals: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, i18n.Errorf("check stock totals: %w", err)
	}
	return ids, nil
}

// RepairStockTotals recomputes, from the movements, every lot total that disagrees with them and
// returns the ids of the lots it repaired (none when all agree, the usual case: then it only
// reads). Each repair is logged. Open and Backup run it; the window or the command line may run it
// after a hand edit of the database. A read-only store repairs nothing: it returns the lots that
// are wrong and an error saying so.
func (s *Store) RepairStockTotals(ctx context.Context) ([]int64, error) {
	wrong, err := wrongStockTotals(ctx, s.r)
	if err != nil || len(wrong) == 0 {
		return nil, err
	}
	if s.readOnly {
		slog.Warn("stock totals disagree with their movements; this read-only inventory cannot repair them",
			"dir", s.dir, "lots", len(wrong), "first_lot", wrong[0])
		return wrong, i18n.Errorf("the stock totals of %d lot(s) (the first is lot %d) do not match their movements, and this inventory is open read-only: open it once where it can be written to repair them", len(wrong), wrong[0])
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, i18n.Errorf("repair stock totals: %w", err)
	}
	defer tx.Rollback()
	// Again inside the write transaction: another process may have written meanwhile.
	if wrong, err = wrongStockTotals(ctx, tx); err != nil || len(wrong) == 0 {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, stockSumsCTE+`
		INSERT INTO line_totals(line_id, on_hand, pending, pending_receipts, moves)
		SELECT s.line_id, s.on_hand, s.pending, s.pending_receipts, s.moves`+stockMismatchWhere+`
		ON CONFLICT(line_id) DO UPDATE SET on_hand = excluded.on_hand, pending = excluded.pending,
			pending_receipts = excluded.pending_receipts, moves = excluded.moves`); err != nil {
		return nil, s.diskFull(i18n.Errorf("repair stock totals: %w", err))
	}
	// Every process's cached product view must be read again.
	if _, err := tx.ExecContext(ctx, `UPDATE stock_version SET v = v + 1`); err != nil {
		return nil, i18n.Errorf("repair stock totals: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, s.diskFull(i18n.Errorf("repair stock totals: %w", err))
	}
	slog.Warn("stock totals disagreed with their movements and were recomputed from them",
		"dir", s.dir, "lots", len(wrong), "first_lot", wrong[0])
	return wrong, nil
}
