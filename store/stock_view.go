package store

// The product view (ListProducts, kept in memory by stock_cache.go), a product's lots, a lot's
// stock card, and the check that the totals the triggers keep match the ledger.

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// ProductFilter selects products for ListProducts. The zero value lists every product that has
// stock, stock waiting for review, a history, or was confirmed, by name. Each filter that is set
// must hold.
type ProductFilter struct {
	Search       string // matched against name, generic name, strength, maker, GTIN and the lots' numbers
	Low          bool   // usable on hand below the reorder level, or nothing usable (out of stock)
	Out          bool   // nothing usable on hand
	Expired      bool   // a lot with stock has expired
	ExpiringDays int    // > 0: a lot with usable stock expires within this many days
	// ExpiredToo, with ExpiringDays: a lot with stock that has already expired counts too, as in the
	// expiry report (the CLI's --expiring; the window has a separate Expired filter).
	ExpiredToo bool
	// WarnDays is the window of the "expiring" badge (default stock.DefaultExpiringDays).
	WarnDays int
	Today    time.Time // default: the store's clock
	Limit    int       // 0: no limit
}

func (s *Store) today(t time.Time) time.Time {
	if t.IsZero() {
		return s.now()
	}
	return t
}

// productLines reads products (those productWhere selects, by name) and their lines (those
// lineWhere selects), in one read transaction so the two agree. Either where may be "". It also
// returns the stock version they were read at (see stockCache).
func (s *Store) productLines(ctx context.Context, productWhere string, pargs []any, lineWhere string, largs []any) ([]stock.Product, map[int64][]stock.Line, int64, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, 0, i18n.Errorf("list products: %w", err)
	}
	defer tx.Rollback()
	var version int64
	if err := tx.QueryRowContext(ctx, `SELECT v FROM stock_version`).Scan(&version); err != nil {
		return nil, nil, 0, i18n.Errorf("list products: %w", err)
	}
	q := `SELECT ` + productCols + ` FROM products p`
	if productWhere != "" {
		q += " WHERE " + productWhere
	}
	rows, err := tx.QueryContext(ctx, q+" ORDER BY p.name COLLATE NOCASE, p.id", pargs...)
	if err != nil {
		return nil, nil, 0, i18n.Errorf("list products: %w", err)
	}
	var prods []stock.Product
	for rows.Next() {
		var p stock.Product
		dst, set := scanProduct(&p)
		if err := rows.Scan(dst...); err != nil {
			rows.Close()
			return nil, nil, 0, i18n.Errorf("list products: %w", err)
		}
		set()
		prods = append(prods, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, 0, i18n.Errorf("list products: %w", err)
	}
	var where []string
	var args []any
	if lineWhere != "" {
		where, args = append(where, lineWhere), append(args, largs...)
	}
	if productWhere != "" {
		where, args = append(where, "l.product_id IN (SELECT p.id FROM products p WHERE "+productWhere+")"), append(args, pargs...)
	}
	q = `SELECT ` + lineCols + linesFrom
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err = tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, 0, i18n.Errorf("list lots: %w", err)
	}
	defer rows.Close()
	lines := map[int64][]stock.Line{}
	for rows.Next() {
		var l stock.Line
		if err := rows.Scan(scanLine(&l)...); err != nil {
			return nil, nil, 0, i18n.Errorf("list lots: %w", err)
		}
		lines[l.ProductID] = append(lines[l.ProductID], l)
	}
	return prods, lines, version, rows.Err()
}

func (f ProductFilter) keep(ps stock.ProductSummary, lines []stock.Line) bool {
	listed := ps.Confirmed
	for _, l := range lines {
		listed = listed || l.Moves > 0 || l.PendingReceipts > 0
	}
	switch {
	case !listed,
		f.Low && !ps.Badges.Low && !ps.Badges.Out,
		f.Out && !ps.Badges.Out,
		f.Expired && !ps.Badges.Expired:
		return false
	case f.ExpiringDays > 0:
		for _, l := range lines {
			if stock.Usable(l, f.Today) > 0 && stock.ExpiresWithin(l.Expiry, f.Today, f.ExpiringDays) ||
				f.ExpiredToo && l.OnHand > 0 && stock.IsExpired(l.Expiry, f.Today) {
				return true
			}
		}
		return false
	}
	return true
}

// ListProducts returns the product view: one row per product with usable on hand, pending
// receipts, nearest expiry and badges (see stock.Summarize), by name.
func (s *Store) ListProducts(ctx context.Context, f ProductFilter) ([]stock.ProductSummary, error) {
	stocks, err := s.listProductStock(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]stock.ProductSummary, len(stocks))
	for i, p := range stocks {
		out[i] = p.ProductSummary
	}
	return out, nil
}

