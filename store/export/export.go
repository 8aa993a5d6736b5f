// Package export writes the inventory as CSV, XLSX or JSON, for people (a spreadsheet the
// pharmacist opens in Excel or LibreOffice) and for other programs.
//
// Every format carries the same columns, in this order, under these names (the JSON keys are the
// same snake_case names, in the same order; see [Columns]):
//
//	id            the entry's number in this inventory
//	name …        one column per medicine field of the field table (fields.All), in its order and
//	  … notes     under its name: today name, generic_name, strength, dosage_form, manufacturer, gtin
//	              (14 digits), lot, expiry (date YYYY-MM-DD), serial (the pack's GS1 serial number),
//	              quantity (whole number; JSON: null when unknown), unit, location, notes; empty when
//	              unknown
//	status        needs_review or confirmed
//	sources       where each value came from, by field name, sorted: "gtin=barcode; lot=barcode; name=model"
//	review_note   why the entry needs a second look (e.g. barcode and model disagree)
//	photo         the original file name of the photo the entry was made from, or empty
//	created_at    when the entry was made, local time
//	updated_at    when it last changed, local time
//
// Formats:
//
//   - CSV: RFC 4180 (comma separated, fields quoted when needed, CRLF line ends), UTF-8 with a
//     byte-order mark so that Excel reads accents and non-Latin scripts correctly. The first line
//     is the header. Times are RFC 3339 with the local offset ("2026-11-29T09:06:17+08:00").
//     CSV is for other programs: Excel guesses the type of every CSV field, so it may show a GTIN
//     without its leading zero or a lot number as a date. For Excel, export XLSX, where those are
//     text cells.
//   - XLSX: one sheet, "Inventory", written with github.com/xuri/excelize/v2. A bold, frozen
//     header row; expiry is a real date cell (number format yyyy-mm-dd) and created_at/updated_at
//     real date-time cells (local wall time), so they sort and filter as dates; id and quantity are
//     numbers; an unknown value is an empty cell.
//   - JSON: an array of objects (pretty-printed, keys in the order above), "" for unknown text,
//     null for an unknown quantity, [] for an empty inventory.
//
// Formula injection: a product name or a note may come from a vision model's answer or from the
// text printed on a package, and must never run as a formula in the pharmacist's spreadsheet. In
// CSV, a text field that starts with = + - @, a tab, CR or LF gets a leading apostrophe ('), which
// spreadsheets treat as "this is text" (so "=cmd|' /C calc'!A1" is written as "'=cmd|' /C calc'!A1").
// In XLSX every text value is written as a string cell (never a formula) with the text number
// format "@", so it stays text even when someone edits the cell later; no apostrophe is added
// there. JSON is for programs and carries the exact text.
//
// Text is always valid UTF-8 in every format (invalid bytes become U+FFFD).
package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/fields"
)

// Format is an export file format.
type Format string

// The formats Write knows.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
	JSON Format = "json"
)

// Formats lists the formats, in the order they are offered to the user.
var Formats = []Format{CSV, XLSX, JSON}

// ParseFormat reads a format name as a user types it ("csv", "XLSX", ".json"…).
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), ".")))
	for _, k := range Formats {
		if f == k {
			return k, nil
		}
	}
	if s == "" {
		return "", errors.New(i18n.T("no export format given: choose csv, xlsx or json"))
	}
	return "", errors.New(i18n.T("%q is not an export format this app knows: choose csv, xlsx or json", s))
}

// Ext is the file name extension for the format, with its dot (".csv").
func (f Format) Ext() string { return "." + string(f) }

// Columns are the column names (CSV and XLSX header) and JSON keys, in order.
var Columns = append(append([]string{"id"}, fields.Names(nil)...),
	"status", "sources", "review_note", "photo", "created_at", "updated_at")

// Row is one entry flattened for export. Its JSON form has the keys of Columns, in that order.
type Row struct {
	ID int64
	fields.Values
	Status     string
	Sources    string // "field=source; …", sorted by field
	ReviewNote string
	Photo      string // original file name of the photo, or ""
	CreatedAt  string // RFC 3339, local offset, or "" when unknown
	UpdatedAt  string

	created, updated time.Time // zero: unknown
}

