package store

// Stock keeping: products, stock lines (lots) and the append-only ledger of movements. The rules
// (what may be dispensed, what is low, which lot goes first) live in package stock; this file reads
// and writes the tables and calls them. Every write is one immediate transaction.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"medinventory/store/stock"
)

// ErrLineNotFound, ErrProductNotFound and ErrMovementNotFound are returned for rows that do not
// exist; each matches ErrNotFound.
var (
	ErrLineNotFound     error = &notFound{"this stock line no longer exists"}
	ErrProductNotFound  error = &notFound{"this product no longer exists"}
	ErrMovementNotFound error = &notFound{"this stock movement does not exist"}
)

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func newUUID() (string, error) {
	u, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("make an id: %w", err)
	}
	return u.String(), nil
}

// newIDs returns a new UUIDv7 and this device's id: the global identity of a new row. The device
// id never changes once made, so it is read once.
func (s *Store) newIDs(ctx context.Context, q querier) (id, device string, err error) {
	if id, err = newUUID(); err != nil {
		return "", "", err
	}
	s.stockView.mu.Lock()
	device = s.stockView.device
	s.stockView.mu.Unlock()
	if device != "" {
		return id, device, nil
	}
	if device, err = deviceID(ctx, q); err != nil {
		return "", "", err
	}
	s.stockView.mu.Lock()
	s.stockView.device = device
	s.stockView.mu.Unlock()
	return id, device, nil
}

// DeviceID is this installation's device id: made once (by the stock migration) and stored; every
// product, line and movement made here carries it.
func (s *Store) DeviceID(ctx context.Context) (string, error) {
	return deviceID(ctx, s.r)
}

func deviceID(ctx context.Context, q querier) (string, error) {
	var id string
	if err := q.QueryRowContext(ctx, `SELECT device_id FROM device WHERE id = 1`).Scan(&id); err != nil {
		return "", fmt.Errorf("read the device id: %w", err)
	}
	return id, nil
}

// ---------------------------------------------------------------------------------------------
// Reading

// productCols reads a product: its ids, the catalog fields of the field table, and its stock settings.
var productCols = `p.id, COALESCE(p.uuid,''), p.device_id, ` + fieldCols("p.", catalogFields, "COALESCE(%s,'')") +
	`, p.unit, p.reorder_level, p.confirmed`

// scanProduct returns Scan destinations for productCols and the function that completes dst
// after the Scan.
func scanProduct(dst *stock.Product) ([]any, func()) {
	vals, set := fieldScan(&dst.Values, catalogFields)
	out := append([]any{&dst.ID, &dst.UUID, &dst.DeviceID}, vals...)
	return append(out, &dst.Unit, &dst.ReorderLevel, &dst.Confirmed), set
}

// lineCols reads a line with its balances, from line_totals (kept by triggers with every movement;
// see the stock migration). Select them FROM stock_lines l JOIN line_totals t ON t.line_id = l.id.
const lineCols = `l.id, l.uuid, l.device_id, l.product_id, l.lot, l.expiry, l.location,
	t.on_hand, t.pending, t.pending_receipts, t.moves`

const linesFrom = ` FROM stock_lines l JOIN line_totals t ON t.line_id = l.id`

func scanLine(dst *stock.Line) []any {
	return []any{&dst.ID, &dst.UUID, &dst.DeviceID, &dst.ProductID, &dst.Lot, &dst.Expiry, &dst.Location,
		&dst.OnHand, &dst.Pending, &dst.PendingReceipts, &dst.Moves}
}

const movementCols = `m.id, m.uuid, m.device_id, m.line_id, m.kind, m.reason, m.quantity, m.counted, m.proposed, m.status,
	m.at, m.note, COALESCE(m.photo_id,0), COALESCE(m.analysis_id,0), COALESCE(m.entry_id,0), COALESCE(m.reverses_id,0),
	COALESCE((SELECT r.id FROM movements r WHERE r.reverses_id = m.id),0), m.batch_id, COALESCE(m.similar_photo_id,0)`

type movementScan struct {
	m                 stock.Movement
	counted, proposed sql.NullInt64
	at                int64
}

func (x *movementScan) dest() []any {
	m := &x.m
	return []any{&m.ID, &m.UUID, &m.DeviceID, &m.LineID, &m.Kind, &m.Reason, &m.Quantity, &x.counted, &x.proposed,
		&m.Status, &x.at, &m.Note, &m.PhotoID, &m.AnalysisID, &m.EntryID, &m.ReversesID, &m.ReversedBy, &m.BatchID,
		&m.SimilarPhotoID}
}

