package store

// Stock typed in by a person rather than read from photos: a product named by its GTIN or its
// name, a delivery recorded without photos, and movements dated on an earlier day (a paper
// register typed in later). The `receive`, `dispense`, `adjust`, `dispose` and `count` commands
// use these.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

type atDateKey struct{}

// AtDate returns a context under which the movements the store records happened at t (a day of a
// paper register) instead of now; when they were recorded stays the real time. t must not be
// later than now: the caller checks (a movement in the future is refused before it gets here).
func AtDate(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, atDateKey{}, t)
}

// movementTime is when a movement recorded under ctx happened: AtDate's day, else now.
func movementTime(ctx context.Context, now time.Time) time.Time {
	if t, ok := ctx.Value(atDateKey{}).(time.Time); ok && !t.IsZero() {
		return t
	}
	return now
}

// FindProduct finds the product a person names: by GTIN when ref is one (8, 12, 13 or 14 digits
// with a valid check digit), else by name (case does not matter). It returns an error matching
// ErrNotFound when there is none, and one naming the candidates when the name fits several.
func (s *Store) FindProduct(ctx context.Context, ref string) (stock.Product, error) {
	return findProduct(ctx, s.r, ref)
}

func findProduct(ctx context.Context, q querier, ref string) (stock.Product, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return stock.Product{}, i18n.Err("name the product: its GTIN (the number under the barcode) or its name")
	}
	var where string
	var arg any
	if gtin, ok := NormalizeGTIN(ref); ok {
		where, arg = `p.gtin = ?`, gtin
	} else if isDigits(ref) {
		return stock.Product{}, i18n.Errorf("%s is not a valid GTIN (its check digit does not match); check the number under the barcode", ref)
	} else {
		where, arg = `p.name = ? COLLATE NOCASE`, ref
	}
	rows, err := q.QueryContext(ctx, `SELECT `+productCols+` FROM products p WHERE `+where+` ORDER BY p.id LIMIT 6`, arg)
	if err != nil {
		return stock.Product{}, fmt.Errorf("find product: %w", err)
	}
	defer rows.Close()
	var found []stock.Product
	for rows.Next() {
		var p stock.Product
		dst, set := scanProduct(&p)
		if err := rows.Scan(dst...); err != nil {
			return stock.Product{}, fmt.Errorf("find product: %w", err)
		}
		set()
		found = append(found, p)
	}
	if err := rows.Err(); err != nil {
		return stock.Product{}, fmt.Errorf("find product: %w", err)
	}
	switch len(found) {
	case 0:
		return stock.Product{}, &notFound{i18n.T("no product is called %q: check the spelling, or give its GTIN; see the products with: medinventory stock", ref)}
	case 1:
		return found[0], nil
	}
	var names []string
	for _, p := range found {
		n := strings.TrimSpace(p.Name + " " + p.Strength + " " + p.DosageForm)
		if p.GTIN != "" {
			n += " (GTIN " + p.GTIN + ")"
		}
		names = append(names, n)
	}
	return stock.Product{}, i18n.Errorf("several products are called %q: %s; give the GTIN instead", ref, strings.Join(names, "; "))
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// Delivery is a receipt typed in without photos: the product by GTIN or name (Name names a new
// product found by GTIN), its lot and expiry, how many came.
type Delivery struct {
	Product  string // a GTIN or a name
	Name     string // the name of a product made here (with a GTIN); "" keeps the product's
	Lot      string
	Expiry   string // as people write it; checked as the expiry field is
	Quantity int64
	Note     string
}

// ReceiveDelivery records a delivery in one transaction: it finds the product (making it when
// there is none: by GTIN with Name, or by name), the line of its lot and expiry (making it), and
// appends a confirmed receipt, dated by AtDate when ctx carries one. created says the product is
// new.
func (s *Store) ReceiveDelivery(ctx context.Context, d Delivery) (m stock.Movement, p stock.Product, created bool, err error) {
	if err := stock.CheckQuantity(d.Quantity); err != nil {
		return m, p, false, err
	}
	if d.Note, err = checkNote(d.Note); err != nil {
		return m, p, false, err
	}
	if d.Expiry, err = ValidateField("expiry", d.Expiry); err != nil {
		return m, p, false, &FieldError{Field: "expiry", Err: err}
	}
	if d.Lot, err = ValidateField("lot", d.Lot); err != nil {
		return m, p, false, &FieldError{Field: "lot", Err: err}
	}
	if d.Name, err = ValidateField("name", d.Name); err != nil {
		return m, p, false, &FieldError{Field: "name", Err: err}
	}
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		p, err = findProduct(ctx, tx, d.Product)
		if IsNotFound(err) {
			var id int64
			if id, err = s.addTypedProductTx(ctx, tx, d); err != nil {
				return err
			}
			created = true
			p, err = getProduct(ctx, tx, id)
		}
		if err != nil {
			return err
		}
		lineID, err := s.receiptLineTx(ctx, tx, p.ID, d.Lot, d.Expiry, "")
		if err != nil {
			return err
		}
		m, err = s.insertMovementTx(ctx, tx, stock.Movement{LineID: lineID, Kind: stock.Receive, Quantity: d.Quantity,
			Status: stock.Confirmed, Note: d.Note})
		return err
	})
	return m, p, created, err
}

// addTypedProductTx makes the product of a delivery: by GTIN (named Name) or by name. It is not
// confirmed: the catalog learns a product from a reviewed photo, not from a typed name.
func (s *Store) addTypedProductTx(ctx context.Context, tx *sql.Tx, d Delivery) (int64, error) {
	var e Entry
	if gtin, ok := NormalizeGTIN(strings.TrimSpace(d.Product)); ok {
		e.GTIN, e.Name = gtin, d.Name
	} else {
		e.Name = strings.TrimSpace(d.Product)
		if d.Name != "" {
			e.Name = d.Name
		}
	}
	if e.Name == "" {
		return 0, i18n.Errorf("no product has the GTIN %s yet: give its name with --name", e.GTIN)
	}
	id, _, err := s.ensureProductForEntryTx(ctx, tx, e)
	return id, err
}
