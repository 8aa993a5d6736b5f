package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// PDF reports: A4 landscape, a title and subtitle, the table with its header repeated on every
// page, rows that wrap long text, and "Page N of M" at the foot. Text is set in the Go fonts
// (embedded, UTF-8: Latin, Greek and Cyrillic scripts; characters outside them print as "?"),
// written with github.com/go-pdf/fpdf.

const (
	pdfMargin   = 10.0 // mm
	pdfLineH    = 4.0  // mm per line of table text
	pdfFontSize = 8.5  // pt
)

// pdfText keeps to what the embedded font can measure: characters beyond the Basic Multilingual
// Plane (emoji, rare scripts) become "?".
func pdfText(s string) string {
	return strings.Map(func(r rune) rune {
		if r > 0xFFFF || r == '\r' || r == '\t' {
			if r == '\t' {
				return ' '
			}
			return '?'
		}
		return r
	}, clean(s))
}

func (c cell) pdfText() (string, bool) {
	switch {
	case c.num != nil:
		return strconv.FormatInt(*c.num, 10), true
	case !c.instant.IsZero():
		return c.instant.Format("2006-01-02 15:04"), false
	}
	return pdfText(c.text), false
}

func writePDF(w io.Writer, t Table, now time.Time) error {
	t = printed(t)
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetCreationDate(now)
	pdf.SetModificationDate(now)
	pdf.SetTitle(t.Title, true)
	pdf.SetCreator("Medicine Inventory", true)
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	pdf.SetAutoPageBreak(false, pdfMargin)
	pdf.SetDrawColor(200, 200, 200)
	pdf.AliasNbPages("{nb}")
	pageW, pageH := pdf.GetPageSize()
	avail := pageW - 2*pdfMargin
	var total float64
	for _, wd := range t.Widths {
		total += wd
	}
	colW := make([]float64, len(t.Columns))
	for i := range colW {
		wd := 10.0
		if i < len(t.Widths) {
			wd = t.Widths[i]
		}
		if total == 0 {
			total = float64(len(colW)) * 10
		}
		colW[i] = avail * wd / total
	}
	header := func() {
		pdf.SetFont("go", "B", 14)
		pdf.CellFormat(avail*0.7, 7, pdfText(t.Title), "", 0, "L", false, 0, "")
		pdf.SetFont("go", "", 8)
		pdf.CellFormat(avail*0.3, 7, "Medicine Inventory · printed "+now.Format("2006-01-02 15:04"), "", 1, "R", false, 0, "")
		if t.Subtitle != "" {
			pdf.SetFont("go", "", 9)
			pdf.CellFormat(avail, 5, pdfText(t.Subtitle), "", 1, "L", false, 0, "")
		}
		pdf.Ln(2)
		pdf.SetFont("go", "B", pdfFontSize)
		pdf.SetFillColor(220, 226, 232)
		heads := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			heads[i] = strings.ReplaceAll(c, "_", " ")
		}
		drawRow(pdf, colW, heads, nil)
		pdf.SetFont("go", "", pdfFontSize)
	}
	pdf.SetHeaderFunc(header)
	pdf.SetFooterFunc(func() {
		pdf.SetY(pageH - pdfMargin + 2)
		pdf.SetFont("go", "", 8)
		pdf.CellFormat(avail, 4, fmt.Sprintf("Page %d of {nb}", pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	if len(t.rows) == 0 {
		pdf.SetFont("go", "", 10)
		pdf.CellFormat(avail, 8, "Nothing to list.", "", 1, "L", false, 0, "")
	}
	texts := make([]string, len(t.Columns))
	right := make([]bool, len(t.Columns))
	for i, r := range t.rows {
		for j := range texts {
			texts[j], right[j] = "", false
			if j < len(r) {
				texts[j], right[j] = r[j].pdfText()
			}
		}
		if i%2 == 1 {
			pdf.SetFillColor(244, 246, 248)
		} else {
			pdf.SetFillColor(255, 255, 255)
		}
		if pdf.GetY()+rowHeight(pdf, colW, texts) > pageH-pdfMargin-4 {
			pdf.AddPage()
		}
		drawRow(pdf, colW, texts, right)
	}
	if err := pdf.Error(); err != nil {
		return err
	}
	return pdf.Output(w)
}

func rowHeight(pdf *fpdf.Fpdf, colW []float64, texts []string) float64 {
	n := 1
	for j, s := range texts {
		if k := len(pdf.SplitText(s, colW[j])); k > n {
			n = k
		}
	}
	return float64(n) * pdfLineH
}

// drawRow draws one table row: each cell's text wrapped to its column, the row as tall as its
// tallest cell, with a thin border.
func drawRow(pdf *fpdf.Fpdf, colW []float64, texts []string, right []bool) {
	h := rowHeight(pdf, colW, texts)
	x0, y0 := pdf.GetXY()
	x := x0
	for j, s := range texts {
		pdf.Rect(x, y0, colW[j], h, "FD")
		align := "L"
		if right != nil && right[j] {
			align = "R"
		}
		for k, line := range pdf.SplitText(s, colW[j]) {
			pdf.SetXY(x, y0+float64(k)*pdfLineH)
			pdf.CellFormat(colW[j], pdfLineH, line, "", 0, align, false, 0, "")
		}
		x += colW[j]
	}
	pdf.SetXY(x0, y0+h)
}

// printed is t without its NoPrint columns.
func printed(t Table) Table {
	if len(t.NoPrint) == 0 {
		return t
	}
	skip := map[string]bool{}
	for _, c := range t.NoPrint {
		skip[c] = true
	}
	var keep []int
	for i, c := range t.Columns {
		if !skip[c] {
			keep = append(keep, i)
		}
	}
	out := Table{Title: t.Title, Subtitle: t.Subtitle, Sheet: t.Sheet}
	for _, i := range keep {
		out.Columns = append(out.Columns, t.Columns[i])
		if i < len(t.Widths) {
			out.Widths = append(out.Widths, t.Widths[i])
		}
	}
	for _, r := range t.rows {
		nr := make([]cell, 0, len(keep))
		for _, i := range keep {
			if i < len(r) {
				nr = append(nr, r[i])
			}
		}
		out.rows = append(out.rows, nr)
	}
	return out
}
