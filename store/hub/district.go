package hub

import (
	"medinventory/store/stock"

	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// StockRow is what one lot of one product holds in one clinic, from the movements alone.
type StockRow struct {
	Clinic      string `json:"clinic"`
	ProductUUID string `json:"product_uuid"`
	GTIN        string `json:"gtin"`
	Product     string `json:"product"` // its name: the latest "name" edit, else its name key, else the GTIN
	LineUUID    string `json:"line_uuid"`
	Lot         string `json:"lot"`
	Expiry      string `json:"expiry"`  // YYYY-MM-DD or ""
	OnHand      int64  `json:"on_hand"` // in Unit
	Unit        string `json:"unit"`    // the product's dispensing unit: its latest "unit" edit, else "pack"
}

// Quantity is the row's on hand as people read it: "60 capsules", "2 packs".
func (r StockRow) Quantity() string { return stock.UnitWords(r.OnHand, r.Unit) }

// Filter narrows Stock.
type Filter struct {
	Clinic string // "" for every clinic
	// ExpiringDays > 0: only lots with stock that expire within that many days of Today (or
	// have expired).
	ExpiringDays int
	Today        time.Time // zero: now
	// OutOfStock: only products of a clinic whose lots together hold nothing (one row per product,
	// Lot and Expiry empty).
	OutOfStock bool
}

// productKey is the SQL for a product's identity across the laptops of a clinic: its GTIN, else its
// name key. Two laptops that made the same product before they synced made two rows (two UUIDs),
// which the laptops map onto one (sync_alias); the hub adds them up as one, and a lot likewise by
// product, lot and expiry.
const productKey = `coalesce(nullif(p.gtin, ''), 'name:' || nullif(p.name_key, ''), p.uuid)`

// productName is the SQL for a product's name as people know it.
const productName = `coalesce(
	(SELECT fh.value FROM field_heads fh WHERE fh.clinic_id = p.clinic_id AND fh.entity = 'product'
		AND fh.entity_uuid = p.uuid AND fh.field = 'name'),
	nullif(p.name_key, ''), nullif(p.gtin, ''), p.uuid)`

// productUnit is the SQL for a product's dispensing unit (issue 27): the ledger counts in it.
const productUnit = `coalesce(
	(SELECT nullif(fh.value, '') FROM field_heads fh WHERE fh.clinic_id = p.clinic_id AND fh.entity = 'product'
		AND fh.entity_uuid = p.uuid AND fh.field = 'unit'), 'pack')`

// Stock lists on hand per clinic, product and lot, ordered by clinic, product and expiry: the sum
// of the lot's movements, as kept in line_totals by Push (CheckTotals adds them up again). The same
// product or lot made on two laptops of a clinic is one row (productKey).
func (h *Hub) Stock(ctx context.Context, f Filter) ([]StockRow, error) {
	today := f.Today
	if today.IsZero() {
		today = time.Now()
	}
	var sql string
	args := []any{f.Clinic}
	if f.OutOfStock {
		sql = `SELECT c.name, min(p.uuid), max(p.gtin), min(` + productName + `), '', '', '', coalesce(sum(t.on_hand), 0), max(` + productUnit + `)
			FROM products p JOIN clinics c ON c.id = p.clinic_id
			LEFT JOIN lines l ON l.product_uuid = p.uuid
			LEFT JOIN line_totals t ON t.line_uuid = l.uuid
			WHERE ($1 = '' OR c.name = $1)
			GROUP BY c.name, ` + productKey + `
			HAVING coalesce(sum(t.on_hand), 0) <= 0
			ORDER BY 1, 4`
	} else {
		sql = `SELECT c.name, min(p.uuid), max(p.gtin), min(` + productName + `), min(l.uuid), min(l.lot), l.expiry, coalesce(sum(t.on_hand), 0), max(` + productUnit + `)
			FROM lines l JOIN products p ON p.uuid = l.product_uuid JOIN clinics c ON c.id = l.clinic_id
			LEFT JOIN line_totals t ON t.line_uuid = l.uuid
			WHERE ($1 = '' OR c.name = $1)
			GROUP BY c.name, ` + productKey + `, upper(btrim(l.lot)), l.expiry`
		if f.ExpiringDays > 0 {
			sql += ` HAVING coalesce(sum(t.on_hand), 0) > 0 AND l.expiry <> '' AND l.expiry <= $2`
			args = append(args, today.AddDate(0, 0, f.ExpiringDays).Format("2006-01-02"))
		}
		sql += ` ORDER BY 1, 4, 7, 6`
	}
	rows, err := h.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the district's stock: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (StockRow, error) {
		var s StockRow
		err := r.Scan(&s.Clinic, &s.ProductUUID, &s.GTIN, &s.Product, &s.LineUUID, &s.Lot, &s.Expiry, &s.OnHand, &s.Unit)
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("reading the district's stock: %w", err)
	}
	return out, nil
}

// ClinicSync is one clinic and when its laptops last synced.
type ClinicSync struct {
	Name     string    `json:"clinic"`
	Laptops  int       `json:"laptops"`
	LastSync time.Time `json:"last_sync"` // zero when never
	Codes    int       `json:"unused_codes"`
}

// Clinics lists every clinic with its laptops and its last sync, the longest silent first.
func (h *Hub) Clinics(ctx context.Context) ([]ClinicSync, error) {
	rows, err := h.pool.Query(ctx, `SELECT c.name,
			(SELECT count(*) FROM devices d WHERE d.clinic_id = c.id),
			(SELECT max(d.last_sync) FROM devices d WHERE d.clinic_id = c.id),
			(SELECT count(*) FROM enrol_codes e WHERE e.clinic_id = c.id AND e.used_at IS NULL)
		FROM clinics c ORDER BY 3 NULLS FIRST, c.name`)
	if err != nil {
		return nil, fmt.Errorf("reading the clinics: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ClinicSync, error) {
		var c ClinicSync
		var last *time.Time
		err := r.Scan(&c.Name, &c.Laptops, &last, &c.Codes)
		if last != nil {
			c.LastSync = *last
		}
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("reading the clinics: %w", err)
	}
	return out, nil
}

// CheckTotals adds up every lot's movements again and compares them with the totals the pages
// read; it returns the lots that differ (none, unless the database was changed by hand).
func (h *Hub) CheckTotals(ctx context.Context) ([]string, error) {
	rows, err := h.pool.Query(ctx, `SELECT coalesce(m.line_uuid, t.line_uuid)
		FROM (SELECT line_uuid, sum(quantity) AS q FROM movements GROUP BY line_uuid) m
		FULL JOIN line_totals t ON t.line_uuid = m.line_uuid
		WHERE m.q IS DISTINCT FROM t.on_hand ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("checking the stock totals: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