// MarshalJSON writes the row as an object with the keys of Columns, in that order: "" for unknown
// text, null for an unknown count.
func (r Row) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	put := func(key string, v any) error {
		if b.Len() == 0 {
			b.WriteByte('{')
		} else {
			b.WriteByte(',')
		}
		if err := enc.Encode(key); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1) // Encode's newline
		b.WriteByte(':')
		if err := enc.Encode(v); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1)
		return nil
	}
	vals := []any{r.ID}
	for i := range fields.All {
		f := &fields.All[i]
		vals = append(vals, f.SQL(f.Get(&r.Values)))
	}
	vals = append(vals, r.Status, r.Sources, r.ReviewNote, r.Photo, r.CreatedAt, r.UpdatedAt)
	for i, k := range Columns {
		if err := put(k, vals[i]); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Rows flattens entries, in the order given.
func Rows(entries []store.Entry) []Row {
	out := make([]Row, 0, len(entries))
	for i := range entries {
		out = append(out, rowOf(&entries[i]))
	}
	return out
}

func rowOf(e *store.Entry) Row {
	r := Row{
		ID:         e.ID,
		Status:     clean(e.Status),
		Sources:    sources(e.Sources),
		ReviewNote: clean(e.ReviewNote),
		Photo:      clean(e.PhotoName),
	}
	for i := range fields.All {
		f := &fields.All[i]
		f.Set(&r.Values, clean(f.Get(&e.Values)))
	}
	if e.CreatedAt > 0 {
		r.created = time.UnixMilli(e.CreatedAt).Local().Truncate(time.Second)
		r.CreatedAt = r.created.Format(time.RFC3339)
	}
	if e.UpdatedAt > 0 {
		r.updated = time.UnixMilli(e.UpdatedAt).Local().Truncate(time.Second)
		r.UpdatedAt = r.updated.Format(time.RFC3339)
	}
	return r
}

func clean(s string) string { return strings.ToValidUTF8(s, string(utf8.RuneError)) }

func sources(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(clean(k))
		b.WriteByte('=')
		b.WriteString(clean(m[k]))
	}
	return b.String()
}

// cell is one value of a row: text, a whole number, a date or a date-time; nothing set: empty.
type cell struct {
	text    string
	isText  bool
	num     *int64
	date    time.Time // expiry: a calendar day (UTC midnight)
	instant time.Time // created/updated: local wall time
	// say is the text for people (PDF, XLSX) in the language in use when it differs from text,
	// which CSV and JSON carry unchanged (English words, ISO dates: machines read them).
	say string
	// dec is a decimal figure (AMC, months of stock): a number cell in XLSX; text is its CSV form.
	dec *float64
}

// human is the cell's text for people: say when set, else text.
func (c cell) human() string {
	if c.say != "" {
		return c.say
	}
	return c.text
}

// cells returns the row's values in Columns order.
func (r *Row) cells() []cell {
	t := func(s string) cell { return cell{text: s, isText: true} }
	id := r.ID
	out := make([]cell, 0, len(Columns))
	out = append(out, cell{num: &id})
	for i := range fields.All {
		f := &fields.All[i]
		v := f.Get(&r.Values)
		c := t(v)
		switch f.Kind {
		case fields.DateKind:
			if d, err := time.Parse(time.DateOnly, v); err == nil {
				c = cell{text: v, date: d}
			}
		case fields.CountKind:
			c = cell{}
			if n, ok := f.SQL(v).(int64); ok {
				c = cell{num: &n}
			}
		}
		out = append(out, c)
	}
	return append(out, t(r.Status), t(r.Sources), t(r.ReviewNote),
		t(r.Photo), cell{text: r.CreatedAt, instant: r.created}, cell{text: r.UpdatedAt, instant: r.updated})
}

// Write writes the entries to w in format f. Nothing is written for an unknown format.
func Write(w io.Writer, f Format, entries []store.Entry) error {
	var err error
	switch f {
	case CSV:
		err = writeCSV(w, Rows(entries))
	case XLSX:
		err = writeXLSX(w, Rows(entries))
	case JSON:
		err = writeJSON(w, Rows(entries))
	default:
		_, err = ParseFormat(string(f))
		return err
	}
	if err != nil {
		return fmt.Errorf("%s: %w", i18n.T("export as %s", strings.ToUpper(string(f))), err)
	}
	return nil
}
