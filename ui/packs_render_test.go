package ui

import (
	"context"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"medinventory/store"
)

// photoOfPacks adds a photo and its analysis as the photo flow does: packs of a pack whose contents
// the model read ("30 capsules"), proposing a receipt for review.
func (h *harness) photoOfPacks(t testing.TB, name, lot, expiry, contents string, packs int64) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "amoxicillin-box.jpg")
	writeJPEG(t, path, 320, 240)
	ph, err := h.st.AddPhoto(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := h.st.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	ne := store.NewEntry{Values: store.Values{Name: name, Strength: "500 mg", DosageForm: "tablet", Lot: lot, Expiry: expiry,
		Location: "A2", Unit: contents, Quantity: &packs}, Sources: map[string]string{"unit": store.SourceModel}}
	if _, _, err := h.st.SaveAnalysisTx(ctx, tx, store.Analysis{PhotoID: ph.Photo.ID, Source: store.SourceModel}, []store.NewEntry{ne}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestRenderPacks renders the pack states of issue 27 — a receipt review with its conversion, a
// dispense typed in units, a stock card showing units and packs, the unit dialog — at 1366×768
// and 800×600; the images are for people to look at (UI_SHOTS=dir).
func TestRenderPacks(t *testing.T) {
	if testing.Short() {
		t.Skip("rendering is slow-ish")
	}
	skipUnderRace(t)
	sizes := map[string]fyne.Size{"1366x768": fyne.NewSize(1366, 768), "800x600": fyne.NewSize(800, 600)}
	for name, size := range sizes {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.pack(t, "Amoxicillin", "AX9912", "2027-03-31", "2", "A2", true)
			h.pack(t, "Amoxicillin", "AX9950", "2028-01-31", "1", "A2", true)
			h.capsules(t, "Amoxicillin")
			h.photoOfPacks(t, "Amoxicillin", "AX9950", "2028-01-31", "30 capsules", 2)
			h.pack(t, "Paracetamol", "LP1001", "2027-01-31", "6", "A1", true)
			s := h.startAtProduct(t, "Amoxicillin")
			f := s.product.form
			h.u.win.Canvas().Focus(f.qty)
			test.Type(f.qty, "10")
			capture(t, h.u, "packsui-dispense-"+name, size)
			f.qty.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			s.openLine(lineNamed(t, s.product.lines, "AX9912").ID)
			capture(t, h.u, "packsui-card-"+name, size)
			s.showReceipts()
			capture(t, h.u, "packsui-receipt-"+name, size)
			s.showProducts()
			capture(t, h.u, "packsui-products-"+name, size)
			s.showCount()
			test.Type(s.count.rows[0].counted, "1 pack + 20")
			capture(t, h.u, "packsui-count-"+name, size)
			s.count.clear()
			s.openProduct(productNamed(t, h.u, "Paracetamol").ID)
			s.product.editSettings()
			walk(h.u.win.Canvas().Overlays().Top(), func(x fyne.CanvasObject) {
				if e, ok := x.(*uiEntry); ok {
					switch e.PlaceHolder {
					case "pack, tablet, bottle…":
						e.SetText("tablet")
					case "e.g. 30; 1 for the unit pack":
						e.SetText("20")
					}
				}
			})
			capture(t, h.u, "packsui-unitdialog-"+name, size)
		})
	}
}
