package wait_test

import (
	"strings"
	"testing"

	"medinventory/analyzer/wait"
)

var all = []wait.Reason{wait.KeyRefused, wait.NoKey, wait.Quota, wait.ModelNotFound, wait.BadConfig,
	wait.Offline, wait.CircuitOpen, wait.RateLimit, wait.OfflineMode}

func TestEveryReasonHasWords(t *testing.T) {
	for _, r := range all {
		t.Run(string(r), func(t *testing.T) {
			if !r.Known() {
				t.Fatal("not in the table")
			}
			if r.Status() == "Waiting" || r.Message() == wait.Reason("").Message() {
				t.Errorf("generic words: status %q, message %q", r.Status(), r.Message())
			}
			if r.NeedsSettings() && !strings.Contains(r.Message(), "Settings") {
				t.Errorf("fixed in Settings, but the message does not say so: %q", r.Message())
			}
		})
	}
	if wait.Reason("something_new").Known() || wait.Reason("x").Status() != "Waiting" {
		t.Error("an unknown reason should read as plain waiting")
	}
}

func TestBanner(t *testing.T) {
	for _, tc := range []struct {
		name    string
		waiting map[wait.Reason]int
		want    string
	}{
		{"none", nil, ""},
		{"key first", map[wait.Reason]int{wait.Offline: 2, wait.NoKey: 1}, "No OpenAI key is set — open Settings to add one. 3 photos are waiting."},
		{"refused before missing", map[wait.Reason]int{wait.NoKey: 1, wait.KeyRefused: 1}, "The OpenAI key was refused — open Settings. 2 photos are waiting."},
		{"offline counts its own", map[wait.Reason]int{wait.Offline: 1, wait.RateLimit: 3}, "No network — 1 photo will be analysed when you are back online."},
		{"circuit", map[wait.Reason]int{wait.CircuitOpen: 2}, "The analysis service is having trouble — 2 photos will be tried again in a few minutes."},
		{"no banner of its own", map[wait.Reason]int{wait.RateLimit: 1}, "1 photo is waiting."},
		{"unknown reason", map[wait.Reason]int{"later": 2}, "2 photos are waiting."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := wait.Banner(tc.waiting); got != tc.want {
				t.Errorf("Banner = %q\nwant     %q", got, tc.want)
			}
		})
	}
}
