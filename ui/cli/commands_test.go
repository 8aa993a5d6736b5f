package cli

import (
	"bytes"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The usage text, the package doc and README.md's command list all come from, or are checked
// against, the one command table: a command added to the table and not to README fails here.
func TestCommandListsMatchTheTable(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Main([]string{"--help"}, &out, &errb, Env{Version: "test"}); code != ExitOK {
		t.Fatalf("--help: exit %d", code)
	}
	for _, c := range commands {
		if line := usageLine(c.Synopsis, c.Help); !strings.Contains(errb.String(), line) {
			t.Errorf("usage lacks %q", line)
		}
		if !strings.HasPrefix(c.Synopsis, c.Name) {
			t.Errorf("%s: synopsis %q does not start with the name", c.Name, c.Synopsis)
		}
	}

	f, err := parser.ParseFile(token.NewFileSet(), "cli.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	checkList(t, "the package doc (cli.go)", f.Doc.Text(), "\t")

	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## Command line\n.*?```\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no code block under ## Command line")
	}
	checkList(t, "README.md's command list", string(m[1]), "")
}

// checkList checks that text lists every command of the table as the usage text does (its line,
// after indent), and names no command the table lacks.
func checkList(t *testing.T, what, text, indent string) {
	t.Helper()
	for _, c := range commands {
		if line := strings.TrimPrefix(usageLine(c.Synopsis, c.Help), "  "); !strings.Contains(text, indent+line) {
			t.Errorf("%s lacks %q", what, line)
		}
	}
	for _, l := range strings.Split(text, "\n") {
		f := strings.Fields(l)
		if len(f) < 2 || f[0] != "medinventory" || strings.HasPrefix(f[1], "-") || strings.HasPrefix(f[1], "[") {
			continue
		}
		if _, ok := lookup(f[1]); !ok {
			t.Errorf("%s names %q, which is no command of the table", what, f[1])
		}
	}
}

// Every command answers --help with its usage and exit code 0, and a bad flag with exit code 2,
// without opening any data folder.
func TestEveryCommandHasHelp(t *testing.T) {
	t.Setenv("MEDINVENTORY_DATA_DIR", t.TempDir())
	for _, c := range commands {
		var out, errb bytes.Buffer
		if code := Main([]string{c.Name, "--help"}, &out, &errb, Env{}); code != ExitOK || !strings.Contains(errb.String(), "Usage: medinventory "+c.Name) {
			t.Errorf("%s --help: exit %d, %q", c.Name, code, errb.String())
		}
		errb.Reset()
		if code := Main([]string{c.Name, "--no-such-flag"}, &out, &errb, Env{}); code != ExitUsage {
			t.Errorf("%s --no-such-flag: exit %d, %q", c.Name, code, errb.String())
		}
	}
}
