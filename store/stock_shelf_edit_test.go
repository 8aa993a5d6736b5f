package store_test

import (
	"context"
	"testing"

	"medinventory/store"
)

// A shelf changed in the editor moves the pack: the old shelf's line, whose receipt was reversed,
// is not listed as a second lot with 0 packs (product page, stock count, stock on hand), while a
// lot that really ran out (dispensed to 0) still is.
func TestShelfEditLeavesNoEmptyLotBehind(t *testing.T) {
	ctx := context.Background()
	st := openAt(t, &clock{day0})
	e, err := st.AddEntry(ctx, map[string]string{"name": "Amoxicillin", "strength": "500 mg", "dosage_form": "tablet",
		"lot": "A1", "expiry": "2027-03-31", "quantity": "6", "location": "Shelf A"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ConfirmEntry(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateEntry(ctx, e.ID, map[string]string{"location": "Shelf B"}); err != nil {
		t.Fatal(err)
	}
	ps, err := st.StockOnHand(ctx, store.ProductFilter{Today: day0})
	if err != nil || len(ps) != 1 {
		t.Fatalf("stock on hand: %d products, %v", len(ps), err)
	}
	lines, err := st.ProductLines(ctx, ps[0].Product.ID)
	if err != nil {
		t.Fatal(err)
	}
	for name, ls := range map[string]int{"product page": len(lines), "stock on hand": len(ps[0].Lines)} {
		if ls != 1 {
			t.Errorf("%s lists %d lots, want 1 (Shelf B)", name, ls)
		}
	}
	if lines[0].Location != "Shelf B" || lines[0].OnHand != 6 {
		t.Fatalf("the lot listed: %+v", lines[0])
	}

	// Dispensed to 0 is real history: listed.
	if _, err := st.Dispense(ctx, lines[0].ID, 6, ""); err != nil {
		t.Fatal(err)
	}
	if lines, err = st.ProductLines(ctx, ps[0].Product.ID); err != nil || len(lines) != 1 || lines[0].OnHand != 0 {
		t.Fatalf("a lot dispensed to 0 should stay listed: %+v, %v", lines, err)
	}
}
