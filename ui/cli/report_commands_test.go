package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"medinventory/store"
)

// runOK runs commands on the data folder data; any exit but ExitOK fails the test.
func runOK(t *testing.T, data string) func(args ...string) string {
	return func(args ...string) string {
		t.Helper()
		code, out, errs := cmd(t, data, args...)
		if code != ExitOK {
			t.Fatalf("%q: exit %d, %s", args, code, errs)
		}
		return out
	}
}

// The "done when", typed as a paper register: 100 received on Aug 25, 30 dispensed on the
// 15th of September, October and November give for November opening 40, received 0, dispensed
// 30, closing 10, AMC 30, maximum 90 and an order of 80. Beside it: a product out of stock from
// Oct 16 and all of November (the AMC adjusted, November left out), and a dispense reversed.
func TestReportMonthlyFromTheCommandLine(t *testing.T) {
	data := t.TempDir()
	run := runOK(t, data)
	run("receive", "Amoxicillin", "100", "--lot", "L", "--expiry", "2028-12-31", "--date", "2026-08-25")
	for _, d := range []string{"2026-09-15", "2026-10-15", "2026-11-15"} {
		run("dispense", "Amoxicillin", "30", "--date", d)
	}
	run("receive", "Zinc", "20", "--lot", "Z", "--expiry", "2028-12-31", "--date", "2026-08-25")
	run("dispense", "Zinc", "20", "--date", "2026-10-16")
	run("receive", "ORS", "50", "--lot", "O", "--expiry", "2028-12-31", "--date", "2026-08-25")
	run("dispense", "ORS", "10", "--date", "2026-11-10")
	reverseLast(t, data, "ORS", "2026-11-10")
	run("dispense", "ORS", "5", "--date", "2026-11-12")

	var got []MonthlyProduct
	out := run("report", "monthly", "--month", "2026-11", "--format", "json")
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	by := map[string]MonthlyProduct{}
	for _, p := range got {
		by[p.Product] = p
	}
	mos := func(x float64) *float64 { return &x }
	for _, w := range []MonthlyProduct{
		{Product: "Amoxicillin", OpeningBalance: 40, Received: 0, Dispensed: 30, ClosingBalance: 10, AMC: 30, MonthsOfStock: mos(0.33), MaxQuantity: 90, OrderQuantity: 80, Ordered: 80, PackSize: 1, OrderedPacks: 80},
		// Sep: 0 given out; Oct: 20, out of stock 16 of 31 days → 20·31/15 = 41.33; Nov: out all month, left out.
		{Product: "Zinc", StockOutDays: 30, AMC: 20.67, MonthsOfStock: mos(0), MaxQuantity: 62, OrderQuantity: 62, Ordered: 62, PackSize: 1, OrderedPacks: 62},
		// The reversed dispense of 10 is not consumption: 5 given out.
		{Product: "ORS", OpeningBalance: 50, Dispensed: 5, ClosingBalance: 45, AMC: 1.67, MonthsOfStock: mos(27), MaxQuantity: 5, OrderQuantity: 0, Ordered: 0, PackSize: 1},
	} {
		g, ok := by[w.Product]
		if !ok {
			t.Errorf("%s is not in the report: %s", w.Product, out)
			continue
		}
		if g.MonthsOfStock == nil || *g.MonthsOfStock != *w.MonthsOfStock {
			t.Errorf("%s: months of stock %v, want %v", w.Product, g.MonthsOfStock, *w.MonthsOfStock)
		}
		g.MonthsOfStock, w.MonthsOfStock = nil, nil
		g.ProductID, g.GTIN, g.Unit = 0, "", ""
		if len(g.LossReasons) != 0 {
			t.Errorf("%s: losses by reason %v, want none", w.Product, g.LossReasons)
		}
		g.LossReasons = nil
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s:\n got %+v\nwant %+v", w.Product, g, w)
		}
	}
	for _, key := range []string{`"opening_balance"`, `"received"`, `"dispensed"`, `"losses_adjustments"`, `"closing_balance"`,
		`"stock_out_days"`, `"amc"`, `"months_of_stock"`, `"max_quantity"`, `"order_quantity"`, `"ordered"`, `"reason"`, `"gtin"`, `"unit"`} {
		if !strings.Contains(out, key) {
			t.Errorf("the JSON has no %s", key)
		}
	}

	// The clinic's name and the maximum months of stock, as a script sets them.
	run("settings", "set", "clinic.name", "Kibera Health Centre")
	run("settings", "set", "stock.max_months", "4")
	if got := run("settings", "get", "clinic.name"); got != "Kibera Health Centre\n" {
		t.Errorf("settings get clinic.name: %q", got)
	}
	if list := run("settings"); !strings.Contains(list, "stock.max_months") || strings.Contains(strings.ToLower(list), "api") {
		t.Errorf("settings list: %q", list)
	}
	table := run("report", "monthly", "--month", "2026-11")
	if !strings.Contains(table, "Kibera Health Centre") || !strings.Contains(table, "maximum 4 months") || !strings.Contains(table, "Amoxicillin") {
		t.Errorf("the table:\n%s", table)
	}
	if out := run("report", "monthly", "--month", "2026-11", "--format", "json"); !strings.Contains(out, `"order_quantity": 110`) {
		t.Errorf("4 months × AMC 30 − 10 is 110:\n%s", out)
	}
	if csv := strings.TrimPrefix(run("report", "monthly", "--month", "2026-11", "--format", "csv"), "\ufeff"); !strings.HasPrefix(csv, "product,gtin,unit,opening_balance,received") {
		t.Errorf("the CSV header: %q", csv)
	}
	dir := t.TempDir()
	for _, f := range []string{"pdf", "xlsx", "csv"} {
		p := filepath.Join(dir, "monthly."+f)
		code, _, errs := cmd(t, data, "report", "monthly", "--month", "2026-11", "--format", f, "-o", p)
		if st, err := os.Stat(p); code != ExitOK || err != nil || st.Size() == 0 || !strings.Contains(errs, "Wrote the monthly report of November 2026 (3 products) to") {
			t.Errorf("%s: exit %d, %v, %q", f, code, err, errs)
		}
	}

	// Refusals in plain words, nothing written.
	next := time.Now().AddDate(0, 2, 0).Format("2006-01")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "monthly", "--month", "November"}, `"November" is not a month: write it as YYYY-MM`},
		{[]string{"report", "monthly", "--month", next}, "has not begun yet"},
		{[]string{"report", "monthly", "--format", "doc"}, `"doc" is not a format`},
		{[]string{"report", "weekly"}, "say which report"},
		{[]string{"report", "monthly", "-o", filepath.Join(data, "m.csv"), "--format", "csv"}, "inside the inventory's data folder"},
		{[]string{"settings", "set", "stock.max_months", "lots"}, `"lots" is not a whole number from 1 to 24`},
		{[]string{"settings", "get", "api_key"}, `"api_key" is not a setting`},
		{[]string{"settings", "set", "clinic.name"}, "set takes a KEY and a VALUE"},
		{[]string{"settings", "remove"}, `"remove" is not something settings does`},
	} {
		code, _, errs := cmd(t, data, tc.args...)
		if code != ExitUsage || !strings.Contains(errs, tc.want) || strings.Count(strings.TrimSpace(errs), "\n") > 0 {
			t.Errorf("%q: exit %d, %q; want %q", tc.args, code, errs, tc.want)
		}
	}
	if got := run("settings", "get", "stock.max_months"); got != "4\n" {
		t.Errorf("a refused value changed the setting: %q", got)
	}
}

