package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"medinventory/assets/i18n"
)

// Table is a report ready to write: a title for people, a header and rows of typed cells. The
// stock reports (StockTable, LotsTable, ExpiryTable, MovementsTable) are Tables; so is the
// entries export, internally. WriteTable writes one as CSV, XLSX, JSON or PDF with the
// conventions of the package doc.
//
// For people (PDF and XLSX) a Table is a report fit to send: the clinic (Clinic) and the period
// (Period) at the top of every page, human column headers (Headers, else headerWords of each
// column), a total row for the Totals columns, "Prepared by / Checked by" lines at the end, and
// "Page N of M". CSV and JSON carry the rows alone, under the machine keys (Columns).
type Table struct {
	Title    string    // e.g. "Stock on hand by product"
	Subtitle string    // e.g. "Expiring within 90 days of 2026-11-29"
	Sheet    string    // XLSX sheet name (at most 31 characters)
	Columns  []string  // snake_case: the CSV header and the JSON keys
	Widths   []float64 // column widths in characters (XLSX; the PDF sizes columns by their content)
	// NoPrint names columns left out of the PDF (ids for programs, not for people on paper).
	NoPrint []string

	// Clinic is who the report is from; the zero value prints blank lines to write it on.
	Clinic Clinic
	// Period is what the report covers, in words: "On 2026-11-29", "From 2026-11-01 to
	// 2026-11-30, both days included", "November 2026".
	Period string
	// Headers are human column headers by column (PDF and XLSX); a column without one gets
	// headerWords(column): "usable_on_hand" → "Usable on hand".
	Headers map[string]string
	// Totals names the whole-number columns summed on a total row (PDF and XLSX).
	Totals []string
	// Blank names columns left empty to write in by hand (the count sheet's "counted"): the PDF
	// prints them wide, with rows tall enough for a pen.
	Blank []string

	rows [][]cell
}

// Clinic is who a report is from, as the district knows it.
type Clinic struct {
	Name       string // e.g. "Kasama Rural Health Centre"
	Code       string // the facility code the district gives
	District   string
	PreparedBy string // who prepares reports: printed on the "Prepared by" line
}

// Words is the clinic in one line, in the language in use: "Kasama Rural Health Centre · facility
// KS-014 · Kasama district"; "" when nothing is known.
func (c Clinic) Words() string {
	var w []string
	if s := strings.TrimSpace(c.Name); s != "" {
		w = append(w, s)
	}
	if s := strings.TrimSpace(c.Code); s != "" {
		w = append(w, i18n.T("facility %s", s))
	}
	if s := strings.TrimSpace(c.District); s != "" {
		if l := strings.ToLower(s); !strings.Contains(l, "district") && !strings.Contains(l, "distrito") {
			s = i18n.T("%s district", s)
		}
		w = append(w, s)
	}
	return clean(strings.Join(w, " · "))
}

// Len is the number of rows.
func (t Table) Len() int { return len(t.rows) }

// headerNames are the reports' columns in words for people (translated where printed).
var headerNames = map[string]string{
	"product": i18n.Mark("Product"), "generic_name": i18n.Mark("Generic name"), "strength": i18n.Mark("Strength"),
	"dosage_form": i18n.Mark("Dosage form"), "gtin": i18n.Mark("GTIN"), "unit": i18n.Mark("Unit"),
	"usable_on_hand": i18n.Mark("Usable on hand"), "expired_on_hand": i18n.Mark("Expired on hand"),
	"waiting_for_review": i18n.Mark("Waiting for review"), "nearest_expiry": i18n.Mark("Nearest expiry"),
	"reorder_level": i18n.Mark("Reorder level"), "lots": i18n.Mark("Lots"), "warnings": i18n.Mark("Warnings"),
	"lot": i18n.Mark("Lot"), "expiry": i18n.Mark("Expiry"), "location": i18n.Mark("Location"), "on_hand": i18n.Mark("On hand"),
	"days_left": i18n.Mark("Days left"), "status": i18n.Mark("Status"), "at": i18n.Mark("Date and time"),
	"serial": i18n.Mark("Serial"), "movement": i18n.Mark("Movement"), "reason": i18n.Mark("Reason"),
	"quantity": i18n.Mark("Quantity"), "counted": i18n.Mark("Counted"), "note": i18n.Mark("Note"),
	"device": i18n.Mark("Device"), "shelf": i18n.Mark("Shelf"), "expected_on_hand": i18n.Mark("Expected on hand"),
	"line": i18n.Mark("Line"),
}

// headerWords is a column's name for people, in the language in use: "usable_on_hand" → "Usable
// on hand", "gtin" → "GTIN"; a column not in headerNames gets its name with spaces.
func headerWords(col string) string {
	if w, ok := headerNames[col]; ok {
		return i18n.T(w)
	}
	if col == "id" { // the same in every language ("ID" is a reserved word of go-i18n's files)
		return "ID"
	}
	w := strings.ReplaceAll(col, "_", " ")
	if w == "" {
		return w
	}
	return strings.ToUpper(w[:1]) + w[1:]
}

// header is column i's header for people.
func (t Table) header(i int) string {
	if h, ok := t.Headers[t.Columns[i]]; ok && h != "" {
		return h
	}
	return headerWords(t.Columns[i])
}

