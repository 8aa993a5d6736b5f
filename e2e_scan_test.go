package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"medinventory/ui/cli"
)

// TestScanEndToEnd runs the real binary's scan command on a generated photo of a GS1 DataMatrix,
// a photo with no code and a file that is not a photo.
func TestScanEndToEnd(t *testing.T) {
	dir := t.TempDir()
	pack := filepath.Join("analyzer", "barcode", "testdata", "corpus", "plain", "dm_full-a.jpg")
	none := filepath.Join("analyzer", "barcode", "testdata", "corpus", "nocode-generated", "pills-a.jpg")
	bad := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(bad, []byte("not a photo"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runBin(t, cleanEnv(), "scan", "--format", "json", pack, none, bad)
	if r.code != cli.ExitFailed {
		t.Fatalf("exit %d, want %d (one file is not a photo)\nstdout:\n%s\nstderr:\n%s", r.code, cli.ExitFailed, r.stdout, r.stderr)
	}
	var lines []cli.ScanResult
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	for sc.Scan() {
		var res cli.ScanResult
		if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, res)
	}
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(lines), r.stdout)
	}
	got := lines[0]
	if got.File != pack || len(got.Codes) != 1 {
		t.Fatalf("first line %+v", got)
	}
	c := got.Codes[0]
	if c.Symbology != "datamatrix" || c.Text != "]d201095060001343521727123110AB-1234<GS>21SN00012345" || c.GS1 == nil ||
		c.GS1.GTIN != "09506000134352" || c.GS1.Expiry != "2027-12-31" || c.GS1.Lot != "AB-1234" || c.GS1.Serial != "SN00012345" {
		t.Errorf("code %+v gs1 %+v", c, c.GS1)
	}
	if c.Bounds.W <= 0 || c.Bounds.H <= 0 || c.Bounds.X < 0 || c.Bounds.X+c.Bounds.W > got.Width {
		t.Errorf("bounds %+v in a %d×%d photo", c.Bounds, got.Width, got.Height)
	}
	if lines[1].Error != "" || len(lines[1].Codes) != 0 {
		t.Errorf("photo without a code: %+v", lines[1])
	}
	if lines[2].Error == "" || !strings.Contains(lines[2].Error, "not a photo") {
		t.Errorf("text file: %+v", lines[2])
	}

	// The text form names the fields in words.
	r = runBin(t, cleanEnv(), "scan", pack)
	if r.code != cli.ExitOK || !strings.Contains(r.stdout, "GTIN 09506000134352, expiry 2027-12-31, lot AB-1234, serial SN00012345") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runBin(t, cleanEnv(), "scan"); r.code != cli.ExitUsage {
		t.Errorf("scan with no photo: exit %d", r.code)
	}
}
