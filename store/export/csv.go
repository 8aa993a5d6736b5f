package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
)

// BOM is the UTF-8 byte-order mark that starts a CSV export.
const BOM = "\uFEFF"

// formulaStart reports whether a spreadsheet could read text starting this way as a formula.
func formulaStart(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return true
	}
	return false
}

// defuse prefixes text a spreadsheet would read as a formula with an apostrophe.
func defuse(s string) string {
	if formulaStart(s) {
		return "'" + s
	}
	return s
}

func writeCSV(w io.Writer, rows []Row) error { return writeCSVTable(w, entryTable(rows)) }

func writeCSVTable(w io.Writer, t Table) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	if err := cw.Write(t.Columns); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for i := range t.rows {
		for j, c := range t.rows[i] {
			switch {
			case c.num != nil:
				rec[j] = strconv.FormatInt(*c.num, 10)
			case c.isText:
				rec[j] = defuse(c.text)
			default: // dates: fixed formats, never a formula
				rec[j] = c.text
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func writeJSON(w io.Writer, rows []Row) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(rows) // rows is never nil: an empty inventory is []
}
