package openaitest

// Fault injection: OpenAI's real error answers, slow and hanging answers, malformed bodies, and a
// seeded random mix of them for soak tests.

import (
	"math/rand"
	"net/http"
	"time"
)

// RateLimited is OpenAI's 429 rate_limit_exceeded with a Retry-After header (seconds or an HTTP
// date; "" for none).
func RateLimited(retryAfter string) Reply {
	r := Reply{Status: 429, ErrType: "requests", ErrCode: "rate_limit_exceeded",
		ErrMessage: "Rate limit reached for gpt-4.1-mini in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.",
		Header:     http.Header{}}
	if retryAfter != "" {
		r.Header.Set("Retry-After", retryAfter)
	}
	return r
}

// QuotaExceeded is OpenAI's 429 insufficient_quota (the account is out of credit).
func QuotaExceeded() Reply {
	return Reply{Status: 429, ErrType: "insufficient_quota", ErrCode: "insufficient_quota",
		ErrMessage: "You exceeded your current quota, please check your plan and billing details."}
}

// BadKey is OpenAI's 401 invalid_api_key.
func BadKey() Reply {
	return Reply{Status: 401, ErrType: "invalid_request_error", ErrCode: "invalid_api_key",
		ErrMessage: "Incorrect API key provided: sk-wrong. You can find your API key at https://platform.openai.com/account/api-keys."}
}

// ServerError is OpenAI's 500.
func ServerError() Reply {
	return Reply{Status: 500, ErrType: "server_error", ErrMessage: "The server had an error while processing your request. Sorry about that!"}
}

// InvalidImage is OpenAI's 400 for an image it cannot use.
func InvalidImage(msg string) Reply {
	if msg == "" {
		msg = "You uploaded an unsupported image. Please make sure your image is valid."
	}
	return Reply{Status: 400, ErrType: "invalid_request_error", ErrCode: "invalid_image_format", ErrParam: "messages",
		ErrMessage: msg}
}

// Malformed is a 200 with a broken JSON body.
func Malformed() Reply { return Reply{Malformed: true} }

// Slow answers with an empty medicine list after d.
func Slow(d time.Duration) Reply { return Reply{Delay: d} }

// Hang never answers.
func Hang() Reply { return Reply{Hang: true} }

// FaultMix answers requests the script does not cover with random faults, for soak tests. The
// probabilities are each in 0..1 (their sum at most 1); the rest get the default reply. The same
// Seed gives the same sequence.
type FaultMix struct {
	Seed                                                                  int64
	RateLimit, Quota, ServerError, Slow, Hang, Malformed, Refusal, BadKey float64
	SlowDelay                                                             time.Duration // default 200 ms
	RetryAfter                                                            string        // for RateLimit; default "1"
}

// draw picks the reply of one request the script does not cover: a fault with its probability,
// else def. rng is the server's, seeded from m.Seed; the server's lock is held.
func (m *FaultMix) draw(rng *rand.Rand, def Reply) Reply {
	x := rng.Float64()
	pick := func(p float64) bool {
		x -= p
		return x < 0
	}
	after := m.RetryAfter
	if after == "" {
		after = "1"
	}
	delay := m.SlowDelay
	if delay <= 0 {
		delay = 200 * time.Millisecond
	}
	switch {
	case pick(m.RateLimit):
		return RateLimited(after)
	case pick(m.Quota):
		return QuotaExceeded()
	case pick(m.ServerError):
		return ServerError()
	case pick(m.Slow):
		r := def
		r.Delay = delay
		return r
	case pick(m.Hang):
		return Hang()
	case pick(m.Malformed):
		return Malformed()
	case pick(m.Refusal):
		return Refusal("I'm sorry, I can't help with that.")
	case pick(m.BadKey):
		return BadKey()
	}
	return def
}
