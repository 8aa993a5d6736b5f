package export_test

import (
	"os"

	"medinventory/store"
	"medinventory/store/export"
)

func ExampleWrite() {
	qty := int64(3)
	entries := []store.Entry{
		{ID: 1, Values: store.Values{Name: "Paracétamol 500 mg", Lot: "AB12", Expiry: "2027-03-31", Quantity: &qty}, Status: store.StatusConfirmed,
			Sources: map[string]string{"name": "model", "lot": "barcode"}, PhotoName: "IMG_0001.jpg"},
		{ID: 2, Values: store.Values{Name: "=1+1"}, Status: store.StatusNeedsReview},
	}
	if err := export.Write(os.Stdout, export.JSON, entries); err != nil {
		panic(err)
	}
	// Output:
	// [
	//   {
	//     "id": 1,
	//     "name": "Paracétamol 500 mg",
	//     "generic_name": "",
	//     "strength": "",
	//     "dosage_form": "",
	//     "manufacturer": "",
	//     "gtin": "",
	//     "lot": "AB12",
	//     "expiry": "2027-03-31",
	//     "serial": "",
	//     "quantity": 3,
	//     "unit": "",
	//     "location": "",
	//     "notes": "",
	//     "status": "confirmed",
	//     "sources": "lot=barcode; name=model",
	//     "review_note": "",
	//     "photo": "IMG_0001.jpg",
	//     "created_at": "",
	//     "updated_at": ""
	//   },
	//   {
	//     "id": 2,
	//     "name": "=1+1",
	//     "generic_name": "",
	//     "strength": "",
	//     "dosage_form": "",
	//     "manufacturer": "",
	//     "gtin": "",
	//     "lot": "",
	//     "expiry": "",
	//     "serial": "",
	//     "quantity": null,
	//     "unit": "",
	//     "location": "",
	//     "notes": "",
	//     "status": "needs_review",
	//     "sources": "",
	//     "review_note": "",
	//     "photo": "",
	//     "created_at": "",
	//     "updated_at": ""
	//   }
	// ]
}
