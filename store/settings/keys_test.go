package settings

import (
	"strings"
	"testing"
)

func TestKeys(t *testing.T) {
	dir := t.TempDir()
	var a App
	for _, c := range []struct{ key, value, want, err string }{
		{"clinic.name", "  Kibera Health Centre ", "Kibera Health Centre", ""},
		{"clinic.code", "KE-0042", "KE-0042", ""},
		{"clinic.district", "Nairobi", "Nairobi", ""},
		{"clinic.prepared_by", "A. Otieno", "A. Otieno", ""},
		{"clinic.name", "two\nlines", "Kibera Health Centre", "one line"},
		{"clinic.name", strings.Repeat("x", MaxTextRunes+1), "Kibera Health Centre", "too long"},
		{"stock.max_months", "", "3", ""},
		{"stock.max_months", "4", "4", ""},
		{"stock.max_months", "0", "4", "from 1 to 24"},
		{"stock.max_months", "three", "4", "not a whole number"},
		{"model.detail", "HIGH", "high", ""},
		{"model.detail", "medium", "high", "auto, low or high"},
		{"model.base_url", "localhost:8080", "", "web address"},
		{"model.base_url", "http://localhost:8080/v1", "http://localhost:8080/v1", ""},
		{"jobs.concurrency", "", "", ""},
		{"language", "pt_br", "pt-BR", ""},
		{"language", "de", "pt-BR", "not a language"},
		{"language", "fr", "fr", ""},
		{"api_key", "sk-x", "", "not a setting"},
	} {
		k, err := FindKey(c.key)
		if err == nil {
			err = k.Set(&a, c.value)
		}
		if (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("set %s %q: %v, want %q", c.key, c.value, err, c.err)
		}
		if k.Name != "" && k.Get(a) != c.want {
			t.Errorf("after set %s %q: %q, want %q", c.key, c.value, k.Get(a), c.want)
		}
	}
	if err := Save(dir, a); err != nil {
		t.Fatal(err)
	}
	if b := Load(dir); b != a || b.MaxMonthsOrDefault() != 4 {
		t.Errorf("read back %+v, want %+v", b, a)
	}
	if (App{}).MaxMonthsOrDefault() != DefaultMaxMonths {
		t.Error("the default maximum months")
	}
	for _, k := range Keys {
		if strings.Contains(strings.ToLower(k.Name), "key") {
			t.Errorf("%s: the API key is never a setting", k.Name)
		}
	}
}
