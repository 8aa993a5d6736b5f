package export_test

import (
	"fmt"
	"io"
	"testing"
	"time"

	"medinventory/store"
	"medinventory/store/export"
)

func benchEntries(n int) []store.Entry {
	out := make([]store.Entry, n)
	now := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC).UnixMilli()
	for i := range out {
		q := int64(i % 50)
		out[i] = store.Entry{ID: int64(i + 1), Values: store.Values{Name: fmt.Sprintf("Paracétamol %d mg, \"film\"", 100+i%900), GenericName: "paracetamol",
			Strength: "500 mg", DosageForm: "tablet", Manufacturer: "Laboratoires Genève", GTIN: "03400930000120",
			Lot: fmt.Sprintf("L%05d", i), Expiry: "2027-03-31", Quantity: &q, Unit: "box", Location: "shelf 2",
			Notes: "line one\nline two"}, Status: store.StatusConfirmed,
			Sources:   map[string]string{"name": "model", "lot": "barcode", "gtin": "barcode"},
			PhotoName: fmt.Sprintf("IMG_%04d.jpg", i), CreatedAt: now, UpdatedAt: now}
	}
	return out
}

// BenchmarkWrite writes 2,000 entries in each format; JSON is the baseline, and the CSV and XLSX
// runs report how many times as long they take (x_json).
func BenchmarkWrite(b *testing.B) {
	const n = 2000
	entries := benchEntries(n)
	perRow := map[export.Format]float64{}
	for _, f := range []export.Format{export.JSON, export.CSV, export.XLSX} {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := export.Write(io.Discard, f, entries); err != nil {
					b.Fatal(err)
				}
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / n
			perRow[f] = ns
			b.ReportMetric(ns, "ns/row")
			if base := perRow[export.JSON]; f != export.JSON && base > 0 {
				b.ReportMetric(ns/base, "x_json")
			}
		})
	}
}
