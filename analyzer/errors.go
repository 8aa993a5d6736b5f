package analyzer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"medinventory/analyzer/answer"
	"medinventory/analyzer/wait"
	"medinventory/assets/i18n"
)

// Error is why an analysis gave no answer, and what to do about it: try again (Retryable, after
// RetryAfter or a backoff), wait until something outside changes (Waiting, for a Reason of package
// wait; no attempt should be spent), or give up (Permanent). Msg is plain words for the user: what
// happened and what to do. The analyze job (package analyzer/pipeline) translates it into the job
// queue's vocabulary; this package knows nothing of the queue.
type Error struct {
	Kind       ErrorKind
	Reason     wait.Reason   // Waiting: why
	RetryAfter time.Duration // Retryable: overrides the backoff (HTTP 429 Retry-After); Waiting: re-check after this
	Msg        string
	Err        error // the cause
}

// ErrorKind says what to do after an Error.
type ErrorKind int

// The kinds of Error.
const (
	Retryable ErrorKind = iota // try again later; the attempt counts
	Waiting                    // wait for Reason to clear; the attempt does not count
	Permanent                  // give up; the user may retry by hand
)

func (e *Error) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	if e.Err != nil {
		return e.Err.Error()
	}
	return "the analysis failed"
}

func (e *Error) Unwrap() error { return e.Err }

func retryable(msg string, after time.Duration, cause error) *Error {
	return &Error{Kind: Retryable, RetryAfter: after, Msg: msg, Err: cause}
}

func permanent(msg string, cause error) *Error { return &Error{Kind: Permanent, Msg: msg, Err: cause} }

// waiting makes the Error for an analysis that waits for r; msg "" means r's own words.
func waiting(r wait.Reason, msg string, recheck time.Duration, cause error) *Error {
	if msg == "" {
		msg = r.Message()
	}
	return &Error{Kind: Waiting, Reason: r, Msg: msg, RetryAfter: recheck, Err: cause}
}

// Waiting reasons this package uses (package wait's; these names are kept for existing callers).
const (
	ReasonNoKey         = wait.NoKey
	ReasonKeyRefused    = wait.KeyRefused
	ReasonQuota         = wait.Quota
	ReasonOffline       = wait.Offline
	ReasonCircuitOpen   = wait.CircuitOpen
	ReasonRateLimit     = wait.RateLimit
	ReasonModelNotFound = wait.ModelNotFound
	ReasonBadConfig     = wait.BadConfig
)

// ErrMalformedAnswer is wrapped by the error for an answer that could not be read (broken JSON,
// not the schema, cut off).
var ErrMalformedAnswer = i18n.Err("the model's answer could not be read")

// maxRetryAfter bounds any wait a server asks for.
const maxRetryAfter = time.Hour

// defaultRateLimitWait is used for a 429 that says nothing about when to retry.
const defaultRateLimitWait = 20 * time.Second

// classify turns an error from one chat-completion call into an *Error. hdr are the answer's
// headers (nil when there was no answer); timedOut says whether our per-request timeout fired.
func (c *Client) classify(err error, hdr http.Header, timedOut bool, attempt int) *Error {
	var je *Error
	if errors.As(err, &je) {
		return je
	}
	server := c.serverName()
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	status := 0
	code, typ, msg := "", "", ""
	switch {
	case errors.As(err, &apiErr):
		status = apiErr.HTTPStatusCode
		code, typ, msg = fmt.Sprint(apiErr.Code), apiErr.Type, apiErr.Message
		if apiErr.Code == nil {
			code = ""
		}
	case errors.As(err, &reqErr):
		status = reqErr.HTTPStatusCode
		msg = bodyMessage(reqErr.Body)
	}
	if status != 0 {
		return c.classifyStatus(status, code, typ, msg, hdr, err, attempt)
	}
	if errors.Is(err, ErrMalformedAnswer) || isDecodeError(err) {
		return malformed(err, attempt)
	}
	if timedOut || errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		return retryable(i18n.T("%s did not answer within %s; the photo will be tried again.",
			server, roundDur(c.cfg.Timeout)), 0, err)
	}
	if errors.Is(err, context.Canceled) {
		return retryable(i18n.T("The analysis was stopped; it will be tried again."), 0, err)
	}
	if isOffline(err) {
		msg := ""
		if !c.isOpenAI() {
			msg = i18n.T("The model server at %s cannot be reached. Check that it is running; the photo will be analysed then.", c.cfg.BaseURL)
		}
		return waiting(wait.Offline, msg, 0, err)
	}
	return retryable(i18n.T("The connection to %s failed; the photo will be tried again.", server), 0, err)
}

