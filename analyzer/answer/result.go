package answer

import "medinventory/store/fields"

// Result is what the model found in one photo, after validation: zero or more medicines (a photo
// may show several packs, or none).
type Result struct {
	Medicines   []Medicine `json:"medicines"`
	NotMedicine bool       `json:"not_medicine,omitempty"` // the photo shows no medicine package
	Refused     bool       `json:"refused,omitempty"`      // the model declined to answer
	// Notes are validation notes for the reviewer, in plain words (e.g. "The GTIN … was dropped: its
	// check digit is wrong.").
	Notes []string `json:"notes,omitempty"`
}

// Medicine is one product seen in a photo. Its Values hold the fields of the field table that the
// model is asked for (fields.All, those with a Model description; the answer's "pack_size" is Unit).
// Every value is validated and normalised; "" means unknown.
type Medicine struct {
	fields.Values
	// Confidence maps a field's answer key (as in MedicineFields) to the model's confidence, 0..1.
	Confidence map[string]float64 `json:"confidence,omitempty"`
}

// MedicineFields are the field names of a medicine in the model's answer and in Confidence: the
// answer keys of the field table's fields the model is asked for.
var MedicineFields = modelKeys()

func modelKeys() []string {
	var out []string
	for _, f := range ModelFields() {
		out = append(out, f.AnswerKey())
	}
	return out
}

// ModelFields are the fields of the field table that the model is asked for, in table order.
func ModelFields() []*fields.Field {
	var out []*fields.Field
	for i := range fields.All {
		if fields.All[i].Model != "" {
			out = append(out, &fields.All[i])
		}
	}
	return out
}
