package pipeline

import (
	"strings"
	"testing"

	"medinventory/analyzer"
	"medinventory/analyzer/barcode"
	"medinventory/store/fields"
)

// A barcode whose expiry is not a date keeps its GTIN and lot, and the reviewer is told why the
// expiry is missing — on a barcode-only entry and on the medicine the model read alike.
func TestBarcodeDateThatIsNotADateKeepsTheRestWithANote(t *testing.T) {
	code, err := barcode.ParseGS1("]d20109506000134352" + "17260230" + "10AB-1234\x1d" + "21SN1")
	if err != nil {
		t.Fatal(err)
	}
	const want = "the barcode's expiry 260230 is not a date"
	ne := barcodeEntry(code)
	if ne.GTIN != "09506000134352" || ne.Lot != "AB-1234" || ne.Expiry != "" || ne.Serial != "SN1" || !strings.Contains(ne.ReviewNote, want) {
		t.Fatalf("barcode entry %+v", ne)
	}
	res := analyzer.Result{Medicines: []analyzer.Medicine{{Values: fields.Values{Name: "Panadol", GTIN: "09506000134352", Expiry: "2026-02-28"}}}}
	out := mergeFindings(res, code, true)
	if len(out) != 1 || out[0].Lot != "AB-1234" || out[0].Expiry != "2026-02-28" || out[0].Serial != "SN1" || !strings.Contains(out[0].ReviewNote, want) {
		t.Fatalf("merged %+v", out)
	}
}
