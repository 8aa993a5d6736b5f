package analyzer

import (
	"time"

	"medinventory/analyzer/answer"
)

// The validated answer's types and limits are package answer's; these names keep analyzer's API.
type (
	Result   = answer.Result   // what the model found in one photo, after validation
	Medicine = answer.Medicine // one product seen in a photo
)

// MedicineFields are the field names of a medicine in the model's answer (answer.MedicineFields).
var MedicineFields = answer.MedicineFields

// Bounds on a validated answer (package answer's).
const (
	MaxMedicines   = answer.MaxMedicines
	MaxTextLen     = answer.MaxTextLen
	MaxAnswerBytes = answer.MaxAnswerBytes
)

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
