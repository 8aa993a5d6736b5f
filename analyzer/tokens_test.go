package analyzer

import "testing"

func TestImageTokens(t *testing.T) {
	cases := []struct {
		model  string
		w, h   int
		detail Detail
		want   int
	}{
		// Tile models: worked examples from OpenAI's vision guide and the table in tokens.go.
		{"gpt-4o", 1024, 768, DetailHigh, 765},   // 2×2 tiles: 85 + 4×170
		{"gpt-4o", 1024, 768, DetailLow, 85},     // low: base only
		{"gpt-4o", 4032, 3024, DetailHigh, 765},  // the original costs what the upload costs
		{"gpt-4o", 2048, 4096, DetailHigh, 1105}, // → 768×1536, 2×3 tiles
		{"gpt-4o", 4096, 8192, DetailLow, 85},
		{"gpt-4o", 500, 400, DetailHigh, 255}, // 1 tile, never enlarged
		{"gpt-4o", 1024, 768, DetailAuto, 765},
		{"gpt-4o-2024-08-06", 1024, 1024, DetailHigh, 765},
		{"gpt-4.1", 1024, 1024, DetailHigh, 765}, // → 768×768, 2×2 tiles
		{"gpt-5", 1024, 1024, DetailHigh, 630},   // 70 + 4×140
		{"gpt-5", 1024, 1024, DetailLow, 70},
		{"gpt-4o-mini", 1024, 768, DetailHigh, 2833 + 4*5667},
		{"o3", 1024, 768, DetailHigh, 75 + 4*150},
		{"openai/gpt-4o", 1024, 768, DetailHigh, 765}, // provider prefix (OpenRouter style)
		{" GPT-4O ", 1024, 768, DetailHigh, 765},
		{"llava:13b", 1024, 768, DetailHigh, 765}, // unknown: the gpt-4o formula
		{"", 1024, 768, DetailLow, 85},
		// Patch models: ceil(w/32)×ceil(h/32) patches (at most 1536) × multiplier, rounded up.
		{"gpt-4.1-mini", 1024, 1024, DetailHigh, 1659}, // 1024 × 1.62 = 1658.88
		{"gpt-4.1-mini", 1024, 1024, DetailLow, 1659},  // detail does not change patch counts
		{"gpt-4.1-mini", 1800, 2400, DetailHigh, 2353}, // OpenAI's example: 1452 patches
		{"gpt-4.1-mini-2025-04-14", 1024, 768, DetailHigh, 1245},
		{"gpt-4.1-mini", 512, 384, DetailHigh, 312}, // smaller images cost less here
		{"gpt-4.1-nano", 1024, 1024, DetailHigh, 2520},
		{"gpt-5-mini", 1024, 1024, DetailHigh, 1659},
		{"gpt-5-nano", 1024, 1024, DetailHigh, 2520},
		{"o4-mini", 1024, 1024, DetailHigh, 1762},
		{"gpt-4.1-mini", 4032, 3024, DetailHigh, 2353}, // over 1536 patches: scaled to 1408×1056 = 1452
		{"gpt-4o", 0, 768, DetailHigh, 0},
	}
	for _, tc := range cases {
		if got := ImageTokens(tc.model, tc.w, tc.h, tc.detail); got != tc.want {
			t.Errorf("ImageTokens(%q, %d, %d, %q) = %d, want %d", tc.model, tc.w, tc.h, tc.detail, got, tc.want)
		}
	}
}

func TestPatchCount(t *testing.T) {
	cases := []struct{ w, h, want int }{
		{1024, 1024, 1024},
		{1800, 2400, 1452}, // OpenAI's worked example: scaled to 1056×1408 = 33×44 patches
		{33, 33, 4},
		{1, 1, 1},
	}
	for _, tc := range cases {
		if got := patchCount(tc.w, tc.h); got != tc.want {
			t.Errorf("patchCount(%d, %d) = %d, want %d", tc.w, tc.h, got, tc.want)
		}
	}
	for _, sz := range [][2]int{{4032, 3024}, {12000, 100}, {100, 12000}, {7000, 7000}} {
		if got := patchCount(sz[0], sz[1]); got > 1536 || got < 1000 {
			t.Errorf("patchCount(%d, %d) = %d, want close to and at most 1536", sz[0], sz[1], got)
		}
	}
}