func (s *Store) listProductStock(ctx context.Context, f ProductFilter) ([]stock.ProductStock, error) {
	f.Today = s.today(f.Today)
	prods, lines, err := s.stockView.get(ctx, s)
	if err != nil {
		return nil, err
	}
	search := newSearch(f.Search)
	var out []stock.ProductStock
	for _, p := range prods {
		ls := lines[p.ID] // shared with the cache: read only
		if !search.matches(p, ls) {
			continue
		}
		sum := stock.Summarize(p, ls, f.Today, f.WarnDays)
		if !f.keep(sum, ls) {
			continue
		}
		out = append(out, stock.ProductStock{ProductSummary: sum, Lines: ls})
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	return out, nil
}

// ProductLines returns a product's lots, soonest expiry first (first expiry, first out), each
// with its balances. Lots with no stock, no history and nothing pending are left out.
func (s *Store) ProductLines(ctx context.Context, productID int64) ([]stock.Line, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+lineCols+linesFrom+` WHERE l.product_id = ?`, productID)
	if err != nil {
		return nil, i18n.Errorf("list lots: %w", err)
	}
	defer rows.Close()
	var out []stock.Line
	for rows.Next() {
		var l stock.Line
		if err := rows.Scan(scanLine(&l)...); err != nil {
			return nil, i18n.Errorf("list lots: %w", err)
		}
		if l.Moves > 0 || l.PendingReceipts > 0 || l.OnHand != 0 {
			out = append(out, l)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if out, err = s.dropUndone(ctx, out); err != nil {
		return nil, i18n.Errorf("list lots: %w", err)
	}
	stock.SortByExpiry(out)
	return out, nil
}

// dropUndone leaves out the lines whose every movement was undone: nothing on hand or waiting,
// and each confirmed movement a reversal or reversed. A shelf changed in the editor leaves one
// such line at the old shelf (its receipt reversed, a new one on the new shelf's line); listed, it
// showed as a second lot with 0 packs. Its stock card stays in the database and the movement
// reports.
func (s *Store) dropUndone(ctx context.Context, lines []stock.Line) ([]stock.Line, error) {
	out := lines[:0]
	for _, l := range lines {
		if l.OnHand == 0 && l.PendingReceipts == 0 && l.Moves > 0 {
			var live int
			err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM movements m WHERE m.line_id = ?
				AND m.status = 'confirmed' AND m.reverses_id IS NULL
				AND NOT EXISTS (SELECT 1 FROM movements r WHERE r.reverses_id = m.id)`, l.ID).Scan(&live)
			if err != nil {
				return nil, err
			}
			if live == 0 {
				continue
			}
		}
		out = append(out, l)
	}
	return out, nil
}

// StockCard returns every movement of a line, oldest first, with the running balance of confirmed
// stock after each (pending and dismissed receipts are listed with the balance unchanged).
func (s *Store) StockCard(ctx context.Context, lineID int64) ([]stock.CardRow, error) {
	if _, err := getLine(ctx, s.r, lineID); err != nil {
		return nil, err
	}
	ms, err := s.queryMovements(ctx, `SELECT `+movementCols+` FROM movements m WHERE m.line_id = ? ORDER BY m.at, m.id`, lineID)
	if err != nil {
		return nil, i18n.Errorf("read stock card: %w", err)
	}
	return stock.RunningBalance(ms), nil
}

func (s *Store) queryMovements(ctx context.Context, q string, args ...any) ([]stock.Movement, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []stock.Movement
	for rows.Next() {
		var x movementScan
		if err := rows.Scan(x.dest()...); err != nil {
			return nil, err
		}
		out = append(out, x.done())
	}
	return out, rows.Err()
}

// CheckStockTotals recomputes every line's totals from the ledger and compares them with the
// totals the triggers keep (line_totals). It returns nil when they agree. IntegrityCheck runs it.
func (s *Store) CheckStockTotals(ctx context.Context) error {
	var n int
	var first sql.NullInt64
	err := s.r.QueryRowContext(ctx, `WITH sums AS (
			SELECT l.id AS line_id,
				COALESCE(SUM(CASE WHEN m.status = 'confirmed' THEN m.quantity END), 0) AS on_hand,
				COALESCE(SUM(CASE WHEN m.status = 'pending' THEN m.quantity END), 0) AS pending,
				COUNT(CASE WHEN m.status = 'pending' THEN 1 END) AS pending_receipts,
				COUNT(CASE WHEN m.status = 'confirmed' THEN 1 END) AS moves
			FROM stock_lines l LEFT JOIN movements m ON m.line_id = l.id GROUP BY l.id)
		SELECT COUNT(*), MIN(s.line_id) FROM sums s LEFT JOIN line_totals t ON t.line_id = s.line_id
		WHERE t.line_id IS NULL OR t.on_hand <> s.on_hand OR t.pending <> s.pending
			OR t.pending_receipts <> s.pending_receipts OR t.moves <> s.moves`).Scan(&n, &first)
	if err != nil {
		return i18n.Errorf("check stock totals: %w", err)
	}
	if n > 0 {
		return i18n.Errorf("the stock totals of %d lots (the first is lot %d) do not match their movements", n, first.Int64)
	}
	return nil
}
