package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"medinventory/store"
	"medinventory/store/export"
	"medinventory/store/stock"
)

var today = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

// stockFixture makes a real inventory with stock: lots received, dispensed, one expired, one
// with a formula for a name, and returns the reports' inputs as the store gives them.
func stockFixture(t *testing.T, products int) ([]stock.ProductStock, []stock.LotRow, []stock.MovementRow) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir(), store.Options{Now: func() time.Time { return today }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	names := []string{tricky, formula, "Amoxicillin", "ORS sachets"}
	for i := 0; i < products; i++ {
		name := names[i%len(names)]
		if i >= len(names) {
			name = "Product " + strings.Repeat("x", i%7) + " " + string(rune('A'+i%26)) + "-" + time.Duration(i).String()
		}
		for k, exp := range []string{"2026-10-31", "2027-01-31", "2028-06-30"} {
			e, err := st.AddEntry(ctx, map[string]string{"name": name, "strength": "500 mg", "lot": "L" + string(rune('1'+k)),
				"expiry": exp, "quantity": "20", "location": comma})
			if err != nil {
				t.Fatal(err)
			}
			if k < 2 {
				if _, err := st.ConfirmEntry(ctx, e.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := st.DispenseProduct(ctx, int64(i+1), 3, "ward "+multi); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := st.StockOnHand(ctx, store.ProductFilter{})
	if err != nil {
		t.Fatal(err)
	}
	lots, err := st.ExpiryReport(ctx, today, 90)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := st.MovementsBetween(ctx, today.Add(-time.Hour), today.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return ps, lots, ms
}

func TestStockReportsCSVAndJSON(t *testing.T) {
	ps, lots, ms := stockFixture(t, 4)
	stockT := export.StockTable(ps, today, 0)
	var b bytes.Buffer
	if err := export.WriteTable(&b, export.CSV, stockT); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), export.BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5 || strings.Join(recs[0], ",") != strings.Join(stockT.Columns, ",") {
		t.Fatalf("stock CSV: %d records, header %v", len(recs), recs[0])
	}
	row := map[string]string{}
	for _, r := range recs[1:] {
		if r[0] == "Amoxicillin" {
			for i, c := range recs[0] {
				row[c] = r[i]
			}
		}
		if strings.HasPrefix(r[0], "=") {
			t.Fatalf("a formula reached the CSV unescaped: %q", r[0])
		}
	}
	// 20 expired (not usable) + 20 in the 2027-01-31 lot − 3 dispensed = 17 usable; 20 waiting.
	if row["usable_on_hand"] != "17" || row["expired_on_hand"] != "20" || row["waiting_for_review"] != "20" ||
		row["nearest_expiry"] != "2027-01-31" || row["warnings"] != "expired stock; expires within 90 days" {
		t.Fatalf("Amoxicillin row = %v", row)
	}
	b.Reset()
	if err := export.WriteTable(&b, export.JSON, export.ExpiryTable(lots, today, 90)); err != nil {
		t.Fatal(err)
	}
	var exp []map[string]any
	if err := json.Unmarshal(b.Bytes(), &exp); err != nil {
		t.Fatalf("expiry JSON: %v\n%s", err, b.String())
	}
	if len(exp) != 8 || exp[0]["days_left"] != -29.0 || exp[0]["status"] != "expired 29 days ago: dispose" || exp[4]["days_left"] != 63.0 {
		t.Fatalf("expiry JSON = %v", exp)
	}
	if !strings.HasPrefix(b.String(), "[\n  {\n    \"product\": ") {
		t.Fatalf("JSON keys are not in column order:\n%.80s", b.String())
	}
	b.Reset()
	if err := export.WriteTable(&b, export.JSON, export.MovementsTable(ms, today.Add(-time.Hour), today.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	var mv []map[string]any
	if err := json.Unmarshal(b.Bytes(), &mv); err != nil {
		t.Fatal(err)
	}
	if len(mv) != 12 || mv[0]["movement"] != "received" || mv[0]["counted"] != nil || len(mv[0]["id"].(string)) != 36 {
		t.Fatalf("movements JSON = %v", mv[:2])
	}
	b.Reset()
	if err := export.WriteTable(&b, export.JSON, export.LotsTable(nil, today, 0)); err != nil || b.String() != "[]\n" {
		t.Fatalf("an empty report is %q, %v; want []", b.String(), err)
	}
	if _, err := export.ParseReportFormat("docx"); err == nil {
		t.Fatal("docx accepted")
	}
	if err := export.WriteTable(&b, "docx", stockT); err == nil {
		t.Fatal("WriteTable accepted docx")
	}
}

func TestStockReportXLSX(t *testing.T) {
	ps, _, _ := stockFixture(t, 2)
	var b bytes.Buffer
	if err := export.WriteTable(&b, export.XLSX, export.LotsTable(ps, today, 0)); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Stock by lot")
	if err != nil {
		t.Fatal(err)
	}
	// People read the XLSX: human headers, a total row, then the signature lines.
	if len(rows) != 11 || rows[0][0] != "Product" || rows[0][7] != "Waiting for review" || rows[7][0] != "Total (6 rows)" ||
		rows[7][6] != "74" || rows[7][7] != "40" || rows[7][8] != "pack" || !strings.HasPrefix(rows[9][0], "Prepared by") ||
		rows[10][0] != "Checked by:" {
		t.Fatalf("rows = %q", rows)
	}
	typ, _ := f.GetCellType("Stock by lot", "E2")
	val, _ := f.GetCellValue("Stock by lot", "E2")
	if val != "2026-10-31" || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Fatalf("expiry cell %q of type %v; want a date cell", val, typ)
	}
	// The formula-named product is a text cell, never a formula.
	for i := 2; i <= len(rows); i++ {
		if fm, _ := f.GetCellFormula("Stock by lot", "A"+string(rune('0'+i))); fm != "" {
			t.Fatalf("row %d has a formula %q", i, fm)
		}
	}
}

// The PDF is checked by reading its text back with pdftotext (poppler-utils, in scripts/deps.sh).
func TestStockReportPDF(t *testing.T) {
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed; scripts/deps.sh test installs it")
	}
	ps, _, _ := stockFixture(t, 30) // 90 lots: more than a page
	path := filepath.Join(t.TempDir(), "lots.pdf")
	var b bytes.Buffer
	if err := export.WriteTable(&b, export.PDF, export.LotsTable(ps, today, 0)); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", b.Bytes())
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	text := string(out)
	pages := strings.Split(text, "\f")
	if len(pages) < 3 { // the text ends with a form feed
		t.Fatalf("%d pages; want at least 2 for 90 lots", len(pages)-1)
	}
	for i, p := range pages[:len(pages)-1] {
		if !strings.Contains(p, "Stock on hand by lot") || !strings.Contains(p, "expiry") || !strings.Contains(p, "of "+strconv.Itoa(len(pages)-1)) {
			t.Fatalf("page %d lacks the title, the table header or 'Page N of M':\n%s", i+1, p)
		}
	}
	for _, want := range []string{"Paracétamol 500 mg", "=cmd|' /C calc'!A1", "Amoxicillin", "expired stock", "2028-06-30"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF text lacks %q", want)
		}
	}
	if err := export.WriteTable(&b, export.PDF, export.LotsTable(nil, today, 0)); err != nil {
		t.Fatalf("an empty report: %v", err)
	}
}