func (x *movementScan) done() stock.Movement {
	if x.counted.Valid {
		v := x.counted.Int64
		x.m.Counted = &v
	}
	if x.proposed.Valid {
		v := x.proposed.Int64
		x.m.Proposed = &v
	}
	x.m.At = time.UnixMilli(x.at)
	return x.m
}

func getMovement(ctx context.Context, q querier, id int64) (stock.Movement, error) {
	var x movementScan
	err := q.QueryRowContext(ctx, `SELECT `+movementCols+` FROM movements m WHERE m.id = ?`, id).Scan(x.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return stock.Movement{}, ErrMovementNotFound
	} else if err != nil {
		return stock.Movement{}, fmt.Errorf("read movement: %w", err)
	}
	return x.done(), nil
}

func getLine(ctx context.Context, q querier, id int64) (stock.Line, error) {
	var l stock.Line
	err := q.QueryRowContext(ctx, `SELECT `+lineCols+linesFrom+` WHERE l.id = ?`, id).Scan(scanLine(&l)...)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrLineNotFound
	} else if err != nil {
		return l, fmt.Errorf("read stock line: %w", err)
	}
	return l, nil
}

func getProduct(ctx context.Context, q querier, id int64) (stock.Product, error) {
	var p stock.Product
	dst, set := scanProduct(&p)
	err := q.QueryRowContext(ctx, `SELECT `+productCols+` FROM products p WHERE p.id = ?`, id).Scan(dst...)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrProductNotFound
	} else if err != nil {
		return p, fmt.Errorf("read product: %w", err)
	}
	set()
	return p, nil
}

// StockProduct returns one product of the catalog.
func (s *Store) StockProduct(ctx context.Context, id int64) (stock.Product, error) {
	return getProduct(ctx, s.r, id)
}

// Line returns one stock line with its balances.
func (s *Store) Line(ctx context.Context, id int64) (stock.Line, error) { return getLine(ctx, s.r, id) }

// Movement returns one movement.
func (s *Store) Movement(ctx context.Context, id int64) (stock.Movement, error) {
	return getMovement(ctx, s.r, id)
}

