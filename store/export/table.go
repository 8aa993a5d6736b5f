package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Table is a report ready to write: a title for people, a header and rows of typed cells. The
// stock reports (StockTable, LotsTable, ExpiryTable, MovementsTable) are Tables; so is the
// entries export, internally. WriteTable writes one as CSV, XLSX, JSON or PDF with the
// conventions of the package doc.
type Table struct {
	Title    string    // e.g. "Stock on hand by product"
	Subtitle string    // e.g. "Expiring within 90 days of 2026-11-29"
	Sheet    string    // XLSX sheet name (at most 31 characters)
	Columns  []string  // header, snake_case: the CSV/XLSX header and the JSON keys
	Widths   []float64 // column widths in characters (XLSX; relative widths in the PDF)
	// NoPrint names columns left out of the PDF (ids for programs, not for people on paper).
	NoPrint []string
	rows    [][]cell
}

// Len is the number of rows.
func (t Table) Len() int { return len(t.rows) }

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
	return "", fmt.Errorf("%q is not a report format this app knows: choose csv, xlsx, json or pdf", s)
}

// WriteTable writes a report in format f (see ReportFormats).
func WriteTable(w io.Writer, f Format, t Table) error {
	var err error
	switch f {
	case CSV:
		err = writeCSVTable(w, t)
	case XLSX:
		err = writeXLSXTable(w, t)
	case JSON:
		err = writeJSONTable(w, t)
	case PDF:
		err = writePDF(w, t, time.Now())
	default:
		_, err = ParseReportFormat(string(f))
		return err
	}
	if err != nil {
		return fmt.Errorf("write the report as %s: %w", strings.ToUpper(string(f)), err)
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
