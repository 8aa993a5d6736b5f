package store

// Dispensing units and pack sizes (issue 27). The ledger keeps units; a product has a unit and a
// usual pack size, each lot its own pack size. Changing either never rewrites history: the change
// is recorded (unit_changes) and each lot's balance is converted by a Convert movement of the
// difference (2 packs → 60 capsules: +58), so on hand stays the sum of the ledger. A change can
// be undone, which records a change back. The conversion rules are stock.ConvertBalance and
// stock.ConvertUnitBalance: nothing is ever rounded away; a balance that cannot be converted
// exactly refuses the whole change in plain words.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// ErrUnitChangeNotFound is returned for a unit change that does not exist; it matches ErrNotFound.
var ErrUnitChangeNotFound error = &notFound{"this unit change does not exist"}

// maxUnit is the longest unit word.
const maxUnit = 40

// migratePacks is the Go step of 0007_packs.sql: the movements table's CHECK was widened in place
// (writable_schema), so bump schema_version for every connection to read the new schema.
func migratePacks(_ *Store, ctx context.Context, tx *sql.Tx) error {
	var sqlText string
	if err := tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'movements'`).Scan(&sqlText); err != nil {
		return fmt.Errorf("read the movements table: %w", err)
	}
	if !strings.Contains(sqlText, `'convert'`) {
		return errors.New("the movements table does not accept the kind 'convert' after the migration")
	}
	return bumpSchemaVersion(ctx, tx)
}

func bumpSchemaVersion(ctx context.Context, tx *sql.Tx) error {
	var v int64
	if err := tx.QueryRowContext(ctx, `PRAGMA schema_version`).Scan(&v); err != nil {
		return fmt.Errorf("read the schema version: %w", err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA schema_version = %d`, v+1)); err != nil {
		return fmt.Errorf("bump the schema version: %w", err)
	}
	return nil
}

// checkUnit trims a unit word and checks its length.
func checkUnit(unit string) (string, error) {
	unit = strings.TrimSpace(unit)
	if len([]rune(unit)) > maxUnit {
		return "", errors.New(i18n.T("the unit is too long (at most %d characters), e.g. pack, tablet, capsule, mL", maxUnit))
	}
	return unit, nil
}

// SetProductUnit sets a product's dispensing unit ("" keeps it) and usual pack size (units per
// pack; 0 keeps it). Lots still at the old usual size follow it; every lot whose balance changes
// gets a Convert movement, and the change is recorded (UnitChanges) so it can be undone. The unit
// "pack" has packs of 1. A change that changes nothing returns a UnitChange with ID 0 and no
// error. A lot whose balance cannot be converted exactly (loose units when the unit changes)
// refuses the whole change, with the lot named.
func (s *Store) SetProductUnit(ctx context.Context, productID int64, unit string, packSize int64) (stock.UnitChange, error) {
	unit, err := checkUnit(unit)
	if err != nil {
		return stock.UnitChange{}, err
	}
	if packSize != 0 {
		if err := stock.CheckPackSize(packSize); err != nil {
			return stock.UnitChange{}, err
		}
	}
	var out stock.UnitChange
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		p, err := getProduct(ctx, tx, productID)
		if err != nil {
			return err
		}
		out, err = s.setProductUnitTx(ctx, tx, p, unit, packSize)
		return err
	})
	if err != nil || out.ID == 0 {
		return out, err
	}
	return s.UnitChange(ctx, out.ID)
}

func (s *Store) setProductUnitTx(ctx context.Context, tx *sql.Tx, p stock.Product, unit string, packSize int64) (stock.UnitChange, error) {
	if unit == "" {
		unit = p.Unit
	}
	if packSize == 0 {
		packSize = p.PackSize
		if strings.EqualFold(unit, stock.DefaultUnit) {
			packSize = 1
		}
	}
	if strings.EqualFold(unit, stock.DefaultUnit) && packSize != 1 {
		return stock.UnitChange{}, fmt.Errorf("%w: %s", stock.ErrPackSize,
			i18n.T("a product counted in packs has packs of 1; to count what is inside, choose a unit such as tablet, capsule or mL"))
	}
	if unit == p.Unit && packSize == p.PackSize {
		return stock.UnitChange{}, nil
	}
	return s.convertTx(ctx, tx, p, unit, packSize, 0, nil, 0)
}