// ProductFilter selects products for ListProducts. The zero value lists every product that has
// stock, stock waiting for review, a history, or was confirmed, by name. Each filter that is set
// must hold.
type ProductFilter struct {
	Search       string // matched against name, generic name, strength, maker, GTIN and the lots' numbers
	Low          bool   // usable on hand below the reorder level
	Out          bool   // nothing usable on hand
	Expired      bool   // a lot with stock has expired
	ExpiringDays int    // > 0: a lot with usable stock expires within this many days
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
		return nil, nil, 0, fmt.Errorf("list products: %w", err)
	}
	defer tx.Rollback()
	var version int64
	if err := tx.QueryRowContext(ctx, `SELECT v FROM stock_version`).Scan(&version); err != nil {
		return nil, nil, 0, fmt.Errorf("list products: %w", err)
	}
	q := `SELECT ` + productCols + ` FROM products p`
	if productWhere != "" {
		q += " WHERE " + productWhere
	}
	rows, err := tx.QueryContext(ctx, q+" ORDER BY p.name COLLATE NOCASE, p.id", pargs...)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("list products: %w", err)
	}
	var prods []stock.Product
	for rows.Next() {
		var p stock.Product
		dst, set := scanProduct(&p)
		if err := rows.Scan(dst...); err != nil {
			rows.Close()
			return nil, nil, 0, fmt.Errorf("list products: %w", err)
		}
		set()
		prods = append(prods, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, 0, fmt.Errorf("list products: %w", err)
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
		return nil, nil, 0, fmt.Errorf("list lots: %w", err)
	}
	defer rows.Close()
	lines := map[int64][]stock.Line{}
	for rows.Next() {
		var l stock.Line
		if err := rows.Scan(scanLine(&l)...); err != nil {
			return nil, nil, 0, fmt.Errorf("list lots: %w", err)
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
		f.Low && !ps.Badges.Low,
		f.Out && !ps.Badges.Out,
		f.Expired && !ps.Badges.Expired:
		return false
	case f.ExpiringDays > 0:
		for _, l := range lines {
			if stock.Usable(l, f.Today) > 0 && stock.ExpiresWithin(l.Expiry, f.Today, f.ExpiringDays) {
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
		return nil, fmt.Errorf("list lots: %w", err)
	}
	defer rows.Close()
	var out []stock.Line
	for rows.Next() {
		var l stock.Line
		if err := rows.Scan(scanLine(&l)...); err != nil {
			return nil, fmt.Errorf("list lots: %w", err)
		}
		if l.Moves > 0 || l.PendingReceipts > 0 || l.OnHand != 0 {
			out = append(out, l)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	stock.SortByExpiry(out)
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
		return nil, fmt.Errorf("read stock card: %w", err)
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
		return fmt.Errorf("check stock totals: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("the stock totals of %d lots (the first is lot %d) do not match their movements", n, first.Int64)
	}
	return nil
}

// ---------------------------------------------------------------------------------------------
// Writing

// insertMovementTx appends m to the ledger (a new UUIDv7, this device's id) and returns it as stored.
func (s *Store) insertMovementTx(ctx context.Context, tx *sql.Tx, m stock.Movement) (stock.Movement, error) {
	id, dev, err := s.newIDs(ctx, tx)
	if err != nil {
		return m, err
	}
	now := s.now()
	if m.At.IsZero() {
		m.At = movementTime(ctx, now) // now, or the day AtDate gives (stock_typed.go)
	}
	if m.Status == "" {
		m.Status = stock.Confirmed
	}
	var counted, proposed any
	if m.Counted != nil {
		counted = *m.Counted
	}
	if m.Proposed != nil {
		proposed = *m.Proposed
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO movements(uuid, device_id, line_id, kind, reason, quantity, counted, proposed, status,
		at, recorded_at, note, photo_id, analysis_id, entry_id, reverses_id, batch_id, similar_photo_id)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id`,
		id, dev, m.LineID, string(m.Kind), string(m.Reason), m.Quantity, counted, proposed, string(m.Status),
		ms(m.At), ms(now), m.Note, nullID(m.PhotoID), nullID(m.AnalysisID), nullID(m.EntryID), nullID(m.ReversesID),
		m.BatchID, nullID(m.SimilarPhotoID)).Scan(&m.ID)
	if err != nil {
		return m, fmt.Errorf("record movement: %w", err)
	}
	m.UUID, m.DeviceID = id, dev
	return m, nil
}

// writeTx runs fn in one immediate transaction.
func (s *Store) writeTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("open the inventory for writing: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save: %w", err)
	}
	return nil
}

const maxNote = 2000

func checkNote(note string) (string, error) {
	note = strings.TrimSpace(note)
	if len([]rune(note)) > maxNote {
		return "", fmt.Errorf("the note is too long (at most %d characters)", maxNote)
	}
	return note, nil
}

// lineOp reads a line inside tx, checks the rule, and appends one confirmed movement.
func (s *Store) lineOp(ctx context.Context, lineID int64, note string, build func(l stock.Line) (stock.Movement, error)) (stock.Movement, error) {
	note, err := checkNote(note)
	if err != nil {
		return stock.Movement{}, err
	}
	var out stock.Movement
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		l, err := getLine(ctx, tx, lineID)
		if err != nil {
			return err
		}
		m, err := build(l)
		if err != nil {
			return err
		}
		m.LineID, m.Note, m.Status = lineID, note, stock.Confirmed
		out, err = s.insertMovementTx(ctx, tx, m)
		return err
	})
	return out, err
}

// Receive records n units received into a line by hand (confirmed at once).
func (s *Store) Receive(ctx context.Context, lineID, n int64, note string) (stock.Movement, error) {
	return s.lineOp(ctx, lineID, note, func(l stock.Line) (stock.Movement, error) {
		if err := stock.CheckQuantity(n); err != nil {
			return stock.Movement{}, err
		}
		return stock.Movement{Kind: stock.Receive, Quantity: n}, nil
	})
}

// Dispense records n units given out from a line. It is refused (stock.ErrNotEnough,
// stock.ErrExpiredLot) when the lot has less on hand or has expired.
func (s *Store) Dispense(ctx context.Context, lineID, n int64, note string) (stock.Movement, error) {
	today := s.now()
	return s.lineOp(ctx, lineID, note, func(l stock.Line) (stock.Movement, error) {
		if err := stock.CheckDispense(l, n, today); err != nil {
			return stock.Movement{}, err
		}
		return stock.Movement{Kind: stock.Dispense, Quantity: -n}, nil
	})
}

// DispenseProduct records n units given out of a product, taken first expiry first out over its
// usable lots (stock.PlanDispense), as one movement per lot in one transaction.
func (s *Store) DispenseProduct(ctx context.Context, productID, n int64, note string) ([]stock.Movement, error) {
	note, err := checkNote(note)
	if err != nil {
		return nil, err
	}
	batch, err := newUUID()
	if err != nil {
		return nil, err
	}
	today := s.now()
	var out []stock.Movement
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := getProduct(ctx, tx, productID); err != nil {
			return err
		}
		lines, err := linesOfProduct(ctx, tx, productID)
		if err != nil {
			return err
		}
		picks, err := stock.PlanDispense(lines, n, today)
		if err != nil {
			return err
		}
		for _, p := range picks {
			m, err := s.insertMovementTx(ctx, tx, stock.Movement{LineID: p.LineID, Kind: stock.Dispense, Quantity: -p.Quantity,
				Note: note, BatchID: batch})
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

func linesOfProduct(ctx context.Context, q querier, productID int64) ([]stock.Line, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+lineCols+linesFrom+` WHERE l.product_id = ?`, productID)
	if err != nil {
		return nil, fmt.Errorf("read lots: %w", err)
	}
	defer rows.Close()
	var out []stock.Line
	for rows.Next() {
		var l stock.Line
		if err := rows.Scan(scanLine(&l)...); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Adjust records a correction of delta units (signed) with its reason (stock.AdjustReasons).
func (s *Store) Adjust(ctx context.Context, lineID, delta int64, reason stock.Reason, note string) (stock.Movement, error) {
	return s.lineOp(ctx, lineID, note, func(l stock.Line) (stock.Movement, error) {
		if err := stock.CheckAdjust(l, delta, reason); err != nil {
			return stock.Movement{}, err
		}
		return stock.Movement{Kind: stock.Adjust, Reason: reason, Quantity: delta}, nil
	})
}

// Dispose records n units destroyed, because expired or damaged (stock.DisposeReasons).
func (s *Store) Dispose(ctx context.Context, lineID, n int64, reason stock.Reason, note string) (stock.Movement, error) {
	return s.lineOp(ctx, lineID, note, func(l stock.Line) (stock.Movement, error) {
		if err := stock.CheckDispose(l, n, reason); err != nil {
			return stock.Movement{}, err
		}
		return stock.Movement{Kind: stock.Dispose, Reason: reason, Quantity: -n}, nil
	})
}

// Count saves a stock count of some lines as one transaction: for each line, the counted value is
// kept and the difference from the books is the movement (0 when they agree, so the card shows
// when the lot was last counted). The movements share one batch id.
func (s *Store) Count(ctx context.Context, counts []stock.CountInput, note string) ([]stock.Movement, error) {
	note, err := checkNote(note)
	if err != nil {
		return nil, err
	}
	if len(counts) == 0 {
		return nil, errors.New("nothing was counted: type at least one number")
	}
	seen := map[int64]bool{}
	for _, c := range counts {
		if seen[c.LineID] {
			return nil, fmt.Errorf("lot %d is counted twice in one count; keep one number per lot", c.LineID)
		}
		seen[c.LineID] = true
	}
	batch, err := newUUID()
	if err != nil {
		return nil, err
	}
	var out []stock.Movement
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		for _, c := range counts {
			l, err := getLine(ctx, tx, c.LineID)
			if err != nil {
				return err
			}
			d, err := stock.CountDelta(l.OnHand, c.Counted)
			if err != nil {
				return fmt.Errorf("lot %s: %w", lotWords(l), err)
			}
			counted := c.Counted
			m, err := s.insertMovementTx(ctx, tx, stock.Movement{LineID: l.ID, Kind: stock.Count, Quantity: d,
				Counted: &counted, Note: note, BatchID: batch})
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

func lotWords(l stock.Line) string {
	if l.Lot == "" {
		return "with no lot number"
	}
	return l.Lot
}

// Reverse undoes a confirmed movement with a reversing movement of the opposite quantity; the
// original stays on the card. It is refused for a movement already undone, for a reversal, for a
// pending receipt (dismiss it with MarkSamePack, or correct it before confirming), and when undoing
// it would leave the lot below 0. A receipt that came from a photo's entry leaves that entry in
// the inventory list; its stock is gone.
func (s *Store) Reverse(ctx context.Context, movementID int64, note string) (stock.Movement, error) {
	note, err := checkNote(note)
	if err != nil {
		return stock.Movement{}, err
	}
	var out stock.Movement
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		m, err := getMovement(ctx, tx, movementID)
		if err != nil {
			return err
		}
		if out, err = s.reverseTx(ctx, tx, m, note); err != nil {
			return err
		}
		if m.EntryID != 0 && m.Kind == stock.Receive {
			// The entry's receipt is undone: the entry no longer proposes stock.
			_, err = tx.ExecContext(ctx, `UPDATE entries SET receipt_id = NULL, no_receipt = 1, updated_at = ? WHERE id = ? AND receipt_id = ?`,
				ms(s.now()), m.EntryID, m.ID)
		}
		return err
	})
	return out, err
}

// AddLine returns the line of a product with this lot, expiry and location, making it if needed.
func (s *Store) AddLine(ctx context.Context, productID int64, lot, expiry, location string) (stock.Line, error) {
	var err error
	if expiry, err = ValidateField("expiry", expiry); err != nil {
		return stock.Line{}, &FieldError{Field: "expiry", Err: err}
	}
	for f, v := range map[string]*string{"lot": &lot, "location": &location} {
		if *v, err = ValidateField(f, *v); err != nil {
			return stock.Line{}, &FieldError{Field: f, Err: err}
		}
	}
	var id int64
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := getProduct(ctx, tx, productID); err != nil {
			return err
		}
		id, err = s.ensureLineTx(ctx, tx, productID, lot, expiry, location)
		return err
	})
	if err != nil {
		return stock.Line{}, err
	}
	return getLine(ctx, s.r, id)
}

// SetProductStock sets a product's unit of count ("" keeps it) and reorder level (0: none).
func (s *Store) SetProductStock(ctx context.Context, productID int64, unit string, reorderLevel int64) (stock.Product, error) {
	unit = strings.TrimSpace(unit)
	if len([]rune(unit)) > 40 {
		return stock.Product{}, errors.New("the unit is too long (at most 40 characters), e.g. pack, tablet, bottle")
	}
	if reorderLevel < 0 || reorderLevel > stock.MaxQuantity {
		return stock.Product{}, fmt.Errorf("the reorder level must be between 0 (none) and %d", stock.MaxQuantity)
	}
	res, err := s.w.ExecContext(ctx, `UPDATE products SET unit = CASE WHEN ? = '' THEN unit ELSE ? END, reorder_level = ?, updated_at = ? WHERE id = ?`,
		unit, unit, reorderLevel, ms(s.now()), productID)
	if err != nil {
		return stock.Product{}, fmt.Errorf("save product: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return stock.Product{}, ErrProductNotFound
	}
	return getProduct(ctx, s.r, productID)
}

// receiptLineTx returns the line an entry's receipt goes to. An entry that names no shelf (a photo
// cannot see one) goes to the lot already listed with the same product, lot and expiry, whatever
// its shelf (the oldest such line), so a photo of a shelved lot never makes a second line of it;
// an entry that names a shelf goes to that shelf's line.
func (s *Store) receiptLineTx(ctx context.Context, tx *sql.Tx, productID int64, lot, expiry, location string) (int64, error) {
	if strings.TrimSpace(location) == "" {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM stock_lines WHERE product_id = ? AND lot_key = ? AND expiry = ? ORDER BY id LIMIT 1`,
			productID, stock.LotKey(lot), expiry).Scan(&id)
		if err == nil {
			return id, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("find lot: %w", err)
		}
	}
	return s.ensureLineTx(ctx, tx, productID, lot, expiry, location)
}

// ensureLineTx returns the id of the line (product, lot, expiry, location), making it if needed.
// Lots match by stock.LotKey, so a second photo of a listed lot never makes a second line.
func (s *Store) ensureLineTx(ctx context.Context, tx *sql.Tx, productID int64, lot, expiry, location string) (int64, error) {
	key := stock.LotKey(lot)
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM stock_lines WHERE product_id = ? AND lot_key = ? AND expiry = ? AND location = ?`,
		productID, key, expiry, location).Scan(&id)
	if err == nil {
		return id, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("find lot: %w", err)
	}
	u, dev, err := s.newIDs(ctx, tx)
	if err != nil {
		return 0, err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO stock_lines(uuid, device_id, product_id, lot, lot_key, expiry, location, created_at)
		VALUES (?,?,?,?,?,?,?,?) RETURNING id`, u, dev, productID, strings.TrimSpace(lot), key, expiry, location, ms(s.now())).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add lot: %w", err)
	}
	return id, nil
}

// ---------------------------------------------------------------------------------------------
// Reports

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
		ps[i].Lines = keep
	}
	return ps, nil
}

// ExpiryReport lists the lots with stock on hand that have expired or expire within days of
// today, soonest first.
func (s *Store) ExpiryReport(ctx context.Context, today time.Time, days int) ([]stock.LotRow, error) {
	today = s.today(today)
	if days < 0 {
		return nil, errors.New("the number of days must be 0 or more")
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
		return nil, errors.New("the end of the period must be after its start")
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

// ParseQuantity reads a whole number a person typed for a movement ("12", " 3 "); see
// stock.CheckQuantity for the bounds the movement itself checks.
func ParseQuantity(v string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q is not a whole number", stock.ErrQuantity, strings.TrimSpace(v))
	}
	return n, nil
}
