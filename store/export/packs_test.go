package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"medinventory/store"
	"medinventory/store/export"
	"medinventory/store/stock"
)

// The stock reports count in dispensing units with packs beside them: 2 packs received, the
// product set to capsules in packs of 30, 10 dispensed: 50 capsules, "1 + 20" packs, on every
// report; the movements report shows the conversion with its note and the unit.
func TestReportsShowUnitsAndPacks(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir(), store.Options{Now: func() time.Time { return today }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, _, _, err := st.ReceiveDelivery(ctx, store.Delivery{Product: "Amoxicillin", Lot: "A1", Expiry: "2027-01-31", Quantity: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetProductUnit(ctx, 1, "capsule", 30); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DispenseProduct(ctx, 1, 10, ""); err != nil {
		t.Fatal(err)
	}
	ps, err := st.StockOnHand(ctx, store.ProductFilter{})
	if err != nil {
		t.Fatal(err)
	}
	lots, err := st.ExpiryReport(ctx, today, 90)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := st.MovementsBetween(ctx, today.Add(-time.Hour), today.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	row := func(tb export.Table, col string) map[string]string {
		t.Helper()
		var b bytes.Buffer
		if err := export.WriteTable(&b, export.CSV, tb); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), export.BOM))).ReadAll()
		if err != nil || len(recs) < 2 {
			t.Fatalf("%s: %v, %q", tb.Title, err, recs)
		}
		last := recs[len(recs)-1]
		out := map[string]string{}
		for i, c := range recs[0] {
			out[c] = last[i]
		}
		return out
	}
	for _, c := range []struct {
		tb                    export.Table
		units, packsCol, want string
	}{
		{export.StockTable(ps, today, 0), "usable_on_hand", "usable_packs", "1 + 20"},
		{export.LotsTable(ps, today, 0), "on_hand", "packs", "1 + 20"},
		{export.ExpiryTable(lots, today, 90), "on_hand", "packs", "1 + 20"},
		{export.CountSheetTable(ps, export.CountSheetAllShelves, today), "expected_on_hand", "expected_packs", "1 + 20"},
	} {
		r := row(c.tb, c.units)
		if r[c.units] != "50" || r[c.packsCol] != c.want || r["pack_size"] != "30" || r["unit"] != "capsule" {
			t.Errorf("%s: %v; want 50 capsules, %s in packs of 30", c.tb.Title, r, c.want)
		}
		if strings.Contains(strings.Join(c.tb.NoPrint, ","), "pack_size") {
			t.Errorf("%s leaves the pack size off the PDF", c.tb.Title)
		}
	}
	mt := export.MovementsTable(ms, today.Add(-time.Hour), today.Add(time.Hour))
	var b bytes.Buffer
	if err := export.WriteTable(&b, export.CSV, mt); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); !strings.Contains(out, "unit converted") || !strings.Contains(out, "2 packs → 60 capsules") || !strings.Contains(out, ",capsule,") {
		t.Errorf("movements report:\n%s", out)
	}
	// An inventory counted in packs prints its PDF as before: the pack columns are left off it.
	packsOnly, _, _ := stockFixture(t, 2)
	if np := strings.Join(export.LotsTable(packsOnly, today, 0).NoPrint, ","); !strings.Contains(np, "pack_size,packs") {
		t.Errorf("an inventory counted in packs prints the pack columns (NoPrint %q)", np)
	}
}

// The requisition orders whole packs beside the units: 45 capsules in packs of 30 are 2 packs.
func TestMonthlyTableOrdersWholePacks(t *testing.T) {
	rows := []stock.MonthlyRow{
		{Product: stock.Product{Values: store.Values{Name: "Amoxicillin"}, Unit: "capsule", PackSize: 30}, Ordered: 45},
		{Product: stock.Product{Values: store.Values{Name: "ORS"}, Unit: "pack", PackSize: 1}, Ordered: 7},
	}
	tb := export.MonthlyTable(rows, today, export.Clinic{}, 3)
	var b bytes.Buffer
	if err := export.WriteTable(&b, export.CSV, tb); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), export.BOM))).ReadAll()
	if err != nil || len(recs) != 3 {
		t.Fatalf("%v, %q", err, recs)
	}
	n := len(recs[0])
	if recs[0][n-2] != "pack_size" || recs[0][n-1] != "ordered_packs" || recs[1][n-2] != "30" || recs[1][n-1] != "2" ||
		recs[2][n-2] != "1" || recs[2][n-1] != "" {
		t.Fatalf("monthly CSV %q", recs)
	}
}
