package store_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"medinventory/store"
	"medinventory/store/fields"
)

// TestEveryFieldHasItsColumns fails when a field is added to the field table without the migration
// that adds its column (to entries, and to products for a Catalog field).
func TestEveryFieldHasItsColumns(t *testing.T) {
	st := open(t, t.TempDir())
	cols := func(table string) map[string]bool {
		rows, err := st.DB().Query("SELECT name FROM pragma_table_info(?)", table)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]bool{}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			out[n] = true
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	entries, products := cols("entries"), cols("products")
	for _, f := range fields.All {
		if !entries[f.Name] {
			t.Errorf("field %q has no column in entries: add a migration", f.Name)
		}
		if f.Catalog && !products[f.Name] {
			t.Errorf("catalog field %q has no column in products: add a migration", f.Name)
		}
	}
}

// TestEveryFieldRoundTrips adds an entry by hand with every field set, reads it back, edits every
// field and confirms it: each value must come back as stored, through every statement the table
// builds (insert, select, update, the catalog's insert and lookup).
func TestEveryFieldRoundTrips(t *testing.T) {
	ctx := context.Background()
	st := open(t, t.TempDir())
	sample := map[fields.Kind][2]string{
		fields.TextKind:  {"first", "second"},
		fields.DateKind:  {"2027-03-31", "2028-01-31"},
		fields.GTINKind:  {"04006381333931", "05012345678900"},
		fields.CountKind: {"3", "4"},
	}
	in, edit := map[string]string{}, map[string]string{}
	for _, f := range fields.All {
		in[f.Name], edit[f.Name] = sample[f.Kind][0], sample[f.Kind][1]
	}
	e, err := st.AddEntry(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	check := func(e store.Entry, want map[string]string, what string) {
		t.Helper()
		for _, f := range fields.All {
			if got := e.Get(f.Name); got != want[f.Name] {
				t.Errorf("%s: %s = %q, want %q", what, f.Name, got, want[f.Name])
			}
		}
	}
	check(e, in, "added")
	e, err = st.UpdateEntry(ctx, e.ID, edit)
	if err != nil {
		t.Fatal(err)
	}
	check(e, edit, "edited")
	if _, err := st.ConfirmEntry(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	p, err := st.ProductByGTIN(ctx, edit["gtin"])
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fields.All {
		want := ""
		if f.Catalog {
			want = edit[f.Name]
		}
		if got := f.Get(&p.Values); got != want {
			t.Errorf("product: %s = %q, want %q", f.Name, got, want)
		}
	}
}

// TestOneNotFoundConvention: every lookup of something missing matches store.ErrNotFound (and
// database/sql's ErrNoRows), with its own words.
func TestOneNotFoundConvention(t *testing.T) {
	ctx := context.Background()
	st := open(t, t.TempDir())
	_, errEntry := st.Entry(ctx, 99)
	_, errUpdate := st.UpdateEntry(ctx, 99, map[string]string{"name": "x"})
	_, errConfirm := st.ConfirmEntry(ctx, 99)
	_, errPhoto := st.Photo(ctx, 99)
	_, errSHA := st.PhotoBySHA(ctx, "00")
	_, errProduct := st.ProductByGTIN(ctx, "04006381333931")
	for name, err := range map[string]error{"Entry": errEntry, "UpdateEntry": errUpdate, "ConfirmEntry": errConfirm,
		"DeleteEntry": st.DeleteEntry(ctx, 99), "Photo": errPhoto, "PhotoBySHA": errSHA, "ProductByGTIN": errProduct} {
		t.Run(name, func(t *testing.T) {
			if !errors.Is(err, store.ErrNotFound) || !store.IsNotFound(err) || !errors.Is(err, sql.ErrNoRows) {
				t.Errorf("err = %v, want one matching store.ErrNotFound and sql.ErrNoRows", err)
			}
			if err != nil && (err.Error() == "not found" || strings.Contains(err.Error(), "sql:")) {
				t.Errorf("message %q does not say what is missing in plain words", err.Error())
			}
		})
	}
}
