package analyzer

import "time"

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

// Medicine is one product seen in a photo. Every string is validated and normalised; "" means
// unknown.
type Medicine struct {
	Name         string `json:"name,omitempty"`         // brand name
	GenericName  string `json:"generic_name,omitempty"` // INN
	Strength     string `json:"strength,omitempty"`     // units normalised: mg, g, mcg, mL, IU, %
	DosageForm   string `json:"dosage_form,omitempty"`
	Manufacturer string `json:"manufacturer,omitempty"`
	GTIN         string `json:"gtin,omitempty"`      // 14 digits, check digit verified
	Lot          string `json:"lot,omitempty"`       // batch
	Expiry       string `json:"expiry,omitempty"`    // YYYY-MM-DD (a month alone means its last day)
	Quantity     *int64 `json:"quantity,omitempty"`  // number of packs seen, if visible
	PackSize     string `json:"pack_size,omitempty"` // e.g. "30 tablets"
	// Confidence maps a field name (as in MedicineFields) to the model's confidence, 0..1.
	Confidence map[string]float64 `json:"confidence,omitempty"`
}

// MedicineFields are the field names of a medicine in the model's answer and in Confidence.
var MedicineFields = []string{"name", "generic_name", "strength", "dosage_form", "manufacturer", "gtin", "lot",
	"expiry", "quantity", "pack_size"}

// Usage is what one model call cost.
type Usage struct {
	Model          string        // the model that answered
	TokensIn       int64         // prompt tokens (image included)
	TokensOut      int64         // completion tokens
	Latency        time.Duration // request sent → answer read (all fallback tries included)
	CostUSD        float64       // EstimateCost of the tokens; 0 for models without a known price
	RawAnswer      string        // the model's text answer as received (bounded), for the record
	PromptVersion  string        // PromptVersion at the time of the call
	ResponseFormat string        // json_schema | json_object | text: what the server accepted
}
