package export

import (
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"medinventory/assets/i18n"
)

// SheetName is the XLSX export's one sheet.
const SheetName = "Inventory"

// Number formats of the XLSX export.
const (
	DateFormat     = "yyyy-mm-dd"
	DateTimeFormat = "yyyy-mm-dd hh:mm:ss"
)

// column widths, in characters, by column (Columns order).
var widths = []float64{6, 28, 22, 12, 14, 20, 16, 14, 12, 9, 10, 14, 30, 13, 30, 30, 24, 20, 20}

func writeXLSX(w io.Writer, rows []Row) error { return writeXLSXTable(w, entryTable(rows), false) }

// writeXLSXTable writes t as one sheet. A report (WriteTable) is for people: human headers, a total
// row, the signature lines, and the clinic and period in the printed page header; the entries
// export (report false) keeps its machine header and its rows alone.
func writeXLSXTable(w io.Writer, t Table, report bool) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if err := f.SetSheetName("Sheet1", t.Sheet); err != nil {
		return err
	}
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	// A report's human headers ("Waiting for review") wrap within their column.
	wrapped, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	dateFmt, dateTimeFmt := DateFormat, DateTimeFormat
	if report && i18n.DayFirst() {
		// A report is for people: their day-first dates. The entries export keeps ISO.
		dateFmt, dateTimeFmt = "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
	}
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	dateTime, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateTimeFmt})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": the cell stays text when edited
	if err != nil {
		return err
	}
	if report { // the clinic and the period on every printed page, with the page number
		head := func(s string) string { return strings.ReplaceAll(clean(s), "&", "&&") }
		hf := &excelize.HeaderFooterOptions{
			OddHeader: "&L" + head(t.Clinic.Words()) + "&C&B" + head(t.Title) + "&R" + head(t.Period),
			OddFooter: "&LMedicine Inventory&C" + i18n.T("Page &P of &N"),
		}
		if err := f.SetHeaderFooter(t.Sheet, hf); err != nil {
			return err
		}
		if err := f.SetPageLayout(t.Sheet, &excelize.PageLayoutOptions{Orientation: ptr("landscape")}); err != nil {
			return err
		}
	}
	sw, err := f.NewStreamWriter(t.Sheet)
	if err != nil {
		return err
	}
	for i, wd := range t.Widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	vals := make([]any, len(t.Columns))
	for i := range t.Columns {
		vals[i] = excelize.Cell{StyleID: header, Value: t.Columns[i]} // the entries export: machine names
		if report {
			vals[i] = excelize.Cell{StyleID: wrapped, Value: t.header(i)}
		}
	}
	if err := sw.SetRow("A1", vals); err != nil {
		return err
	}
	for i := range t.rows {
		for j, c := range t.rows[i] {
			switch {
			case c.num != nil:
				vals[j] = *c.num
			case c.dec != nil && report:
				vals[j] = *c.dec
			case !c.date.IsZero():
				vals[j] = excelize.Cell{StyleID: date, Value: c.date}
			case !c.instant.IsZero():
				vals[j] = excelize.Cell{StyleID: dateTime, Value: c.instant}
			case c.isText && c.text != "":
				// A string cell, never a formula, whatever the text starts with; a report's in the
				// reader's words.
				v := c.text
				if report {
					v = c.human()
				}
				vals[j] = excelize.Cell{StyleID: text, Value: v}
			default:
				vals[j] = nil // empty cell
			}
		}
		ref, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(ref, vals); err != nil {
			return err
		}
	}
	if !report {
		if err := sw.Flush(); err != nil {
			return err
		}
		_, err = f.WriteTo(w)
		return err
	}
	next := len(t.rows) + 2
	if tot := t.totalTexts(); tot != nil {
		sums := t.totals()
		row := make([]any, len(t.Columns))
		for j, v := range sums {
			switch {
			case v != nil:
				row[j] = excelize.Cell{StyleID: header, Value: *v}
			case tot[j] != "":
				row[j] = excelize.Cell{StyleID: header, Value: tot[j]}
			}
		}
		if err := setRow(sw, next, row); err != nil {
			return err
		}
		next++
	}
	// The signature lines, after a blank row: written on the printed sheet.
	prepared := i18n.T("Prepared by:") + " " + clean(t.Clinic.PreparedBy)
	sign, day := i18n.T("Signature:"), i18n.T("Date:")
	for i, line := range [][]any{
		{excelize.Cell{StyleID: header, Value: strings.TrimSpace(prepared)}, nil, sign, nil, day},
		{excelize.Cell{StyleID: header, Value: i18n.T("Checked by:")}, nil, sign, nil, day},
	} {
		if err := setRow(sw, next+1+i, line); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

func ptr[T any](v T) *T { return &v }

func setRow(sw *excelize.StreamWriter, row int, vals []any) error {
	ref, err := excelize.CoordinatesToCellName(1, row)
	if err != nil {
		return err
	}
	return sw.SetRow(ref, vals)
}
