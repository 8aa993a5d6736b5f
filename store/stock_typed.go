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
		return stock.Product{}, i18n.Errorf("find product: %w", err)
	}
	defer rows.Close()
	var found []stock.Product
	for rows.Next() {
		var p stock.Product
		dst, set := scanProduct(&p)
		if err := rows.Scan(dst...); err != nil {
			return stock.Product{}, i18n.Errorf("find product: %w", err)
		}
		set()
		found = append(found, p)
	}
	if err := rows.Err(); err != nil {
		return stock.Product{}, i18n.Errorf("find product: %w", err)
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
	Quantity int64  // units (with Packs: loose units besides the packs)
	Note     string
	// Packs is how many whole packs came (0: Quantity alone counts), of PackSize units each: the
	// lot's pack size when 0 (a new lot's is the product's usual). A new lot takes PackSize; a lot
	// that already holds packs of another size is refused (change its size first: SetLinePackSize).
	Packs    int64
	PackSize int64
}

// ReceiveDelivery records a delivery in one transaction: it finds the product (making it when
// there is none: by GTIN with Name, or by name), the line of its lot and expiry (making it), and
// appends a confirmed receipt, dated by AtDate when ctx carries one. created says the product is
// new.
func (s *Store) ReceiveDelivery(ctx context.Context, d Delivery) (m stock.Movement, p stock.Product, created bool, err error) {
	if d.Packs < 0 || d.Quantity < 0 || d.Packs == 0 {
		if err := stock.CheckQuantity(d.Quantity); err != nil {
			return m, p, false, err
		}
	}
	if d.PackSize != 0 {
		if err := stock.CheckPackSize(d.PackSize); err != nil {
			return m, p, false, err
		}
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
		rm, err := s.deliveryPacksTx(ctx, tx, p, lineID, d)
		if err != nil {
			return err
		}
		rm.LineID, rm.Kind, rm.Status, rm.Note = lineID, stock.Receive, stock.Confirmed, d.Note
		m, err = s.insertMovementTx(ctx, tx, rm)
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

// deliveryPacksTx works out a delivery's quantity in units: packs × the pack size (the one given,
// which a new lot takes, else the lot's) + loose units.
func (s *Store) deliveryPacksTx(ctx context.Context, tx *sql.Tx, p stock.Product, lineID int64, d Delivery) (stock.Movement, error) {
	if d.Packs == 0 && d.PackSize == 0 {
		return stock.Movement{Quantity: d.Quantity}, nil
	}
	l, err := getLine(ctx, tx, lineID)
	if err != nil {
		return stock.Movement{}, err
	}
	size, from := l.PackSize, stock.PackSizeFromProduct
	if d.PackSize != 0 && d.PackSize != l.PackSize {
		switch {
		case stock.CountsInPacks(p) && d.PackSize != 1:
			return stock.Movement{}, fmt.Errorf("%w: %s", stock.ErrPackSize,
				i18n.T("this product is counted in packs; set its unit (tablet, capsule, mL…) and usual pack size first"))
		case l.Moves != 0 || l.OnHand != 0 || l.PendingReceipts != 0:
			return stock.Movement{}, fmt.Errorf("%w: %s", stock.ErrPackSize,
				i18n.T("lot %s holds packs of %d, not %d; change the lot's pack size first (what it holds is converted)", lotWords(l), l.PackSize, d.PackSize))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE stock_lines SET pack_size = ? WHERE id = ?`, d.PackSize, l.ID); err != nil {
			return stock.Movement{}, fmt.Errorf("save the lot's pack size: %w", err)
		}
		size = d.PackSize
	}
	if d.PackSize != 0 {
		from = PackSizeFromPerson
	}
	units, err := stock.PacksToUnits(d.Packs, d.Quantity, size)
	if err != nil {
		return stock.Movement{}, err
	}
	if err := stock.CheckQuantity(units); err != nil {
		return stock.Movement{}, err
	}
	m := stock.Movement{Quantity: units}
	if d.Packs > 0 {
		m.Packs, m.PackSize, m.PackSizeFrom = d.Packs, size, from
	}
	return m, nil
}
