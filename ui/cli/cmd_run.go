package cli

import (
	"bufio"
	"fmt"
	"time"

	"medinventory/analyzer/pipeline"
	"medinventory/assets/i18n"
	"medinventory/jobs"
	"medinventory/store"
)

// runRun analyses what is waiting in the queue (photos added by `import` without --wait, by the
// window or the watched folder, or left by an interrupted run) and prints each photo as it finishes.
func runRun(c *Call, args []string) int {
	fs := c.flags("run", i18n.T(`Usage: medinventory run [--offline] [--concurrency N]

Analyses every photo that waits in the queue and prints each one as it finishes, then a summary.
Ctrl+C stops; nothing is lost: unfinished photos stay queued for the next run or the window.

Exit codes: 0 done, 1 something failed, 2 wrong usage, 4 some photos still wait (offline or no key).

Flags:
`))
	offline := fs.Bool("offline", false, i18n.T("do only what needs no network (barcodes, known products); the rest stays queued"))
	conc := fs.Int("concurrency", 0, i18n.T("how many photos to analyse at once (default: the setting, else 4)"))
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		fmt.Fprint(c.Stderr, i18n.T("medinventory run: unexpected %q; to add photos use: medinventory import --wait PATH...\n", rest[0]))
		return ExitUsage
	}
	return c.runQueue(*offline, *conc)
}

// runQueue is `run` and `import --wait` with no path.
func (c *Call) runQueue(offline bool, conc int) int {
	ctx, stop := interruptible()
	defer stop()
	o, code := c.open(ctx, "run", need{backend: &BackendOptions{Offline: offline, Concurrency: conc},
		grace: func() time.Duration { return shutdownGrace(ctx) }})
	if o == nil {
		return code
	}
	defer o.Close()
	b := o.B
	stdout := c.Stdout
	infos, err := b.Pool().List(ctx, jobs.ListFilter{Kind: pipeline.Kind,
		States: []jobs.State{jobs.StateQueued, jobs.StateRunning, jobs.StateRetrying, jobs.StateWaiting}})
	if err != nil {
		return c.fail(err)
	}
	var photos []store.Photo
	seen := map[int64]bool{}
	for _, j := range infos {
		if j.Subject == 0 || seen[j.Subject] {
			continue
		}
		seen[j.Subject] = true
		if p, err := b.Store().Photo(ctx, j.Subject); err == nil {
			photos = append(photos, p)
		}
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	if len(photos) == 0 {
		fmt.Fprintln(out, i18n.T("Nothing waits to be analysed."))
		return ExitOK
	}
	fmt.Fprint(out, i18n.T("%d photo(s) to analyse.\n", len(photos)))
	if !b.HasKey() && !offline {
		fmt.Fprintln(out, i18n.T("No OpenAI key is set (OPENAI_API_KEY, or Settings in the window): only barcodes and known products are read now; the rest waits."))
	}
	out.Flush()
	if err := b.Start(ctx); err != nil {
		return c.fail(err)
	}
	return waitAndSummarise(ctx, b, photos, out, IsTerminal(stdout))
}
