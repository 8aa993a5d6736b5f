package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"medinventory/store"
	"medinventory/store/printable"
)

// The steps of cmdImport, in the order it takes them.

// importOptions are import's flags.
type importOptions struct {
	wait, offline bool
	concurrency   int
}

// parseImportArgs parses import's flags, which may come before, between or after the paths.
func parseImportArgs(g *globalFlags, args []string, stderr io.Writer) (opt importOptions, paths []string, code int, ok bool) {
	fs := subFlags("import", g, stderr, `Usage: medinventory import [--wait] [--offline] PATH...

Adds photos, and folders of photos (with their subfolders), to the inventory. Files that are not
photos are listed as skipped with the reason. A photo already in the inventory is not added twice.
Without --wait the photos are queued and analysed by the window (or a later medinventory run).
With --wait and no PATH it analyses what is queued, like medinventory run. Flags may come before or
after the paths.

Exit codes: 0 done, 1 something failed, 2 wrong usage, 4 some photos still wait (offline or no key).

Flags:
`)
	fs.BoolVar(&opt.wait, "wait", false, "analyse the photos now and wait until each is done or failed, then print a summary")
	fs.BoolVar(&opt.offline, "offline", false, "do only what needs no network (barcodes, known products); the rest stays queued")
	fs.IntVar(&opt.concurrency, "concurrency", 0, "how many photos to analyse at once (default: the setting, else 4)")
	paths, code, ok = parseArgs(fs, args)
	return opt, paths, code, ok
}

// importWithoutPaths is import with no path: with --wait it analyses what is queued (as run does),
// without it is wrong usage.
func importWithoutPaths(g *globalFlags, opt importOptions, stdout, stderr io.Writer) int {
	if opt.wait {
		return runQueue(g, opt.offline, opt.concurrency, stdout, stderr)
	}
	fmt.Fprintln(stderr, "medinventory import: name at least one photo or folder. Example: medinventory import ~/Pictures/restock")
	return exitUsage
}

// openImport opens the data folder and the backend, and with --wait starts the workers. ctx ends
// on SIGINT/SIGTERM. closeAll undoes it all, in order: running analyses get their grace period
// (none after an interrupt), then the session closes. When ok is false the reason is printed and
// everything opened is closed again.
func openImport(g *globalFlags, opt importOptions, stderr io.Writer) (ctx context.Context, b *backend, closeAll func(), ok bool) {
	sess, err := openSession(g, stderr, "import")
	if err != nil {
		plainError(stderr, err)
		return nil, nil, nil, false
	}
	ctx, stop := interruptible()
	b, err = openBackend(ctx, sess, backendOptions{offline: opt.offline, concurrency: opt.concurrency})
	if err != nil {
		plainError(stderr, err)
		stop()
		sess.Close()
		return nil, nil, nil, false
	}
	closeAll = func() {
		if err := b.close(shutdownGrace(ctx)); err != nil {
			plainError(stderr, err)
		}
		stop()
		sess.Close()
	}
	if opt.wait {
		if err := b.start(ctx); err != nil {
			plainError(stderr, err)
			closeAll()
			return nil, nil, nil, false
		}
	}
	return ctx, b, closeAll, true
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
	code    int // exitFailed once a path the user named does not exist
}

func newImportRun(paths []string, stdout io.Writer) *importRun {
	r := &importRun{out: bufio.NewWriter(stdout), tty: isTerminal(stdout), paths: paths, given: map[string]bool{}, seen: map[int64]bool{}, code: exitOK}
	for _, p := range paths {
		r.given[p] = true
	}
	return r
}

// addAll adds every path (folders with their subfolders) and reports each file as it is done. It
// returns false when the adding stopped early (Ctrl+C, a full disk), having said why.
func (r *importRun) addAll(ctx context.Context, b *backend, stderr io.Writer) bool {
	sum, err := b.Import(ctx, r.paths, r.report)
	r.sum = sum
	if r.tty {
		fmt.Fprintln(r.out)
	}
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(r.out, "Stopped. The %d photo(s) added so far are kept.\n", sum.Added)
			return false
		}
		r.out.Flush()
		plainError(stderr, err)
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
			r.code = exitFailed // a path the user typed does not exist: say so in the exit code too
		}
		if !r.tty {
			fmt.Fprintf(r.out, "skipped %s: %s\n", printable.String(o.Path), reason(o.Err))
		}
	default:
		if !r.seen[o.Photo.ID] {
			r.seen[o.Photo.ID] = true
			r.photos = append(r.photos, o.Photo)
		}
		if !r.tty {
			what := "added"
			if o.Duplicate {
				what = "already in the inventory"
			}
			fmt.Fprintf(r.out, "%s %s\n", what, printable.String(o.Path))
		}
	}
	if r.tty {
		fmt.Fprintf(r.out, "\rAdding photos… %d", r.n)
		r.out.Flush()
	}
}

// printTotals prints how many were added, already there and skipped, and each skipped file's reason.
func (r *importRun) printTotals() {
	fmt.Fprintf(r.out, "%d added, %d already in the inventory, %d skipped.\n", r.sum.Added, r.sum.Duplicates, r.sum.Skipped)
	if r.sum.Skipped > 0 && r.sum.Added+r.sum.Duplicates == 0 {
		r.code = exitFailed // every file was skipped: nothing was imported
	}
	if len(r.skipped) > 0 {
		fmt.Fprintln(r.out, "Skipped (not added):")
		for _, o := range r.skipped {
			fmt.Fprintf(r.out, "  %s — %s\n", printable.String(o.Path), reason(o.Err))
		}
	}
}

// printQueued says, without --wait, where the new photos will be analysed.
func (r *importRun) printQueued() {
	if r.sum.Added > 0 {
		fmt.Fprintln(r.out, "The new photos are queued: they are analysed when Medicine Inventory is open, or run: medinventory run")
	}
}

// waitForAnalyses is --wait: it waits for the photos' analyses and prints their summary. The exit
// code is the summary's, unless that is exitOK and a named path was missing.
func (r *importRun) waitForAnalyses(ctx context.Context, b *backend, offline bool) int {
	if !b.model().HasKey() && !offline { // model() reads the client under the lock
		fmt.Fprintln(r.out, "No OpenAI key is set (OPENAI_API_KEY, or Settings in the window): only barcodes and known products are read now; the rest waits.")
	}
	r.out.Flush()
	if c := waitAndSummarise(ctx, b, r.photos, r.out, r.tty); c != exitOK {
		return c
	}
	return r.code
}
