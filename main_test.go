package main

import (
	"bytes"
	"os"
	"path/filepath"
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

func TestDataDirResolution(t *testing.T) {
	t.Setenv("MEDINVENTORY_DATA_DIR", "")
	t.Setenv("XDG_DATA_HOME", "/xdg")
	d, err := resolveDataDir("")
	if err != nil {
		t.Fatal(err)
	}
	if d != filepath.Join("/xdg", "medinventory") {
		t.Fatalf("default with XDG_DATA_HOME: %s", d)
	}
	t.Setenv("MEDINVENTORY_DATA_DIR", "/env/dir")
	if d, _ := resolveDataDir(""); d != "/env/dir" {
		t.Fatalf("env: %s", d)
	}
	if d, _ := resolveDataDir("/flag/dir"); d != "/flag/dir" {
		t.Fatalf("flag: %s", d)
	}
}

func TestLogRotationAndRedaction(t *testing.T) {
	dir := t.TempDir()
	rf, err := openRotating(dir, 1000, 2)
	if err != nil {
		t.Fatal(err)
	}
	red := &redactingWriter{w: rf}
	red.addSecret("my-very-secret-value")
	for i := 0; i < 100; i++ {
		red.Write([]byte("line with key my-very-secret-value and sk-abcdefghijklmnop and Bearer abc.def.ghijkl\n"))
	}
	rf.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "medinventory.log*"))
	if len(files) != 3 {
		t.Fatalf("files %v; want the log and 2 old ones", files)
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if len(b) > 1000 {
			t.Fatalf("%s is %d bytes", f, len(b))
		}
		if bytes.Contains(b, []byte("secret-value")) || bytes.Contains(b, []byte("sk-abc")) || bytes.Contains(b, []byte("abc.def")) {
			t.Fatalf("%s has a secret: %s", f, b)
		}
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
