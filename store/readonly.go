package store

import (
	"context"
	"database/sql"
	"net/url"

	"medinventory/assets/i18n"
)

// openReadOnly opens the inventory for reading only (Options.ReadOnly): nothing is created,
// migrated or written, so it works on a read-only data dir. A database in WAL mode whose -shm file
// cannot be created is opened as immutable (no other process can be writing to a read-only
// folder anyway).
func openReadOnly(ctx context.Context, dir, path string, v, want int, marker markerInfo, opts Options) (*Store, error) {
	if err := checkBeforeOpen(ctx, dir, v, marker); err != nil {
		return nil, err
	}
	if v == 0 {
		return nil, i18n.Errorf("there is no inventory in %s yet", dir)
	}
	if v != want {
		return nil, i18n.Errorf("the inventory in %s was saved by an older version and must be upgraded first: open it once where it can be written (copy the folder off the read-only disk)", dir)
	}
	base := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro&_pragma=busy_timeout(10000)&_pragma=query_only(1)"
	var r *sql.DB
	var err error
	for _, extra := range []string{"", "&immutable=1"} {
		r, err = sql.Open("sqlite", base+extra)
		if err != nil {
			continue
		}
		r.SetMaxOpenConns(opts.ReadConns)
		var n int
		if err = r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&n); err == nil {
			break
		}
		r.Close()
	}
	if err != nil {
		return nil, i18n.Errorf("cannot read the inventory database %s: %w", path, err)
	}
	s := &Store{dir: dir, w: r, r: r, now: opts.Now, readOnly: true, createFile: createTemp}
	id, err := s.ID(ctx)
	if err != nil {
		r.Close()
		return nil, err
	}
	if marker.id != "" && marker.id != id {
		r.Close()
		return nil, &IdentityError{Dir: dir, Kind: IdentityReplaced}
	}
	// The totals cannot be repaired here: said, so that no wrong figure goes unexplained.
	if wrong, err := s.RepairStockTotals(ctx); len(wrong) > 0 {
		s.report.TotalsWrong = wrong
	} else if err != nil {
		r.Close()
		return nil, err
	}
	return s, nil
}

// ReadOnly reports whether the store was opened with Options.ReadOnly.
func (s *Store) ReadOnly() bool { return s.readOnly }
