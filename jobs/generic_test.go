package jobs_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The package is one generic concept: no string it writes or runs names the application's things
// (photos, analyses, the model, medicines, its maintenance).
func TestNoApplicationWordsInStrings(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
			}
			checked++
			low := strings.ToLower(s)
			for _, word := range []string{"photo", "analy", "openai", "api key", "medicine", "inventory", "maintenance", "barcode"} {
				if strings.Contains(low, word) {
					t.Errorf("%s: %q names the application (%q)", fset.Position(lit.Pos()), s, word)
				}
			}
			return true
		})
	}
	if checked < 50 {
		t.Fatalf("only %d strings checked; the test is not reading the package", checked)
	}
}