func (c *Client) classifyStatus(status int, code, typ, msg string, hdr http.Header, err error, attempt int) *Error {
	server := c.serverName()
	apiMsg := answer.CleanText(c.redact(msg), answer.MaxNoteLen)
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		if c.isOpenAI() {
			return waiting(wait.KeyRefused, "", 0, err)
		}
		return waiting(wait.KeyRefused, i18n.T("The model server refused the key (%s). Open Settings and check the key.", apiMsg), 0, err)
	case status == http.StatusTooManyRequests:
		if code == "insufficient_quota" || typ == "insufficient_quota" {
			return waiting(wait.Quota, "", 0, err)
		}
		after := RetryAfter(hdr, c.now())
		if after <= 0 {
			after = defaultRateLimitWait
		}
		c.setNotBefore(c.now().Add(after))
		return retryable(i18n.T("%s is busy (rate limit); trying again in %s.", server, roundDur(after)), after, err)
	case status == http.StatusNotFound && (code == "model_not_found" || strings.Contains(strings.ToLower(msg), "model")):
		return waiting(wait.ModelNotFound, i18n.T("The model %q is not available on %s. Open Settings and choose another model.", c.cfg.Model, server), 0, err)
	case status == http.StatusRequestTimeout || status == http.StatusConflict || status >= 500:
		return retryable(i18n.T("%s had a problem (HTTP %d); the photo will be tried again.", server, status), RetryAfter(hdr, c.now()), err)
	case status == http.StatusBadRequest && isImageProblem(code, msg):
		return permanent(i18n.T("%s could not use this photo: %s", server, orDefault(apiMsg, i18n.T("the image was rejected"))), err)
	default:
		return permanent(i18n.T("%s rejected the request (HTTP %d): %s", server, status, orDefault(apiMsg, i18n.T("no reason given"))), err)
	}
}

func malformed(err error, attempt int) *Error {
	if attempt <= 1 {
		return retryable("The model's answer could not be read; it will be asked once more.", 0, err)
	}
	reason := answer.CleanText(strings.TrimPrefix(err.Error(), ErrMalformedAnswer.Error()+": "), 160)
	switch {
	case strings.Contains(reason, "unexpected EOF") || strings.Contains(reason, "unexpected end of JSON"):
		reason = "the answer was cut off"
	case strings.Contains(reason, "invalid character") || strings.Contains(reason, "cannot unmarshal"):
		reason = "it was not in the expected form"
	}
	return permanent("The model's answer could not be read again ("+reason+"). Press Retry to try once more; if it keeps happening, try another model in Settings.", err)
}

func isImageProblem(code, msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(code, "image") || strings.Contains(m, "image")
}

// isFormatUnsupported recognises a server's refusal of response_format (OpenAI-compatible servers
// that lack json_schema or json_object).
func isFormatUnsupported(err error) bool {
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	status := 0
	msg := ""
	switch {
	case errors.As(err, &apiErr):
		status, msg = apiErr.HTTPStatusCode, apiErr.Message
		if p := apiErr.Param; p != nil {
			msg += " " + *p
		}
	case errors.As(err, &reqErr):
		status, msg = reqErr.HTTPStatusCode, string(reqErr.Body)
	default:
		return false
	}
	if status != http.StatusBadRequest && status != http.StatusUnprocessableEntity && status != http.StatusNotImplemented &&
		status != http.StatusInternalServerError {
		return false
	}
	m := strings.ToLower(msg)
	return strings.Contains(m, "response_format") || strings.Contains(m, "json_schema") ||
		strings.Contains(m, "json_object") || strings.Contains(m, "response format")
}

// bodyMessage digs a message out of a non-OpenAI error body.
func bodyMessage(body []byte) string {
	var v struct {
		Error   any    `json:"error"`
		Message string `json:"message"`
		Detail  any    `json:"detail"`
	}
	if json.Unmarshal(body, &v) == nil {
		switch {
		case v.Message != "":
			return v.Message
		case v.Error != nil:
			if s, ok := v.Error.(string); ok {
				return s
			}
			if m, ok := v.Error.(map[string]any); ok {
				if s, ok := m["message"].(string); ok {
					return s
				}
			}
		case v.Detail != nil:
			return fmt.Sprint(v.Detail)
		}
	}
	if len(body) > 200 {
		body = body[:200]
	}
	return string(body)
}

