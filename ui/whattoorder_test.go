package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"medinventory/store"
)

// "What to order" shows what the store computed for last month and saves a quantity ordered
// through the store, refusing one that differs from the suggestion without a reason.
func TestWhatToOrder(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	on := func(day string) context.Context {
		d, _ := time.ParseInLocation(time.DateOnly, day, time.Local)
		return store.AtDate(ctx, d.Add(12*time.Hour))
	}
	_, p, _, err := h.st.ReceiveDelivery(on("2026-02-25"), store.Delivery{Product: "Amoxicillin", Lot: "L", Expiry: "2028-12-31", Quantity: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"2026-03-15", "2026-04-15", "2026-05-15"} {
		if _, err := h.st.DispenseProduct(on(d), p.ID, 30, ""); err != nil {
			t.Fatal(err)
		}
	}
	w := h.u.newWhatToOrder()
	w.load()
	if w.months.Selected != "May 2026" || len(w.rows) != 1 {
		t.Fatalf("month %q, rows %+v", w.months.Selected, w.rows)
	}
	row := w.newRow()
	w.updateRow(0, row)
	objs := row.(*fyne.Container).Objects
	var shown []string
	for _, o := range objs[:11] {
		shown = append(shown, o.(*widget.Label).Text)
	}
	if got := strings.Join(shown, "|"); got != "Amoxicillin|40|0|30|0|10|0|30|0.3|90|80" {
		t.Errorf("the row shows %s", got)
	}
	qty, reason := objs[11].(*uiEntry), objs[12].(*uiEntry)
	if qty.Text != "80" {
		t.Errorf("ordered %q, want the suggestion 80", qty.Text)
	}
	qty.SetText("100")
	w.saveOrders()
	if !strings.Contains(w.status.Text, "say why") {
		t.Errorf("a different quantity without a reason: %q", w.status.Text)
	}
	reason.SetText("rainy season")
	w.saveOrders()
	rows, err := h.st.MonthlyReport(ctx, time.Date(2026, 5, 1, 0, 0, 0, 0, time.Local), 3)
	if err != nil || len(rows) != 1 || rows[0].Ordered != 100 || rows[0].Reason != "rainy season" {
		t.Fatalf("saved: %+v, %v", rows, err)
	}
	if len(w.rows) != 1 || w.rows[0].Ordered != 100 || !strings.Contains(w.status.Text, "Saved what to order of 1 product.") {
		t.Errorf("after saving: %+v, %q", w.rows, w.status.Text)
	}
	// Another month: April.
	w.months.SetSelected("April 2026")
	if len(w.rows) != 1 || w.rows[0].Closing != 40 || w.rows[0].OrderedSet {
		t.Errorf("April: %+v", w.rows)
	}
}
