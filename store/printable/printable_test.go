package printable

import "testing"

func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"Paracetamol 500 mg":           "Paracetamol 500 mg",
		"Amoxicilline à 250 mg — 阿莫西林": "Amoxicilline à 250 mg — 阿莫西林",
		"two\nlines":                   `two\nlines`,
		"tab\there\r":                  `tab\there\r`,
		"\x1b[31mred\x1b[0m":           `\x1b[31mred\x1b[0m`,
		"abc\u202egnp.exe":             `abc\u202egnp.exe`,
		"zero\u200bwidth\u2066x\u2069": `zero\u200bwidth\u2066x\u2069`,
		"bad \xff byte":                `bad \xff byte`,
		"c1 \u009b31m":                 `c1 \x9b31m`,
		`C:\Users\x`:                   `C:\Users\x`,
		`back\slash`:                   `back\slash`,
		"line\u2028sep":                `line\u2028sep`,
		"real \uFFFD replacement":      "real \uFFFD replacement",
		"soft\u00adhyphen":             "soft\u00adhyphen",
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q; want %q", in, got, want)
		}
	}
}

// What String returns holds no character that hides or reorders text.
func FuzzString(f *testing.F) {
	f.Add("a\nb\x1b[0m\u202e\xff")
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		for _, r := range out {
			if hidden(r) {
				t.Fatalf("String(%q) = %q still holds %U", s, out, r)
			}
		}
	})
}
