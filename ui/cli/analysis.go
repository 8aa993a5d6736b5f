package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"medinventory/analyzer/pipeline"
	"medinventory/analyzer/wait"
	"medinventory/assets/i18n"
	"medinventory/jobs"
	"medinventory/store"
	"medinventory/store/printable"
)

// The analyses in words, as import --wait, run and jobs print them: each photo as it finishes,
// what a long one waits for, and the summary.

// waitAndSummarise waits for the photos' analyses (printing each as it finishes and, while one
// takes long, what it waits for), then prints the summary table. It returns the exit code.
func waitAndSummarise(ctx context.Context, b Backend, photos []store.Photo, out *bufio.Writer, tty bool) int {
	final, err := waitForPhotos(ctx, b, photos, out, tty)
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(out, i18n.T("\nStopped. Nothing is lost: unfinished photos stay queued; run medinventory run to go on."))
			return ExitFailed
		}
		fmt.Fprintln(out)
		PlainError(out, err)
		return ExitFailed
	}
	return printSummary(ctx, b, out, photos, final)
}

// progressEvery is how often a long wait prints what it waits for ($MEDINVENTORY_PROGRESS_EVERY,
// a Go duration such as 5s, changes it: for scripts that log, and for tests).
var progressEvery = func() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("MEDINVENTORY_PROGRESS_EVERY")); err == nil && d > 0 {
		return d
	}
	return 15 * time.Second
}()

// timeBound reports whether a waiting job waits only for time to pass (a rate limit, a paused
// server after failures) and will be tried again by this process: the command keeps waiting for
// it instead of exiting with a promise nobody keeps.
func timeBound(j jobs.JobInfo, now time.Time) bool {
	if j.State != jobs.StateWaiting || j.RunAfter.IsZero() || j.RunAfter.Sub(now) > 10*time.Minute {
		return false
	}
	r := wait.Reason(j.WaitReason)
	return r == wait.RateLimit || r == wait.CircuitOpen
}

// waitForPhotos runs until every photo's job is done, failed or cancelled, or waits for something
// that cannot change while we wait (no network in --offline, no key, a refused key, no credit).
// Each photo is printed as it finishes; a photo that takes long is reported every progressEvery
// with what it waits for.
func waitForPhotos(ctx context.Context, b Backend, photos []store.Photo, out *bufio.Writer, tty bool) (map[int64]jobs.JobInfo, error) {
	want := map[int64]store.Photo{}
	for _, p := range photos {
		want[p.ID] = p
	}
	final := map[int64]jobs.JobInfo{}
	printed := map[int64]jobs.State{}
	runningSince := map[int64]time.Time{}
	lastProgress := time.Now()
	server := serverName(b.ServerURL())
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	events := b.Pool().Events()
	for {
		infos, err := b.Pool().List(ctx, jobs.ListFilter{Kind: pipeline.Kind})
		if err != nil {
			return nil, err
		}
		for _, j := range infos {
			if _, ok := want[j.Subject]; !ok {
				continue
			}
			if old, ok := final[j.Subject]; ok && old.ID > j.ID {
				continue
			}
			final[j.Subject] = j
		}
		now := time.Now()
		done, failed, waiting, active := 0, 0, 0, 0
		var slow []string
		for id, p := range want {
			j, ok := final[id]
			finished := true
			switch {
			case !ok || j.State == jobs.StateDone || j.State == jobs.StateCancelled:
				done++ // no job: a duplicate whose job was pruned long ago
			case j.State == jobs.StateFailed:
				failed++
			case j.State == jobs.StateWaiting && !timeBound(j, now):
				waiting++
			default:
				active++
				finished = false
				if j.State == jobs.StateRunning {
					if _, ok := runningSince[id]; !ok {
						runningSince[id] = now
					}
					slow = append(slow, i18n.T("%s (%s; waiting for %s)", p.OriginalName, roundSeconds(now.Sub(runningSince[id])), server))
				} else {
					delete(runningSince, id)
					if j.State == jobs.StateRetrying || j.State == jobs.StateWaiting {
						if in := j.RunAfter.Sub(now); in > 0 {
							slow = append(slow, i18n.T("%s (tried again in %s: %s)", p.OriginalName, roundSeconds(in), strings.TrimSuffix(j.LastError, ".")))
						}
					}
				}
			}
			if finished && ok && printed[id] != j.State {
				printed[id] = j.State
				if tty {
					fmt.Fprint(out, "\r\033[K")
				}
				fmt.Fprintf(out, "%s: %s\n", printable.String(p.OriginalName), printable.String(photoResult(ctx, b, p, j)))
			}
		}
		line := i18n.T("%d of %d analysed · %d failed · %d waiting", done, len(want), failed, waiting)
		if tty {
			fmt.Fprintf(out, "\r\033[K%s", line)
		}
		if len(slow) > 0 && now.Sub(lastProgress) >= progressEvery {
			lastProgress = now
			if tty {
				fmt.Fprint(out, "\r\033[K")
			}
			fmt.Fprint(out, i18n.T("%s. Still working on: %s\n", line, strings.Join(clipList(slow, 3), ", ")))
		}
		out.Flush()
		if active == 0 {
			if tty {
				fmt.Fprintln(out)
			}
			return final, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-events:
		case <-tick.C:
		}
	}
}

