package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/fields"
)

// Entry statuses.
const (
	StatusNeedsReview = "needs_review"
	StatusConfirmed   = "confirmed"
)

// Field sources: where an entry's value came from.
const (
	SourceBarcode = "barcode"
	SourceModel   = "model"
	SourceCatalog = "catalog"
	SourceUser    = "user"
)

// Entry is a stock line.
type Entry struct {
	ID         int64
	ProductID  int64 // 0: not linked to the catalog
	PhotoID    int64 // 0: added by hand
	AnalysisID int64
	Values     // the medicine fields (fields.All); Get and Set reach them by name
	Status     string
	Sources    map[string]string // field -> barcode|model|catalog|user
	ReviewNote string
	Deleted    bool
	CreatedAt  int64
	UpdatedAt  int64
	PhotoName  string // the photo's original file name, for display
}

var entryCols = `e.id, COALESCE(e.product_id,0), COALESCE(e.photo_id,0), COALESCE(e.analysis_id,0), ` + fieldCols("e.", nil, "") + `,
	e.status, e.field_sources, e.review_note, e.deleted_at IS NOT NULL, e.created_at, e.updated_at, COALESCE(p.original_name,'')`

const entryFrom = ` FROM entries e LEFT JOIN photos p ON p.id = e.photo_id`

func scanEntry(row interface{ Scan(...any) error }) (Entry, error) {
	var e Entry
	var src string
	vals, setVals := fieldScan(&e.Values, nil)
	dst := append([]any{&e.ID, &e.ProductID, &e.PhotoID, &e.AnalysisID}, vals...)
	dst = append(dst, &e.Status, &src, &e.ReviewNote, &e.Deleted, &e.CreatedAt, &e.UpdatedAt, &e.PhotoName)
	if err := row.Scan(dst...); err != nil {
		return e, err
	}
	setVals()
	e.Sources = map[string]string{}
	_ = json.Unmarshal([]byte(src), &e.Sources)
	return e, nil
}

// Filter selects entries for ListEntries. The zero value lists every entry that is not deleted,
// soonest expiry first.
type Filter struct {
	Search      string // matched against name, generic name, strength, lot, GTIN, manufacturer
	NeedsReview bool
	ExpiresIn   int // > 0: expiring within this many days (and not yet expired)
	Expired     bool
	SortByName  bool // else by expiry (unknown expiry last), then name
	Limit       int  // 0: no limit
	Today       time.Time
}

