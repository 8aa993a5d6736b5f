package pipeline

import (
	"testing"

	"medinventory/analyzer"
	"medinventory/analyzer/barcode"
	"medinventory/store"
	"medinventory/store/fields"
)

// The barcode's GS1 count of items (AI 30) becomes the pack's contents, marked as the barcode's,
// when the model read none; the model's reading ("28 capsules") is kept when it has one.
func TestBarcodeCountIsThePackSizeWhenTheModelReadNone(t *testing.T) {
	code, err := barcode.ParseGS1("]d20109506000134352" + "10AB-1234\x1d" + "3030")
	if err != nil || code.Count == nil || *code.Count != 30 {
		t.Fatalf("ParseGS1: %+v, %v", code, err)
	}
	if ne := barcodeEntry(code); ne.Unit != "30" || ne.Sources["unit"] != store.SourceBarcode {
		t.Fatalf("barcode entry unit %q from %q", ne.Unit, ne.Sources["unit"])
	}
	res := analyzer.Result{Medicines: []analyzer.Medicine{{Values: fields.Values{Name: "Amoxil", GTIN: "09506000134352"}}}}
	if out := mergeFindings(res, code, true); len(out) != 1 || out[0].Unit != "30" || out[0].Sources["unit"] != store.SourceBarcode {
		t.Fatalf("merged without the model's contents: %+v", out)
	}
	res.Medicines[0].Unit = "28 capsules"
	if out := mergeFindings(res, code, true); out[0].Unit != "28 capsules" || out[0].Sources["unit"] != store.SourceModel {
		t.Fatalf("merged with the model's contents: unit %q from %q", out[0].Unit, out[0].Sources["unit"])
	}
}
