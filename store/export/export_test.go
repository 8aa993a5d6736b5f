package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"medinventory/store"
	"medinventory/store/export"
)

const (
	tricky  = "Paracétamol 500 mg – 日本"
	formula = "=cmd|' /C calc'!A1"
	comma   = `Box, 20 "film-coated" tablets`
	multi   = "line one\nline two, with \"quotes\"\nline three"
)

var clock = time.Date(2026, 11, 29, 1, 2, 3, 456e6, time.UTC)

// fixture makes a real inventory with awkward entries and returns them as ListEntries gives them.
func fixture(t *testing.T) []store.Entry {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, dir, store.Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	// 1: typed by hand, tricky text everywhere, known quantity, edited afterwards.
	e1, err := st.AddEntry(ctx, map[string]string{"name": tricky, "generic_name": "paracetamol", "strength": "500 mg",
		"dosage_form": comma, "lot": "-L42", "expiry": "03/2027", "quantity": "12", "notes": multi, "location": "@shelf 2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateEntry(ctx, e1.ID, map[string]string{"manufacturer": "Laboratoires Genève, S.A."}); err != nil {
		t.Fatal(err)
	}
	// 2: a formula as the name, unknown quantity and expiry.
	if _, err := st.AddEntry(ctx, map[string]string{"name": formula, "unit": "+1 box"}); err != nil {
		t.Fatal(err)
	}
	// 3: from a photo, as the analyser writes it: model/barcode sources, a review note, a note
	// that starts with a tab (not trimmed on this path).
	pic := filepath.Join(t.TempDir(), "Ампула «1», photo.png")
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pic, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := st.AddPhoto(ctx, pic, nil)
	if err != nil {
		t.Fatal(err)
	}
	q := int64(0)
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.InsertEntryTx(ctx, tx, store.NewEntry{PhotoID: res.Photo.ID, Values: store.Values{Name: "Amoxicilline", GTIN: "03400930000120",
		Lot: "AB12", Expiry: "2026-12-31", Quantity: &q, Notes: "\t=HYPERLINK(\"http://x\")"},
		Sources:    map[string]string{"name": store.SourceModel, "lot": store.SourceBarcode, "gtin": store.SourceBarcode},
		ReviewNote: "the barcode says lot AB12, the photo \"AB1Z\""}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	entries, err := st.ListEntries(ctx, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 {
		t.Fatalf("%d entries, want 3", len(entries))
	}
	return entries
}

func byName(t *testing.T, entries []store.Entry, name string) store.Entry {
	t.Helper()
	for _, e := range entries {
		if e.Name == name {
			return e
		}
	}
	t.Fatalf("no entry %q", name)
	return store.Entry{}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]export.Format{"csv": export.CSV, " XLSX ": export.XLSX, ".json": export.JSON} {
		if got, err := export.ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "xls", "pdf"} {
		_, err := export.ParseFormat(in)
		if err == nil || !strings.Contains(err.Error(), "csv, xlsx or json") {
			t.Errorf("ParseFormat(%q) error = %v, want one listing the choices", in, err)
		}
	}
	if err := export.Write(&bytes.Buffer{}, "pdf", nil); err == nil {
		t.Error("Write with an unknown format succeeded")
	}
}

func TestColumnsMatchJSONKeys(t *testing.T) {
	q := int64(2)
	b, err := json.Marshal(export.Row{ID: 1, Values: store.Values{Name: "x", Quantity: &q}})
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var keys []string
	if _, err := dec.Token(); err != nil { // {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(keys, export.Columns) {
		t.Fatalf("Row JSON keys %v\nColumns %v", keys, export.Columns)
	}
}

func TestRows(t *testing.T) {
	entries := fixture(t)
	rows := export.Rows(entries)
	var photo export.Row
	for _, r := range rows {
		if r.Name == "Amoxicilline" {
			photo = r
		}
	}
	if photo.Sources != "gtin=barcode; lot=barcode; name=model" {
		t.Errorf("sources = %q", photo.Sources)
	}
	if photo.Photo != "Ампула «1», photo.png" || photo.Status != store.StatusNeedsReview || photo.Quantity == nil || *photo.Quantity != 0 {
		t.Errorf("photo row = %+v", photo)
	}
	want := clock.Local().Truncate(time.Second).Format(time.RFC3339)
	if photo.CreatedAt != want || photo.UpdatedAt != want {
		t.Errorf("created/updated = %q/%q, want %q", photo.CreatedAt, photo.UpdatedAt, want)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	entries := fixture(t)
	var buf bytes.Buffer
	if err := export.Write(&buf, export.CSV, entries); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	if !bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no UTF-8 BOM: % x", raw[:min(8, len(raw))])
	}
	if !bytes.HasSuffix(raw, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Error("line ends are not all CRLF")
	}
	recs, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || !reflect.DeepEqual(recs[0], export.Columns) {
		t.Fatalf("%d records, header %v", len(recs), recs[0])
	}
	col := map[string]int{}
	for i, c := range recs[0] {
		col[c] = i
	}
	got := map[string][]string{} // by name as exported
	for _, r := range recs[1:] {
		got[r[col["name"]]] = r
	}
	e1 := byName(t, entries, tricky)
	r1 := got[tricky]
	if r1 == nil {
		t.Fatalf("no row named %q in %v", tricky, got)
	}
	for c, want := range map[string]string{"id": strconv.FormatInt(e1.ID, 10), "dosage_form": comma, "notes": multi,
		"lot": "'-L42", "location": "'@shelf 2", "expiry": "2027-03-31", "quantity": "12",
		"manufacturer": "Laboratoires Genève, S.A.", "status": "needs_review"} {
		if r1[col[c]] != want {
			t.Errorf("%s = %q, want %q", c, r1[col[c]], want)
		}
	}
	if !strings.Contains(r1[col["sources"]], "manufacturer=user") {
		t.Errorf("sources = %q", r1[col["sources"]])
	}
	if ts, err := time.Parse(time.RFC3339, r1[col["updated_at"]]); err != nil || !ts.Equal(clock.Truncate(time.Second)) {
		t.Errorf("updated_at = %q (%v)", r1[col["updated_at"]], err)
	}
	r2 := got["'"+formula]
	if r2 == nil {
		t.Fatalf("formula name not defused: rows %v", got)
	}
	if r2[col["quantity"]] != "" || r2[col["expiry"]] != "" || r2[col["unit"]] != "'+1 box" {
		t.Errorf("formula row = %q", r2)
	}
	r3 := got["Amoxicilline"]
	if r3[col["notes"]] != "'\t=HYPERLINK(\"http://x\")" || r3[col["quantity"]] != "0" || r3[col["photo"]] != "Ампула «1», photo.png" {
		t.Errorf("photo row = %q", r3)
	}
}

func TestXLSXRoundTrip(t *testing.T) {
	entries := fixture(t)
	var buf bytes.Buffer
	if err := export.Write(&buf, export.XLSX, entries); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sh := export.SheetName
	rows, err := f.GetRows(sh)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || !reflect.DeepEqual(rows[0], export.Columns) {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	col := map[string]int{}
	for i, c := range export.Columns {
		col[c] = i + 1
	}
	cellName := func(c string, row int) string {
		n, err := excelize.CoordinatesToCellName(col[c], row)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Header: bold and frozen.
	st, err := f.GetCellStyle(sh, "A1")
	if err != nil {
		t.Fatal(err)
	}
	if s, err := f.GetStyle(st); err != nil || s.Font == nil || !s.Font.Bold {
		t.Errorf("header style %+v, %v: not bold", s, err)
	}
	panes, err := f.GetPanes(sh)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, %v: header row not frozen", panes, err)
	}
	rowOf := map[string]int{}
	for i := 2; i <= 4; i++ {
		v, err := f.GetCellValue(sh, cellName("name", i))
		if err != nil {
			t.Fatal(err)
		}
		rowOf[v] = i
	}
	r1, r2, r3 := rowOf[tricky], rowOf[formula], rowOf["Amoxicilline"]
	if r1 == 0 || r2 == 0 || r3 == 0 {
		t.Fatalf("names read back: %v", rowOf)
	}
	get := func(c string, row int, raw bool) string {
		t.Helper()
		var opts []excelize.Options
		if raw {
			opts = append(opts, excelize.Options{RawCellValue: true})
		}
		v, err := f.GetCellValue(sh, cellName(c, row), opts...)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for c, want := range map[string]string{"dosage_form": comma, "notes": multi, "lot": "-L42", "location": "@shelf 2",
		"expiry": "2027-03-31", "quantity": "12", "manufacturer": "Laboratoires Genève, S.A."} {
		if got := get(c, r1, false); got != want {
			t.Errorf("%s = %q, want %q", c, got, want)
		}
	}
	// Expiry: a real date (a serial number with a date format), not text.
	if typ, err := f.GetCellType(sh, cellName("expiry", r1)); err != nil || typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("expiry cell type = %v, %v: want a number", typ, err)
	}
	if raw := get("expiry", r1, true); raw != "46477" { // 2027-03-31 in Excel's 1900 date system
		t.Errorf("expiry raw value = %q, want the date serial 46477", raw)
	}
	st, err = f.GetCellStyle(sh, cellName("expiry", r1))
	if err != nil {
		t.Fatal(err)
	}
	if s, err := f.GetStyle(st); err != nil || s.CustomNumFmt == nil || *s.CustomNumFmt != export.DateFormat {
		t.Errorf("expiry number format %+v, %v", s, err)
	}
	wall := clock.Local()
	wantSerial := float64(time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, time.UTC).
		Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC))) / float64(24*time.Hour)
	if raw, err := strconv.ParseFloat(get("created_at", r3, true), 64); err != nil || raw-wantSerial > 1e-6 || wantSerial-raw > 1e-6 {
		t.Errorf("created_at raw = %v (%v), want serial %v", raw, err, wantSerial)
	}
	if got, want := get("created_at", r3, false), wall.Format("2006-01-02 15:04:05"); got != want {
		t.Errorf("created_at shown as %q, want %q", got, want)
	}
	if typ, _ := f.GetCellType(sh, cellName("quantity", r1)); typ == excelize.CellTypeInlineString {
		t.Error("quantity is text, want a number")
	}
	// Unknown quantity/expiry: empty cells. A formula-looking name: a string cell, no formula.
	if get("quantity", r2, true) != "" || get("expiry", r2, true) != "" {
		t.Errorf("row 2 quantity/expiry = %q/%q, want empty", get("quantity", r2, true), get("expiry", r2, true))
	}
	for _, c := range []string{"name", "unit"} {
		fx, err := f.GetCellFormula(sh, cellName(c, r2))
		if err != nil || fx != "" {
			t.Errorf("%s has formula %q (%v)", c, fx, err)
		}
		if typ, _ := f.GetCellType(sh, cellName(c, r2)); typ != excelize.CellTypeInlineString {
			t.Errorf("%s cell type %v, want a string", c, typ)
		}
	}
	if get("unit", r2, false) != "+1 box" || get("notes", r3, false) != "\t=HYPERLINK(\"http://x\")" {
		t.Errorf("text changed: %q, %q", get("unit", r2, false), get("notes", r3, false))
	}
	if typ, _ := f.GetCellType(sh, cellName("gtin", r3)); typ != excelize.CellTypeInlineString || get("gtin", r3, true) != "03400930000120" {
		t.Errorf("gtin = %q (type %v), want the text 03400930000120 with its leading zero", get("gtin", r3, true), typ)
	}
	if get("photo", r3, false) != "Ампула «1», photo.png" || get("quantity", r3, true) != "0" {
		t.Errorf("photo row: %q, %q", get("photo", r3, false), get("quantity", r3, true))
	}
}

