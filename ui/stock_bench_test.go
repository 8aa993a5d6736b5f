package ui

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"medinventory/store"
	"medinventory/store/stock"
)

// Clinic scale (issue 12): 2,000 products, 10,000 lots, 200,000 movements.
const (
	benchProducts  = 2_000
	benchLots      = 10_000
	benchCounts    = 19 // stock counts of every lot: 10,000 receipts + 19 × 10,000 counts = 200,000 movements
	benchMovements = benchLots * (1 + benchCounts)
)

var benchForms = []string{"tablet", "capsule", "syrup", "injection", "cream", "drops", "inhaler", "patch", "powder", "suppository"}

// stockBenchHarness is a window over a real store at clinic scale, filled through the store's
// own API: each lot is a photo's entry (product + line + receipt) confirmed, then every lot is
// counted benchCounts times (each count one transaction over all lots).
func stockBenchHarness(b *testing.B) *harness {
	b.Helper()
	h := newHarness(b)
	ctx := context.Background()
	start := time.Now()
	for i := 0; i < benchLots; i++ {
		p := i % benchProducts // 5 lots per product
		day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (i*37)%1800)
		e, err := h.st.AddEntry(ctx, map[string]string{
			"name":        benchNames[p%len(benchNames)],
			"strength":    fmt.Sprintf("%d mg", 50*(1+p/len(benchNames)%10)),
			"dosage_form": benchForms[p/(len(benchNames)*10)],
			"lot":         fmt.Sprintf("L%06d", i), "expiry": day.Format("2006-01-02"),
			"quantity": strconv.Itoa(20 + i%80), "location": fmt.Sprintf("Shelf %c", 'A'+i%8)})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := h.st.ConfirmEntry(ctx, e.ID); err != nil {
			b.Fatal(err)
		}
	}
	all, err := h.st.StockOnHand(ctx, store.ProductFilter{})
	if err != nil {
		b.Fatal(err)
	}
	var lines []stock.Line
	for _, p := range all {
		lines = append(lines, p.Lines...)
	}
	if len(all) != benchProducts || len(lines) != benchLots {
		b.Fatalf("seeded %d products, %d lots", len(all), len(lines))
	}
	for k := 0; k < benchCounts; k++ {
		counts := make([]stock.CountInput, len(lines))
		for i, l := range lines {
			counts[i] = stock.CountInput{LineID: l.ID, Counted: l.OnHand + int64((i+k)%3), Reason: stock.CountCorrection}
		}
		if _, err := h.st.Count(ctx, counts, "bench"); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d products, %d lots, %d movements in %v", benchProducts, benchLots, benchMovements, time.Since(start).Round(time.Second))
	h.u.Window().Resize(fyne.NewSize(1280, 800))
	return h
}

// BenchmarkStockView measures the product view at clinic scale, with baselines in the same run:
//
//   - open/…: the product view is queried (StockOnHand, off the UI goroutine in the app; inline
//     here) and shown; "+paint" also paints the window with the test driver's software painter.
//     "cold" reads the database (after a change), "warm" the store's in-memory copy. The floor is
//     1 s. Baselines: today's inventory list over the same 10,000 lots' entries (same floor), and
//     painting alone.
//   - keystroke/…: one keystroke in the search box until the narrowed list is shown (in memory;
//     floor 50 ms); x_inventory_keystroke compares it with a keystroke in today's inventory list
//     of 10,000 entries measured just before in the same run; store_search_ns is the store's own
//     ListProducts{Search} (from its in-memory copy) for comparison.
func BenchmarkStockView(b *testing.B) {
	h := stockBenchHarness(b)
	h.start()
	h.u.ShowStock()
	if n := len(h.u.Products()); n != benchProducts {
		b.Fatalf("%d products shown", n)
	}
	w := h.u.Window()
	pp := h.u.stock.products
	ctx := context.Background()
	// The store keeps the view's data in memory while the ledger is unchanged; "cold" runs make a
	// real change first (timer stopped), so every open reads the database again, as the first
	// open and the open after any dispense do.
	line := h.u.Products()[0].Lines[0].ID
	change := func(b *testing.B) {
		b.StopTimer()
		if _, err := h.st.Receive(ctx, line, 1, "bench"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.Run("open/cold-query-only", func(b *testing.B) { // the store's share of an open
		for i := 0; i < b.N; i++ {
			change(b)
			if _, err := h.st.StockOnHand(ctx, pp.filter()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("open/cold-query+show+paint", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			change(b)
			pp.reload()
			_ = w.Canvas().Capture()
		}
	})
	b.Run("open/warm-query+show", func(b *testing.B) {
		for b.Loop() {
			pp.reload()
			w.Canvas().Refresh(w.Content())
		}
	})
	b.Run("open/warm-query+show+paint", func(b *testing.B) {
		for b.Loop() {
			pp.reload()
			_ = w.Canvas().Capture()
		}
	})
	b.Run("open/baseline-inventory-list+paint", func(b *testing.B) {
		h.u.tabs.SelectIndex(0)
		defer h.u.ShowStock()
		for b.Loop() {
			h.u.inv.reload()
			_ = w.Canvas().Capture()
		}
		if len(h.u.Entries()) != benchLots {
			b.Fatalf("inventory baseline lists %d entries", len(h.u.Entries()))
		}
	})
	b.Run("open/baseline-paint-only", func(b *testing.B) {
		for b.Loop() {
			_ = w.Canvas().Capture()
		}
	})

	words := []string{"amox", "amo", "para", "par", "l0012", "met"}
	var inventoryPerKey float64
	b.Run("keystroke/baseline-inventory-filter+show", func(b *testing.B) {
		h.u.tabs.SelectIndex(0)
		defer h.u.ShowStock()
		i := 0
		for b.Loop() {
			h.u.inv.search.SetText(words[i%len(words)])
			i++
		}
		inventoryPerKey = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		h.u.inv.search.SetText("")
	})
	start := time.Now()
	const dbRuns = 5
	for i := 0; i < dbRuns; i++ {
		if _, err := h.st.ListProducts(ctx, store.ProductFilter{Search: words[i%len(words)], Today: testToday}); err != nil {
			b.Fatal(err)
		}
	}
	dbPerSearch := float64(time.Since(start).Nanoseconds()) / dbRuns
	b.Run("keystroke/filter+show", func(b *testing.B) {
		i := 0
		for b.Loop() {
			pp.search.SetText(words[i%len(words)])
			i++
		}
		perKey := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		if inventoryPerKey > 0 {
			b.ReportMetric(perKey/inventoryPerKey, "x_inventory_keystroke")
		}
		b.ReportMetric(dbPerSearch, "store_search_ns")
	})
	b.Run("keystroke/filter+show+paint", func(b *testing.B) {
		i := 0
		for b.Loop() {
			pp.search.SetText(words[i%len(words)])
			_ = w.Canvas().Capture()
			i++
		}
	})
	if got := len(h.u.Products()); got == 0 || got == benchProducts {
		b.Fatalf("search shows %d products", got)
	}
}
