package fields_test

import (
	"strings"
	"testing"

	"medinventory/store/fields"
)

// TestTableReachesEveryValue sets each field through the table and checks that it lands in its own
// Go field and nowhere else: a row whose accessor points at the wrong field fails here.
func TestTableReachesEveryValue(t *testing.T) {
	seen := map[string]bool{}
	for i := range fields.All {
		f := &fields.All[i]
		t.Run(f.Name, func(t *testing.T) {
			if seen[f.Name] {
				t.Fatalf("field %q twice in the table", f.Name)
			}
			seen[f.Name] = true
			if f.Label == "" {
				t.Error("no label")
			}
			var v fields.Values
			in := "7"
			f.Set(&v, in)
			if got := f.Get(&v); got != in {
				t.Fatalf("Get after Set(%q) = %q", in, got)
			}
			for j := range fields.All {
				if o := &fields.All[j]; o.Name != f.Name && o.Get(&v) != "" {
					t.Errorf("setting %s also set %s", f.Name, o.Name)
				}
			}
			if v.IsEmpty() {
				t.Error("IsEmpty after Set")
			}
		})
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		field, in, want, err string
	}{
		{"expiry", "03/2027", "2027-03-31", ""},
		{"expiry", "soon", "", "expiry must be a date"},
		{"quantity", " 12 ", "12", ""},
		{"quantity", "-1", "", "quantity must be a whole number"},
		{"quantity", "10000001", "", "quantity is too large"},
		{"gtin", "4006381333931", "04006381333931", ""},
		{"gtin", "4006381333932", "", "GTIN must be"},
		{"name", "  Panadol  ", "Panadol", ""},
		{"name", strings.Repeat("x", 201), "", "at most 200 characters"},
		{"notes", strings.Repeat("x", 2001), "", "at most 2,000 characters"},
		{"notes", "", "", ""},
		{"colour", "red", "", "unknown field"},
	} {
		t.Run(tc.field+"/"+tc.in, func(t *testing.T) {
			got, err := fields.Check(tc.field, tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Check(%q, %q) = %q, %v; want an error with %q", tc.field, tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Check(%q, %q) = %q, %v; want %q", tc.field, tc.in, got, err, tc.want)
			}
		})
	}
}

func TestSQLValue(t *testing.T) {
	q, _ := fields.ByName("quantity")
	if q.SQL("") != nil || q.SQL("3") != int64(3) {
		t.Errorf("quantity SQL: %v, %v", q.SQL(""), q.SQL("3"))
	}
	n, _ := fields.ByName("name")
	if n.SQL("") != "" {
		t.Errorf("name SQL(\"\") = %v, want \"\" (the column is NOT NULL)", n.SQL(""))
	}
}