func TestJSONRoundTrip(t *testing.T) {
	entries := fixture(t)
	var buf bytes.Buffer
	if err := export.Write(&buf, export.JSON, entries); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	var rows []map[string]any
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d objects", len(rows))
	}
	byN := map[string]map[string]any{}
	for _, r := range rows {
		if len(r) != len(export.Columns) {
			t.Errorf("object has %d keys, want %d", len(r), len(export.Columns))
		}
		byN[r["name"].(string)] = r
	}
	if r := byN[formula]; r == nil || r["quantity"] != nil || r["expiry"] != "" || r["unit"] != "+1 box" {
		t.Errorf("formula row = %v", r)
	}
	if r := byN[tricky]; r == nil || r["notes"] != multi || r["dosage_form"] != comma || r["quantity"] != 12.0 || r["expiry"] != "2027-03-31" {
		t.Errorf("tricky row = %v", r)
	}
	// Stable key order: each object's keys appear in Columns order in the raw bytes.
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		t.Fatalf("not an array: %v %v", tok, err)
	}
	for dec.More() {
		var obj json.RawMessage
		if err := dec.Decode(&obj); err != nil {
			t.Fatal(err)
		}
		od := json.NewDecoder(bytes.NewReader(obj))
		od.Token() // {
		var keys []string
		for od.More() {
			k, _ := od.Token()
			keys = append(keys, k.(string))
			var v json.RawMessage
			if err := od.Decode(&v); err != nil {
				t.Fatal(err)
			}
		}
		if !reflect.DeepEqual(keys, export.Columns) {
			t.Fatalf("keys %v, want %v", keys, export.Columns)
		}
	}
	if !bytes.Contains(raw, []byte(`"quantity": null`)) || !bytes.Contains(raw, []byte("日本")) {
		t.Error("want null for unknown quantity and unescaped non-ASCII text")
	}
}

func TestEmptyInventory(t *testing.T) {
	for _, f := range export.Formats {
		var buf bytes.Buffer
		if err := export.Write(&buf, f, nil); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		switch f {
		case export.JSON:
			if strings.TrimSpace(buf.String()) != "[]" {
				t.Errorf("json = %q, want []", buf.String())
			}
		case export.CSV:
			if buf.String() != export.BOM+strings.Join(export.Columns, ",")+"\r\n" {
				t.Errorf("csv = %q", buf.String())
			}
		case export.XLSX:
			x, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := x.GetRows(export.SheetName)
			if len(rows) != 1 {
				t.Errorf("xlsx rows = %v", rows)
			}
			x.Close()
		}
	}
}

func TestInvalidUTF8Replaced(t *testing.T) {
	rows := export.Rows([]store.Entry{{ID: 1, Values: store.Values{Name: "bad \xff byte"}}})
	if rows[0].Name != "bad \uFFFD byte" {
		t.Errorf("name = %q", rows[0].Name)
	}
}
