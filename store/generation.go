package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"medinventory/assets/i18n"
)

// How far the database has got: nothing rolls back unseen.
//
// An older copy of the same inventory put back (a copied folder, a sync tool, a user "undoing")
// carries the right id, so the identity check alone takes it, and the photos, entries and receipts
// added since vanish from every view without a word. So the database counts its changes: a one-row
// table, data_generation, whose counter SQLite's own triggers advance with every row added or
// changed in the tables that hold the user's data (photos, analyses, entries, products, lots,
// movements) — in the same transaction, whichever process or version of the app writes, as cheap
// as one more single-row update. The id file (MarkerName) records the highest count it has seen:
// every open store raises it when the database has moved on (at open, every generationEvery while
// open, after a backup, and at Close), once the count is on disk (the log is flushed first, so that
// a power cut that loses the last commits cannot make the database look like an older copy). Open compares the two before it writes anything: a database
// whose count is below the id file's is an older copy and is refused with an *IdentityError of
// kind IdentityRolledBack (errors.Is ErrOlderCopy), which says what happened and the two choices:
//
//   - restore the newest backup (Restore; a restored folder's id file carries no count, so the
//     restored database is taken as it is), or
//   - continue with this copy (Options.ContinueOlderCopy): the id file takes the copy's count, and
//     OpenReport.OlderCopy tells the caller to register the photos added since again and queue them
//     (AdoptPhotoFiles with minAge 0). Nothing is deleted.
//
// The schema is made by ensureGenerationSchema at every writable open (idempotent), not by a
// numbered migration, so that a database of any earlier version gains it; a database without it
// counts as 0.

// ErrOlderCopy matches the IdentityError of an older copy of this inventory (IdentityRolledBack).
var ErrOlderCopy = i18n.Err("the inventory database is an older copy of this inventory")

// generationEvery is how often an open store raises the id file's count while it is open.
const generationEvery = 2 * time.Second

// generationTables are the tables whose changes advance the counter (INSERT, and UPDATE where the
// user's data is changed in place).
var generationTriggers = []struct{ table, event string }{
	{"photos", "INSERT"}, {"analyses", "INSERT"}, {"entries", "INSERT"}, {"entries", "UPDATE"},
	{"products", "INSERT"}, {"products", "UPDATE"}, {"stock_lines", "INSERT"},
	{"movements", "INSERT"}, {"movements", "UPDATE"},
}

// ensureGenerationSchema makes the counter and its triggers where they are missing.
func ensureGenerationSchema(ctx context.Context, tx *sql.Tx) error {
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS data_generation (id INTEGER PRIMARY KEY CHECK (id = 1), g INTEGER NOT NULL)`,
		`INSERT OR IGNORE INTO data_generation(id, g) VALUES (1, 0)`,
	}
	for _, t := range generationTriggers {
		stmts = append(stmts, fmt.Sprintf(`CREATE TRIGGER IF NOT EXISTS data_generation_%s_%s AFTER %s ON %s BEGIN
			UPDATE data_generation SET g = g + 1 WHERE id = 1; END`, t.table, t.event, t.event, t.table))
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return i18n.Errorf("make the change counter: %w", err)
		}
	}
	return nil
}

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// readGeneration is the database's change count; 0 when it has no counter yet.
func readGeneration(ctx context.Context, q rowQuerier) (int64, error) {
	var has int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'data_generation'`).Scan(&has); err != nil {
		return 0, i18n.Errorf("read the change counter: %w", err)
	}
	if has == 0 {
		return 0, nil
	}
	var g int64
	err := q.QueryRowContext(ctx, `SELECT g FROM data_generation WHERE id = 1`).Scan(&g)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, i18n.Errorf("read the change counter: %w", err)
	}
	return g, nil
}

// Generation is the database's change count (see above).
func (s *Store) Generation(ctx context.Context) (int64, error) { return readGeneration(ctx, s.r) }

// olderCopyError is the refusal of a database whose count is below the id file's.
func olderCopyError(ctx context.Context, dir string, dbGen, markerGen int64, db rowQuerier) *IdentityError {
	e := &IdentityError{Dir: dir, Kind: IdentityRolledBack, DBGeneration: dbGen, FolderGeneration: markerGen}
	var rows int
	if db != nil && db.QueryRowContext(ctx, `SELECT count(*) FROM photos`).Scan(&rows) == nil {
		if n := countPhotoFiles(dir, 1<<30) - rows; n > 0 {
			e.Photos = n
		}
	}
	return e
}

// raiseMarker writes the database's count gen into the id file when it is above the count there
// (lower when continuing with an older copy). A read-only store, or an id file of another
// inventory, is left alone.
func (s *Store) raiseMarker(id string, gen int64, lower bool) error {
	if s.readOnly {
		return nil
	}
	s.markerMu.Lock()
	defer s.markerMu.Unlock()
	m, err := readMarkerFile(s.dir)
	if err != nil {
		return err
	}
	if m.id != "" && m.id != id {
		return nil // not this inventory's id file: Open refuses it; nothing to record
	}
	if m.id == id && m.hasGen && (m.gen == gen || m.gen > gen && !lower) {
		return nil
	}
	return writeMarkerGen(s.dir, id, gen)
}

// recordGeneration raises the id file's count to the database's, if it has moved on.
func (s *Store) recordGeneration(ctx context.Context) {
	if s.readOnly || s.r == nil {
		return
	}
	id, err := s.ID(ctx)
	if err != nil {
		return
	}
	g, err := readGeneration(ctx, s.r)
	if err != nil {
		return
	}
	// With synchronous=NORMAL a power cut may lose the last commits still only in the log: the id
	// file must not record a count the database could lose (the next start would call the
	// database an older copy). So the log is flushed to disk first; count g was committed before.
	if m, err := readMarkerFile(s.dir); err != nil || m.id != id || (m.hasGen && m.gen >= g) {
		return
	}
	if f, err := os.Open(filepath.Join(s.dir, DBName+"-wal")); err == nil {
		err = f.Sync()
		f.Close()
		if err != nil {
			return
		}
	}
	if err := s.raiseMarker(id, g, false); err != nil {
		slog.Warn("cannot record the inventory's change count in its id file", "file", filepath.Join(s.dir, MarkerName), "err", err)
	}
}

// watchGeneration raises the id file's count every generationEvery until stop is closed.
func (s *Store) watchGeneration(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(generationEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), generationEvery)
			s.recordGeneration(ctx)
			cancel()
		}
	}
}
