package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"medinventory/store"
	"medinventory/store/export"
	"medinventory/store/stock"
)

var kasama = export.Clinic{Name: "Kasama Rural Health Centre", Code: "KS-014", District: "Kasama", PreparedBy: "M. Banda"}

// pdfText writes t as a PDF and reads its text back with pdftotext, one string per page.
func pdfPages(t *testing.T, tb export.Table) []string {
	t.Helper()
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed; scripts/deps.sh test installs it")
	}
	var b bytes.Buffer
	if err := export.WriteTable(&b, export.PDF, tb); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	pages := strings.Split(string(out), "\f")
	return pages[:len(pages)-1] // the text ends with a form feed
}

// gtinFixture is stock of products with 14-digit GTINs on two shelves.
func gtinFixture(t *testing.T, n int) []stock.ProductStock {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir(), store.Options{Now: func() time.Time { return today }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	gtins := []string{"09506000134352", "05012345678900", "06291041500213", "04006381333931"}
	for i := 0; i < n; i++ {
		shelf := "Shelf A"
		if i%2 == 1 {
			shelf = "Shelf B"
		}
		e, err := st.AddEntry(ctx, map[string]string{"name": "Medicine with a rather long name number " + strconv.Itoa(i),
			"gtin": gtins[i%len(gtins)], "strength": "500 mg", "dosage_form": "film-coated tablet",
			"lot": "LOT" + strconv.Itoa(1000+i), "expiry": "2027-06-30", "quantity": strconv.Itoa(10 + i), "location": shelf})
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
	return ps
}

// A report fit to send (issue 24 item 3): the clinic and the period on every page, human headers,
// a total row, the signature lines at the end, "Page N of M", and no number broken across lines.
func TestPDFReportIsFitToSend(t *testing.T) {
	ps, _, _ := stockFixture(t, 30) // 90 lots: more than one page
	tb := export.LotsTable(ps, today, 0)
	tb.Clinic = kasama
	pages := pdfPages(t, tb)
	if len(pages) < 2 {
		t.Fatalf("%d pages; want 2 or more", len(pages))
	}
	for i, p := range pages {
		for _, want := range []string{"Kasama Rural Health Centre · facility KS-014 · Kasama district", "Period: On 2026-11-29",
			"Waiting for review", "Page " + strconv.Itoa(i+1) + " of " + strconv.Itoa(len(pages))} {
			if !strings.Contains(p, want) {
				t.Fatalf("page %d lacks %q:\n%s", i+1, want, p)
			}
		}
		if strings.Contains(p, "waiting_for_review") || strings.Contains(p, "waiting for\n") {
			t.Fatalf("page %d has a machine header:\n%s", i+1, p)
		}
	}
	last := pages[len(pages)-1]
	// 30 products × (20 + 17) usable or expired, 20 waiting each.
	if !regexp.MustCompile(`Total \(90 rows\)\s+1,110\s+600\s+pack`).MatchString(last) {
		t.Fatalf("the last page lacks the total row (1,110 on hand, 600 waiting):\n%s", last)
	}
	if !regexp.MustCompile(`Prepared by\s+M\. Banda\s+Signature\s+Date`).MatchString(last) || !regexp.MustCompile(`Checked by\s+Signature\s+Date`).MatchString(last) {
		t.Fatalf("the last page lacks the signature lines:\n%s", last)
	}

	// With no clinic set, the page has a line to write it on.
	tb.Clinic = export.Clinic{}
	if p := pdfPages(t, tb)[0]; !strings.Contains(p, "Clinic: ……") {
		t.Fatalf("no clinic line to write on:\n%s", p)
	}
}

// A GTIN's last digit once wrapped onto a second line: columns are sized by their content.
func TestPDFNeverBreaksANumber(t *testing.T) {
	ps := gtinFixture(t, 8)
	tb := export.StockTable(ps, today, 0)
	text := strings.Join(pdfPages(t, tb), "\n")
	for _, g := range []string{"09506000134352", "05012345678900", "06291041500213", "04006381333931", "2027-06-30"} {
		if !strings.Contains(text, g) {
			t.Fatalf("%s is not whole on one line:\n%s", g, text)
		}
	}
}

// The count sheet lists a shelf's lots with stock, what the books expect, and blank columns
// to write in; the CSV keeps the lot's line number for a program reading it back.
func TestCountSheet(t *testing.T) {
	ps := gtinFixture(t, 6)
	tb := export.CountSheetTable(ps, "shelf b", today)
	if tb.Len() != 3 || tb.Title != "Count sheet: shelf b" {
		t.Fatalf("count sheet of shelf B: %d rows, title %q; want 3", tb.Len(), tb.Title)
	}
	var b bytes.Buffer
	if err := export.WriteTable(&b, export.CSV, tb); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), export.BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "shelf,product,strength,lot,expiry,expected_on_hand,unit,counted,remarks,line,pack_size,expected_packs" ||
		recs[1][0] != "Shelf B" || recs[1][3] != "LOT1003" || recs[1][5] != "13" || recs[1][7] != "" || recs[1][9] == "" {
		t.Fatalf("count sheet CSV = %q", recs)
	}
	p := pdfPages(t, tb)[0]
	if !strings.Contains(p, "Counted") || !strings.Contains(p, "Expected on hand") || !strings.Contains(p, "LOT1001") || strings.Contains(p, "LOT1000") {
		t.Fatalf("count sheet PDF:\n%s", p)
	}
	if all := export.CountSheetTable(ps, export.CountSheetAllShelves, today); all.Len() != 6 {
		t.Fatalf("every shelf: %d rows; want 6", all.Len())
	}
}

// The XLSX prints the clinic, the title and the period in its page header.
func TestXLSXPageHeaderNamesTheClinic(t *testing.T) {
	ps := gtinFixture(t, 2)
	tb := export.StockTable(ps, today, 0)
	tb.Clinic = kasama
	var b bytes.Buffer
	if err := export.WriteTable(&b, export.XLSX, tb); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hf, err := f.GetHeaderFooter(tb.Sheet)
	if err != nil || hf == nil {
		t.Fatalf("no page header: %v", err)
	}
	if !strings.Contains(hf.OddHeader, "Kasama Rural Health Centre") || !strings.Contains(hf.OddHeader, "On 2026-11-29") ||
		!strings.Contains(hf.OddFooter, "Page &P of &N") {
		t.Fatalf("page header %q footer %q", hf.OddHeader, hf.OddFooter)
	}
	rows, _ := f.GetRows(tb.Sheet)
	if rows[0][4] != "GTIN" || rows[0][6] != "Usable on hand" {
		t.Fatalf("headers %q", rows[0])
	}
}

// A count that differs keeps its reason, and the movements report shows it (issue 24 item 4).
func TestMovementsReportShowsACountsReason(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir(), store.Options{Now: func() time.Time { return today }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e, err := st.AddEntry(ctx, map[string]string{"name": "Amoxicillin", "lot": "A1", "expiry": "2027-06-30", "quantity": "10"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ConfirmEntry(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	ps, err := st.StockOnHand(ctx, store.ProductFilter{})
	if err != nil || len(ps) != 1 || len(ps[0].Lines) != 1 {
		t.Fatalf("stock %v, %v", ps, err)
	}
	if _, err := st.Count(ctx, []stock.CountInput{{LineID: ps[0].Lines[0].ID, Counted: 7, Reason: stock.Damaged}}, "monthly count"); err != nil {
		t.Fatal(err)
	}
	ms, err := st.MovementsBetween(ctx, today.Add(-time.Hour), today.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := export.WriteTable(&b, export.CSV, export.MovementsTable(ms, today.Add(-time.Hour), today.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), export.BOM))).ReadAll()
	if err != nil || len(recs) != 3 {
		t.Fatalf("movements CSV: %v\n%s", err, b.String())
	}
	row := map[string]string{}
	for i, c := range recs[0] {
		row[c] = recs[2][i]
	}
	if row["reason"] != "damaged" || row["quantity"] != "-3" || row["counted"] != "7" {
		t.Fatalf("the count's row = %v", row)
	}
}
