package export

import (
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"medinventory/assets/i18n"
)

// PDF reports: A4 landscape; on every page the title, the clinic, the period and the table's
// header; columns sized by their content (a number, date or code never breaks across lines),
// rows that wrap long text at spaces, a total row, "Prepared by / Checked by" lines at the end,
// and "Page N of M" at the foot; words, dates and numbers in the reader's language and convention
// (package i18n). Written with github.com/go-pdf/fpdf, in the fonts of pdffonts.go.

const (
	pdfMargin   = 10.0 // mm
	pdfLineH    = 4.0  // mm per line of table text
	pdfFontSize = 8.5  // pt
)

func (c cell) pdfText() (string, bool) {
	switch {
	case c.num != nil:
		return i18n.Int(*c.num), true
	case c.dec != nil:
		return pdfText(c.human()), true
	case !c.date.IsZero():
		return i18n.Date(c.date), false
	case !c.instant.IsZero():
		return i18n.DateTime(c.instant), false
	}
	return pdfText(c.human()), false
}

func writePDF(w io.Writer, t Table, now time.Time) error {
	t = printed(t)
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetCreationDate(now)
	pdf.SetModificationDate(now)
	pdf.SetTitle(t.Title, true)
	pdf.SetCreator("Medicine Inventory", true)
	if a := t.Clinic.Words(); a != "" {
		pdf.SetAuthor(a, true)
	}
	d, err := newDoc(pdf)
	if err != nil {
		return err
	}
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	pdf.SetAutoPageBreak(false, pdfMargin)
	pdf.SetDrawColor(200, 200, 200)
	pdf.AliasNbPages("{nb}")
	pageW, pageH := pdf.GetPageSize()
	avail := pageW - 2*pdfMargin
	heads := make([]string, len(t.Columns))
	for i := range t.Columns {
		heads[i] = pdfText(t.header(i))
	}
	blank := make([]bool, len(t.Columns))
	for i, c := range t.Columns {
		blank[i] = inList(t.Blank, c)
	}
	rowMin := pdfLineH
	if len(t.Blank) > 0 {
		rowMin = 2 * pdfLineH // room for a pen
	}
	colW := pdfColumns(d, t, heads, blank, avail)
	header := func() {
		clinic := pdfText(t.Clinic.Words())
		d.font("B", 14)
		d.cell(avail*0.6, 7, pdfText(t.Title), 0, "L")
		d.font("B", 10)
		if clinic == "" {
			clinic = i18n.T("Clinic:") + " ……………………………………………"
		}
		d.cell(avail*0.4, 7, clinic, 1, "R")
		if t.Period != "" {
			d.font("B", 10)
			d.cell(avail, 5, pdfText(i18n.T("Period: %s", t.Period)), 1, "L")
		}
		if t.Subtitle != "" {
			d.font("", 9)
			d.cell(avail, 5, pdfText(t.Subtitle), 1, "L")
		}
		pdf.Ln(2)
		d.font("B", pdfFontSize)
		pdf.SetFillColor(220, 226, 232)
		drawRow(d, colW, heads, nil, pdfLineH)
		d.font("", pdfFontSize)
	}
	pdf.SetHeaderFunc(header)
	pdf.SetFooterFunc(func() {
		pdf.SetY(pageH - pdfMargin + 2)
		d.font("", 8)
		d.cell(avail/3, 4, pdfText(i18n.T("Medicine Inventory · printed %s", i18n.DateTime(now))), 0, "L")
		d.cell(avail/3, 4, pdfText(i18n.T("Page %d of %s", pdf.PageNo(), "{nb}")), 0, "C")
		d.cell(avail/3, 4, pdfText(t.Title), 0, "R")
	})
	d.addPage()
	bottom := pageH - pdfMargin - 4
	if len(t.rows) == 0 {
		d.font("", 10)
		d.cell(avail, 8, pdfText(i18n.T("Nothing to list.")), 1, "L")
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
		if pdf.GetY()+rowHeight(d, colW, texts, rowMin) > bottom {
			d.addPage()
			d.font("", pdfFontSize)
		}
		drawRow(d, colW, texts, right, rowMin)
	}
	if tot := t.totalTexts(); tot != nil {
		for j := range texts {
			texts[j], right[j] = tot[j], t.totals()[j] != nil
		}
		d.font("B", pdfFontSize)
		pdf.SetFillColor(220, 226, 232)
		if pdf.GetY()+rowHeight(d, colW, texts, pdfLineH) > bottom {
			d.addPage()
			d.font("B", pdfFontSize)
		}
		drawRow(d, colW, texts, right, pdfLineH)
	}
	signatures(d, t.Clinic.PreparedBy, avail, bottom)
	if tableUnprintable(t) {
		d.font("", 8)
		if pdf.GetY()+6 > bottom {
			d.addPage()
			d.font("", 8)
		}
		pdf.Ln(2)
		d.cell(avail, 5, pdfText(unprintableNote()), 1, "L")
	}
	if err := pdf.Error(); err != nil {
		return err
	}
	return pdf.Output(w)
}

