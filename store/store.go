// Package store keeps Medicine Inventory's data: one SQLite database (modernc.org/sqlite, pure Go)
// and the photos the user added, stored once each by content under the data dir.
//
// The database lives at <data dir>/inventory.db in WAL mode with synchronous=NORMAL, a busy timeout
// and foreign keys on. Writes go through one connection with immediate transactions (so concurrent
// writers queue instead of failing with SQLITE_BUSY); reads use a separate read-only pool, so the
// window can list entries while workers write. Schema migrations are numbered SQL files embedded in
// the binary and applied in one transaction at open; a database written by a newer version of the
// app is refused, never modified.
//
// Several processes may use one data dir at once (the window and the import command, say): SQLite's
// locking and the job table's leases keep that safe. The window alone takes a lock file so that the
// same person does not open two windows on one inventory by mistake (see AcquireLock).
//
// The store knows nothing of the user interface or of OpenAI.
package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"medinventory/assets/i18n"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DBName is the database file's name inside the data dir.
const DBName = "inventory.db"

// ErrTooNew is returned by Open for a database written by a newer version of the app.
var ErrTooNew = i18n.Err("this inventory was saved by a newer version of Medicine Inventory")

// Store is an open inventory. Its methods are safe for concurrent use.
type Store struct {
	dir string
	w   *sql.DB // one connection, immediate transactions: every write
	r   *sql.DB // read-only pool
	now func() time.Time

	readOnly bool // opened with Options.ReadOnly: no write connection, nothing written
	// createFile makes the temp file a photo is copied into (os.CreateTemp); tests inject a full disk.
	createFile func(dir, pattern string) (writeFile, error)

	stockView stockCache // the product view's data, while the ledger has not changed

	report OpenReport // what Open found and put right (OpenReport)

	markerMu sync.Mutex    // one writer of the id file per process (raiseMarker)
	stopGen  chan struct{} // closed by Close: stops watchGeneration
	genDone  chan struct{} // closed when watchGeneration has returned
	stopOnce sync.Once     // Close may be called more than once

	onMigrate func(MigrationProgress) // Options.OnMigrate
}

// Options tune Open. The zero value is fine.
type Options struct {
	// ReadConns is the size of the read pool (default 4).
	ReadConns int
	// Now is the clock (default time.Now); tests set it.
	Now func() time.Time
	// StartFresh starts a new, empty inventory where the database does not belong to the data dir
	// (see identity.go): a database already there is moved aside, never deleted, and the photos are
	// kept for AdoptPhotoFiles. A database that belongs is opened as usual. Only for the user's
	// explicit --start-fresh.
	StartFresh bool
	// ReadOnly opens the inventory for reading only (export, listing the queue) and writes
	// nothing: it works on a read-only data dir (a USB stick, a restored backup). The database
	// must already be at this app's schema version.
	ReadOnly bool
	// ContinueOlderCopy opens an older copy of this inventory that Open refused (an *IdentityError
	// of kind IdentityRolledBack, errors.Is ErrOlderCopy) as it is, at the user's explicit choice:
	// the id file takes the copy's change count. OpenReport.OlderCopy is then set, and the caller
	// must register the photos added since again and queue them: AdoptPhotoFiles(ctx, 0, enqueue).
	// It changes nothing for a database that is not an older copy.
	ContinueOlderCopy bool
	// OnMigrate, when set, is called (on Open's goroutine) as the upgrade of an older inventory
	// goes on: at its start, every few hundred entries and at its end. The command line prints it
	// as a progress line; the window shows it while it opens.
	OnMigrate func(MigrationProgress)
}

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens or creates the inventory in dir (created 0700 if missing) and applies pending
// migrations. A database from a newer app version is refused with ErrTooNew and left untouched.
func Open(ctx context.Context, dir string, opts Options) (_ *Store, err error) {
	defer func() { err = damagedDB(filepath.Join(dir, DBName), err) }() // "malformed (11)" said in words
	if opts.ReadConns <= 0 {
		opts.ReadConns = 4
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	// A restore stopped between its two renames left no folder named dir: finish or undo it
	// before anything could create a new, empty inventory there.
	restored, err := recoverRestore(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, i18n.Errorf("cannot create the data folder %s: %w", dir, err)
	}
	path := filepath.Join(dir, DBName)
	migs, err := loadMigrations()
	if err != nil {
		return nil, err
	}
	// Look at the version before opening for writing: opening with the WAL pragma may write.
	v, err := peekVersion(ctx, path)
	if err != nil {
		return nil, err
	} else if v > len(migs) {
		return nil, i18n.Errorf("%w (database version %d, this app knows up to %d): update the app; the file %s was not changed",
			ErrTooNew, v, len(migs), path)
	}
	marker, err := readMarkerFile(dir)
	if err != nil {
		return nil, err
	}
	if opts.ReadOnly {
		s, err := openReadOnly(ctx, dir, path, v, len(migs), marker, opts)
		if s != nil {
			s.report.Restore = restored
		}
		return s, err
	}
	// StartFresh acts only where the database does not belong: on a healthy inventory it changes
	// nothing (a --start-fresh left on a command line must not set a good database aside).
	fresh := false
	var older *IdentityError // an older copy of this inventory, taken at the user's choice
	if err := checkBeforeOpen(ctx, dir, v, marker); err != nil {
		if !opts.ContinueOlderCopy || !errors.As(err, &older) || older.Kind != IdentityRolledBack {
			older = nil
			if !opts.StartFresh {
				return nil, err
			}
			if err := setAside(dir, opts.Now()); err != nil {
				return nil, err
			}
			fresh = true
		}
	}
	// Create the file ourselves so that it, and the -wal and -shm files SQLite derives from it, are
	// readable by this user only.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600); err != nil {
		return nil, i18n.Errorf("cannot create the database file %s: %w", path, err)
	} else {
		f.Close()
	}
	_ = os.Chmod(path, 0o600)
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, i18n.Errorf("open database: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	s := &Store{dir: dir, w: w, now: opts.Now, createFile: createTemp, onMigrate: opts.OnMigrate}
	s.report.Restore = restored
	s.report.OlderCopy = older
	if err := s.migrate(ctx, migs); err != nil {
		w.Close()
		return nil, err
	}
	if err := s.checkAfterOpen(ctx, marker, fresh, older != nil); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, i18n.Errorf("open database for reading: %w", err)
	}
	r.SetMaxOpenConns(opts.ReadConns)
	s.r = r
	if err := r.PingContext(ctx); err != nil {
		s.Close()
		return nil, i18n.Errorf("open database for reading: %w", err)
	}
	// The per-lot totals are a cache of the movements: checked at every open, repaired if wrong.
	if s.report.TotalsRepaired, err = s.RepairStockTotals(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if older != nil {
		slog.Warn("continuing with an older copy of the inventory, at the user's choice", "dir", dir,
			"changes", older.DBGeneration, "changes_seen", older.FolderGeneration, "photos_not_listed", older.Photos)
	}
	s.stopGen, s.genDone = make(chan struct{}), make(chan struct{})
	go s.watchGeneration(s.stopGen, s.genDone)
	return s, nil
}

// peekVersion reads the schema version (PRAGMA user_version) without writing anything: from the
// file's header, or, when a write-ahead log may hold a newer header, through a read-only
// connection. A file that does not exist is version 0.
func peekVersion(ctx context.Context, path string) (int, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	} else if err != nil {
		return 0, i18n.Errorf("cannot open the database file %s: %w", path, err)
	}
	hdr := make([]byte, 100)
	n, _ := io.ReadFull(f, hdr)
	f.Close()
	if n == 0 {
		return 0, nil // an empty file: a new database
	}
	if n < 100 || string(hdr[:16]) != "SQLite format 3\x00" {
		return 0, i18n.Errorf("the file %s is not an inventory database (it may be damaged); move it away or choose another data folder", path)
	}
	v := int(binary.BigEndian.Uint32(hdr[60:64]))
	if st, err := os.Stat(path + "-wal"); err != nil || st.Size() == 0 {
		return v, nil
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return 0, i18n.Errorf("open database: %w", err)
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, i18n.Errorf("the file %s is not a readable inventory database: %w", path, err)
	}
	return v, nil
}

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	ents, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range ents {
		n := e.Name()
		num, _, ok := strings.Cut(n, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %q: name must start with a number and _", n)
		}
		b, err := migrationFS.ReadFile("migrations/" + n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: n, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migrations must be numbered 1, 2, 3…: %s is number %d", m.name, i+1)
		}
	}
	return out, nil
}