func isDecodeError(err error) bool {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	return errors.As(err, &se) || errors.As(err, &te) || errors.Is(err, io.ErrUnexpectedEOF) && !isNetErr(err)
}

func isNetErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// isOffline: the network or the server is unreachable — nothing the server said, nothing a retry
// right now would fix.
func isOffline(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	for _, e := range []error{syscall.ECONNREFUSED, syscall.ENETUNREACH, syscall.EHOSTUNREACH, syscall.ENETDOWN,
		syscall.EHOSTDOWN, syscall.EADDRNOTAVAIL} {
		if errors.Is(err, e) {
			return true
		}
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial" && !op.Timeout()
}

// RetryAfter reads how long a server asks us to wait: Retry-After (seconds or an HTTP date),
// retry-after-ms, else the larger of x-ratelimit-reset-requests and x-ratelimit-reset-tokens
// (durations like "1s", "6m0s", "20ms"). 0 means it does not say. The result is capped at an hour.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	if h == nil {
		return 0
	}
	capd := func(d time.Duration) time.Duration {
		if d < 0 {
			return 0
		}
		return min(d, maxRetryAfter)
	}
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			return capd(time.Duration(ms * float64(time.Millisecond)))
		}
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.ParseFloat(v, 64); err == nil {
			return capd(time.Duration(s * float64(time.Second)))
		}
		if t, err := http.ParseTime(v); err == nil {
			return capd(t.Sub(now))
		}
	}
	var best time.Duration
	for _, k := range []string{"X-Ratelimit-Reset-Requests", "X-Ratelimit-Reset-Tokens"} {
		if d, err := time.ParseDuration(strings.TrimSpace(h.Get(k))); err == nil && d > best {
			best = d
		}
	}
	return capd(best)
}

func roundDur(d time.Duration) string {
	switch {
	case d < time.Second:
		return "1 s"
	case d < 2*time.Minute:
		return fmt.Sprintf("%d s", int((d+time.Second-1)/time.Second))
	case d < 2*time.Hour:
		return fmt.Sprintf("%d min", int((d+time.Minute-1)/time.Minute))
	}
	return fmt.Sprintf("%d h", int((d+time.Hour-1)/time.Hour))
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// breaker is a circuit breaker shared by every worker using one Client: after Threshold
// consecutive retryable failures (5xx, timeouts, broken connections) it opens for OpenFor, and
// calls fail fast with Waiting(circuit_open) without sending anything. When that time is over, one
// call (the probe) goes through; its success closes the breaker, its failure opens it again.
type breaker struct {
	mu        sync.Mutex
	threshold int
	openFor   time.Duration
	fails     int
	openUntil time.Time
	probing   bool
	now       func() time.Time
}

// allow says whether a call may be sent now; if not, how long until the next check. probe is true
// for the single call let through after the open period.
func (b *breaker) allow() (ok, probe bool, wait time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.openUntil.IsZero() {
		return true, false, 0
	}
	now := b.now()
	if now.Before(b.openUntil) {
		return false, false, b.openUntil.Sub(now)
	}
	if b.probing {
		return false, false, min(b.openFor, 5*time.Second)
	}
	b.probing = true
	return true, true, 0
}

// done records a call's outcome: failed is true for a failure that counts (retryable, server side).
func (b *breaker) done(probe, failed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if probe {
		b.probing = false
	}
	if !failed {
		b.fails = 0
		b.openUntil = time.Time{}
		return
	}
	b.fails++
	if probe || b.fails >= b.threshold {
		b.openUntil = b.now().Add(b.openFor)
	}
}

// abandon releases a probe whose outcome says nothing about the server (e.g. the caller's ctx ended).
func (b *breaker) abandon(probe bool) {
	if !probe {
		return
	}
	b.mu.Lock()
	b.probing = false
	b.mu.Unlock()
}

// countsForBreaker: failures that mean the server is in trouble.
func countsForBreaker(je *Error) bool {
	if je == nil || je.Kind != Retryable {
		return false
	}
	if errors.Is(je.Err, ErrMalformedAnswer) || isDecodeError(je.Err) {
		return false
	}
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	if errors.As(je.Err, &apiErr) {
		return apiErr.HTTPStatusCode >= 500
	}
	if errors.As(je.Err, &reqErr) {
		return reqErr.HTTPStatusCode >= 500
	}
	return !errors.Is(je.Err, context.Canceled)
}
