// Command vetsource runs go vet's checks on packages as another operating system builds them,
// type-checking every package, dependencies included, from source: `make test` uses it to vet the
// Windows build on Linux (`make vet-windows`).
//
// `GOOS=windows go vet` does the same checks but first compiles every dependency for Windows, only
// for its export data: from an empty build cache that took 131 s of CPU here, this 30 s (it does not
// generate code). Like go vet it fails on a file that does not type-check (a Windows-only file that
// does not compile; a Unix-only function used by a test that builds everywhere) and on any finding
// of go vet's analyzers (x/tools' vet suite, which adds sqlrowserr and scannererr to cmd/vet's).
// Cgo is off, as in the Windows cross-build: no C compiler, no MinGW.
//
// Usage: vetsource [-C dir] [-goos windows] [-tags a,b] packages...
//
// x/tools is pinned to the version staticcheck (make lint) builds with, so the two share the
// compiled x/tools packages in the build cache.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"

	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/analysis/suite/vet"
	"golang.org/x/tools/go/packages"
)

func main() {
	dir := flag.String("C", "", "run in this `directory` (the module's)")
	goos := flag.String("goos", runtime.GOOS, "check the packages as this `GOOS` builds them")
	tags := flag.String("tags", "", "comma-separated build `tags`")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: vetsource [-C dir] [-goos windows] [-tags a,b] packages...")
		os.Exit(2)
	}
	n, err := check(*dir, *goos, *tags, flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "vetsource:", err)
		os.Exit(1)
	}
	if n > 0 {
		os.Exit(1)
	}
}

// check loads the packages and their tests for goos and prints each type error or finding once;
// it returns how many it printed.
func check(dir, goos, tags string, patterns []string) (int, error) {
	cfg := &packages.Config{
		Mode:       packages.LoadAllSyntax,
		Dir:        dir,
		Tests:      true,
		Env:        append(os.Environ(), "GOOS="+goos, "CGO_ENABLED=0"),
		BuildFlags: []string{"-tags=" + tags},
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return 0, fmt.Errorf("loading the packages for GOOS=%s: %w", goos, err)
	}
	// A package that does not type-check is reported as such (the analyzers would skip it); a
	// file is in both a package and its test variant: print each error or finding once.
	seen := map[string]bool{}
	var out []string
	add := func(line string) {
		if !seen[line] {
			seen[line] = true
			out = append(out, line)
		}
	}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			add(e.Error())
		}
	})
	if len(out) > 0 {
		return report(out), nil
	}
	graph, err := checker.Analyze(vet.Suite, pkgs, nil)
	if err != nil {
		return 0, fmt.Errorf("analysing the packages for GOOS=%s: %w", goos, err)
	}
	for _, act := range graph.Roots {
		if act.Err != nil {
			return 0, fmt.Errorf("%s: %w", act, act.Err)
		}
		for _, d := range act.Diagnostics {
			add(fmt.Sprintf("%s: %s (%s)", act.Package.Fset.Position(d.Pos), d.Message, act.Analyzer.Name))
		}
	}
	return report(out), nil
}

// report writes the lines to stderr, sorted, and returns how many there are.
func report(lines []string) int {
	sort.Strings(lines)
	for _, line := range lines {
		fmt.Fprintln(os.Stderr, line)
	}
	return len(lines)
}
