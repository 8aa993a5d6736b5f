package export_test

import (
	"fmt"
	"io"
	"testing"
	"time"

	"medinventory/store"
	"medinventory/store/export"
	"medinventory/store/stock"
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

func benchStock(products, lotsEach int) []stock.ProductStock {
	out := make([]stock.ProductStock, products)
	for i := range out {
		p := stock.ProductStock{}
		p.ID, p.Name, p.Strength, p.GTIN, p.Unit = int64(i+1), fmt.Sprintf("Paracétamol %d mg, film-coated tablets", 100+i%900), "500 mg", "03400930000120", "box"
		for k := 0; k < lotsEach; k++ {
			p.Lines = append(p.Lines, stock.Line{ID: int64(i*lotsEach + k + 1), Lot: fmt.Sprintf("L%05d-%d", i, k), Expiry: "2027-03-31",
				Location: "shelf 2", OnHand: int64(10 + k)})
		}
		out[i] = p
	}
	return out
}

// BenchmarkReportPDF writes the 2,000-lot stock-by-lot report as a PDF (the columns sized by
// their content: every cell is measured once more) and, as the baseline in the same run, as JSON;
// x_json is how many times as long the PDF takes.
func BenchmarkReportPDF(b *testing.B) {
	today := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	t := export.LotsTable(benchStock(1000, 2), today, 0)
	var base float64
	for _, f := range []export.Format{export.JSON, export.PDF} {
		b.Run(string(f), func(b *testing.B) {
			for b.Loop() {
				if err := export.WriteTable(io.Discard, f, t); err != nil {
					b.Fatal(err)
				}
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(ns/1e6, "ms/report")
			if f == export.JSON {
				base = ns
			} else if base > 0 {
				b.ReportMetric(ns/base, "x_json")
			}
		})
	}
}
