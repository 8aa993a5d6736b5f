package store

// Stock keeping: products, stock lines (lots) and the append-only ledger of movements. The rules
// (what may be dispensed, what is low, which lot goes first) live in package stock; the store reads
// and writes the tables and calls them. Every write is one immediate transaction. This file holds
// the rows themselves: global ids, reading a product, line or movement; stock_view.go the product
// view and stock cards, stock_movements.go the writes, stock_reports.go the reports,
// stock_receipts.go the receipts photos propose.

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// ErrLineNotFound, ErrProductNotFound and ErrMovementNotFound are returned for rows that do not
// exist; each matches ErrNotFound.
var (
	ErrLineNotFound     error = &notFound{i18n.Mark("this stock line no longer exists")}
	ErrProductNotFound  error = &notFound{i18n.Mark("this product no longer exists")}
	ErrMovementNotFound error = &notFound{i18n.Mark("this stock movement does not exist")}
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
		return "", i18n.Errorf("make an id: %w", err)
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
		return "", i18n.Errorf("read the device id: %w", err)
	}
	return id, nil
}

// ---------------------------------------------------------------------------------------------
// Reading

// productCols reads a product: its ids, the catalog fields of the field table, and its stock settings.
var productCols = `p.id, COALESCE(p.uuid,''), p.device_id, ` + fieldCols("p.", catalogFields, "COALESCE(%s,'')") +
	`, p.unit, p.pack_size, p.reorder_level, p.confirmed`

// scanProduct returns Scan destinations for productCols and the function that completes dst
// after the Scan.
func scanProduct(dst *stock.Product) ([]any, func()) {
	vals, set := fieldScan(&dst.Values, catalogFields)
	out := append([]any{&dst.ID, &dst.UUID, &dst.DeviceID}, vals...)
	return append(out, &dst.Unit, &dst.PackSize, &dst.ReorderLevel, &dst.Confirmed), set
}

// lineCols reads a line with its balances, from line_totals (kept by triggers with every movement;
// see the stock migration). Select them FROM stock_lines l JOIN line_totals t ON t.line_id = l.id.
const lineCols = `l.id, l.uuid, l.device_id, l.product_id, l.lot, l.expiry, l.location, l.pack_size,
	t.on_hand, t.pending, t.pending_receipts, t.moves`

const linesFrom = ` FROM stock_lines l JOIN line_totals t ON t.line_id = l.id`

func scanLine(dst *stock.Line) []any {
	return []any{&dst.ID, &dst.UUID, &dst.DeviceID, &dst.ProductID, &dst.Lot, &dst.Expiry, &dst.Location, &dst.PackSize,
		&dst.OnHand, &dst.Pending, &dst.PendingReceipts, &dst.Moves}
}

const movementCols = `m.id, m.uuid, m.device_id, m.line_id, m.kind, m.reason, m.quantity, m.counted, m.proposed, m.status,
	m.at, m.note, COALESCE(m.photo_id,0), COALESCE(m.analysis_id,0), COALESCE(m.entry_id,0), COALESCE(m.reverses_id,0),
	COALESCE((SELECT r.id FROM movements r WHERE r.reverses_id = m.id),0), m.batch_id, COALESCE(m.similar_photo_id,0),
	COALESCE(m.packs,0), COALESCE(m.pack_size,0), m.pack_size_from`

type movementScan struct {
	m                 stock.Movement
	counted, proposed sql.NullInt64
	at                int64
}

func (x *movementScan) dest() []any {
	m := &x.m
	return []any{&m.ID, &m.UUID, &m.DeviceID, &m.LineID, &m.Kind, &m.Reason, &m.Quantity, &x.counted, &x.proposed,
		&m.Status, &x.at, &m.Note, &m.PhotoID, &m.AnalysisID, &m.EntryID, &m.ReversesID, &m.ReversedBy, &m.BatchID,
		&m.SimilarPhotoID, &m.Packs, &m.PackSize, &m.PackSizeFrom}
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
		return stock.Movement{}, i18n.Errorf("read movement: %w", err)
	}
	return x.done(), nil
}

func getLine(ctx context.Context, q querier, id int64) (stock.Line, error) {
	var l stock.Line
	err := q.QueryRowContext(ctx, `SELECT `+lineCols+linesFrom+` WHERE l.id = ?`, id).Scan(scanLine(&l)...)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrLineNotFound
	} else if err != nil {
		return l, i18n.Errorf("read stock line: %w", err)
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
		return p, i18n.Errorf("read product: %w", err)
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
