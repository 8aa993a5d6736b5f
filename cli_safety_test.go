package main

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseInterspersed(t *testing.T) {
	for _, tc := range []struct {
		args []string
		pos  []string
		wait bool
		o    string
	}{
		{[]string{"a.jpg", "--wait"}, []string{"a.jpg"}, true, ""},
		{[]string{"--wait", "a.jpg", "b.jpg"}, []string{"a.jpg", "b.jpg"}, true, ""},
		{[]string{"a.jpg", "-o", "x", "b.jpg"}, []string{"a.jpg", "b.jpg"}, false, "x"},
		{[]string{"a.jpg", "--", "--wait"}, []string{"a.jpg", "--wait"}, false, ""},
		{nil, nil, false, ""},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		wait := fs.Bool("wait", false, "")
		o := fs.String("o", "", "")
		pos, err := parseInterspersed(fs, tc.args)
		if err != nil || !reflect.DeepEqual(pos, tc.pos) || *wait != tc.wait || *o != tc.o {
			t.Errorf("%q: %q wait=%v o=%q err=%v", tc.args, pos, *wait, *o, err)
		}
	}
}

func TestInsideDataDir(t *testing.T) {
	data := t.TempDir()
	os.MkdirAll(filepath.Join(data, "photos"), 0o700)
	other := t.TempDir()
	link := filepath.Join(other, "link")
	os.Symlink(data, link)
	for p, want := range map[string]bool{
		data:                                   true,
		filepath.Join(data, "inventory.db"):    true,
		filepath.Join(data, "photos", "x.csv"): true,
		filepath.Join(link, "inventory.db"):    true,
		filepath.Join(other, "x.csv"):          false,
		data + "-export.csv":                   false,
		filepath.Join(data, "..", "x.csv"):     false,
	} {
		if got := insideDataDir(data, p); got != want {
			t.Errorf("insideDataDir(%s) = %v, want %v", p, got, want)
		}
	}
}

// Case 8: a message that promises a retry "in N s" is rewritten for a process that exits.
func TestNextRunDropsTheTimedPromise(t *testing.T) {
	got := nextRun("api.openai.com is busy (rate limit); trying again in 42s.")
	if strings.Contains(got, "42") || !strings.Contains(got, "api.openai.com is busy (rate limit)") || !strings.Contains(got, "medinventory run") {
		t.Fatal(got)
	}
}
