package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/printable"
)

// runImport is `medinventory import`: it adds the paths, then with --wait analyses them.
func runImport(c *Call, args []string) int {
	opt, paths, code, ok := c.parseImportArgs(args)
	if !ok {
		return code
	}
	if len(paths) == 0 {
		return c.importWithoutPaths(opt)
	}
	ctx, stop := interruptible()
	defer stop()
	o, code := c.open(ctx, "import", need{backend: &BackendOptions{Offline: opt.offline, Concurrency: opt.concurrency},
		grace: func() time.Duration { return shutdownGrace(ctx) }})
	if o == nil {
		return code
	}
	defer o.Close()
	b := o.B
	if opt.wait {
		if err := b.Start(ctx); err != nil {
			return c.fail(err)
		}
	}
	imp := newImportRun(paths, c.Stdout)
	defer imp.out.Flush()
	if !imp.addAll(ctx, b, c.Stderr) {
		return ExitFailed
	}
	imp.printTotals()
	if !opt.wait {
		imp.printQueued()
		return imp.code
	}
	return imp.waitForAnalyses(ctx, b, opt.offline)
}

// importOptions are import's flags.
type importOptions struct {
	wait, offline bool
	concurrency   int
}

// parseImportArgs parses import's flags, which may come before, between or after the paths.
func (c *Call) parseImportArgs(args []string) (opt importOptions, paths []string, code int, ok bool) {
	fs := c.flags("import", i18n.T(`Usage: medinventory import [--wait] [--offline] PATH...

Adds photos, and folders of photos (with their subfolders), to the inventory. Files that are not
photos are listed as skipped with the reason. A photo already in the inventory is not added twice.
Without --wait the photos are queued and analysed by the window (or a later medinventory run).
With --wait and no PATH it analyses what is queued, like medinventory run. Flags may come before or
after the paths.

Exit codes: 0 done, 1 something failed, 2 wrong usage, 4 some photos still wait (offline or no key).

Flags:
`))
	fs.BoolVar(&opt.wait, "wait", false, i18n.T("analyse the photos now and wait until each is done or failed, then print a summary"))
	fs.BoolVar(&opt.offline, "offline", false, i18n.T("do only what needs no network (barcodes, known products); the rest stays queued"))
	fs.IntVar(&opt.concurrency, "concurrency", 0, i18n.T("how many photos to analyse at once (default: the setting, else 4)"))
	paths, code, ok = parseArgs(fs, args)
	return opt, paths, code, ok
}

// importWithoutPaths is import with no path: with --wait it analyses what is queued (as run does),
// without it is wrong usage.
func (c *Call) importWithoutPaths(opt importOptions) int {
	if opt.wait {
		return c.runQueue(opt.offline, opt.concurrency)
	}
	fmt.Fprintln(c.Stderr, i18n.T("medinventory import: name at least one photo or folder. Example: medinventory import ~/Pictures/restock"))
	return ExitUsage
}

// importRun is one import: what it printed and found so far.
type importRun struct {
	out     *bufio.Writer
	tty     bool // a terminal: one progress line instead of a line per file
	paths   []string
	given   map[string]bool // the paths the user named
	n       int             // files handled so far
	photos  []store.Photo   // added or already there, each once: the ones --wait waits for
	seen    map[int64]bool
	skipped []store.AddOutcome
	sum     store.AddSummary
	code    int // ExitFailed once a path the user named does not exist
}

func newImportRun(paths []string, stdout io.Writer) *importRun {
	r := &importRun{out: bufio.NewWriter(stdout), tty: IsTerminal(stdout), paths: paths, given: map[string]bool{}, seen: map[int64]bool{}, code: ExitOK}
	for _, p := range paths {
		r.given[p] = true
	}
	return r
}

// addAll adds every path (folders with their subfolders) and reports each file as it is done. It
// returns false when the adding stopped early (Ctrl+C, a full disk), having said why.
func (r *importRun) addAll(ctx context.Context, b Backend, stderr io.Writer) bool {
	sum, err := b.Import(ctx, r.paths, r.report)
	r.sum = sum
	if r.tty {
		fmt.Fprintln(r.out)
	}
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprint(r.out, i18n.T("Stopped. The %d photo(s) added so far are kept.\n", sum.Added))
			return false
		}
		r.out.Flush()
		PlainError(stderr, err)
		return false
	}
	return true
}

// report is one file's outcome: a line of its own, or the progress count on a terminal.
func (r *importRun) report(o store.AddOutcome) {
	r.n++
	switch {
	case o.Err != nil:
		r.skipped = append(r.skipped, o)
		if r.given[o.Path] && errors.Is(o.Err, os.ErrNotExist) {
			r.code = ExitFailed // a path the user typed does not exist: say so in the exit code too
		}
		if !r.tty {
			fmt.Fprint(r.out, i18n.T("skipped %s: %s\n", printable.String(o.Path), Reason(o.Err)))
		}
	default:
		if !r.seen[o.Photo.ID] {
			r.seen[o.Photo.ID] = true
			r.photos = append(r.photos, o.Photo)
		}
		if !r.tty {
			what := i18n.T("added")
			if o.Duplicate {
				what = i18n.T("already in the inventory")
			}
			fmt.Fprintf(r.out, "%s %s\n", what, printable.String(o.Path))
		}
	}
	if r.tty {
		fmt.Fprint(r.out, i18n.T("\rAdding photos… %d", r.n))
		r.out.Flush()
	}
}

// printTotals prints how many were added, already there and skipped, and each skipped file's reason.
func (r *importRun) printTotals() {
	fmt.Fprint(r.out, i18n.T("%d added, %d already in the inventory, %d skipped.\n", r.sum.Added, r.sum.Duplicates, r.sum.Skipped))
	if r.sum.Skipped > 0 && r.sum.Added+r.sum.Duplicates == 0 {
		r.code = ExitFailed // every file was skipped: nothing was imported
	}
	if len(r.skipped) > 0 {
		fmt.Fprintln(r.out, i18n.T("Skipped (not added):"))
		for _, o := range r.skipped {
			fmt.Fprintf(r.out, "  %s — %s\n", printable.String(o.Path), Reason(o.Err))
		}
	}
}

// printQueued says, without --wait, where the new photos will be analysed.
func (r *importRun) printQueued() {
	if r.sum.Added > 0 {
		fmt.Fprintln(r.out, i18n.T("The new photos are queued: they are analysed when Medicine Inventory is open, or run: medinventory run"))
	}
}

// waitForAnalyses is --wait: it waits for the photos' analyses and prints their summary. The exit
// code is the summary's, unless that is ExitOK and a named path was missing.
func (r *importRun) waitForAnalyses(ctx context.Context, b Backend, offline bool) int {
	if !b.HasKey() && !offline { // model() reads the client under the lock
		fmt.Fprintln(r.out, i18n.T("No OpenAI key is set (OPENAI_API_KEY, or Settings in the window): only barcodes and known products are read now; the rest waits."))
	}
	r.out.Flush()
	if c := waitAndSummarise(ctx, b, r.photos, r.out, r.tty); c != ExitOK {
		return c
	}
	return r.code
}