// ListEntries returns the entries the filter selects.
func (s *Store) ListEntries(ctx context.Context, f Filter) ([]Entry, error) {
	var where []string
	var args []any
	where = append(where, "e.deleted_at IS NULL")
	today := f.Today
	if today.IsZero() {
		today = s.now()
	}
	day := today.Format("2006-01-02")
	if f.NeedsReview {
		where = append(where, "e.status = 'needs_review'")
	}
	if f.Expired {
		where = append(where, "e.expiry <> '' AND e.expiry < ?")
		args = append(args, day)
	}
	if f.ExpiresIn > 0 {
		where = append(where, "e.expiry <> '' AND e.expiry >= ? AND e.expiry <= ?")
		args = append(args, day, today.AddDate(0, 0, f.ExpiresIn).Format("2006-01-02"))
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		like := "%" + escapeLike(strings.ToLower(q)) + "%"
		var or []string
		for _, f := range fields.Names(func(f *fields.Field) bool { return f.Search }) {
			or = append(or, "lower(e."+f+`) LIKE ? ESCAPE '\'`)
			args = append(args, like)
		}
		where = append(where, "("+strings.Join(or, " OR ")+")")
	}
	order := " ORDER BY e.expiry = '', e.expiry, e.name COLLATE NOCASE, e.id"
	if f.SortByName {
		order = " ORDER BY e.name COLLATE NOCASE, e.expiry, e.id"
	}
	q := "SELECT " + entryCols + entryFrom + " WHERE " + strings.Join(where, " AND ") + order
	if f.Limit > 0 {
		q += " LIMIT " + strconv.Itoa(f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, i18n.Errorf("list entries: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, i18n.Errorf("list entries: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// Entry returns one entry (deleted ones too), or ErrEntryNotFound.
func (s *Store) Entry(ctx context.Context, id int64) (Entry, error) {
	e, err := scanEntry(s.r.QueryRowContext(ctx, "SELECT "+entryCols+entryFrom+" WHERE e.id = ?", id))
	return e, orNotFound(err, ErrEntryNotFound)
}

// EntriesForPhoto returns the entries made from one photo.
func (s *Store) EntriesForPhoto(ctx context.Context, photoID int64) ([]Entry, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+entryCols+entryFrom+" WHERE e.photo_id = ? AND e.deleted_at IS NULL ORDER BY e.id", photoID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ValidateField checks and normalises a value a user typed for an entry field. It returns the
// value to store or an error in plain words. The checks are the field table's (fields.Check).
func ValidateField(field, value string) (string, error) { return fields.Check(field, value) }

// ParseExpiry reads an expiry date as printed on packs; see fields.ParseExpiry.
func ParseExpiry(v string) (string, bool) { return fields.ParseExpiry(v) }

// NormalizeGTIN checks a GTIN-8/12/13/14's check digit and returns it as 14 digits; see
// fields.NormalizeGTIN.
func NormalizeGTIN(v string) (string, bool) { return fields.NormalizeGTIN(v) }

// FieldError is a value a user typed that is not valid for its field.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// UpdateEntry changes fields of an entry (by their EntryFields names) as the user typed them.
// Each value is validated; every change is kept in the entry's history, and the field's source
// becomes "user" (a later analysis never overwrites it). Unchanged values record nothing.
func (s *Store) UpdateEntry(ctx context.Context, id int64, changes map[string]string) (Entry, error) {
	clean := map[string]string{}
	for f, v := range changes {
		nv, err := ValidateField(f, v)
		if err != nil {
			return Entry{}, &FieldError{Field: f, Err: err}
		}
		clean[f] = nv
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return Entry{}, err
	}
	defer tx.Rollback()
	cur, err := scanEntry(tx.QueryRowContext(ctx, "SELECT "+entryCols+entryFrom+" WHERE e.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, ErrEntryNotFound
	} else if err != nil {
		return Entry{}, err
	}
	now := ms(s.now())
	changed := false
	for _, f := range EntryFields { // fixed order, and only known column names reach the SQL
		nv, ok := clean[f]
		if !ok {
			continue
		}
		old := cur.Get(f)
		if old == nv {
			continue
		}
		fd, _ := fields.ByName(f)
		if _, err := tx.ExecContext(ctx, "UPDATE entries SET "+f+" = ? WHERE id = ?", fd.SQL(nv), id); err != nil {
			return Entry{}, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO edits(entry_id, field, old_value, new_value, source, at) VALUES (?,?,?,?,?,?)`,
			id, f, old, nv, SourceUser, now); err != nil {
			return Entry{}, err
		}
		cur.Sources[f] = SourceUser
		changed = true
	}
	if changed {
		src, _ := json.Marshal(cur.Sources)
		if _, err := tx.ExecContext(ctx, `UPDATE entries SET field_sources = ?, updated_at = ? WHERE id = ?`, string(src), now, id); err != nil {
			return Entry{}, err
		}
	}
	if err := s.syncEntryStockTx(ctx, tx, id); err != nil {
		return Entry{}, err
	}
	if err := tx.Commit(); err != nil {
		return Entry{}, err
	}
	return s.Entry(ctx, id)
}

// ConfirmEntry marks an entry as reviewed. When it has a GTIN, its product (name, generic name,
// strength, form, manufacturer) is remembered in the catalog, so later photos of the same product
// need no analysis. An entry whose receipt looks like an earlier photo's pack is not confirmed
// until the reviewer decided (DecidePack): it returns a *PackDecisionError and changes nothing.
func (s *Store) ConfirmEntry(ctx context.Context, id int64) (Entry, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return Entry{}, err
	}
	defer tx.Rollback()
	if err := s.confirmTx(ctx, tx, id); err != nil {
		return Entry{}, err
	}
	if err := tx.Commit(); err != nil {
		return Entry{}, err
	}
	return s.Entry(ctx, id)
}

func (s *Store) confirmTx(ctx context.Context, tx *sql.Tx, id int64) error {
	e, err := scanEntry(tx.QueryRowContext(ctx, "SELECT "+entryCols+entryFrom+" WHERE e.id = ? AND e.deleted_at IS NULL", id))
	if errors.Is(err, sql.ErrNoRows) {
		return ErrEntryNotFound
	} else if err != nil {
		return err
	}
	// A receipt that looks like an earlier photo's pack waits for the reviewer's decision
	// (DecidePack): confirming the entry would count it silently.
	before, hadReceipt, err := entryReceiptTx(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := packDecisionErr(ctx, tx, before); hadReceipt && err != nil {
		return err
	}
	now := ms(s.now())
	var productID any
	if e.GTIN != "" {
		var pid int64
		var set []string
		for _, f := range fields.Names(catalogFields) {
			if f != "gtin" {
				set = append(set, f+"=excluded."+f)
			}
		}
		n := len(fields.Names(catalogFields))
		err := tx.QueryRowContext(ctx, `INSERT INTO products(`+fieldCols("", catalogFields, "")+`, confirmed, created_at, updated_at)
			VALUES (`+placeholders(n)+`,1,?,?)
			ON CONFLICT(gtin) WHERE gtin IS NOT NULL DO UPDATE SET `+strings.Join(set, ", ")+`,
				confirmed=1, updated_at=excluded.updated_at
			RETURNING id`, append(fieldArgs(&e.Values, catalogFields), now, now)...).Scan(&pid)
		if err != nil {
			return i18n.Errorf("remember product: %w", err)
		}
		productID = pid
	} else if e.ProductID != 0 {
		productID = e.ProductID
	}
	if e.Status != StatusConfirmed {
		if _, err := tx.ExecContext(ctx, `INSERT INTO edits(entry_id, field, old_value, new_value, source, at) VALUES (?,?,?,?,?,?)`,
			id, "status", e.Status, StatusConfirmed, SourceUser, now); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE entries SET status = 'confirmed', product_id = ?, updated_at = ? WHERE id = ?`, productID, now, id); err != nil {
		return err
	}
	if err := s.syncEntryStockTx(ctx, tx, id); err != nil {
		return err
	}
	return checkPackDecidedTx(ctx, tx, id, before, hadReceipt)
}

// DeleteEntry removes an entry from the inventory. It is kept (and listed in its history) so that
// RestoreEntry can undo the deletion.
func (s *Store) DeleteEntry(ctx context.Context, id int64) error {
	return s.setDeleted(ctx, id, true)
}

// RestoreEntry undoes DeleteEntry.
func (s *Store) RestoreEntry(ctx context.Context, id int64) error {
	return s.setDeleted(ctx, id, false)
}

func (s *Store) setDeleted(ctx context.Context, id int64, del bool) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := ms(s.now())
	var res sql.Result
	old, nv := "present", "deleted"
	if del {
		res, err = tx.ExecContext(ctx, `UPDATE entries SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL`, now, now, id)
	} else {
		old, nv = nv, old
		res, err = tx.ExecContext(ctx, `UPDATE entries SET deleted_at = NULL, updated_at = ? WHERE id = ? AND deleted_at IS NOT NULL`, now, id)
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrEntryNotFound
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO edits(entry_id, field, old_value, new_value, source, at) VALUES (?,?,?,?,?,?)`,
		id, "deleted", old, nv, SourceUser, now); err != nil {
		return err
	}
	if err := s.syncEntryStockTx(ctx, tx, id); err != nil {
		return err
	}
	return tx.Commit()
}

// Edit is one change in an entry's history.
type Edit struct {
	ID       int64
	EntryID  int64
	Field    string
	OldValue string
	NewValue string
	Source   string
	At       int64
}

// History returns an entry's changes, oldest first.
func (s *Store) History(ctx context.Context, entryID int64) ([]Edit, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, entry_id, field, old_value, new_value, source, at FROM edits WHERE entry_id = ? ORDER BY at, id`, entryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Edit
	for rows.Next() {
		var e Edit
		if err := rows.Scan(&e.ID, &e.EntryID, &e.Field, &e.OldValue, &e.NewValue, &e.Source, &e.At); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddEntry adds a stock line typed by hand (no photo). Its fields are validated like edits.
func (s *Store) AddEntry(ctx context.Context, fields map[string]string) (Entry, error) {
	return s.addEntry(ctx, fields, false)
}

func (s *Store) addEntry(ctx context.Context, fields map[string]string, confirm bool) (Entry, error) {
	ne := NewEntry{Sources: map[string]string{}}
	for f, v := range fields {
		nv, err := ValidateField(f, v)
		if err != nil {
			return Entry{}, &FieldError{Field: f, Err: err}
		}
		ne.Set(f, nv)
		if nv != "" {
			ne.Sources[f] = SourceUser
		}
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return Entry{}, err
	}
	defer tx.Rollback()
	id, err := s.InsertEntryTx(ctx, tx, ne)
	if err != nil {
		return Entry{}, err
	}
	if confirm {
		err = s.confirmTx(ctx, tx, id) // keeps the stock ledger in step too
	} else {
		err = s.syncEntryStockTx(ctx, tx, id)
	}
	if err != nil {
		return Entry{}, err
	}
	if err := tx.Commit(); err != nil {
		return Entry{}, err
	}
	return s.Entry(ctx, id)
}