// signatures draws the "Prepared by … / Checked by …" lines at the end of the report, on a new
// page when they do not fit on this one.
func signatures(pdf *doc, preparedBy string, avail, bottom float64) {
	const lineH = 9.0
	if pdf.GetY()+6+2*lineH > bottom {
		pdf.addPage()
	}
	pdf.Ln(6)
	pdf.SetDrawColor(90, 90, 90)
	x0 := pdf.GetX()
	for _, who := range []struct{ label, name string }{{i18n.T("Prepared by"), preparedBy}, {i18n.T("Checked by"), ""}} {
		y := pdf.GetY()
		x := x0
		field := func(label string, w float64, filled string) {
			pdf.font("B", 9)
			label = pdfText(label)
			lw := pdf.width(label) + 2
			pdf.SetXY(x, y)
			pdf.cell(lw, lineH, label, 0, "L")
			pdf.Line(x+lw, y+lineH-2, x+w-6, y+lineH-2)
			if filled != "" {
				pdf.font("", 9)
				pdf.SetXY(x+lw+1, y)
				pdf.cell(w-lw-8, lineH-2, pdfText(filled), 0, "L")
			}
			x += w
		}
		field(who.label, avail*0.42, who.name)
		field(i18n.T("Signature"), avail*0.33, "")
		field(i18n.T("Date"), avail*0.25, "")
		pdf.SetXY(x0, y+lineH)
	}
	pdf.SetDrawColor(200, 200, 200)
}

// pdfColumns sizes the columns by their content: each is at least as wide as its longest word
// (a number, a date, a GTIN or a lot is one word and is never broken across lines), and the
// room left is shared in proportion to how much more each column's longest text needs. A blank
// column (written in by hand) is at least 30 mm.
func pdfColumns(pdf *doc, t Table, heads []string, blank []bool, avail float64) []float64 {
	const pad = 2.2 // mm: the cell's inner margins and a little air
	const maxNatural = 80.0
	n := len(t.Columns)
	minW := make([]float64, n)
	natural := make([]float64, n)
	measure := func(j int, s string, whole bool) {
		w := pdf.width(s) + pad
		natural[j] = max(natural[j], min(w, maxNatural))
		if whole {
			minW[j] = max(minW[j], w)
			return
		}
		for _, word := range strings.Fields(s) {
			minW[j] = max(minW[j], pdf.width(word)+pad)
		}
	}
	pdf.font("B", pdfFontSize)
	for j, h := range heads {
		measure(j, h, false)
	}
	pdf.font("", pdfFontSize)
	for _, r := range t.rows {
		for j := 0; j < n && j < len(r); j++ {
			s, num := r[j].pdfText()
			measure(j, s, num || !r[j].date.IsZero() || !r[j].instant.IsZero())
		}
	}
	if tot := t.totalTexts(); tot != nil {
		pdf.font("B", pdfFontSize)
		sums := t.totals()
		for j, s := range tot {
			measure(j, s, sums[j] != nil)
		}
		pdf.font("", pdfFontSize)
	}
	for j := range blank {
		if blank[j] {
			minW[j], natural[j] = max(minW[j], 30), max(natural[j], 45)
		}
	}
	var sumMin, sumNat float64
	for j := range minW {
		natural[j] = max(natural[j], minW[j])
		sumMin += minW[j]
		sumNat += natural[j]
	}
	w := make([]float64, n)
	switch {
	case sumMin >= avail: // more words than paper: shrink all alike (rare: very many columns)
		for j := range w {
			w[j] = minW[j] * avail / sumMin
		}
	case sumNat <= avail: // everything fits on one line: the columns written in by hand grow
		// first (up to 60 mm), then the rest is shared by natural width
		for j := range blank {
			if blank[j] {
				grow := min(60-natural[j], avail-sumNat)
				if grow > 0 {
					natural[j] += grow
					sumNat += grow
				}
			}
		}
		for j := range w {
			w[j] = natural[j] * avail / sumNat
		}
	default:
		extra := (avail - sumMin) / (sumNat - sumMin)
		for j := range w {
			w[j] = minW[j] + (natural[j]-minW[j])*extra
		}
	}
	return w
}

func rowHeight(pdf *doc, colW []float64, texts []string, minH float64) float64 {
	n := 1
	for j, s := range texts {
		if k := len(pdf.split(s, colW[j])); k > n {
			n = k
		}
	}
	return max(float64(n)*pdfLineH, minH)
}

// drawRow draws one table row: each cell's text wrapped to its column, the row as tall as its
// tallest cell (and at least minH), with a thin border.
func drawRow(pdf *doc, colW []float64, texts []string, right []bool, minH float64) {
	h := rowHeight(pdf, colW, texts, minH)
	x0, y0 := pdf.GetXY()
	x := x0
	for j, s := range texts {
		pdf.Rect(x, y0, colW[j], h, "FD")
		align := "L"
		if right != nil && right[j] {
			align = "R"
		}
		for k, line := range pdf.split(s, colW[j]) {
			pdf.SetXY(x, y0+float64(k)*pdfLineH)
			pdf.cell(colW[j], pdfLineH, line, 0, align)
		}
		x += colW[j]
	}
	pdf.SetXY(x0, y0+h)
}

// tableUnprintable reports whether some of t's text prints as "□".
func tableUnprintable(t Table) bool {
	for _, s := range []string{t.Title, t.Subtitle, t.Period, t.Clinic.Words(), t.Clinic.PreparedBy} {
		if unprintable(s) {
			return true
		}
	}
	for i := range t.Columns {
		if unprintable(t.header(i)) {
			return true
		}
	}
	for _, r := range t.rows {
		for _, c := range r {
			if c.isText && unprintable(c.human()) {
				return true
			}
		}
	}
	return false
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
	out := t
	out.Columns, out.Widths, out.rows = nil, nil, nil
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
