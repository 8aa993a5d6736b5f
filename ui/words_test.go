package ui

import (
	"strings"
	"testing"

	"medinventory/store"
)

// Words a nurse reads: no "model", "image detail", "requests", "tokens" or "(11: it has …)".

func TestSettingsSayWhatEachFieldIsInPlainWords(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.u.ShowSettings()
	f := h.u.settingsOpen
	labels := map[string]string{}
	for _, it := range f.form.Items {
		labels[it.Text] = it.HintText
	}
	for _, jargon := range []string{"Model", "Image detail", "Requests per minute"} {
		if _, ok := labels[jargon]; ok {
			t.Errorf("Settings still has the label %q", jargon)
		}
	}
	for _, l := range []string{"Reading service", "Photo quality sent", "Limit per minute"} {
		if labels[l] == "" {
			t.Errorf("no %q with a one-line hint (labels %v)", l, labels)
		}
	}
	// The quality in words is stored as the value the service takes.
	f.detail.SetSelected("Reduced (faster, costs less)")
	if s, err := f.values(); err != nil || s.Detail != "low" {
		t.Fatalf("stored detail %q (%v), want low", s.Detail, err)
	}
	if detailLabel("auto") != "Let the service choose" || detailLabel("") != detailChoices[0].label {
		t.Fatal("stored values are not shown in words")
	}
}

func TestWordsForNotesBulkAndUsage(t *testing.T) {
	if got := plainNote("Check strength, lot: the model was not sure."); strings.Contains(got, "model") ||
		got != "Check strength, lot against the package: the photo was hard to read there." {
		t.Fatalf("old note shown as %q", got)
	}
	got := bulkResult(3, 0, map[string]int{"it has a note to check": 11, "it has no name": 1})
	if want := "Confirmed 3 medicines. Left 12 to check one at a time: 1 without a name; 11 with a note to read first."; got != want {
		t.Fatalf("bulk result %q, want %q", got, want)
	}
	u := usageText(store.Usage{Requests: 3, TokensIn: 11000, TokensOut: 935, CostUSD: 0.05}, 3)
	if strings.Contains(u, "token") || strings.Contains(u, "11,935") || strings.Contains(u, "model") {
		t.Fatalf("status bar says %q", u)
	}
}
