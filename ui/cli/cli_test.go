package cli

import (
	"flag"
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

// Case 8: a message that promises a retry "in N s" is rewritten for a process that exits.
func TestNextRunDropsTheTimedPromise(t *testing.T) {
	got := nextRun("api.openai.com is busy (rate limit); trying again in 42s.")
	if strings.Contains(got, "42") || !strings.Contains(got, "api.openai.com is busy (rate limit)") || !strings.Contains(got, "medinventory run") {
		t.Fatal(got)
	}
}

func TestDataDirResolution(t *testing.T) {
	t.Setenv("MEDINVENTORY_DATA_DIR", "")
	t.Setenv("XDG_DATA_HOME", "/xdg")
	d, err := ResolveDataDir("")
	if err != nil {
		t.Fatal(err)
	}
	if d != filepath.Join("/xdg", "medinventory") {
		t.Fatalf("default with XDG_DATA_HOME: %s", d)
	}
	t.Setenv("MEDINVENTORY_DATA_DIR", "/env/dir")
	if d, _ := ResolveDataDir(""); d != "/env/dir" {
		t.Fatalf("env: %s", d)
	}
	if d, _ := ResolveDataDir("/flag/dir"); d != "/flag/dir" {
		t.Fatalf("flag: %s", d)
	}
}