// reverseLast reverses the last movement of product ref on day, as the window's Undo does (no
// command reverses a movement).
func reverseLast(t *testing.T, data, ref, day string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.FindProduct(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := st.ProductLines(ctx, p.ID)
	if err != nil || len(lines) == 0 {
		t.Fatal(lines, err)
	}
	card, err := st.StockCard(ctx, lines[0].ID)
	if err != nil || len(card) == 0 {
		t.Fatal(card, err)
	}
	d, _ := time.ParseInLocation(time.DateOnly, day, time.Local)
	if _, err := st.Reverse(store.AtDate(ctx, d.Add(13*time.Hour)), card[len(card)-1].ID, "wrong product"); err != nil {
		t.Fatal(err)
	}
}

// The monthly report says why stock was lost or adjusted: a count short by 4 (lost) and 6 expired
// units disposed give losses and adjustments of -10, split by reason in the JSON and in words in
// the PDF/XLSX column.
func TestReportMonthlySaysWhyStockWasLost(t *testing.T) {
	data := t.TempDir()
	run := runOK(t, data)
	run("receive", "Amoxicillin", "50", "--lot", "L", "--expiry", "2028-12-31", "--date", "2026-10-02")
	run("count", "Amoxicillin", "46", "--reason", "lost", "--date", "2026-11-03")
	run("dispose", "Amoxicillin", "6", "--reason", "damaged", "--date", "2026-11-20")
	var got []MonthlyProduct
	if err := json.Unmarshal([]byte(run("report", "monthly", "--month", "2026-11", "--format", "json")), &got); err != nil || len(got) != 1 {
		t.Fatalf("report: %v, %+v", err, got)
	}
	g := got[0]
	if g.LossesAdjustments != -10 || g.ClosingBalance != 40 || len(g.LossReasons) != 2 || g.LossReasons["lost"] != -4 || g.LossReasons["damaged"] != -6 {
		t.Fatalf("losses %d (by reason %v), closing %d; want -10 = lost -4 + damaged -6, closing 40", g.LossesAdjustments, g.LossReasons, g.ClosingBalance)
	}
	csv := run("report", "monthly", "--month", "2026-11", "--format", "csv")
	if !strings.Contains(csv, "losses_adjustments_why") || !strings.Contains(csv, "lost -4, damaged -6") {
		t.Fatalf("CSV without the reasons:\n%s", csv)
	}
}
