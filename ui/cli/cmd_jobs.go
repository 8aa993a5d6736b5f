package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"medinventory/analyzer/pipeline"
	"medinventory/assets/i18n"
	"medinventory/jobs"
)

// runJobs is `medinventory jobs`: the analysis queue, and --retry-failed.
func runJobs(c *Call, args []string) int {
	stdout := c.Stdout
	fs := c.flags("jobs", i18n.T(`Usage: medinventory jobs [--failed] [--retry-failed]

Shows the analysis queue: each photo, its state, attempts and last error.

Flags:
`))
	onlyFailed := fs.Bool("failed", false, i18n.T("show only the photos whose analysis failed"))
	retry := fs.Bool("retry-failed", false, i18n.T("queue every failed analysis again"))
	if _, code, ok := parseArgs(fs, args); !ok {
		return code
	}
	ctx := context.Background()
	o, code := c.open(ctx, "jobs", need{backend: &BackendOptions{ReadOK: !*retry}, closeQuietly: true})
	if o == nil {
		return code
	}
	defer o.Close()
	b := o.B
	if *retry {
		n, err := b.Pool().RetryAllFailed(ctx)
		if err != nil {
			return c.fail(err)
		}
		fmt.Fprint(stdout, i18n.T("%d failed photo(s) queued again. Analyse them now with: medinventory run (or open the window).\n", n))
	}
	filter := jobs.ListFilter{}
	if *onlyFailed {
		filter.States = []jobs.State{jobs.StateFailed}
	}
	infos, err := b.Pool().List(ctx, filter)
	if err != nil {
		return c.fail(err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, i18n.T("ID\tPHOTO\tSTATE\tATTEMPTS\tUPDATED\tLAST ERROR"))
	for _, j := range infos {
		name := "-"
		if j.Subject != 0 {
			if p, err := b.Store().Photo(ctx, j.Subject); err == nil {
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
			i18n.DateTime(j.UpdatedAt.Local()), clip(last, 110))
	}
	tw.Flush()
	n, err := b.Pool().Counts(ctx, pipeline.Queue)
	if err == nil {
		fmt.Fprint(stdout, i18n.T("%d queued, %d running, %d retrying, %d waiting, %d failed, %d done, %d cancelled\n",
			n.Queued, n.Running, n.Retrying, n.Waiting, n.Failed, n.Done, n.Cancelled))
	}
	return ExitOK
}
