package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"medinventory/store"

	"medinventory/ui/cli"
)

// Names with a newline, an ANSI escape or U+202E are printed escaped by `stock`, never raw; and
// `stock --expiring 30` lists a product whose lot has already expired.
func TestStockPrintsNamesEscapedAndExpiredAsExpiring(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []map[string]string{
		{"name": "Evil\nName\x1b[2J\u202eabc", "lot": "L\x1b[31m1", "expiry": "2099-12-31", "quantity": "4"},
		{"name": "Oldie", "lot": "OLD", "expiry": "2020-01-31", "quantity": "3"},
	} {
		e, err := st.AddEntry(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ConfirmEntry(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	var stdout, stderr bytes.Buffer
	if code := run([]string{"--data-dir", data, "stock"}, &stdout, &stderr); code != cli.ExitOK {
		t.Fatalf("stock: exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	if strings.ContainsAny(out, "\x1b\u202e") || !strings.Contains(out, `Evil\nName\x1b[2J\u202eabc`) || !strings.Contains(out, `L\x1b[31m1`) {
		t.Fatalf("stock printed:\n%s", out)
	}
	if lines := strings.Count(out, "\n"); lines != 5 { // header, 2 products, 2 lots
		t.Fatalf("%d lines; a name broke a line:\n%s", lines, out)
	}

	stdout.Reset()
	if code := run([]string{"--data-dir", data, "stock", "--expiring", "30"}, &stdout, &stderr); code != cli.ExitOK {
		t.Fatalf("stock --expiring 30: exit %d: %s", code, stderr.String())
	}
	if out := stdout.String(); !strings.Contains(out, "Oldie") || strings.Contains(out, "Evil") {
		t.Fatalf("stock --expiring 30 printed:\n%s", out)
	}
}