// SetLinePackSize sets how many of its product's units one pack of a lot holds, converting the
// lot's balance (whole packs are re-sized, loose units stay: stock.ConvertBalance) by a recorded,
// undoable change. A product counted in packs has lots of packs of 1: set its unit first.
func (s *Store) SetLinePackSize(ctx context.Context, lineID, packSize int64) (stock.UnitChange, error) {
	if err := stock.CheckPackSize(packSize); err != nil {
		return stock.UnitChange{}, err
	}
	var out stock.UnitChange
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		l, err := getLine(ctx, tx, lineID)
		if err != nil {
			return err
		}
		p, err := getProduct(ctx, tx, l.ProductID)
		if err != nil {
			return err
		}
		out, err = s.setLinePackSizeTx(ctx, tx, p, l, packSize)
		return err
	})
	if err != nil || out.ID == 0 {
		return out, err
	}
	return s.UnitChange(ctx, out.ID)
}

func (s *Store) setLinePackSizeTx(ctx context.Context, tx *sql.Tx, p stock.Product, l stock.Line, packSize int64) (stock.UnitChange, error) {
	if l.PackSize == packSize {
		return stock.UnitChange{}, nil
	}
	if strings.EqualFold(p.Unit, stock.DefaultUnit) && packSize != 1 {
		return stock.UnitChange{}, fmt.Errorf("%w: %s", stock.ErrPackSize,
			i18n.T("this product is counted in packs; set its unit (tablet, capsule, mL…) and usual pack size first"))
	}
	return s.convertTx(ctx, tx, p, p.Unit, p.PackSize, l.ID, map[int64]int64{l.ID: packSize}, 0)
}

