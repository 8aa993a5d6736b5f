package export

import (
	"strings"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"

	"medinventory/assets/fonts"
	"medinventory/assets/i18n"
)

// The PDF's fonts (see package fonts): text is set in the embedded DejaVu Sans Condensed; a run of
// characters it lacks (Chinese, Japanese, Korean) in a TrueType font found on the computer, the
// rest of the same text staying in DejaVu; a character no font here has prints as "□", and the
// report then says so below the signature lines. fpdf does no Arabic shaping and no right-to-left
// ordering: an Arabic name prints with unjoined letters, left to right (see package fonts).

const (
	sansFamily = "sans"
	missing    = '□' // in place of a character no font here can print
)

// sansHas reports whether the embedded font prints r.
func sansHas(r rune) bool {
	if r < 0x250 { // Latin-1 and Latin Extended: all there
		return true
	}
	reg, _, err := fonts.Sans()
	return err == nil && reg.Has(r)
}

// pdfText keeps to what the fonts can print: a tab becomes a space, a carriage return, an emoji or
// any character beyond the Basic Multilingual Plane "?" (fpdf measures only that plane), and a
// character neither the embedded font nor a system font has "□".
func pdfText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case r > 0xFFFF || r == '\r':
			return '?'
		case sansHas(r) || fonts.System(r) != nil:
			return r
		}
		return missing
	}, clean(s))
}

// unprintable reports whether pdfText would print some of s as "□".
func unprintable(s string) bool {
	return strings.ContainsRune(pdfText(s), missing) && !strings.ContainsRune(s, missing)
}

// doc is the PDF being written with the font in use: a style and size, the family picked per
// piece of text. fpdf's SetFont is not cheap (a 2,000-lot report asks for a font per cell), so
// the family set is remembered and set again only when it changes; a page break (addPage) forgets
// it, because fpdf then restores the font it had before the page's header and footer.
type doc struct {
	*fpdf.Fpdf
	style  string
	size   float64
	family string                 // the family set now; "" after a page break
	system map[*fonts.Face]string // system fonts added to the document, by family name
}

// addPage starts a page; the caller sets the font it wants next with font.
func (d *doc) addPage() {
	d.AddPage()
	d.family = ""
}

func newDoc(pdf *fpdf.Fpdf) (*doc, error) {
	reg, bold, err := fonts.Sans()
	if err != nil {
		return nil, err
	}
	pdf.AddUTF8FontFromBytes(sansFamily, "", reg.TTF)
	pdf.AddUTF8FontFromBytes(sansFamily, "B", bold.TTF)
	return &doc{Fpdf: pdf, system: map[*fonts.Face]string{}}, nil
}

// font sets the style ("" or "B") and size (pt) of the text that follows.
func (d *doc) font(style string, size float64) {
	d.style, d.size, d.family = style, size, ""
	d.use(sansFamily)
}

// use sets family in the current style and size.
func (d *doc) use(family string) {
	if family != d.family {
		d.SetFont(family, d.style, d.size)
		d.family = family
	}
}

type run struct{ text, family string }

// runs cuts s (already through pdfText) into pieces each printed in one font.
func (d *doc) runs(s string) []run {
	var out []run
	start, cur := 0, sansFamily
	for i, r := range s {
		fam := sansFamily
		if !sansHas(r) {
			if f := fonts.System(r); f != nil {
				fam = d.addSystem(f)
			}
		}
		if fam != cur {
			if i > start {
				out = append(out, run{s[start:i], cur})
			}
			start, cur = i, fam
		}
	}
	if start < len(s) || len(out) == 0 {
		out = append(out, run{s[start:], cur})
	}
	return out
}

func (d *doc) addSystem(f *fonts.Face) string {
	if name, ok := d.system[f]; ok {
		return name
	}
	name := "system" + string(rune('a'+len(d.system)))
	d.AddUTF8FontFromBytes(name, "", f.TTF)
	d.AddUTF8FontFromBytes(name, "B", f.TTF)
	d.system[f] = name
	return name
}

// oneFont reports whether the embedded font prints all of s (the usual case: fpdf's own
// measuring and wrapping serve).
func oneFont(s string) bool {
	for _, r := range s {
		if !sansHas(r) {
			return false
		}
	}
	return true
}

// width is the printed width of s.
func (d *doc) width(s string) float64 {
	if oneFont(s) {
		d.use(sansFamily)
		return d.GetStringWidth(s)
	}
	w := 0.0
	for _, r := range d.runs(s) {
		d.use(r.family)
		w += d.GetStringWidth(r.text)
	}
	d.use(sansFamily)
	return w
}

// split wraps s into lines that fit w (less the cell's margins), at spaces, else between any
// two characters (Chinese has no spaces).
func (d *doc) split(s string, w float64) []string {
	if oneFont(s) {
		d.use(sansFamily)
		return d.SplitText(s, w)
	}
	limit := w - 2*d.GetCellMargin()
	var lines []string
	line := ""
	for _, word := range strings.SplitAfter(s, " ") {
		if d.width(line+strings.TrimRight(word, " ")) <= limit || line == "" && d.width(word) <= limit {
			line += word
			continue
		}
		if line != "" {
			lines = append(lines, strings.TrimRight(line, " "))
			line = ""
		}
		for word != "" { // a word wider than the column: cut it where it must be
			r, n := utf8.DecodeRuneInString(word)
			if line != "" && d.width(line+string(r)) > limit {
				lines = append(lines, line)
				line = ""
			}
			line += string(r)
			word = word[n:]
		}
	}
	if line = strings.TrimRight(line, " "); line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// cell prints s in a cell w × h like CellFormat (no border, no fill), each run in its font; ln 0
// moves to the right of the cell, 1 to the start of the next line.
func (d *doc) cell(w, h float64, s string, ln int, align string) {
	if oneFont(s) {
		d.use(sansFamily)
		d.CellFormat(w, h, s, "", ln, align, false, 0, "")
		return
	}
	x, y := d.GetXY()
	m := d.GetCellMargin()
	tx := x + m
	switch align {
	case "R":
		tx = x + w - m - d.width(s)
	case "C":
		tx = x + (w-d.width(s))/2
	}
	_, unit := d.GetFontSize()
	base := y + h/2 + 0.3*unit
	for _, r := range d.runs(s) {
		d.use(r.family)
		d.Text(tx, base, r.text)
		tx += d.GetStringWidth(r.text)
	}
	d.use(sansFamily)
	if ln == 1 {
		l, _, _, _ := d.GetMargins()
		d.SetXY(l, y+h)
	} else {
		d.SetXY(x+w, y)
	}
}

// unprintableNote is said below the signature lines when some text printed as "□".
func unprintableNote() string {
	return i18n.T("Some text uses characters that no font on this computer can print: they show as □. The CSV and XLSX reports keep them as written.")
}
