package analyzer

import (
	"math"
	"strings"
)

// Image token accounting, from OpenAI's "Images and vision" guide, section "Calculating costs"
// (https://platform.openai.com/docs/guides/images-vision#calculating-costs, as published in 2025;
// not re-checked since). Two families:
//
// Tile models (detail "high"/"auto"): the image is fitted within 2048×2048, then scaled so its
// shortest side is at most 768; it costs base + perTile × (number of 512-px tiles). Detail "low"
// costs base only.
//
//	model prefix                   base   per tile
//	gpt-5 (not -mini/-nano)          70        140
//	gpt-4o, gpt-4.1, gpt-4.5         85        170
//	gpt-4o-mini                    2833       5667
//	o1, o1-pro, o3                   75        150
//	computer-use-preview             65        129
//	anything else                    85        170   (the gpt-4o formula)
//
// Patch models: the image is cut into 32×32-px patches; above 1536 patches it is first scaled
// down to fit 1536. Tokens = patches × multiplier (detail does not change the count):
//
//	gpt-5-mini 1.62, gpt-5-nano 2.46, gpt-4.1-mini 1.62, gpt-4.1-nano 2.46, o4-mini 1.72
type tileCost struct{ base, perTile int }

var patchMultipliers = []struct {
	prefix string
	mult   float64
}{
	{"gpt-5-mini", 1.62},
	{"gpt-5-nano", 2.46},
	{"gpt-4.1-mini", 1.62},
	{"gpt-4.1-nano", 2.46},
	{"o4-mini", 1.72},
}

var tileCosts = []struct {
	prefix string
	cost   tileCost
}{
	{"gpt-4o-mini", tileCost{2833, 5667}},
	{"gpt-5", tileCost{70, 140}},
	{"gpt-4o", tileCost{85, 170}},
	{"chatgpt-4o", tileCost{85, 170}},
	{"gpt-4.1", tileCost{85, 170}},
	{"gpt-4.5", tileCost{85, 170}},
	{"o1", tileCost{75, 150}},
	{"o3", tileCost{75, 150}},
	{"computer-use-preview", tileCost{65, 129}},
}

// ImageTokens estimates the input tokens an image of w×h pixels costs model at detail (see the
// table above). Unknown models are counted with the gpt-4o tile formula. A provider prefix such
// as "openai/" is ignored.
func ImageTokens(model string, w, h int, detail Detail) int {
	if w <= 0 || h <= 0 {
		return 0
	}
	m := strings.ToLower(strings.TrimSpace(model))
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		m = m[i+1:]
	}
	for _, p := range patchMultipliers {
		if strings.HasPrefix(m, p.prefix) {
			return int(math.Ceil(float64(patchCount(w, h)) * p.mult))
		}
	}
	cost := tileCost{85, 170}
	for _, t := range tileCosts {
		if strings.HasPrefix(m, t.prefix) {
			cost = t.cost
			break
		}
	}
	if detail == DetailLow {
		return cost.base
	}
	rw, rh := UploadSize(w, h, DetailHigh)
	tiles := ((rw + 511) / 512) * ((rh + 511) / 512)
	return cost.base + cost.perTile*tiles
}

// patchCount is the number of 32-px patches the patch models see, capped at 1536 as OpenAI
// describes: scale so the patches fit, then shrink so whole patches fit the width or height.
func patchCount(w, h int) int {
	const maxPatches = 1536
	ceil32 := func(v float64) int { return int(math.Ceil(v / 32)) }
	fw, fh := float64(w), float64(h)
	if ceil32(fw)*ceil32(fh) <= maxPatches {
		return ceil32(fw) * ceil32(fh)
	}
	shrink := math.Sqrt(32 * 32 * maxPatches / (fw * fh))
	rw, rh := fw*shrink, fh*shrink
	adj := shrink * min(math.Floor(rw/32)/(rw/32), math.Floor(rh/32)/(rh/32))
	fw, fh = math.Floor(fw*adj), math.Floor(fh*adj)
	return min(ceil32(fw)*ceil32(fh), maxPatches)
}