// convertTx records a unit change of product p to newUnit and the usual size newUsual (lineID 0)
// or of the lot lineID, converting every affected lot: a lot in sizes gets that size, else a lot
// at the product's old usual size follows the new one (a product change), else it keeps its size
// (and, when the unit changes, its balance: the unit is only renamed for it).
func (s *Store) convertTx(ctx context.Context, tx *sql.Tx, p stock.Product, newUnit string, newUsual, lineID int64,
	sizes map[int64]int64, undoes int64) (stock.UnitChange, error) {
	batch, err := newUUID()
	if err != nil {
		return stock.UnitChange{}, err
	}
	lines, err := linesOfProduct(ctx, tx, p.ID)
	if err != nil {
		return stock.UnitChange{}, err
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].ID < lines[j].ID })
	now := s.now()
	c := stock.UnitChange{ProductID: p.ID, LineID: lineID, OldUnit: p.Unit, NewUnit: newUnit,
		OldPackSize: p.PackSize, NewPackSize: newUsual, At: now, BatchID: batch, UndoesID: undoes}
	unitChanges := newUnit != p.Unit
	for _, l := range lines {
		size, ok := sizes[l.ID]
		switch {
		case ok:
		case strings.EqualFold(newUnit, stock.DefaultUnit):
			size = 1 // counted in packs: every lot's pack is one
		case lineID == 0 && l.PackSize == p.PackSize:
			size = newUsual
		default:
			size = l.PackSize
		}
		if lineID != 0 && l.ID == lineID {
			c.OldPackSize, c.NewPackSize = l.PackSize, size
		}
		if size == l.PackSize && !unitChanges {
			continue
		}
		conv := stock.ConvertBalance
		if unitChanges {
			conv = stock.ConvertUnitBalance
		}
		nb, err := conv(l.OnHand, l.PackSize, size)
		if err != nil {
			return stock.UnitChange{}, fmt.Errorf("%s: %w", i18n.T("lot %s", lotWords(l)), err)
		}
		cl := stock.UnitChangeLine{LineID: l.ID, OldPackSize: l.PackSize, NewPackSize: size, OldOnHand: l.OnHand, NewOnHand: nb}
		if d := nb - l.OnHand; d != 0 {
			m, err := s.insertMovementTx(ctx, tx, stock.Movement{LineID: l.ID, Kind: stock.Convert, Quantity: d, At: now,
				Note: stock.ConvertNote(l.OnHand, p.Unit, nb, newUnit), BatchID: batch})
			if err != nil {
				return stock.UnitChange{}, err
			}
			cl.MovementID = m.ID
		}
		if size != l.PackSize {
			if _, err := tx.ExecContext(ctx, `UPDATE stock_lines SET pack_size = ? WHERE id = ?`, size, l.ID); err != nil {
				return stock.UnitChange{}, fmt.Errorf("save the lot's pack size: %w", err)
			}
		}
		c.Lines = append(c.Lines, cl)
	}
	if lineID == 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE products SET unit = ?, pack_size = ?, updated_at = ? WHERE id = ?`,
			newUnit, newUsual, ms(now), p.ID); err != nil {
			return stock.UnitChange{}, fmt.Errorf("save the product's unit: %w", err)
		}
	}
	id, dev, err := s.newIDs(ctx, tx)
	if err != nil {
		return stock.UnitChange{}, err
	}
	c.UUID, c.DeviceID = id, dev
	err = tx.QueryRowContext(ctx, `INSERT INTO unit_changes(uuid, device_id, product_id, line_id, old_unit, new_unit, old_pack_size,
		new_pack_size, at, batch_id, undoes_id) VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id`,
		c.UUID, c.DeviceID, c.ProductID, nullID(lineID), c.OldUnit, c.NewUnit, c.OldPackSize, c.NewPackSize, ms(now), batch,
		nullID(undoes)).Scan(&c.ID)
	if err != nil {
		return stock.UnitChange{}, fmt.Errorf("record the unit change: %w", err)
	}
	for _, cl := range c.Lines {
		if _, err := tx.ExecContext(ctx, `INSERT INTO unit_change_lines(change_id, line_id, old_pack_size, new_pack_size, old_on_hand,
			new_on_hand, movement_id) VALUES (?,?,?,?,?,?,?)`, c.ID, cl.LineID, cl.OldPackSize, cl.NewPackSize, cl.OldOnHand,
			cl.NewOnHand, nullID(cl.MovementID)); err != nil {
			return stock.UnitChange{}, fmt.Errorf("record the unit change: %w", err)
		}
	}
	// Receipts still waiting for review were proposed in the old unit: propose them again.
	return c, s.resyncPendingReceiptsTx(ctx, tx, p.ID)
}

// resyncPendingReceiptsTx proposes again the pending receipts from photos of a product's lots,
// so that their quantities are in its current unit and pack sizes.
func (s *Store) resyncPendingReceiptsTx(ctx context.Context, tx *sql.Tx, productID int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT m.entry_id FROM movements m JOIN stock_lines l ON l.id = m.line_id
		WHERE l.product_id = ? AND m.status = 'pending' AND m.entry_id IS NOT NULL ORDER BY m.entry_id`, productID)
	if err != nil {
		return fmt.Errorf("find receipts waiting for review: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.syncEntryStockTx(ctx, tx, id); err != nil {
			return fmt.Errorf("entry %d: %w", id, err)
		}
	}
	return nil
}

