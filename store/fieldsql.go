package store

import (
	"database/sql"
	"strings"

	"medinventory/store/fields"
)

// Values are the medicine fields of a stock line; see fields.Values and the field table fields.All.
type Values = fields.Values

// EntryFields are the names of the editable entry fields (UpdateEntry's keys), in the field
// table's order.
var EntryFields = fields.Names(nil)

// catalogFields keeps the fields the products table has.
func catalogFields(f *fields.Field) bool { return f.Catalog }

// fieldCols lists the columns of the fields keep selects (all when nil), each as prefix+name,
// wrapped in wrap (e.g. "COALESCE(%s,”)") when not "".
func fieldCols(prefix string, keep func(*fields.Field) bool, wrap string) string {
	names := fields.Names(keep)
	for i, n := range names {
		n = prefix + n
		if wrap != "" {
			n = strings.Replace(wrap, "%s", n, 1)
		}
		names[i] = n
	}
	return strings.Join(names, ", ")
}

// fieldScan returns Scan destinations for the fields keep selects (all when nil), and a function
// that stores what was scanned in v.
func fieldScan(v *fields.Values, keep func(*fields.Field) bool) ([]any, func()) {
	var fs []*fields.Field
	for i := range fields.All {
		if keep == nil || keep(&fields.All[i]) {
			fs = append(fs, &fields.All[i])
		}
	}
	raw := make([]sql.NullString, len(fs))
	dst := make([]any, len(fs))
	for i := range raw {
		dst[i] = &raw[i]
	}
	return dst, func() {
		for i, f := range fs {
			f.Set(v, raw[i].String)
		}
	}
}

// fieldArgs returns the SQL values of the fields keep selects (all when nil) in v.
func fieldArgs(v *fields.Values, keep func(*fields.Field) bool) []any {
	var out []any
	for i := range fields.All {
		if f := &fields.All[i]; keep == nil || keep(f) {
			out = append(out, f.SQL(f.Get(v)))
		}
	}
	return out
}

// placeholders returns n comma-separated "?".
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
