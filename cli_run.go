package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"medinventory/analyzer/pipeline"
	"medinventory/analyzer/wait"
	"medinventory/jobs"
	"medinventory/store"
	"medinventory/store/printable"
)

// cmdRun analyses what is waiting in the queue (photos added by `import` without --wait, by the
// window or the watched folder, or left by an interrupted run) and prints each photo as it finishes.
func cmdRun(g *globalFlags, args []string, stdout, stderr io.Writer) int {
	fs := subFlags("run", g, stderr, `Usage: medinventory run [--offline] [--concurrency N]

Analyses every photo that waits in the queue and prints each one as it finishes, then a summary.
Ctrl+C stops; nothing is lost: unfinished photos stay queued for the next run or the window.

Exit codes: 0 done, 1 something failed, 2 wrong usage, 4 some photos still wait (offline or no key).

Flags:
`)
	offline := fs.Bool("offline", false, "do only what needs no network (barcodes, known products); the rest stays queued")
	conc := fs.Int("concurrency", 0, "how many photos to analyse at once (default: the setting, else 4)")
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "medinventory run: unexpected %q; to add photos use: medinventory import --wait PATH...\n", rest[0])
		return exitUsage
	}
	return runQueue(g, *offline, *conc, stdout, stderr)
}

// runQueue is `run` and `import --wait` with no path.
func runQueue(g *globalFlags, offline bool, conc int, stdout, stderr io.Writer) int {
	sess, err := openSession(g, stderr, "run")
	if err != nil {
		plainError(stderr, err)
		return exitFailed
	}
	defer sess.Close()
	ctx, stop := interruptible()
	defer stop()
	b, err := openBackend(ctx, sess, backendOptions{offline: offline, concurrency: conc})
	if err != nil {
		plainError(stderr, err)
		return exitFailed
	}
	defer func() {
		if err := b.close(shutdownGrace(ctx)); err != nil {
			plainError(stderr, err)
		}
	}()
	infos, err := b.pool.List(ctx, jobs.ListFilter{Kind: pipeline.Kind,
		States: []jobs.State{jobs.StateQueued, jobs.StateRunning, jobs.StateRetrying, jobs.StateWaiting}})
	if err != nil {
		plainError(stderr, err)
		return exitFailed
	}
	var photos []store.Photo
	seen := map[int64]bool{}
	for _, j := range infos {
		if j.Subject == 0 || seen[j.Subject] {
			continue
		}
		seen[j.Subject] = true
		if p, err := b.st.Photo(ctx, j.Subject); err == nil {
			photos = append(photos, p)
		}
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	if len(photos) == 0 {
		fmt.Fprintln(out, "Nothing waits to be analysed.")
		return exitOK
	}
	fmt.Fprintf(out, "%d photo(s) to analyse.\n", len(photos))
	if !b.client.HasKey() && !offline {
		fmt.Fprintln(out, "No OpenAI key is set (OPENAI_API_KEY, or Settings in the window): only barcodes and known products are read now; the rest waits.")
	}
	out.Flush()
	if err := b.start(ctx); err != nil {
		plainError(stderr, err)
		return exitFailed
	}
	return waitAndSummarise(ctx, b, photos, out, isTerminal(stdout))
}

// waitAndSummarise waits for the photos' analyses (printing each as it finishes and, while one
// takes long, what it waits for), then prints the summary table. It returns the exit code.
func waitAndSummarise(ctx context.Context, b *backend, photos []store.Photo, out *bufio.Writer, tty bool) int {
	final, err := waitForPhotos(ctx, b, photos, out, tty)
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(out, "\nStopped. Nothing is lost: unfinished photos stay queued; run medinventory run to go on.")
			return exitFailed
		}
		fmt.Fprintln(out)
		plainError(out, err)
		return exitFailed
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
func waitForPhotos(ctx context.Context, b *backend, photos []store.Photo, out *bufio.Writer, tty bool) (map[int64]jobs.JobInfo, error) {
	want := map[int64]store.Photo{}
	for _, p := range photos {
		want[p.ID] = p
	}
	final := map[int64]jobs.JobInfo{}
	printed := map[int64]jobs.State{}
	runningSince := map[int64]time.Time{}
	lastProgress := time.Now()
	server := serverName(b.client.Config().BaseURL)
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	events := b.pool.Events()
	for {
		infos, err := b.pool.List(ctx, jobs.ListFilter{Kind: pipeline.Kind})
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
					slow = append(slow, fmt.Sprintf("%s (%s; waiting for %s)", p.OriginalName, roundSeconds(now.Sub(runningSince[id])), server))
				} else {
					delete(runningSince, id)
					if j.State == jobs.StateRetrying || j.State == jobs.StateWaiting {
						if in := j.RunAfter.Sub(now); in > 0 {
							slow = append(slow, fmt.Sprintf("%s (tried again in %s: %s)", p.OriginalName, roundSeconds(in), strings.TrimSuffix(j.LastError, ".")))
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
		line := fmt.Sprintf("%d of %d analysed · %d failed · %d waiting", done, len(want), failed, waiting)
		if tty {
			fmt.Fprintf(out, "\r\033[K%s", line)
		}
		if len(slow) > 0 && now.Sub(lastProgress) >= progressEvery {
			lastProgress = now
			if tty {
				fmt.Fprint(out, "\r\033[K")
			}
			fmt.Fprintf(out, "%s. Still working on: %s\n", line, strings.Join(clipList(slow, 3), ", "))
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
func photoResult(ctx context.Context, b *backend, p store.Photo, j jobs.JobInfo) string {
	switch j.State {
	case jobs.StateDone, jobs.StateCancelled:
		if med := medicines(ctx, b, p.ID); med != "-" {
			return stateWords(j) + " — " + med
		}
	}
	return stateWords(j)
}

func clipList(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(s[:n:n], fmt.Sprintf("and %d more", len(s)-n))
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
	return "the model's server"
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
