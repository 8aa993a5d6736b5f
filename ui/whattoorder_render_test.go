package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store"
)

// orderShotSizes are the window sizes issue 25's screenshots of "What to order" were taken at.
var orderShotSizes = map[string]fyne.Size{"800x600": fyne.NewSize(800, 600), "1366x768": fyne.NewSize(1366, 768)}

// TestRenderWhatToOrder renders "What to order" in every language at 800×600 and 1366×768; the
// images are for people to look at (UI_SHOTS=dir).
func TestRenderWhatToOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("rendering is slow-ish")
	}
	skipUnderRace(t)
	defer i18n.Set("en")
	for _, lang := range []string{"en", "fr", "pt-BR", "es"} {
		for name, size := range orderShotSizes {
			t.Run(lang+"-"+name, func(t *testing.T) {
				i18n.Set(lang)
				h := newHarness(t)
				orderMonth(t, h)
				h.start()
				h.u.ShowWhatToOrder()
				capture(t, h.u, "whattoorder-"+lang+"-"+name, size)
			})
		}
	}
}

// orderMonth records a delivery and three months of dispensing, so that last month has a row.
func orderMonth(t *testing.T, h *harness) {
	t.Helper()
	ctx := context.Background()
	last := testToday.AddDate(0, -1, 0)
	on := func(monthsBack int) context.Context {
		m := last.AddDate(0, -monthsBack, 0)
		return store.AtDate(ctx, time.Date(m.Year(), m.Month(), 10, 12, 0, 0, 0, time.Local))
	}
	_, p, _, err := h.st.ReceiveDelivery(on(3), store.Delivery{Product: "Amoxicillin", Lot: "L", Expiry: "2029-12-31", Quantity: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []int{2, 1, 0} {
		if _, err := h.st.DispenseProduct(on(m), p.ID, 30, ""); err != nil {
			t.Fatal(err)
		}
	}
}

// Every header of "What to order" is readable in every language at 800×600 and 1366×768 (issue
// 25: they were cut with "…" in French, Portuguese and Spanish): no header is narrower than its
// longest word, none is truncated, and each row's columns start where the header's do.
func TestWhatToOrderHeadersFit(t *testing.T) {
	defer i18n.Set("en")
	for _, lang := range []string{"en", "fr", "pt-BR", "es"} {
		for name, size := range orderShotSizes {
			t.Run(lang+"-"+name, func(t *testing.T) {
				i18n.Set(lang)
				h := newHarness(t)
				orderMonth(t, h)
				w := h.u.newWhatToOrder()
				h.u.showDialog(w.dlg, nil, nil)
				w.load()
				win := h.u.Window()
				win.Resize(size.SubtractWidthHeight(7, 7))
				win.Resize(size)
				bold := fyne.TextStyle{Bold: true}
				for _, o := range w.head.Objects {
					l := o.(*widget.Label)
					if l.Truncation != fyne.TextTruncateOff || l.Wrapping != fyne.TextWrapWord {
						t.Errorf("%q: truncation %v, wrapping %v", l.Text, l.Truncation, l.Wrapping)
					}
					for _, word := range strings.Fields(l.Text) {
						need := widget.NewLabelWithStyle(word, fyne.TextAlignLeading, bold).MinSize().Width
						if l.Size().Width < need {
							t.Errorf("%q is %.0f wide, its word %q needs %.0f", l.Text, l.Size().Width, word, need)
						}
					}
					if l.Size().Height < l.MinSize().Height {
						t.Errorf("%q: %.0f high, its lines need %.0f", l.Text, l.Size().Height, l.MinSize().Height)
					}
				}
				row := w.newRow()
				row.Resize(fyne.NewSize(w.head.Size().Width, row.MinSize().Height))
				for i, o := range row.(*fyne.Container).Objects {
					if hx, rx := w.head.Objects[i].Position().X, o.Position().X; hx != rx {
						t.Errorf("column %d: the header starts at %.0f, the row at %.0f", i, hx, rx)
					}
				}
			})
		}
	}
}
