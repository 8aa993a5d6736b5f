package ui

import (
	"strings"
	"testing"
)

// The Settings dialog shows the clinic's identity and the maximum months of stock, and gives back
// what was typed; a maximum that is not a whole number from 1 to 24 is refused in words.
func TestSettingsFormKeepsTheClinic(t *testing.T) {
	h := newHarness(t)
	in := Settings{ClinicName: "Kibera Health Centre", ClinicCode: "KE-0042", ClinicDistrict: "Nairobi", PreparedBy: "A. Otieno", MaxMonths: 4}
	f := h.u.newSettingsForm(in)
	got, err := f.values()
	if err != nil || got.ClinicName != in.ClinicName || got.ClinicCode != in.ClinicCode || got.ClinicDistrict != in.ClinicDistrict ||
		got.PreparedBy != in.PreparedBy || got.MaxMonths != 4 {
		t.Fatalf("values() = %+v, %v", got, err)
	}
	f.clinic.SetText("  Mathare Clinic ")
	f.maxMonths.SetText("")
	if got, err := f.values(); err != nil || got.ClinicName != "Mathare Clinic" || got.MaxMonths != 0 {
		t.Errorf("values() = %+v, %v; want the name trimmed and the default maximum (0)", got, err)
	}
	f.maxMonths.SetText("forty")
	if _, err := f.values(); err == nil || !strings.Contains(err.Error(), "maximum months of stock must be a whole number from 1 to 24") {
		t.Errorf("a bad maximum: %v", err)
	}
}
