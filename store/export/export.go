// Package export writes the inventory as CSV, XLSX or JSON, for people (a spreadsheet the
// pharmacist opens in Excel or LibreOffice) and for other programs.
//
// Every format carries the same columns, in this order, under these names (the JSON keys are the
// same snake_case names, in the same order; see [Columns]):
//
//	id            the entry's number in this inventory
//	name          product name, as on the pack
//	generic_name  active ingredient(s)
//	strength      e.g. "500 mg"
//	dosage_form   e.g. "tablet"
//	manufacturer
//	gtin          14 digits, or empty
//	lot           lot / batch number
//	expiry        date YYYY-MM-DD, or empty when unknown
//	quantity      whole number, or empty (JSON: null) when unknown
//	unit          e.g. "box"
//	location      where it is kept
//	notes
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
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"medinventory/store"
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
		return "", errors.New("no export format given: choose csv, xlsx or json")
	}
	return "", fmt.Errorf("%q is not an export format this app knows: choose csv, xlsx or json", s)
}

// Ext is the file name extension for the format, with its dot (".csv").
func (f Format) Ext() string { return "." + string(f) }

// Columns are the column names (CSV and XLSX header) and JSON keys, in order.
var Columns = []string{"id", "name", "generic_name", "strength", "dosage_form", "manufacturer", "gtin", "lot",
	"expiry", "quantity", "unit", "location", "notes", "status", "sources", "review_note", "photo",
	"created_at", "updated_at"}

// Row is one entry flattened for export. Its JSON form has the keys of Columns, in that order.
type Row struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	GenericName  string `json:"generic_name"`
	Strength     string `json:"strength"`
	DosageForm   string `json:"dosage_form"`
	Manufacturer string `json:"manufacturer"`
	GTIN         string `json:"gtin"`
	Lot          string `json:"lot"`
	Expiry       string `json:"expiry"`   // YYYY-MM-DD or ""
	Quantity     *int64 `json:"quantity"` // nil: unknown
	Unit         string `json:"unit"`
	Location     string `json:"location"`
	Notes        string `json:"notes"`
	Status       string `json:"status"`
	Sources      string `json:"sources"` // "field=source; …", sorted by field
	ReviewNote   string `json:"review_note"`
	Photo        string `json:"photo"`      // original file name of the photo, or ""
	CreatedAt    string `json:"created_at"` // RFC 3339, local offset, or "" when unknown
	UpdatedAt    string `json:"updated_at"`

	created, updated time.Time // zero: unknown
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
		ID:           e.ID,
		Name:         clean(e.Name),
		GenericName:  clean(e.GenericName),
		Strength:     clean(e.Strength),
		DosageForm:   clean(e.DosageForm),
		Manufacturer: clean(e.Manufacturer),
		GTIN:         clean(e.GTIN),
		Lot:          clean(e.Lot),
		Expiry:       clean(e.Expiry),
		Unit:         clean(e.Unit),
		Location:     clean(e.Location),
		Notes:        clean(e.Notes),
		Status:       clean(e.Status),
		Sources:      sources(e.Sources),
		ReviewNote:   clean(e.ReviewNote),
		Photo:        clean(e.PhotoName),
	}
	if e.Quantity != nil {
		q := *e.Quantity
		r.Quantity = &q
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
}

// cells returns the row's values in Columns order.
func (r *Row) cells() []cell {
	t := func(s string) cell { return cell{text: s, isText: true} }
	id := r.ID
	exp := t(r.Expiry)
	if d, err := time.Parse(time.DateOnly, r.Expiry); err == nil {
		exp = cell{text: r.Expiry, date: d}
	}
	qty := cell{}
	if r.Quantity != nil {
		q := *r.Quantity
		qty = cell{num: &q}
	}
	return []cell{
		{num: &id}, t(r.Name), t(r.GenericName), t(r.Strength), t(r.DosageForm), t(r.Manufacturer), t(r.GTIN),
		t(r.Lot), exp, qty, t(r.Unit), t(r.Location), t(r.Notes), t(r.Status), t(r.Sources), t(r.ReviewNote),
		t(r.Photo), {text: r.CreatedAt, instant: r.created}, {text: r.UpdatedAt, instant: r.updated},
	}
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
		return fmt.Errorf("export as %s: %w", strings.ToUpper(string(f)), err)
	}
	return nil
}