// SchemaVersion is the schema version this build writes.
func SchemaVersion() int {
	m, err := loadMigrations()
	if err != nil {
		return 0
	}
	return len(m)
}

func (s *Store) migrate(ctx context.Context, migs []migration) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return i18n.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return i18n.Errorf("migrate: %w", err)
	}
	if v > len(migs) {
		return i18n.Errorf("%w (database version %d, this app knows up to %d)", ErrTooNew, v, len(migs))
	}
	for _, m := range migs[v:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return i18n.Errorf("migration %s: %w", m.name, err)
		}
	}
	// Go steps run after every SQL file, against the final schema: Go code knows only that one.
	for _, m := range migs[v:] {
		if step := goStep(m.name); step != nil {
			if err := step(s, ctx, tx); err != nil {
				return i18n.Errorf("migration %s: %w", m.name, err)
			}
		}
	}
	if err := ensureGenerationSchema(ctx, tx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migs))); err != nil {
		return i18n.Errorf("migrate: %w", err)
	}
	return tx.Commit()
}

// DB is the write connection (a pool of one, immediate transactions). Packages that own tables of
// their own (jobs) write through it.
func (s *Store) DB() *sql.DB { return s.w }

// ReadDB is the read-only pool.
func (s *Store) ReadDB() *sql.DB { return s.r }

// Dir is the data dir.
func (s *Store) Dir() string { return s.dir }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// IntegrityCheck runs PRAGMA integrity_check and returns nil when it says "ok".
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.r.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return err
		}
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(msgs) == 1 && msgs[0] == "ok" {
		return s.CheckStockTotals(ctx)
	}
	return i18n.Errorf("database integrity check failed: %s", strings.Join(msgs, "; "))
}

// Optimize runs PRAGMA optimize (cheap; for the daily maintenance job).
func (s *Store) Optimize(ctx context.Context) error {
	_, err := s.w.ExecContext(ctx, "PRAGMA optimize")
	return err
}

// Close checkpoints the WAL into the database file and closes every connection.
func (s *Store) Close() error {
	var errs []error
	if s.stopGen != nil {
		s.stopOnce.Do(func() {
			close(s.stopGen)
			<-s.genDone
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			s.recordGeneration(ctx)
			cancel()
		})
	}
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil && !s.readOnly {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := s.w.ExecContext(ctx, "PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE)")
		cancel()
		errs = append(errs, err, s.w.Close())
	}
	return errors.Join(errs...)
}

func ms(t time.Time) int64 { return t.UnixMilli() }
