package export

import (
	"io"

	"github.com/xuri/excelize/v2"
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

func writeXLSX(w io.Writer, rows []Row) error { return writeXLSXTable(w, entryTable(rows)) }

func writeXLSXTable(w io.Writer, t Table) (err error) {
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
	dateFmt, dateTimeFmt := DateFormat, DateTimeFormat
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
	for i, c := range t.Columns {
		vals[i] = excelize.Cell{StyleID: header, Value: c}
	}
	if err := sw.SetRow("A1", vals); err != nil {
		return err
	}
	for i := range t.rows {
		for j, c := range t.rows[i] {
			switch {
			case c.num != nil:
				vals[j] = *c.num
			case !c.date.IsZero():
				vals[j] = excelize.Cell{StyleID: date, Value: c.date}
			case !c.instant.IsZero():
				vals[j] = excelize.Cell{StyleID: dateTime, Value: c.instant}
			case c.isText && c.text != "":
				// A string cell, never a formula, whatever the text starts with.
				vals[j] = excelize.Cell{StyleID: text, Value: c.text}
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
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