// UndoUnitChange undoes a unit change: the product gets its old unit and usual size back, each
// lot it converted its old pack size, and each balance is converted back by Convert movements (as
// a change of its own, recorded, whose UndoesID names this one). Refused for a change already
// undone, for an undo, when a later change of the same product stands (undo that first), and when
// a balance cannot be converted back exactly (e.g. 50 capsules are not whole packs: count first).
func (s *Store) UndoUnitChange(ctx context.Context, changeID int64) (stock.UnitChange, error) {
	var out stock.UnitChange
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		c, err := getUnitChange(ctx, tx, changeID)
		if err != nil {
			return err
		}
		switch {
		case c.UndoneBy != 0:
			return errors.New(i18n.T("this unit change has already been undone"))
		case c.UndoesID != 0:
			return errors.New(i18n.T("this change is itself an undo; make the change again instead"))
		}
		var later int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM unit_changes x WHERE x.product_id = ? AND x.id > ? AND x.undoes_id IS NULL
			AND NOT EXISTS (SELECT 1 FROM unit_changes u WHERE u.undoes_id = x.id)`, c.ProductID, c.ID).Scan(&later); err != nil {
			return fmt.Errorf("read later unit changes: %w", err)
		}
		if later > 0 {
			return errors.New(i18n.T("a later change of this product's unit or pack sizes stands; undo that one first"))
		}
		p, err := getProduct(ctx, tx, c.ProductID)
		if err != nil {
			return err
		}
		sizes := map[int64]int64{}
		for _, cl := range c.Lines {
			sizes[cl.LineID] = cl.OldPackSize
		}
		usual := p.PackSize
		if c.LineID == 0 {
			usual = c.OldPackSize
		}
		out, err = s.convertTx(ctx, tx, p, c.OldUnit, usual, c.LineID, sizes, c.ID)
		return err
	})
	if err != nil {
		return out, err
	}
	return s.UnitChange(ctx, out.ID)
}

const unitChangeCols = `c.id, c.uuid, c.device_id, c.product_id, COALESCE(c.line_id,0), c.old_unit, c.new_unit, c.old_pack_size,
	c.new_pack_size, c.at, c.batch_id, COALESCE(c.undoes_id,0), COALESCE((SELECT u.id FROM unit_changes u WHERE u.undoes_id = c.id),0)`

func scanUnitChange(row interface{ Scan(...any) error }) (stock.UnitChange, error) {
	var c stock.UnitChange
	var at int64
	err := row.Scan(&c.ID, &c.UUID, &c.DeviceID, &c.ProductID, &c.LineID, &c.OldUnit, &c.NewUnit, &c.OldPackSize, &c.NewPackSize,
		&at, &c.BatchID, &c.UndoesID, &c.UndoneBy)
	c.At = time.UnixMilli(at)
	return c, err
}

func getUnitChange(ctx context.Context, q querier, id int64) (stock.UnitChange, error) {
	c, err := scanUnitChange(q.QueryRowContext(ctx, `SELECT `+unitChangeCols+` FROM unit_changes c WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrUnitChangeNotFound
	} else if err != nil {
		return c, fmt.Errorf("read unit change: %w", err)
	}
	c.Lines, err = unitChangeLines(ctx, q, id)
	return c, err
}

func unitChangeLines(ctx context.Context, q querier, id int64) ([]stock.UnitChangeLine, error) {
	rows, err := q.QueryContext(ctx, `SELECT line_id, old_pack_size, new_pack_size, old_on_hand, new_on_hand, COALESCE(movement_id,0)
		FROM unit_change_lines WHERE change_id = ? ORDER BY line_id`, id)
	if err != nil {
		return nil, fmt.Errorf("read unit change: %w", err)
	}
	defer rows.Close()
	var out []stock.UnitChangeLine
	for rows.Next() {
		var l stock.UnitChangeLine
		if err := rows.Scan(&l.LineID, &l.OldPackSize, &l.NewPackSize, &l.OldOnHand, &l.NewOnHand, &l.MovementID); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// UnitChange returns one recorded unit change with the lots it converted.
func (s *Store) UnitChange(ctx context.Context, id int64) (stock.UnitChange, error) {
	return getUnitChange(ctx, s.r, id)
}

// UnitChanges lists a product's unit changes (its own and its lots'), oldest first, each with the
// lots it converted and whether it was undone.
func (s *Store) UnitChanges(ctx context.Context, productID int64) ([]stock.UnitChange, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+unitChangeCols+` FROM unit_changes c WHERE c.product_id = ? ORDER BY c.id`, productID)
	if err != nil {
		return nil, fmt.Errorf("list unit changes: %w", err)
	}
	var out []stock.UnitChange
	for rows.Next() {
		c, err := scanUnitChange(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("list unit changes: %w", err)
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Lines, err = unitChangeLines(ctx, s.r, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}
