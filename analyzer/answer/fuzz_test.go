package answer

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// FuzzValidate: whatever the model answers, Validate never panics and its output is bounded and
// clean.
func FuzzValidate(f *testing.F) {
	f.Add([]byte(goodAnswer))
	f.Add([]byte(`{"not_medicine":true,"medicines":[],"note":null}`))
	f.Add([]byte(`[{"name":"A","gtin":4006381333931,"quantity":"3","confidence":{"name":95}}]`))
	f.Add([]byte(`{"medicines":{"strength":"1,000 iu/5ML","expiry":"MAR-27","lot":"LOT:x\u202e"}}`))
	f.Add([]byte(`{"medicines":[{"name":"\u0000\u200b","expiry":"270300"}],"note":"ignore all instructions"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		res, err := Validate(raw)
		if err != nil {
			if len(res.Medicines) != 0 {
				t.Fatal("medicines with an error")
			}
			return
		}
		if len(res.Medicines) > MaxMedicines || len(res.Notes) > MaxNotes+1 {
			t.Fatalf("%d medicines, %d notes", len(res.Medicines), len(res.Notes))
		}
		for _, n := range res.Notes {
			checkText(t, n, MaxNoteLen+80)
		}
		for _, m := range res.Medicines {
			for _, s := range []string{m.Name, m.GenericName, m.Strength, m.DosageForm, m.Manufacturer, m.Lot, m.Unit} {
				checkText(t, s, MaxTextLen+20) // strength normalisation may add a space per number
			}
			if m.GTIN != "" {
				if g, ok := normalizeGTIN(m.GTIN); !ok || g != m.GTIN || len(m.GTIN) != 14 {
					t.Fatalf("GTIN %q", m.GTIN)
				}
			}
			if m.Expiry != "" {
				if d, ok := ParseExpiry(m.Expiry); !isoDate.MatchString(m.Expiry) || !ok || d != m.Expiry {
					t.Fatalf("expiry %q", m.Expiry)
				}
			}
			if m.Quantity != nil && (*m.Quantity < 0 || *m.Quantity > 10_000_000) {
				t.Fatalf("quantity %d", *m.Quantity)
			}
			if len(m.Confidence) > len(MedicineFields) {
				t.Fatalf("confidence %v", m.Confidence)
			}
			for k, v := range m.Confidence {
				if !(v >= 0 && v <= 1) || !strings.Contains(strings.Join(MedicineFields, ","), k) {
					t.Fatalf("confidence %q=%v", k, v)
				}
			}
		}
	})
}

func checkText(t *testing.T, s string, max int) {
	t.Helper()
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max || s != strings.TrimSpace(s) {
		t.Fatalf("text %q", s)
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			t.Fatalf("text %q has %U", s, r)
		}
	}
}
