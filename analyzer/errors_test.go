package analyzer

import (
	"errors"
	"net/http"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

func TestRetryAfterHeaders(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	h := func(kv ...string) http.Header {
		x := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			x.Set(kv[i], kv[i+1])
		}
		return x
	}
	cases := []struct {
		h    http.Header
		want time.Duration
	}{
		{nil, 0},
		{h(), 0},
		{h("Retry-After", "20"), 20 * time.Second},
		{h("Retry-After", "1.5"), 1500 * time.Millisecond},
		{h("Retry-After", now.Add(90*time.Second).Format(http.TimeFormat)), 90 * time.Second},
		{h("Retry-After", now.Add(-time.Minute).Format(http.TimeFormat)), 0}, // in the past
		{h("Retry-After", "soon"), 0},
		{h("Retry-After", "999999"), time.Hour}, // capped
		{h("retry-after-ms", "250", "Retry-After", "1"), 250 * time.Millisecond},
		{h("x-ratelimit-reset-requests", "1s"), time.Second},
		{h("x-ratelimit-reset-requests", "6m0s"), 6 * time.Minute},
		{h("x-ratelimit-reset-requests", "20ms", "x-ratelimit-reset-tokens", "7.5s"), 7500 * time.Millisecond},
		{h("x-ratelimit-reset-tokens", "garbage"), 0},
	}
	for _, tc := range cases {
		if got := RetryAfter(tc.h, now); got != tc.want {
			t.Errorf("RetryAfter(%v) = %v, want %v", tc.h, got, tc.want)
		}
	}
}

func TestBreakerStates(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	b := &breaker{threshold: 2, openFor: 10 * time.Second, now: clk.now}
	must := func(wantOK, wantProbe bool) {
		t.Helper()
		ok, probe, _ := b.allow()
		if ok != wantOK || probe != wantProbe {
			t.Fatalf("allow = %v,%v want %v,%v", ok, probe, wantOK, wantProbe)
		}
	}
	must(true, false)
	b.done(false, true)
	b.done(false, false) // a success resets the count
	b.done(false, true)
	must(true, false)
	b.done(false, true) // second in a row: open
	must(false, false)
	if _, _, wait := b.allow(); wait != 10*time.Second {
		t.Fatalf("wait %v", wait)
	}
	clk.add(10 * time.Second)
	must(true, true)   // the probe
	must(false, false) // nobody else while it runs
	b.abandon(true)    // the probe's caller gave up
	must(true, true)
	b.done(true, false) // probe succeeded: closed
	must(true, false)
	must(true, false)
}

func TestFormatUnsupportedDetection(t *testing.T) {
	param := "response_format"
	cases := []struct {
		err  error
		want bool
	}{
		{&openai.APIError{HTTPStatusCode: 400, Message: "response_format type 'json_schema' is not supported"}, true},
		{&openai.APIError{HTTPStatusCode: 400, Message: "Invalid value", Param: &param}, true},
		{&openai.RequestError{HTTPStatusCode: 422, Body: []byte(`{"detail":"json_object is not supported"}`)}, true},
		{&openai.RequestError{HTTPStatusCode: 400, Body: []byte(`'response_format.type' must be 'json_schema' or 'text'`)}, true}, // LM Studio
		{&openai.APIError{HTTPStatusCode: 400, Message: "Invalid image"}, false},
		{&openai.APIError{HTTPStatusCode: 401, Message: "response_format"}, false},
		{errors.New("response_format"), false},
	}
	for _, tc := range cases {
		if got := isFormatUnsupported(tc.err); got != tc.want {
			t.Errorf("isFormatUnsupported(%v) = %v", tc.err, got)
		}
	}
}

func TestRoundDur(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "1 s", 20 * time.Second: "20 s", 1500 * time.Millisecond: "2 s",
		6 * time.Minute: "6 min", 3 * time.Hour: "3 h"} {
		if got := roundDur(d); got != want {
			t.Errorf("roundDur(%v) = %q, want %q", d, got, want)
		}
	}
}
