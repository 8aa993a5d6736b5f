package store

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"strings"

	sqlite "modernc.org/sqlite"

	"medinventory/assets/i18n"
)

// DamagedDBError is an inventory database that SQLite cannot read: cut short (a copy or a sync
// that stopped early, a disk that filled up) or overwritten. Nothing was changed.
type DamagedDBError struct {
	Path     string
	Size     int64 // the file's size
	Expected int64 // the size its header gives (0: unknown); Size < Expected means cut short
	Err      error
}

func (e *DamagedDBError) Error() string {
	what := i18n.T("its contents are damaged")
	if e.Expected > 0 && e.Size < e.Expected {
		what = i18n.T("it is cut short (%d KB of the %d KB it should have: a copy, a sync or a full disk stopped it early)",
			e.Size>>10, e.Expected>>10)
	}
	return i18n.T("the inventory database %s is damaged: %s. Nothing was changed. Restore your latest backup: medinventory restore FILE (the damaged data is kept aside, never deleted), or put an intact copy of %s back in its place", e.Path, what, DBName)
}

func (e *DamagedDBError) Unwrap() error { return e.Err }

// isCorrupt reports whether err is SQLite's "database disk image is malformed" (SQLITE_CORRUPT)
// or "file is not a database" (SQLITE_NOTADB).
func isCorrupt(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		if c := se.Code() & 0xff; c == 11 || c == 26 {
			return true
		}
	}
	return err != nil && (strings.Contains(err.Error(), "database disk image is malformed") || strings.Contains(err.Error(), "file is not a database"))
}

// damagedDB turns a corrupt-database error about the database at path into a *DamagedDBError;
// other errors pass unchanged.
func damagedDB(path string, err error) error {
	var de *DamagedDBError
	if !isCorrupt(err) || errors.As(err, &de) {
		return err
	}
	e := &DamagedDBError{Path: path, Err: err}
	f, ferr := os.Open(path)
	if ferr != nil {
		return e
	}
	defer f.Close()
	if st, serr := f.Stat(); serr == nil {
		e.Size = st.Size()
	}
	hdr := make([]byte, 100)
	if _, rerr := io.ReadFull(f, hdr); rerr != nil || string(hdr[:16]) != "SQLite format 3\x00" {
		return e
	}
	pageSize := int64(binary.BigEndian.Uint16(hdr[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	// The page count in the header is valid when "version-valid-for" equals the change counter.
	if binary.BigEndian.Uint32(hdr[92:96]) == binary.BigEndian.Uint32(hdr[24:28]) {
		e.Expected = int64(binary.BigEndian.Uint32(hdr[28:32])) * pageSize
	}
	return e
}
