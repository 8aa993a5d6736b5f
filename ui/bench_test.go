package ui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"medinventory/store"
)

var benchNames = []string{"Amoxicillin", "Paracetamol", "Ibuprofen", "Metformin", "Omeprazole", "Amlodipine",
	"Salbutamol", "Cetirizine", "Ciprofloxacin", "Doxycycline", "Lisinopril", "Losartan", "Atorvastatin",
	"Insulin glargine", "Prednisolone", "Furosemide", "Diclofenac", "Azithromycin", "Metronidazole", "Fluconazole"}

// benchHarness is a window over a real store holding n entries (inserted in one transaction).
func benchHarness(b *testing.B, n int) *harness {
	b.Helper()
	h := newHarness(b)
	ctx := context.Background()
	tx, err := h.st.DB().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		q := int64(i % 200)
		day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%1500)
		_, err := h.st.InsertEntryTx(ctx, tx, store.NewEntry{Values: store.Values{Name: benchNames[i%len(benchNames)],
			Strength: fmt.Sprintf("%d mg", 50*(1+i%10)), DosageForm: "tablet", Lot: fmt.Sprintf("L%06d", i),
			Expiry: day.Format("2006-01-02"), Quantity: &q}})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	h.u.Window().Resize(fyne.NewSize(1280, 800))
	return h
}

// BenchmarkOpenInventory: the inventory of 10,000 entries is queried (ListEntries, off the UI
// goroutine in the app; inline here) and shown: the list's binding (binding.List) gets the rows in
// one Set, the list is refreshed, laid out and the window painted once by the test driver's
// software painter.
func BenchmarkOpenInventory(b *testing.B) {
	h := benchHarness(b, 10_000)
	h.start()
	if len(h.u.Entries()) != 10_000 {
		b.Fatalf("%d entries listed", len(h.u.Entries()))
	}
	w := h.u.Window()
	b.Run("query+show", func(b *testing.B) {
		for b.Loop() {
			h.u.inv.reload()
			w.Canvas().Refresh(w.Content())
		}
	})
	b.Run("query+show+paint", func(b *testing.B) {
		for b.Loop() {
			h.u.inv.reload()
			_ = w.Canvas().Capture()
		}
	})
	b.Run("paint-only-baseline", func(b *testing.B) {
		for b.Loop() {
			_ = w.Canvas().Capture()
		}
	})
}

// BenchmarkSearchKeystroke: one keystroke in the search box over 10,000 loaded entries until the
// narrowed list is shown (the search filters in memory and sets the list's binding once; there is
// no debounce to leave out). The
// ratio metric compares it with the same search done as a database query in the same run.
func BenchmarkSearchKeystroke(b *testing.B) {
	h := benchHarness(b, 10_000)
	h.start()
	ctx := context.Background()
	words := []string{"amox", "amo", "para", "par", "l0012", "met"}
	start := time.Now()
	const dbRuns = 5
	for i := 0; i < dbRuns; i++ {
		if _, err := h.st.ListEntries(ctx, store.Filter{Search: words[i%len(words)]}); err != nil {
			b.Fatal(err)
		}
	}
	dbPerSearch := float64(time.Since(start).Nanoseconds()) / dbRuns
	w := h.u.Window()
	b.Run("filter+show", func(b *testing.B) {
		i := 0
		for b.Loop() {
			h.u.inv.search.SetText(words[i%len(words)])
			i++
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/dbPerSearch, "x_db_search")
		b.ReportMetric(dbPerSearch, "db_search_ns")
	})
	b.Run("filter+show+paint", func(b *testing.B) {
		i := 0
		for b.Loop() {
			h.u.inv.search.SetText(words[i%len(words)])
			_ = w.Canvas().Capture()
			i++
		}
	})
	if got := len(h.u.Entries()); got == 0 || got == 10_000 {
		b.Fatalf("search shows %d entries", got)
	}
}
