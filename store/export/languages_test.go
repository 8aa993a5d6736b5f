package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"medinventory/assets/fonts"
	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/export"
)

// inFrench runs the rest of the test with the reports in French.
func inFrench(t *testing.T) {
	t.Helper()
	if got := i18n.Set("fr"); got != "fr" {
		t.Fatalf("Set(fr) = %q", got)
	}
	t.Cleanup(func() { i18n.Set("en") })
}

// A French reader's stock report: French title, headers, warnings, total row, signature lines and
// page numbers, days written 29/11/2026 and thousands with a narrow no-break space (which
// pdftotext reads back as a space).
func TestPDFReportInFrench(t *testing.T) {
	inFrench(t)
	ps, _, _ := stockFixture(t, 30) // 90 lots: more than one page
	tb := export.LotsTable(ps, today, 0)
	tb.Clinic = kasama
	pages := pdfPages(t, tb)
	for i, p := range pages {
		for _, want := range []string{"Stock disponible par lot", "établissement KS-014", "district de Kasama",
			"Période : Au 29/11/2026", "En attente de", "Péremption", "Page "} {
			if !strings.Contains(p, want) {
				t.Fatalf("page %d lacks %q:\n%s", i+1, want, p)
			}
		}
		for _, english := range []string{"Stock on hand", "Waiting for review", "Period:", "expired stock"} {
			if strings.Contains(p, english) {
				t.Fatalf("page %d has English %q:\n%s", i+1, english, p)
			}
		}
	}
	last := pages[len(pages)-1]
	if !regexp.MustCompile(`Total \(90 lignes\)\s+1[\x{202f} ]110\s+600\s+pack`).MatchString(last) {
		t.Fatalf("the last page lacks the French total row (1 110 on hand):\n%s", last)
	}
	if !regexp.MustCompile(`Préparé par\s+M\. Banda\s+Signature\s+Date`).MatchString(last) || !strings.Contains(last, "Vérifié par") {
		t.Fatalf("the last page lacks the French signature lines:\n%s", last)
	}
	if !strings.Contains(pages[0], "stock périmé") || !strings.Contains(pages[0], "31/10/2026") || strings.Contains(pages[0], "2026-10-31") {
		t.Fatalf("the first page lacks French warnings or day-first dates:\n%s", pages[0])
	}
}

// XLSX headers and words are French, dates are day-first date cells; the CSV keeps its English
// column keys and words, and ISO days, for the programs that read it.
func TestXLSXInFrenchCSVStaysEnglish(t *testing.T) {
	inFrench(t)
	ps, _, _ := stockFixture(t, 2)
	tb := export.StockTable(ps, today, 0)
	var b bytes.Buffer
	if err := export.WriteTable(&b, export.XLSX, tb); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if tb.Sheet != "Stock par produit" {
		t.Fatalf("sheet %q", tb.Sheet)
	}
	rows, err := f.GetRows(tb.Sheet)
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "Produit" || rows[0][6] != "Stock utilisable" || rows[0][9] != "Péremption la plus proche" || rows[0][12] != "Alertes" {
		t.Fatalf("headers %q", rows[0])
	}
	if !strings.Contains(rows[1][12], "stock périmé") || !strings.HasPrefix(rows[len(rows)-2][0], "Préparé par") {
		t.Fatalf("rows %q", rows)
	}
	if v, _ := f.GetCellValue(tb.Sheet, "J2"); v != "31/01/2027" {
		t.Fatalf("nearest expiry shows %q, want 31/01/2027", v)
	}
	hf, _ := f.GetHeaderFooter(tb.Sheet)
	if hf == nil || !strings.Contains(hf.OddFooter, "Page &P sur &N") || !strings.Contains(hf.OddHeader, "Au 29/11/2026") {
		t.Fatalf("page header/footer %+v", hf)
	}

	b.Reset()
	if err := export.WriteTable(&b, export.CSV, tb); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), export.BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != strings.Join(tb.Columns, ",") || recs[0][0] != "product" {
		t.Fatalf("CSV header %q", recs[0])
	}
	if recs[1][9] != "2027-01-31" || !strings.Contains(recs[1][12], "expired stock") {
		t.Fatalf("CSV row %q: want ISO days and English words", recs[1])
	}
}

// The monthly report's period is the month in words, its decimals day-first convention's "38,8".
func TestMonthlyInFrench(t *testing.T) {
	inFrench(t)
	tb := export.MonthlyTable(nil, today, kasama, 3)
	if tb.Period != "novembre 2026" || tb.Title != "Rapport mensuel et réquisition" || !strings.HasPrefix(tb.Subtitle, "CMM") {
		t.Fatalf("monthly %q %q %q", tb.Period, tb.Title, tb.Subtitle)
	}
}

// Names on packs in Cyrillic, Arabic and Chinese print in the PDF (DejaVu for the first two, a
// system font for Chinese when the computer has one, else "□" with a note), and a character no
// font has never stops the report.
func TestPDFPrintsNonLatinNames(t *testing.T) {
	inFrench(t)
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir(), store.Options{Now: func() time.Time { return today }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const cyrillic, arabic, chinese, khmer = "Парацетамол 500 мг", "باراسيتامول", "板蓝根颗粒 10 g", "ប៉ារ៉ាសេតាម៉ុល"
	for i, name := range []string{cyrillic, arabic, chinese, khmer} {
		e, err := st.AddEntry(ctx, map[string]string{"name": name, "lot": "L" + strconv.Itoa(i), "expiry": "2027-06-30", "quantity": "1200"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ConfirmEntry(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := st.StockOnHand(ctx, store.ProductFilter{})
	if err != nil {
		t.Fatal(err)
	}
	tb := export.StockTable(ps, today, 0)
	tb.Clinic = export.Clinic{Name: "Центр здоровья", PreparedBy: "Ольга"}
	p := strings.Join(pdfPages(t, tb), "\n")
	for _, want := range []string{cyrillic, "Центр здоровья", "Ольга", "1[\u202f ]200"} {
		if !regexp.MustCompile(want).MatchString(p) {
			t.Errorf("the PDF lacks %q:\n%s", want, p)
		}
	}
	// fpdf writes Arabic left to right, unjoined: pdftotext may give it back in either order.
	rev := []rune(arabic)
	slices.Reverse(rev)
	if !strings.Contains(p, arabic) && !strings.Contains(p, string(rev)) {
		t.Errorf("the PDF lacks the Arabic name %q:\n%s", arabic, p)
	}
	if fonts.System('板') != nil {
		if !strings.Contains(p, "板蓝根颗粒") || !strings.Contains(p, "10 g") {
			t.Errorf("a system font has Chinese, but the PDF lacks %q:\n%s", chinese, p)
		}
	} else if !strings.Contains(p, "□□□□□ 10 g") {
		t.Errorf("without a Chinese font the name should print as boxes:\n%s", p)
	}
	if fonts.System('ប') == nil && !strings.Contains(p, "aucune police") {
		t.Errorf("a name no font can print, but no note says so:\n%s", p)
	}
}
