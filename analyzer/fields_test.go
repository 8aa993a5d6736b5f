package analyzer

import (
	"encoding/json"
	"strings"
	"testing"

	"medinventory/analyzer/answer"
	"medinventory/store/fields"
)

// TestModelFieldsFromTable: every field the table asks the model for is in the prompt, the answer
// schema and Validate's reading of an answer; no other field is.
func TestModelFieldsFromTable(t *testing.T) {
	var schema struct {
		Properties struct {
			Medicines struct {
				Items struct {
					Properties map[string]any `json:"properties"`
				} `json:"items"`
			} `json:"medicines"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(answerSchema, &schema); err != nil {
		t.Fatal(err)
	}
	props := schema.Properties.Medicines.Items.Properties
	med := map[string]any{}
	for _, f := range fields.All {
		k := f.AnswerKey()
		_, inSchema := props[k]
		inPrompt := strings.Contains(systemPrompt, `"`+k+`": `+f.Model)
		if asked := f.Model != ""; inSchema != asked || (asked && !inPrompt) {
			t.Errorf("%s: asked %v, in schema %v, in prompt %v", f.Name, asked, inSchema, inPrompt)
		}
		switch f.Kind {
		case fields.CountKind:
			med[k] = 2
		case fields.DateKind:
			med[k] = "2027-03-31"
		case fields.GTINKind:
			med[k] = "04006381333931"
		default:
			med[k] = "x" + f.Name
		}
	}
	raw, _ := json.Marshal(map[string]any{"not_medicine": false, "medicines": []any{med}})
	res, err := answer.Validate(raw)
	if err != nil || len(res.Medicines) != 1 {
		t.Fatalf("Validate: %v, %+v", err, res)
	}
	for _, f := range fields.All {
		got := f.Get(&res.Medicines[0].Values)
		if (f.Model != "") != (got != "") {
			t.Errorf("%s: asked %v, read %q", f.Name, f.Model != "", got)
		}
	}
}
