package analyzer

import (
	"sort"
	"strings"
)

// Price is a model's price in US dollars per million tokens.
type Price struct {
	InputPerM, OutputPerM float64
}

// PriceTableSource says where the prices come from and when they were taken. Prices change:
// update the table and this line together.
const PriceTableSource = "OpenAI API pricing page (https://openai.com/api/pricing), standard tier, as published in 2025; not re-checked since"

// prices are per million tokens, standard (not batch, not cached) tier. Keys are model names;
// a dated snapshot ("gpt-4.1-mini-2025-04-14") uses the price of its longest matching prefix.
var prices = map[string]Price{
	"gpt-4.1":      {2.00, 8.00},
	"gpt-4.1-mini": {0.40, 1.60},
	"gpt-4.1-nano": {0.10, 0.40},
	"gpt-4o":       {2.50, 10.00},
	"gpt-4o-mini":  {0.15, 0.60},
	"o4-mini":      {1.10, 4.40},
	"o3":           {2.00, 8.00},
	"gpt-5":        {1.25, 10.00},
	"gpt-5-mini":   {0.25, 2.00},
	"gpt-5-nano":   {0.05, 0.40},
}

// priceKeys sorted longest first, so "gpt-4.1-mini" wins over "gpt-4.1".
var priceKeys = func() []string {
	keys := make([]string, 0, len(prices))
	for k := range prices {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	return keys
}()

// PriceOf returns the model's price and whether the table knows it. Models on local servers
// (Ollama, LM Studio…) are not in the table: they cost nothing per token.
func PriceOf(model string) (Price, bool) {
	m := strings.ToLower(strings.TrimSpace(model))
	if p, ok := prices[m]; ok {
		return p, true
	}
	for _, k := range priceKeys {
		if strings.HasPrefix(m, k+"-") {
			if rest := m[len(k)+1:]; len(rest) > 0 && rest[0] >= '0' && rest[0] <= '9' { // a dated snapshot
				return prices[k], true
			}
		}
	}
	return Price{}, false
}

// EstimateCost is the cost in US dollars of a call with these token counts, from the price table
// (see PriceTableSource). An unknown model costs 0; PriceOf says whether the price is known, so
// the UI can say "cost unknown" instead of "$0".
func EstimateCost(model string, tokensIn, tokensOut int64) float64 {
	p, ok := PriceOf(model)
	if !ok || tokensIn < 0 || tokensOut < 0 {
		return 0
	}
	return (float64(tokensIn)*p.InputPerM + float64(tokensOut)*p.OutputPerM) / 1e6
}
