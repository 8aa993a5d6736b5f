package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestMain removes the binary the end-to-end tests built (47 MB in the temp folder each run).
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func TestVersionMatchesFyneApp(t *testing.T) {
	b, err := os.ReadFile("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^Version\s*=\s*"([^"]+)"`).FindSubmatch(b)
	if m == nil || string(m[1]) != version {
		t.Fatalf("FyneApp.toml version %q, main.version %q", m, version)
	}
	if !bytes.Contains(b, []byte(`ID = "`+appID+`"`)) {
		t.Fatalf("FyneApp.toml ID is not %s", appID)
	}
}

func TestRunVersionAndUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"--version"}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "medinventory "+version) {
		t.Fatalf("--version: %d %q %q", code, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"frobnicate"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "unknown command") {
		t.Fatalf("unknown command: %d %q", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"--help"}, &out, &errb); code != 0 || !strings.Contains(errb.String(), "medinventory import") {
		t.Fatalf("--help: %d %q", code, errb.String())
	}
}

// mustContain fails the test for each of wants that got lacks; what names got in the message.
func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}