// photoResult is one finished photo in words: its medicines, or why it failed or waits.
func photoResult(ctx context.Context, b Backend, p store.Photo, j jobs.JobInfo) string {
	switch j.State {
	case jobs.StateDone, jobs.StateCancelled:
		if med := medicines(ctx, b, p.ID); med != "-" {
			return stateWords(j) + " — " + med
		}
	}
	return stateWords(j)
}

func printSummary(ctx context.Context, b Backend, out io.Writer, photos []store.Photo, final map[int64]jobs.JobInfo) int {
	sort.Slice(photos, func(i, j int) bool { return photos[i].OriginalName < photos[j].OriginalName })
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, i18n.T("PHOTO\tRESULT\tMEDICINES"))
	failed, waiting := 0, 0
	for _, p := range photos {
		j, ok := final[p.ID]
		state := i18n.T("done")
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
		fmt.Fprint(out, i18n.T("%d photo(s) failed; see the reasons above. Fix the cause, then run: medinventory jobs --retry-failed && medinventory run\n", failed))
		return ExitFailed
	case waiting > 0:
		fmt.Fprint(out, i18n.T("%d photo(s) wait and will be analysed later (when online, or once a key is set): run medinventory run, or open the window. Nothing is lost.\n", waiting))
		return ExitWaiting
	}
	return ExitOK
}

// medicines lists the entries found on one photo, "-" when none.
func medicines(ctx context.Context, b Backend, photoID int64) string {
	es, _ := b.Store().EntriesForPhoto(ctx, photoID)
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
	// The analyzer's words for it, in every language it speaks (the message was written in the
	// language of the process that wrote it).
	for _, w := range []string{"trying again in", "tries again in", "nouvel essai dans", "réessaie dans",
		"nova tentativa em", "tenta de novo em", "se intentará de nuevo en", "lo intenta de nuevo en"} {
		if i := strings.Index(msg, w); i >= 0 {
			msg = strings.TrimRight(msg[:i], " ;,.")
			break
		}
	}
	msg = strings.TrimRight(msg, ". ")
	return msg + i18n.T(". It is tried again on the next run (medinventory run) or while the window is open.")
}

func stateWords(j jobs.JobInfo) string {
	switch j.State {
	case jobs.StateDone:
		return i18n.T("done")
	case jobs.StateFailed:
		return i18n.T("failed: %s", j.LastError)
	case jobs.StateWaiting:
		if j.LastError != "" {
			return i18n.T("waiting: %s", nextRun(j.LastError))
		}
		return i18n.T("waiting")
	case jobs.StateCancelled:
		return i18n.T("cancelled")
	case jobs.StateRetrying:
		return i18n.T("will retry: %s", nextRun(j.LastError))
	}
	return string(j.State)
}

func clipList(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(s[:n:n], i18n.T("and %d more", len(s)-n))
}

func roundSeconds(d time.Duration) string {
	if d < time.Second {
		d = time.Second
	}
	return d.Round(time.Second).String()
}

// serverName is the host the analyses go to, for "waiting for …".
func serverName(base string) string {
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		return u.Host
	}
	return i18n.T("the model's server")
}

// shutdownGrace is how long running analyses may finish when a command ends: 15 s normally, none
// after Ctrl+C or SIGTERM (they go back to the queue at once, to be redone on the next run), so that
// the command stops within a second or two as the user asked.
func shutdownGrace(ctx context.Context) time.Duration {
	if ctx.Err() != nil {
		return 0
	}
	return 15 * time.Second
}
