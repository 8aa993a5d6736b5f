package store

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"medinventory/assets/i18n"
)

// The data dir's identity.
//
// A data dir holds two things that must belong together: the database (inventory.db) and the
// photos folder. A database can go missing, be emptied, be replaced by another inventory's file or
// by an older copy; used silently, it would show an empty or wrong inventory, and the photos it does
// not list would look like strangers. So the database carries a random id (table data_identity,
// migration 0002) and the data dir carries the same id in a marker file (MarkerName). Open compares
// them and refuses, with an *IdentityError that says what to do, a database that does not belong:
//
//   - no database (missing or empty) where the marker or stored photos show an inventory was kept;
//   - a database whose id differs from the marker (another inventory's file);
//   - a database from before ids existed (schema 1) in a data dir that has a marker (an older copy
//     put back after the upgrade).
//
// First start (no database, no marker, no photos) creates both. A database made by release 0.1.0
// (schema 1, no marker yet) is adopted: the migration gives it an id and Open writes the marker.
// Options.StartFresh starts a new, empty database on purpose: a database already there is moved
// aside (never deleted) and the photos stay, to be adopted back (see AdoptPhotoFiles).

// MarkerName is the identity marker file in the data dir.
const MarkerName = "inventory.id"

// ErrNotThisInventory matches every *IdentityError with errors.Is.
var ErrNotThisInventory = i18n.Err("the inventory database does not belong to this data folder")

// The kinds of IdentityError.
const (
	IdentityMissing  = "missing"  // no database, but the folder held an inventory
	IdentityReplaced = "replaced" // the database belongs to another inventory
	IdentityOlder    = "older"    // a database from before ids existed, put back after the upgrade
	// IdentityRolledBack: an older copy of this very inventory (its change count is below the id
	// file's; see generation.go). Also matches ErrOlderCopy.
	IdentityRolledBack = "rolled-back"
)

// IdentityError is why Open refused a database: it does not belong to the data dir's photos.
type IdentityError struct {
	Dir    string
	Kind   string // one of the Identity* constants
	Photos int    // stored photo files found (a lower bound when many); rolled back: photo files this copy does not list
	Marker bool   // the id file is there

	// Rolled back: the database's change count and the count the id file recorded.
	DBGeneration, FolderGeneration int64
}

// Is makes errors.Is(err, ErrOlderCopy) true for an older copy of this inventory.
func (e *IdentityError) Is(target error) bool {
	return target == ErrOlderCopy && e.Kind == IdentityRolledBack
}

// evidence says what shows that the folder held an inventory: only what is really there.
func (e *IdentityError) evidence() string {
	switch {
	case e.Marker && e.Photos > 0:
		return i18n.T("%d photo(s) and its id file %s", e.Photos, MarkerName)
	case e.Marker:
		return i18n.T("its id file %s", MarkerName)
	}
	return i18n.T("%d photo(s); its id file %s is missing too", e.Photos, MarkerName)
}

func (e *IdentityError) Error() string {
	db := filepath.Join(e.Dir, DBName)
	var what string
	switch e.Kind {
	case IdentityMissing:
		what = i18n.T("the inventory database %s is missing or empty, but this data folder holds an inventory (%s)", db, e.evidence())
	case IdentityReplaced:
		what = i18n.T("the inventory database %s belongs to another inventory than the photos in this data folder (its id does not match %s)",
			db, MarkerName)
	case IdentityRolledBack:
		what = i18n.T("the inventory database %s is an older copy of this inventory: it holds %d change(s) fewer than this folder has seen (a copied folder, a sync tool or an undo may have put it back)",
			db, e.FolderGeneration-e.DBGeneration)
		if e.Photos > 0 {
			what += i18n.T("; %d photo(s) in the photos folder are not in this copy", e.Photos)
		}
		return what + i18n.T(". Used as it is, the photos, entries and receipts added since it was copied would disappear from every view. Nothing was changed. Choose one: restore your newest backup (medinventory restore FILE, or Settings → Backups → Restore), or continue with this copy (medinventory --continue-with-this-copy): the photos added since are then registered again and queued for analysis, and nothing is deleted.")
	default:
		what = i18n.T("the inventory database %s is an older copy that does not match this data folder (%s)", db, MarkerName)
	}
	return what + i18n.T(". Nothing was changed. To get your inventory back, restore your latest backup: medinventory restore FILE (or put the right inventory.db back). To start a new, empty inventory in this folder instead, run medinventory --start-fresh (the photos are kept and listed again; a database already there is moved aside, never deleted).")
}

