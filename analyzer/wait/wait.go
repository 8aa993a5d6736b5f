// Package wait is the one list of reasons an analysis waits instead of running — no key, no
// network, no credit… — each with the words the user reads for it. The analyzer and the pipeline
// set a Reason on a waiting job; the window shows its Status, its Banner and whether Settings fixes
// it. No attempt is spent while a job waits.
//
// To add a reason: add a constant and its row in the table below (the row's place is its priority
// in the window's banner). Nothing else spells reasons out.
package wait

import (
	"time"

	"medinventory/assets/i18n"
)

// Reason is why a job waits: a short machine-readable word, stored in the job's row.
type Reason string

// The reasons, most important first (the banner names the first one that any photo waits for).
const (
	KeyRefused    Reason = "key_refused"     // 401/403: the user must fix the key
	NoKey         Reason = "no_key"          // no API key is set
	Quota         Reason = "quota"           // 429 insufficient_quota: the account has no credit
	ModelNotFound Reason = "model_not_found" // the configured model does not exist on the server
	BadConfig     Reason = "bad_config"      // the server address in the settings cannot work
	Offline       Reason = "offline"         // no network, DNS failure, or the server refuses connections
	CircuitOpen   Reason = "circuit_open"    // too many failures in a row: calls pause
	RateLimit     Reason = "rate_limit"      // another call was told to wait (429); nothing was sent
	OfflineMode   Reason = "offline_mode"    // the user chose to work offline
)

// words are what the user reads about a reason, in English (marked: Message, Status and Banner
// translate them).
type words struct {
	message  string                     // the job's message when nothing more specific is known
	status   string                     // one photo's line in the queue
	banner   func(all, this int) string // the window's banner, given all waiting photos and those waiting for this reason
	settings bool                       // opening Settings is how the user fixes it
	recheck  bool                       // it may clear by itself: the job is re-checked after a while
}

var table = []struct {
	r Reason
	w words
}{
	{KeyRefused, words{
		message: i18n.Mark("The OpenAI key was refused. Open Settings and check the key."),
		status:  i18n.Mark("The OpenAI key was refused (open Settings)"),
		banner: func(all, _ int) string {
			return i18n.T("The OpenAI key was refused — open Settings.") + " " + areWaiting(all)
		},
		settings: true}},
	{NoKey, words{
		message: i18n.Mark("No OpenAI key is set. Open Settings and enter the key; the photo will be analysed then."),
		status:  i18n.Mark("Waiting for an OpenAI key (open Settings)"),
		banner: func(all, _ int) string {
			return i18n.T("No OpenAI key is set — open Settings to add one.") + " " + areWaiting(all)
		},
		settings: true}},
	{Quota, words{
		message: i18n.Mark("Your OpenAI account has no credit left. Add credit, then press Retry."),
		status:  i18n.Mark("Waiting — the OpenAI account has no credit left"),
		banner: func(all, _ int) string {
			return i18n.T("The OpenAI account has no credit left — add credit, then press Try again.") + " " + areWaiting(all)
		}}},
	{ModelNotFound, words{
		message: i18n.Mark("The model in Settings is not available. Open Settings and choose another model."),
		status:  i18n.Mark("Waiting — the model in Settings is not available (open Settings)"),
		banner: func(all, _ int) string {
			return i18n.T("The model in Settings is not available — open Settings and choose another.") + " " + areWaiting(all)
		},
		settings: true}},
	{BadConfig, words{
		message: i18n.Mark("The server address in Settings is not valid. Open Settings and correct it."),
		status:  i18n.Mark("Waiting — the server address in Settings is not valid (open Settings)"),
		banner: func(all, _ int) string {
			return i18n.T("The server address in Settings is not valid — open Settings to correct it.") + " " + areWaiting(all)
		},
		settings: true}},
	{Offline, words{
		message: i18n.Mark("No network: the photo will be analysed when you are back online."),
		status:  i18n.Mark("Waiting for network"),
		banner: func(_, n int) string {
			return i18n.N(n, "No network — %d photo will be analysed when you are back online.", "No network — %d photos will be analysed when you are back online.")
		},
		recheck: true}},
	{CircuitOpen, words{
		message: i18n.Mark("The analysis service failed several times in a row; analysis pauses and tries again in a few minutes."),
		status:  i18n.Mark("Waiting — the service is having trouble"),
		banner: func(all, _ int) string {
			return i18n.N(all, "The analysis service is having trouble — %d photo will be tried again in a few minutes.", "The analysis service is having trouble — %d photos will be tried again in a few minutes.")
		},
		recheck: true}},
	{RateLimit, words{
		message: i18n.Mark("The analysis service is busy (rate limit); the photo will be tried again shortly."),
		status:  i18n.Mark("Waiting — the service asked to slow down")}},
	{OfflineMode, words{
		message: i18n.Mark("Working offline: this photo will be analysed when you go online."),
		status:  i18n.Mark("Waiting — working offline")}},
}

func (r Reason) words() words {
	for _, row := range table {
		if row.r == r {
			return row.w
		}
	}
	return words{}
}

// Known reports whether r is one of the reasons above.
func (r Reason) Known() bool {
	for _, row := range table {
		if row.r == r {
			return true
		}
	}
	return false
}

// Message is the job's message for r when nothing more specific is known: what happened and what to
// do, in plain words.
func (r Reason) Message() string {
	if m := r.words().message; m != "" {
		return i18n.T(m)
	}
	return i18n.T("This photo is waiting; it will be analysed later.")
}

// Status is one photo's line in the queue while it waits for r.
func (r Reason) Status() string {
	if s := r.words().status; s != "" {
		return i18n.T(s)
	}
	return i18n.T("Waiting")
}

// NeedsSettings reports whether opening Settings is how the user ends the wait.
func (r Reason) NeedsSettings() bool { return r.words().settings }

// Rechecks reports whether the wait may end by itself (the network comes back, the service
// recovers), so a waiting job should be re-checked after a while rather than only on request.
func (r Reason) Rechecks() bool { return r.words().recheck }

// DefaultRecheck is how long a job that waits for a reason that Rechecks waits before it is tried
// again, when nothing says otherwise.
const DefaultRecheck = 60 * time.Second

// Banner is the window's banner for photos waiting, counted by reason: it names the most important
// reason any photo waits for, with what to do. "" when none waits.
func Banner(waiting map[Reason]int) string {
	all := 0
	for _, n := range waiting {
		all += n
	}
	if all == 0 {
		return ""
	}
	for _, row := range table {
		n := waiting[row.r]
		if n > 0 && row.w.banner != nil {
			return row.w.banner(all, n)
		}
	}
	return areWaiting(all)
}

func areWaiting(n int) string { return i18n.N(n, "%d photo is waiting.", "%d photos are waiting.") }
