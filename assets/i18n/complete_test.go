package i18n

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// key is one message the code asks for: its English text (the other form for a plural) and where.
type key struct {
	plural bool
	one    string
	at     string
}

// usedKeys parses every non-test Go file of the module and returns the string literals passed to
// i18n.T, i18n.Err and i18n.Errorf (first argument), i18n.N (the one and other forms) and
// i18n.Mark.
func usedKeys(t *testing.T) map[string]key {
	t.Helper()
	root := filepath.Join("..", "..")
	keys := map[string]key{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); p != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "vendor" || n == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "i18n" {
				return true
			}
			lit := func(i int) (string, bool) {
				if i >= len(call.Args) {
					return "", false
				}
				return constString(call.Args[i])
			}
			at := fset.Position(call.Pos()).String()
			switch sel.Sel.Name {
			case "T", "Mark", "Err", "Errorf":
				if s, ok := lit(0); ok {
					keys[s] = key{at: at}
				}
			case "N":
				one, ok1 := lit(1)
				other, ok2 := lit(2)
				if ok1 && ok2 {
					keys[other] = key{plural: true, one: one, at: at}
				} else {
					t.Errorf("%s: i18n.N needs its one and other forms written as literals", at)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// constString is the value of a string constant written in place: a literal, or literals joined
// with + (a long message split over lines is still a key the test checks).
func constString(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.ParenExpr:
		return constString(e.X)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := constString(e.X)
		b, ok2 := constString(e.Y)
		return a + b, ok1 && ok2
	}
	return "", false
}

// messages reads the files of one language: key → the text, or the plural forms.
func messages(t *testing.T, tag string) map[string]any {
	t.Helper()
	all := map[string]any{}
	paths, _ := filepath.Glob(filepath.Join("translations", "*."+tag+".json"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for k, v := range m {
			if _, dup := all[k]; dup {
				t.Errorf("%s: %q is translated in two files", p, k)
			}
			all[k] = v
		}
	}
	return all
}

var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

// verbs is the sorted list of a format's verbs without their argument indexes.
func verbs(s string) []string {
	var out []string
	for _, m := range verb.FindAllString(s, -1) {
		out = append(out, regexp.MustCompile(`\[\d+\]`).ReplaceAllString(m, ""))
	}
	sort.Strings(out)
	return out
}

func TestTranslationsLoad(t *testing.T) {
	if err := LoadError(); err != nil {
		t.Fatal(err)
	}
}

// TestEveryStringIsTranslated fails when the code asks for a message a language lacks, a file
// holds a message nothing asks for, or a translation's format verbs differ from the English.
func TestEveryStringIsTranslated(t *testing.T) {
	used := usedKeys(t)
	br := messages(t, "pt-BR")
	for _, l := range Supported[1:] {
		have := messages(t, l.Tag)
		for k, u := range used {
			v, ok := have[k]
			if !ok && l.Tag == "pt-PT" {
				v, ok = br[k] // European Portuguese files hold what differs
			}
			if !ok {
				t.Errorf("%s: %q has no %s translation", u.at, k, l.Tag)
				continue
			}
			switch v := v.(type) {
			case string:
				if u.plural {
					t.Errorf("%s: %q is a plural; %s gives one string (write {\"one\": …, \"other\": …})", u.at, k, l.Tag)
				} else if !slices.Equal(verbs(v), verbs(k)) {
					t.Errorf("%s: %s %q has verbs %v, the English %v", u.at, l.Tag, v, verbs(v), verbs(k))
				}
			case map[string]any:
				if !u.plural {
					t.Errorf("%s: %q is not a plural but %s gives forms", u.at, k, l.Tag)
					continue
				}
				for _, form := range []string{"one", "other"} {
					s, _ := v[form].(string)
					if s == "" {
						t.Errorf("%s: %s %q lacks its %q form", u.at, l.Tag, k, form)
					}
				}
				for form, f := range v {
					s, _ := f.(string)
					if want := verbs(k); form != "one" && !slices.Equal(verbs(s), want) {
						t.Errorf("%s: %s %q form %s has verbs %v, the English %v", u.at, l.Tag, k, form, verbs(s), want)
					}
				}
			default:
				t.Errorf("%s: %s %q is neither a string nor plural forms", u.at, l.Tag, k)
			}
		}
		for k := range have {
			if _, ok := used[k]; !ok {
				t.Errorf("translations/*.%s.json: %q is asked for nowhere in the code (remove it)", l.Tag, k)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	for in, want := range map[string]string{
		"fr_FR.UTF-8": "fr", "fr_CA": "fr", "pt_BR.UTF-8": "pt-BR", "pt": "pt-BR", "pt_PT": "pt-PT",
		"es_ES.UTF-8": "es", "es_419": "es", "en_US.UTF-8": "en", "de_DE": "en", "C.UTF-8": "en", "": "en", "x y z": "en",
	} {
		if got := Match(in); got != want {
			t.Errorf("Match(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFallbackAndPlural(t *testing.T) {
	defer Set("en")
	Set("fr")
	if got := T("no such message %d", 3); got != "no such message 3" {
		t.Errorf("untranslated: %q", got)
	}
	Set("en")
	if got := N(1, "%d pack", "%d packs"); got != "1 pack" {
		t.Errorf("N(1) in English = %q", got)
	}
	if got := N(3, "%d pack", "%d packs"); got != "3 packs" {
		t.Errorf("N(3) in English = %q", got)
	}
}