func (e *IdentityError) Unwrap() error { return ErrNotThisInventory }

func markerPath(dir string) string { return filepath.Join(dir, MarkerName) }

// markerInfo is what the marker file says: the inventory's id ("" when there is no file) and the
// highest change count of its database seen (see generation.go; hasGen false in files written
// before counts, or by Restore).
type markerInfo struct {
	id     string
	gen    int64
	hasGen bool
}

// markerGenPrefix starts the marker's second line.
const markerGenPrefix = "changes: "

// readMarkerFile reads the marker file (a missing file is the zero markerInfo).
func readMarkerFile(dir string) (markerInfo, error) {
	b, err := ReadSmallFile(markerPath(dir), "Restore your latest backup: medinventory restore FILE")
	var tooLarge *FileTooLargeError
	if errors.Is(err, fs.ErrNotExist) {
		return markerInfo{}, nil
	} else if errors.As(err, &tooLarge) {
		return markerInfo{}, i18n.Errorf("the id file %w", err)
	} else if err != nil {
		return markerInfo{}, i18n.Errorf("cannot read the id file %s: %w", markerPath(dir), err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	m := markerInfo{id: strings.TrimSpace(lines[0])}
	if len(lines) > 1 {
		if v, ok := strings.CutPrefix(strings.TrimSpace(lines[1]), markerGenPrefix); ok {
			if g, err := strconv.ParseInt(v, 10, 64); err == nil && g >= 0 {
				m.gen, m.hasGen = g, true
			}
		}
	}
	return m, nil
}

// writeMarker writes the marker with no change count (Restore: the restored database is taken as
// it is).
func writeMarker(dir, id string) error { return writeMarkerGen(dir, id, -1) }

// writeMarkerGen writes the marker atomically (a temp file of its own + rename: several processes
// may write it), with the change count gen when gen >= 0.
func writeMarkerGen(dir, id string, gen int64) error {
	text := id + "\n"
	if gen >= 0 {
		text += markerGenPrefix + strconv.FormatInt(gen, 10) + "\n"
	}
	text += "\nThis file ties the inventory database (inventory.db) to the photos in this folder.\n" +
		"Do not edit or delete it. Medicine Inventory refuses a database whose id does not match,\n" +
		"and an older copy of this inventory's database (one with fewer changes than recorded here).\n"
	f, err := os.CreateTemp(dir, "."+MarkerName+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.WriteString(text)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, markerPath(dir))
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// countPhotoFiles counts stored photo files (photos/xx/<sha256>.<ext>), stopping at limit.
func countPhotoFiles(dir string, limit int) int {
	n := 0
	subs, _ := os.ReadDir(filepath.Join(dir, "photos"))
	for _, sub := range subs {
		if !sub.IsDir() || len(sub.Name()) != 2 {
			continue
		}
		files, _ := os.ReadDir(filepath.Join(dir, "photos", sub.Name()))
		for _, f := range files {
			if f.Type().IsRegular() && isStoredPhotoName(f.Name()) {
				n++
				if n >= limit {
					return n
				}
			}
		}
	}
	return n
}

// isStoredPhotoName reports whether name looks like <64 hex>.<ext>.
func isStoredPhotoName(name string) bool {
	base, ext, ok := strings.Cut(name, ".")
	if !ok || len(base) != 64 || ext == "" {
		return false
	}
	for _, c := range base {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// checkBeforeOpen refuses, before anything is written, a data dir whose database is missing or
// from before ids while the folder shows an inventory was kept. v is the database's schema version
// (0: missing or empty).
func checkBeforeOpen(ctx context.Context, dir string, v int, m markerInfo) error {
	marker := m.id
	switch {
	case v >= identityVersion && marker != "":
		return peekCheck(ctx, dir, m)
	case v == 0:
		photos := countPhotoFiles(dir, 1000)
		if marker != "" || photos > 0 {
			return &IdentityError{Dir: dir, Kind: IdentityMissing, Photos: photos, Marker: marker != ""}
		}
	case v < identityVersion && marker != "":
		return &IdentityError{Dir: dir, Kind: IdentityOlder}
	}
	return nil
}

// peekCheck reads the database's id and change count through a read-only connection, writing
// nothing, and refuses another inventory's database or an older copy of this one.
func peekCheck(ctx context.Context, dir string, m markerInfo) error {
	path := filepath.Join(dir, DBName)
	base := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro&_pragma=busy_timeout(10000)"
	var lastErr error
	for _, extra := range []string{"", "&immutable=1"} { // immutable: a read-only folder with no -shm
		db, err := sql.Open("sqlite", base+extra)
		if err != nil {
			return err
		}
		err = func() error {
			var id string
			if err := db.QueryRowContext(ctx, `SELECT id FROM data_identity`).Scan(&id); err != nil {
				return err
			}
			if id != m.id {
				return &IdentityError{Dir: dir, Kind: IdentityReplaced}
			}
			g, err := readGeneration(ctx, db)
			if err != nil {
				return err
			}
			if m.hasGen && g < m.gen {
				return olderCopyError(ctx, dir, g, m.gen, db)
			}
			return nil
		}()
		db.Close()
		var ie *IdentityError
		if err == nil || errors.As(err, &ie) {
			return err
		}
		lastErr = err
	}
	return i18n.Errorf("the file %s is not a readable inventory database: %w", path, lastErr)
}

// identityVersion is the schema version that added data_identity.
const identityVersion = 2

// setAside moves the database (and its -wal/-shm files) to inventory.db.set-aside-<time>, for
// StartFresh. Nothing is deleted.
func setAside(dir string, now time.Time) error {
	path := filepath.Join(dir, DBName)
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	if st.Size() == 0 {
		return os.Remove(path)
	}
	dst := path + ".set-aside-" + now.Format("20060102-150405")
	for _, suf := range []string{"", "-wal", "-shm"} {
		if err := os.Rename(path+suf, dst+suf); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return i18n.Errorf("cannot move the old database aside: %w", err)
		}
	}
	return nil
}

// ID is the inventory's identity (the id in the database and in the marker file).
func (s *Store) ID(ctx context.Context) (string, error) {
	var id string
	err := s.r.QueryRowContext(ctx, `SELECT id FROM data_identity`).Scan(&id)
	if err != nil {
		return "", i18n.Errorf("read the inventory's id: %w", err)
	}
	return id, nil
}

// checkAfterOpen compares the migrated database's id with the marker, writing the marker when
// there is none (first start, upgrade) or when starting fresh, and records the database's change
// count in it (lowering it only when continuing with an older copy).
func (s *Store) checkAfterOpen(ctx context.Context, m markerInfo, fresh, continueOlder bool) error {
	var id string
	if err := s.w.QueryRowContext(ctx, `SELECT id FROM data_identity`).Scan(&id); err != nil {
		return i18n.Errorf("read the inventory's id: %w", err)
	}
	g, err := readGeneration(ctx, s.w)
	if err != nil {
		return err
	}
	if m.id != "" && !fresh {
		if m.id != id {
			return &IdentityError{Dir: s.dir, Kind: IdentityReplaced}
		}
		if err := s.raiseMarker(id, g, continueOlder); err != nil {
			return i18n.Errorf("cannot write the id file %s: %w", markerPath(s.dir), err)
		}
		return nil
	}
	if err := writeMarkerGen(s.dir, id, g); err != nil && !s.readOnly {
		return i18n.Errorf("cannot write the id file %s: %w", markerPath(s.dir), err)
	}
	return nil
}
