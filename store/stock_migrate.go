package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// goSteps are the parts of migrations written in Go, keyed by their SQL file's name without its
// number (so renumbering a migration keeps its step). They run in the migration's transaction
// after every pending SQL file, against the final schema, since Go code knows only that one.
var goSteps = map[string]func(s *Store, ctx context.Context, tx *sql.Tx) error{
	"stock.sql": migrateToStock,

	"jobs_subject.sql": migrateJobsSubject, // store/jobs_migrate.go

	"packs.sql": migratePacks, // store/stock_units.go
}

func goStep(name string) func(s *Store, ctx context.Context, tx *sql.Tx) error {
	_, rest, _ := strings.Cut(name, "_")
	return goSteps[rest]
}

// migrateToStock is the Go step of the stock migration: it makes this installation's device id,
// gives existing products their global ids, and turns each entry into its product + stock line +
// one receipt of its quantity (1 when unknown): confirmed entries' receipts are confirmed, entries
// that need review propose pending ones, deleted entries none. Entries, photos, analyses and the
// edit history are left as they are; each receipt names its entry (and so its history) and photo.
func migrateToStock(s *Store, ctx context.Context, tx *sql.Tx) error {
	now := ms(s.now())
	if _, err := tx.ExecContext(ctx, `INSERT INTO device(id, device_id, created_at) VALUES (1, ?, ?)`, uuid.NewString(), now); err != nil {
		return i18n.Errorf("make the device id: %w", err)
	}
	dev, err := deviceID(ctx, tx)
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, name, strength, dosage_form, gtin IS NULL FROM products WHERE uuid IS NULL ORDER BY id`)
	if err != nil {
		return err
	}
	type prod struct {
		id            int64
		name, st, frm string
		noGTIN        bool
	}
	var ps []prod
	for rows.Next() {
		var p prod
		if err := rows.Scan(&p.id, &p.name, &p.st, &p.frm, &p.noGTIN); err != nil {
			rows.Close()
			return err
		}
		ps = append(ps, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range ps {
		u, err := newUUID()
		if err != nil {
			return err
		}
		var key any
		if k := stock.ProductKey(p.name, p.st, p.frm); p.noGTIN && k != "" {
			key = k
		}
		if _, err := tx.ExecContext(ctx, `UPDATE products SET uuid = ?, device_id = ?, name_key = ? WHERE id = ?`, u, dev, key, p.id); err != nil {
			return i18n.Errorf("give product %d its id: %w", p.id, err)
		}
	}
	var ids []int64
	rows, err = tx.QueryContext(ctx, `SELECT id FROM entries ORDER BY id`)
	if err != nil {
		return err
	}
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
	s.migrationProgress(0, len(ids))
	for i, id := range ids {
		if err := s.syncEntryStockTx(ctx, tx, id); err != nil {
			return i18n.Errorf("entry %d: %w", id, err)
		}
		if (i+1)%migrationProgressEvery == 0 {
			s.migrationProgress(i+1, len(ids))
		}
	}
	if len(ids)%migrationProgressEvery != 0 {
		s.migrationProgress(len(ids), len(ids))
	}
	return nil
}

// migrationProgressEvery: the stock migration reports its progress every this many entries.
const migrationProgressEvery = 500

// MigrationProgress is how far the upgrade of an older inventory has got, for Options.OnMigrate.
type MigrationProgress struct {
	Done, Total int // entries turned into stock so far, of all
}

// String is the progress in plain words, for a progress line.
func (p MigrationProgress) String() string {
	return fmt.Sprintf("Upgrading the inventory to this version: %d of %d entries turned into stock…", p.Done, p.Total)
}

func (s *Store) migrationProgress(done, total int) {
	if s.onMigrate != nil {
		s.onMigrate(MigrationProgress{Done: done, Total: total})
	}
}
