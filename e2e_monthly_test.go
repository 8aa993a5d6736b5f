package main

import (
	"encoding/json"
	"testing"

	"medinventory/ui/cli"
)

// Issue 24's "done when", with the built binary, as a clinic types in its paper register: a
// delivery of 100 on Aug 25 and 30 dispensed on the 15th of September, October and November give
// for November opening 40, received 0, dispensed 30, closing 10, AMC 30, maximum 90, order 80.
func TestMonthlyReportEndToEnd(t *testing.T) {
	data := t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		r := runBin(t, nil, append([]string{"--data-dir", data}, args...)...)
		if r.code != 0 {
			t.Fatalf("%q: exit %d\n%s", args, r.code, r.stderr)
		}
		return r.stdout
	}
	run("receive", "X", "100", "--lot", "L", "--expiry", "2028-12-31", "--date", "2026-08-25")
	for _, d := range []string{"2026-09-15", "2026-10-15", "2026-11-15"} {
		run("dispense", "X", "30", "--date", d)
	}
	out := run("report", "monthly", "--month", "2026-11", "--format", "json")
	var rows []cli.MonthlyProduct
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(rows) != 1 {
		t.Fatalf("%d rows\n%s", len(rows), out)
	}
	r := rows[0]
	if r.Product != "X" || r.OpeningBalance != 40 || r.Received != 0 || r.Dispensed != 30 || r.ClosingBalance != 10 ||
		r.AMC != 30 || r.MaxQuantity != 90 || r.OrderQuantity != 80 || r.Ordered != 80 || r.StockOutDays != 0 {
		t.Fatalf("November: %+v", r)
	}
}