func inList(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// totalTexts is the total row as text for people, or nil when there is none: "Total (N rows)"
// first, the sums (with the reader's thousands separator), and in the "unit" column the rows' one unit or "mixed units" (a sum over products
// counted in different units is a count of things, not of one unit).
func (t Table) totalTexts() []string {
	sums := t.totals()
	if sums == nil {
		return nil
	}
	out := make([]string, len(t.Columns))
	for j, v := range sums {
		if v != nil {
			out[j] = i18n.Int(*v)
		}
		if t.Columns[j] == "unit" {
			units := map[string]bool{}
			for _, r := range t.rows {
				if j < len(r) {
					units[r[j].human()] = true
				}
			}
			if len(units) > 1 {
				out[j] = i18n.T("mixed units")
			} else {
				for u := range units {
					out[j] = u
				}
			}
		}
	}
	out[0] = i18n.N(len(t.rows), "Total (%d row)", "Total (%d rows)")
	return out
}

// totals sums the Totals columns over the rows: one value per column, nil for a column not summed.
func (t Table) totals() []*int64 {
	if len(t.Totals) == 0 || len(t.rows) == 0 {
		return nil
	}
	out := make([]*int64, len(t.Columns))
	some := false
	for j, c := range t.Columns {
		if !inList(t.Totals, c) {
			continue
		}
		var sum int64
		for _, r := range t.rows {
			if j < len(r) && r[j].num != nil {
				sum += *r[j].num
			}
		}
		out[j], some = &sum, true
	}
	if !some {
		return nil
	}
	return out
}

func entryTable(rows []Row) Table {
	t := Table{Title: "Inventory", Sheet: SheetName, Columns: Columns, Widths: widths}
	t.rows = make([][]cell, len(rows))
	for i := range rows {
		t.rows[i] = rows[i].cells()
	}
	return t
}

// The cells reports are made of.
func textCell(s string) cell { return cell{text: clean(s), isText: true} }

// sayCell is text whose words differ for people: en for CSV and JSON (stable English words that
// programs read), say for PDF and XLSX (the language in use).
func sayCell(en, say string) cell { return cell{text: clean(en), say: clean(say), isText: true} }

// decCell is a decimal figure (AMC, months of stock): written as stock.Decimal does in CSV and
// JSON (one decimal, "38.8"), in the reader's convention in the PDF ("38,8"), a number in XLSX.
func decCell(x float64, text string) cell {
	r := math.Round(x*10) / 10
	return cell{text: text, say: i18n.Decimal(x, 1), isText: true, dec: &r}
}

func numCell(n int64) cell { return cell{num: &n} }

// dateCell is a calendar day YYYY-MM-DD (a date cell in XLSX), or an empty text cell.
func dateCell(day string) cell {
	if d, err := time.Parse(time.DateOnly, day); err == nil {
		return cell{text: day, date: d}
	}
	return textCell(day)
}

func instantCell(t time.Time) cell {
	t = t.Local().Truncate(time.Second)
	return cell{text: t.Format(time.RFC3339), instant: t}
}

func (t *Table) add(cells ...cell) { t.rows = append(t.rows, cells) }

// ReportFormats are the formats WriteTable knows, in the order they are offered.
var ReportFormats = []Format{CSV, XLSX, JSON, PDF}

// PDF is a printable report (WriteTable only; the entries export has no PDF form).
const PDF Format = "pdf"

// ParseReportFormat reads a report format name as a user types it ("pdf", ".XLSX"…).
func ParseReportFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), ".")))
	for _, k := range ReportFormats {
		if f == k {
			return k, nil
		}
	}
	return "", errors.New(i18n.T("%q is not a report format this app knows: choose csv, xlsx, json or pdf", s))
}

// WriteTable writes a report in format f (see ReportFormats).
func WriteTable(w io.Writer, f Format, t Table) error {
	var err error
	switch f {
	case CSV:
		err = writeCSVTable(w, t)
	case XLSX:
		err = writeXLSXTable(w, t, true)
	case JSON:
		err = writeJSONTable(w, t)
	case PDF:
		err = writePDF(w, t, time.Now())
	default:
		_, err = ParseReportFormat(string(f))
		return err
	}
	if err != nil {
		return fmt.Errorf("%s: %w", i18n.T("write the report as %s", strings.ToUpper(string(f))), err)
	}
	return nil
}

// writeJSONTable writes an array of objects whose keys are the columns, in order: text as
// strings, whole numbers as numbers, an empty number as null.
func writeJSONTable(w io.Writer, t Table) error {
	var b bytes.Buffer
	b.WriteString("[")
	for i, r := range t.rows {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  {")
		for j, c := range r {
			if j > 0 {
				b.WriteString(",")
			}
			k, _ := json.Marshal(t.Columns[j])
			fmt.Fprintf(&b, "\n    %s: ", k)
			switch {
			case c.num != nil:
				fmt.Fprintf(&b, "%d", *c.num)
			case c.isText || c.text != "":
				enc := json.NewEncoder(&b)
				enc.SetEscapeHTML(false)
				if err := enc.Encode(c.text); err != nil {
					return err
				}
				b.Truncate(b.Len() - 1) // Encode's newline
			default:
				b.WriteString("null")
			}
		}
		b.WriteString("\n  }")
	}
	if len(t.rows) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	_, err := w.Write(b.Bytes())
	return err
}
