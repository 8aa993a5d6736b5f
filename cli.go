package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"medinventory/jobs"
	"medinventory/store"
	"medinventory/store/export"
	"medinventory/store/printable"
)

// Exit codes of the program: the window and the subcommands.
const (
	exitOK      = 0
	exitFailed  = 1 // something failed (an analysis, a file, the command itself, opening the window)
	exitUsage   = 2
	exitLocked  = 3 // the window: another window already has this inventory open
	exitWaiting = 4 // import --wait: nothing failed, but some photos still wait (offline / no key)
)

func subFlags(name string, g *globalFlags, stderr io.Writer, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	g.register(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	return fs
}

// interruptible returns a context cancelled by SIGINT/SIGTERM.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP) // SIGHUP: the terminal was closed
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// cmdImport is `medinventory import`: its steps are in cli_import.go.
func cmdImport(g *globalFlags, args []string, stdout, stderr io.Writer) int {
	opt, paths, code, ok := parseImportArgs(g, args, stderr)
	if !ok {
		return code
	}
	if len(paths) == 0 {
		return importWithoutPaths(g, opt, stdout, stderr)
	}
	ctx, b, closeAll, ok := openImport(g, opt, stderr)
	if !ok {
		return exitFailed
	}
	defer closeAll()
	imp := newImportRun(paths, stdout)
	defer imp.out.Flush()
	if !imp.addAll(ctx, b, stderr) {
		return exitFailed
	}
	imp.printTotals()
	if !opt.wait {
		imp.printQueued()
		return imp.code
	}
	return imp.waitForAnalyses(ctx, b, opt.offline)
}

func reason(err error) string {
	var pe *store.PhotoError
	if errors.As(err, &pe) {
		return pe.Msg
	}
	return err.Error()
}

func printSummary(ctx context.Context, b *backend, out io.Writer, photos []store.Photo, final map[int64]jobs.JobInfo) int {
	sort.Slice(photos, func(i, j int) bool { return photos[i].OriginalName < photos[j].OriginalName })
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PHOTO\tRESULT\tMEDICINES")
	failed, waiting := 0, 0
	for _, p := range photos {
		j, ok := final[p.ID]
		state := "done"
		if ok {
			state = stateWords(j)
			switch j.State {
			case jobs.StateFailed:
				failed++
			case jobs.StateWaiting:
				waiting++
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", clip(p.OriginalName, 40), state, clip(medicines(ctx, b, p.ID), 60))
	}
	tw.Flush()
	switch {
	case failed > 0:
		fmt.Fprintf(out, "%d photo(s) failed; see the reasons above. Fix the cause, then run: medinventory jobs --retry-failed && medinventory run\n", failed)
		return exitFailed
	case waiting > 0:
		fmt.Fprintf(out, "%d photo(s) wait and will be analysed later (when online, or once a key is set): run medinventory run, or open the window. Nothing is lost.\n", waiting)
		return exitWaiting
	}
	return exitOK
}

// medicines lists the entries found on one photo, "-" when none.
func medicines(ctx context.Context, b *backend, photoID int64) string {
	es, _ := b.st.EntriesForPhoto(ctx, photoID)
	var names []string
	for _, e := range es {
		n := strings.TrimSpace(e.Name + " " + e.Strength)
		if n == "" {
			n = "GTIN " + e.GTIN
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return "-"
	}
	return strings.Join(names, "; ")
}

// nextRun replaces a promise to try again "in N s" (which only a running process can keep) with
// what really happens once this command has exited.
func nextRun(msg string) string {
	if i := strings.Index(msg, "trying again in"); i >= 0 {
		msg = strings.TrimRight(msg[:i], " ;,.")
	} else if i := strings.Index(msg, "tries again in"); i >= 0 {
		msg = strings.TrimRight(msg[:i], " ;,.")
	}
	msg = strings.TrimRight(msg, ". ")
	return msg + ". It is tried again on the next run (medinventory run) or while the window is open."
}

func stateWords(j jobs.JobInfo) string {
	switch j.State {
	case jobs.StateDone:
		return "done"
	case jobs.StateFailed:
		return "failed: " + j.LastError
	case jobs.StateWaiting:
		if j.LastError != "" {
			return "waiting: " + nextRun(j.LastError)
		}
		return "waiting"
	case jobs.StateCancelled:
		return "cancelled"
	case jobs.StateRetrying:
		return "will retry: " + nextRun(j.LastError)
	}
	return string(j.State)
}

func clip(s string, n int) string {
	s = printable.String(s) // names come from users, files and the model: no control characters
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func cmdExport(g *globalFlags, args []string, stdout, stderr io.Writer) int {
	fs := subFlags("export", g, stderr, `Usage: medinventory export --format csv|xlsx|json [-o FILE]
       medinventory export --report stock|lots|expiry|movements --format csv|xlsx|json|pdf [-o FILE]

Writes every entry of the inventory (deleted ones excepted) with its product fields, lot, expiry,
quantity, status, where each value came from, and the photo's file name. Without -o it writes to
the screen (standard output). With --report it writes a stock report instead: stock on hand by
product or by lot, expired and expiring lots, or the movements of a period; PDF is for printing.

Flags:
`)
	format := fs.String("format", "csv", "csv (for Excel and other spreadsheets), xlsx or json")
	outPath := fs.String("o", "", "file to write (default: standard output)")
	rf := addReportFlags(fs)
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if *rf.report != "" && len(rest) == 0 {
		return rf.exportReport(g, *format, *outPath, stdout, stderr)
	}
	f, err := export.ParseFormat(*format)
	if err != nil {
		plainError(stderr, err)
		return exitUsage
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "medinventory export: unexpected %q; use -o FILE to name the output file\n", rest[0])
		return exitUsage
	}
	sess, err := openSession(g, stderr, "export")
	if err != nil {
		plainError(stderr, err)
		return exitFailed
	}
	defer sess.Close()
	if refuseInsideDataDir(stderr, sess.dir, *outPath, "inventory."+*format) {
		return exitUsage
	}
	ctx := context.Background()
	st, err := openStore(ctx, sess, true)
	if err != nil {
		plainError(stderr, err)
		return exitFailed
	}
	defer st.Close()
	entries, err := st.ListEntries(ctx, store.Filter{SortByName: true})
	if err != nil {
		plainError(stderr, err)
		return exitFailed
	}
	if *outPath == "" && f == export.Format("xlsx") && isTerminal(stdout) {
		fmt.Fprintln(stderr, "medinventory export: an XLSX file cannot be shown on the screen; add -o inventory.xlsx")
		return exitUsage
	}
	if !writeOutput(*outPath, stdout, stderr, func(w io.Writer) error { return export.Write(w, f, entries) }) {
		return exitFailed
	}
	if *outPath == "" {
		return exitOK
	}
	fmt.Fprintf(stderr, "Wrote %d entries to %s\n", len(entries), *outPath)
	return exitOK
}

func cmdJobs(g *globalFlags, args []string, stdout, stderr io.Writer) int {
	fs := subFlags("jobs", g, stderr, `Usage: medinventory jobs [--failed] [--retry-failed]

Shows the analysis queue: each photo, its state, attempts and last error.

Flags:
`)
	onlyFailed := fs.Bool("failed", false, "show only the photos whose analysis failed")
	retry := fs.Bool("retry-failed", false, "queue every failed analysis again")
	if _, code, ok := parseArgs(fs, args); !ok {
		return code
	}
	sess, err := openSession(g, stderr, "jobs")
	if err != nil {
		plainError(stderr, err)
		return exitFailed
	}
	defer sess.Close()
	ctx := context.Background()
	b, err := openBackend(ctx, sess, backendOptions{readOK: !*retry})
	if err != nil {
		plainError(stderr, err)
		return exitFailed
	}
	defer b.close(5 * time.Second)
	if *retry {
		n, err := b.pool.RetryAllFailed(ctx)
		if err != nil {
			plainError(stderr, err)
			return exitFailed
		}
		fmt.Fprintf(stdout, "%d failed photo(s) queued again. Analyse them now with: medinventory run (or open the window).\n", n)
	}
	filter := jobs.ListFilter{}
	if *onlyFailed {
		filter.States = []jobs.State{jobs.StateFailed}
	}
	infos, err := b.pool.List(ctx, filter)
	if err != nil {
		plainError(stderr, err)
		return exitFailed
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPHOTO\tSTATE\tATTEMPTS\tUPDATED\tLAST ERROR")
	for _, j := range infos {
		name := "-"
		if j.Subject != 0 {
			if p, err := b.st.Photo(ctx, j.Subject); err == nil {
				name = p.OriginalName
			}
		} else {
			name = "(" + j.Kind + ")"
		}
		last := j.LastError
		if last != "" && (j.State == jobs.StateWaiting || j.State == jobs.StateRetrying) {
			last = nextRun(last) // this command does not retry: no "trying again in N s"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d/%d\t%s\t%s\n", j.ID, clip(name, 40), j.State, j.Attempt, j.MaxAttempts,
			j.UpdatedAt.Local().Format("2006-01-02 15:04"), clip(last, 110))
	}
	tw.Flush()
	c, err := analysisCounts(ctx, b.pool)
	if err == nil {
		fmt.Fprintf(stdout, "%d queued, %d running, %d retrying, %d waiting, %d failed, %d done, %d cancelled\n",
			c.Queued, c.Running, c.Retrying, c.Waiting, c.Failed, c.Done, c.Cancelled)
	}
	return exitOK
}
