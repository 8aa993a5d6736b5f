package analyzer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"medinventory/analyzer/openaitest"
	"medinventory/analyzer/wait"
	"medinventory/store/fields"
)

// testUpload is a small real JPEG, as the preprocessing step would make it.
func testUpload(t testing.TB) Upload {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return Upload{JPEG: b.Bytes(), Width: 64, Height: 48, Detail: "high", OrigWidth: 64, OrigHeight: 48}
}

// clearEnv keeps the developer's own OPENAI_* settings out of the tests.
func clearEnv(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "")
	t.Setenv("OPENAI_BASE_URL", "")
	t.Setenv("OPENAI_MODEL", "")
}

// fakeClock is a settable clock for the breaker and the "not before" time.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) add(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

// newClient makes a client for the fake server, which it treats as OpenAI itself (so messages and
// max_completion_tokens are OpenAI's).
func newClient(t *testing.T, srv *openaitest.Server, edit func(*Config)) (*Client, *fakeClock) {
	t.Helper()
	clearEnv(t)
	cfg := Config{APIKey: srv.Key(), BaseURL: srv.URL(), Model: "gpt-4.1-mini", Timeout: 5 * time.Second}
	if edit != nil {
		edit(&cfg)
	}
	c := NewClient(cfg)
	c.openAI = true
	clk := &fakeClock{t: time.Now()}
	c.now = clk.now
	return c, clk
}

const goodAnswer = `{"not_medicine":false,"note":null,"medicines":[{"name":"Panadol","generic_name":"paracetamol",
"strength":"500MG","dosage_form":"tablet","manufacturer":"GSK","gtin":"4006381333931","lot":"LOT: B1234",
"expiry":"03/2027","quantity":2,"pack_size":"24 tablets","confidence":{"name":0.98,"generic_name":0.9,
"strength":0.95,"dosage_form":0.9,"manufacturer":0.8,"gtin":0.7,"lot":0.6,"expiry":0.9,"quantity":0.9,"pack_size":0.8}}]}`

func jobErr(t *testing.T, err error) *Error {
	t.Helper()
	var je *Error
	if !errors.As(err, &je) {
		t.Fatalf("error %v (%T) is not a *Error", err, err)
	}
	return je
}

func TestAnalyzeSendsValidRequestAndReadsAnswer(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.Enqueue(openaitest.Reply{Content: goodAnswer, PromptTokens: 1200, CompletionTokens: 180})
	c, _ := newClient(t, srv, nil)
	res, usage, err := c.Analyze(context.Background(), testUpload(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Medicines) != 1 {
		t.Fatalf("medicines = %+v", res.Medicines)
	}
	m := res.Medicines[0]
	want := Medicine{Values: fields.Values{Name: "Panadol", GenericName: "paracetamol", Strength: "500 mg", DosageForm: "tablet",
		Manufacturer: "GSK", GTIN: "04006381333931", Lot: "B1234", Expiry: "2027-03-31", Unit: "24 tablets"}}
	got := m
	got.Quantity, got.Confidence = nil, nil
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("medicine\n got %+v\nwant %+v", got, want)
	}
	if m.Quantity == nil || *m.Quantity != 2 || m.Confidence["lot"] != 0.6 {
		t.Errorf("quantity/confidence = %v %v", m.Quantity, m.Confidence)
	}
	if usage.TokensIn != 1200 || usage.TokensOut != 180 || usage.Model != "gpt-4.1-mini-2025-04-14" ||
		usage.PromptVersion != PromptVersion || usage.ResponseFormat != FormatJSONSchema || usage.RawAnswer != goodAnswer {
		t.Errorf("usage = %+v", usage)
	}
	if wantCost := (1200*0.40 + 180*1.60) / 1e6; usage.CostUSD != wantCost {
		t.Errorf("cost = %v, want %v", usage.CostUSD, wantCost)
	}
	reqs := srv.ChatRequests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Header.Get("Authorization") != "Bearer "+srv.Key() || r.Model != "gpt-4.1-mini" || r.ResponseFormat != "json_schema" {
		t.Errorf("request: auth/model/format = %q %q %q", r.Header.Get("Authorization"), r.Model, r.ResponseFormat)
	}
	js := r.JSON["response_format"].(map[string]any)["json_schema"].(map[string]any)
	if js["strict"] != true || js["name"] != SchemaName {
		t.Errorf("json_schema = %v", js)
	}
	if _, ok := r.JSON["max_completion_tokens"]; !ok {
		t.Errorf("OpenAI request without max_completion_tokens: %s", r.Body)
	}
	if _, ok := r.JSON["max_tokens"]; ok {
		t.Errorf("OpenAI request with the deprecated max_tokens")
	}
	if len(r.Images) != 1 || r.Images[0].Format != "jpeg" || r.Images[0].Detail != "high" || r.Images[0].Width != 64 {
		t.Fatalf("images = %+v", r.Images)
	}
	if openaitest.HasEXIF(r.Images[0].Data) {
		t.Error("the upload carries EXIF")
	}
	if !bytes.Equal(r.Images[0].Data, testUpload(t).JPEG) {
		t.Error("the server did not receive the prepared JPEG")
	}
}

// TestHasEXIFDetects proves the EXIF assertion above can fail.
func TestHasEXIFDetects(t *testing.T) {
	j := testUpload(t).JPEG
	app1 := append([]byte{0xFF, 0xE1, 0x00, 0x10}, []byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08")...)
	withExif := append(append(append([]byte{}, j[:2]...), app1...), j[2:]...)
	if !openaitest.HasEXIF(withExif) || openaitest.HasEXIF(j) {
		t.Fatal("HasEXIF does not tell a JPEG with EXIF from one without")
	}
}

func TestLocalServerGetsMaxTokensAndNeedsNoKey(t *testing.T) {
	clearEnv(t)
	srv := openaitest.NewServer(t)
	srv.SetKey("") // like Ollama
	srv.Enqueue(openaitest.Answer(goodAnswer))
	c := NewClient(Config{BaseURL: srv.URL(), Model: "llava"})
	if !c.HasKey() {
		t.Fatal("a local server needs no key, but HasKey is false")
	}
	if _, _, err := c.Analyze(context.Background(), testUpload(t), 1); err != nil {
		t.Fatal(err)
	}
	r := srv.ChatRequests()[0]
	if _, ok := r.JSON["max_tokens"]; !ok {
		t.Errorf("a compatible server gets no max_tokens: %s", r.Body)
	}
	if _, ok := r.JSON["max_completion_tokens"]; ok {
		t.Errorf("a compatible server gets max_completion_tokens")
	}
}

func TestNoKeyWaitsWithoutRequest(t *testing.T) {
	srv := openaitest.NewServer(t)
	c, _ := newClient(t, srv, func(cfg *Config) { cfg.APIKey = "" })
	if c.HasKey() {
		t.Fatal("HasKey with no key")
	}
	_, _, err := c.Analyze(context.Background(), testUpload(t), 1)
	je := jobErr(t, err)
	if je.Kind != Waiting || je.Reason != ReasonNoKey {
		t.Fatalf("got %v/%q %q", je.Kind, je.Reason, je.Msg)
	}
	if err := c.TestConnection(context.Background()); jobErr(t, err).Reason != ReasonNoKey {
		t.Fatalf("TestConnection: %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent without a key", n)
	}
}

func TestErrorKinds(t *testing.T) {
	future := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	rl := func(h http.Header) openaitest.Reply {
		r := openaitest.RateLimited("")
		r.Header = h
		return r
	}
	cases := []struct {
		name          string
		reply         openaitest.Reply
		attempt       int
		kind          ErrorKind
		reason        wait.Reason
		after, within time.Duration // RetryAfter must be in [after-within, after]
		msg           string        // part of the message
	}{
		{"429 Retry-After seconds", openaitest.RateLimited("7"), 1, Retryable, "", 7 * time.Second, 0, "rate limit"},
		{"429 Retry-After HTTP date", openaitest.RateLimited(future), 1, Retryable, "", 30 * time.Second, 3 * time.Second, "trying again in"},
		{"429 x-ratelimit-reset-requests 1s", rl(hdr("x-ratelimit-reset-requests", "1s")), 1, Retryable, "", time.Second, 0, "busy"},
		{"429 x-ratelimit-reset-requests 6m0s", rl(hdr("x-ratelimit-reset-requests", "6m0s", "x-ratelimit-reset-tokens", "20ms")), 1, Retryable, "", 6 * time.Minute, 0, "6 min"},
		{"429 without a wait", rl(nil), 1, Retryable, "", defaultRateLimitWait, 0, "busy"},
		{"429 insufficient_quota", openaitest.QuotaExceeded(), 1, Waiting, ReasonQuota, 0, 0, "no credit left"},
		{"401 invalid key", openaitest.BadKey(), 1, Waiting, ReasonKeyRefused, 0, 0, "key was refused"},
		{"403", openaitest.Reply{Status: 403, ErrType: "invalid_request_error", ErrCode: "unsupported_country_region_territory", ErrMessage: "Country, region, or territory not supported"}, 1, Waiting, ReasonKeyRefused, 0, 0, "Settings"},
		{"500", openaitest.ServerError(), 1, Retryable, "", 0, 0, "HTTP 500"},
		{"503 with Retry-After", openaitest.Reply{Status: 503, ErrType: "server_error", ErrMessage: "overloaded", Header: hdr("Retry-After", "3")}, 1, Retryable, "", 3 * time.Second, 0, "tried again"},
		{"500 non-JSON body", openaitest.Reply{Status: 502, Body: "<html>Bad gateway</html>"}, 1, Retryable, "", 0, 0, "HTTP 502"},
		{"400 invalid image", openaitest.InvalidImage("Image is too small to read."), 1, Permanent, "", 0, 0, "could not use this photo: Image is too small to read."},
		{"400 other", openaitest.Reply{Status: 400, ErrType: "invalid_request_error", ErrMessage: "Unrecognized request argument supplied: foo"}, 1, Permanent, "", 0, 0, "Unrecognized request argument"},
		{"404 model", openaitest.Reply{Status: 404, ErrType: "invalid_request_error", ErrCode: "model_not_found", ErrMessage: "The model `gpt-9` does not exist or you do not have access to it."}, 1, Waiting, ReasonModelNotFound, 0, 0, "choose another model"},
		{"malformed body, first attempt", openaitest.Malformed(), 1, Retryable, "", 0, 0, "asked once more"},
		{"malformed body, second attempt", openaitest.Malformed(), 2, Permanent, "", 0, 0, "could not be read again"},
		{"prose instead of JSON, first attempt", openaitest.Answer("Sure! It is Panadol."), 1, Retryable, "", 0, 0, "asked once more"},
		{"prose instead of JSON, third attempt", openaitest.Answer("Sure! It is Panadol."), 3, Permanent, "", 0, 0, "could not be read"},
		{"cut off answer", openaitest.Reply{Content: `{"not_medicine":false,"medicines":[{"name":"Pan`, FinishReason: "length"}, 2, Permanent, "", 0, 0, "cut off"},
		{"no choices", openaitest.Reply{Body: `{"id":"x","object":"chat.completion","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":0}}`}, 2, Permanent, "", 0, 0, "no message"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := openaitest.NewServer(t)
			srv.Enqueue(tc.reply)
			c, _ := newClient(t, srv, nil)
			_, _, err := c.Analyze(context.Background(), testUpload(t), tc.attempt)
			if err == nil {
				t.Fatal("no error")
			}
			je := jobErr(t, err)
			if je.Kind != tc.kind || je.Reason != tc.reason {
				t.Errorf("kind/reason = %v/%q, want %v/%q (%s)", je.Kind, je.Reason, tc.kind, tc.reason, je.Msg)
			}
			if je.RetryAfter > tc.after || je.RetryAfter < tc.after-tc.within {
				t.Errorf("RetryAfter = %v, want %v (-%v)", je.RetryAfter, tc.after, tc.within)
			}
			if !strings.Contains(je.Msg, tc.msg) {
				t.Errorf("message %q does not contain %q", je.Msg, tc.msg)
			}
			if strings.Contains(je.Error(), srv.Key()) {
				t.Errorf("the key is in the error text: %q", je.Error())
			}
			if srv.Count() != 1 {
				t.Errorf("%d requests, want 1", srv.Count())
			}
		})
	}
}

func TestMalformedCountsTokens(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.Enqueue(openaitest.Reply{Content: "no json here", PromptTokens: 900, CompletionTokens: 12})
	c, _ := newClient(t, srv, nil)
	_, usage, err := c.Analyze(context.Background(), testUpload(t), 1)
	if !errors.Is(err, ErrMalformedAnswer) || usage.TokensIn != 900 || usage.TokensOut != 12 || usage.RawAnswer != "no json here" {
		t.Fatalf("err=%v usage=%+v", err, usage)
	}
}

func TestRefusalAndNotMedicine(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.Enqueue(openaitest.Refusal("I'm sorry, I can't help with that."),
		openaitest.Answer(`{"not_medicine":true,"medicines":[],"note":"a cat"}`))
	c, _ := newClient(t, srv, nil)
	res, _, err := c.Analyze(context.Background(), testUpload(t), 1)
	if err != nil || !res.Refused || len(res.Medicines) != 0 || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "can't help") {
		t.Fatalf("refusal: %+v %v", res, err)
	}
	res, _, err = c.Analyze(context.Background(), testUpload(t), 1)
	if err != nil || !res.NotMedicine || res.Refused || len(res.Medicines) != 0 {
		t.Fatalf("not a medicine: %+v %v", res, err)
	}
}

func TestTimeoutIsRetryable(t *testing.T) {
	for _, reply := range []openaitest.Reply{openaitest.Hang(), openaitest.Slow(10 * time.Second)} {
		srv := openaitest.NewServer(t)
		srv.Enqueue(reply)
		c, _ := newClient(t, srv, func(cfg *Config) { cfg.Timeout = 150 * time.Millisecond })
		_, _, err := c.Analyze(context.Background(), testUpload(t), 1)
		je := jobErr(t, err)
		if je.Kind != Retryable || !strings.Contains(je.Msg, "did not answer") {
			t.Errorf("timeout: %v %q", je.Kind, je.Msg)
		}
	}
}

func TestCallerCancelIsRetryableAndNotCounted(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.SetDefault(openaitest.Hang())
	c, _ := newClient(t, srv, func(cfg *Config) { cfg.CircuitFailures = 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, _, err := c.Analyze(ctx, testUpload(t), 1)
	if je := jobErr(t, err); je.Kind != Retryable {
		t.Fatalf("kind %v", je.Kind)
	}
	if ok, _, _ := c.br.allow(); !ok {
		t.Fatal("the caller's own cancellation opened the circuit")
	}
}

// closedPort returns an address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestOffline(t *testing.T) {
	clearEnv(t)
	for _, base := range []string{"http://" + closedPort(t) + "/v1", "http://no-such-host.invalid/v1"} {
		c := NewClient(Config{APIKey: "sk-x", BaseURL: base, Timeout: 5 * time.Second, CircuitFailures: 1})
		_, _, err := c.Analyze(context.Background(), testUpload(t), 1)
		je := jobErr(t, err)
		if je.Kind != Waiting || je.Reason != ReasonOffline {
			t.Errorf("%s: %v/%q %q (%v)", base, je.Kind, je.Reason, je.Msg, je.Err)
		}
		if ok, _, _ := c.br.allow(); !ok {
			t.Errorf("%s: being offline opened the circuit", base)
		}
		if err := c.TestConnection(context.Background()); jobErr(t, err).Reason != ReasonOffline {
			t.Errorf("%s: TestConnection: %v", base, err)
		}
	}
	c := NewClient(Config{APIKey: "sk-x", BaseURL: "http://" + closedPort(t) + "/v1"})
	c.openAI = true
	_, _, err := c.Analyze(context.Background(), testUpload(t), 1)
	if je := jobErr(t, err); je.Msg != "No network: the photo will be analysed when you are back online." {
		t.Errorf("message %q", je.Msg)
	}
}

func TestCircuitBreaker(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.SetDefault(openaitest.ServerError())
	c, clk := newClient(t, srv, func(cfg *Config) { cfg.CircuitFailures = 3; cfg.CircuitOpenFor = time.Minute })
	up := testUpload(t)
	for i := 0; i < 3; i++ {
		if _, _, err := c.Analyze(context.Background(), up, 1); jobErr(t, err).Kind != Retryable {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	for i := 0; i < 5; i++ {
		_, _, err := c.Analyze(context.Background(), up, 1)
		je := jobErr(t, err)
		if je.Kind != Waiting || je.Reason != ReasonCircuitOpen || je.RetryAfter != time.Minute {
			t.Fatalf("open circuit: %v/%q after %v", je.Kind, je.Reason, je.RetryAfter)
		}
	}
	if srv.Count() != 3 {
		t.Fatalf("%d requests while the circuit is open, want 3", srv.Count())
	}
	clk.add(61 * time.Second)
	// Half-open: exactly one probe goes through; others wait while it runs. The probe fails.
	srv.Enqueue(openaitest.Reply{Status: 500, ErrType: "server_error", ErrMessage: "still down", Delay: 300 * time.Millisecond})
	probeDone := make(chan error, 1)
	go func() {
		_, _, err := c.Analyze(context.Background(), up, 1)
		probeDone <- err
	}()
	for deadline := time.Now().Add(10 * time.Second); srv.Count() < 4; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the half-open probe never reached the server")
		}
	}
	_, _, err := c.Analyze(context.Background(), up, 1)
	if je := jobErr(t, err); je.Reason != ReasonCircuitOpen {
		t.Fatalf("second call during the probe: %v/%q", je.Kind, je.Reason)
	}
	if err := <-probeDone; jobErr(t, err).Kind != Retryable {
		t.Fatalf("probe: %v", err)
	}
	if _, _, err := c.Analyze(context.Background(), up, 1); jobErr(t, err).Reason != ReasonCircuitOpen {
		t.Fatalf("after a failed probe the circuit should be open again: %v", err)
	}
	// Next probe succeeds: the circuit closes.
	clk.add(61 * time.Second)
	srv.SetDefault(openaitest.Answer(goodAnswer))
	for i := 0; i < 3; i++ {
		if _, _, err := c.Analyze(context.Background(), up, 1); err != nil {
			t.Fatalf("closed circuit, call %d: %v", i, err)
		}
	}
	if srv.Count() != 7 {
		t.Fatalf("%d requests, want 7", srv.Count())
	}
}

func TestNoRequestBeforeRetryAfter(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.Enqueue(openaitest.RateLimited("30"))
	srv.SetDefault(openaitest.Answer(goodAnswer))
	c, clk := newClient(t, srv, nil)
	up := testUpload(t)
	_, _, err := c.Analyze(context.Background(), up, 1)
	if je := jobErr(t, err); je.Kind != Retryable || je.RetryAfter != 30*time.Second {
		t.Fatalf("429: %v %v", je.Kind, je.RetryAfter)
	}
	var wg sync.WaitGroup
	var waited atomic.Int32
	for i := 0; i < 4; i++ { // other workers sharing the client
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := c.Analyze(context.Background(), up, 1)
			if je := jobErr(t, err); je.Kind == Waiting && je.Reason == ReasonRateLimit && je.RetryAfter > 29*time.Second {
				waited.Add(1)
			}
		}()
	}
	wg.Wait()
	if waited.Load() != 4 || srv.Count() != 1 {
		t.Fatalf("%d of 4 calls waited; %d requests sent before Retry-After passed", waited.Load(), srv.Count())
	}
	clk.add(31 * time.Second)
	if _, _, err := c.Analyze(context.Background(), up, 1); err != nil {
		t.Fatalf("after Retry-After: %v", err)
	}
	if srv.Count() != 2 {
		t.Fatalf("%d requests", srv.Count())
	}
}

func TestRequestsPerMinute(t *testing.T) {
	srv := openaitest.NewServer(t)
	c, _ := newClient(t, srv, func(cfg *Config) { cfg.RequestsPerMinute = 1 })
	up := testUpload(t)
	if _, _, err := c.Analyze(context.Background(), up, 1); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.Analyze(context.Background(), up, 1)
	je := jobErr(t, err)
	if je.Kind != Waiting || je.Reason != ReasonRateLimit || je.RetryAfter < 50*time.Second {
		t.Fatalf("second call within the minute: %v/%q %v", je.Kind, je.Reason, je.RetryAfter)
	}
	if srv.Count() != 1 {
		t.Fatalf("%d requests, want 1", srv.Count())
	}
}

func TestResponseFormatFallback(t *testing.T) {
	fenced := "Here is what I see:\n```json\n" + goodAnswer + "\n```\nHope this helps {not json}."
	cases := []struct {
		unsupported []string
		want        string
		sent        []string // response_format types of the first call's requests
	}{
		{nil, FormatJSONSchema, []string{"json_schema"}},
		{[]string{"json_schema"}, FormatJSONObject, []string{"json_schema", "json_object"}},
		{[]string{"json_schema", "json_object"}, FormatText, []string{"json_schema", "json_object", ""}},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			srv := openaitest.NewServer(t)
			srv.Unsupported(tc.unsupported...)
			srv.SetDefault(openaitest.Answer(fenced))
			c, _ := newClient(t, srv, nil)
			res, usage, err := c.Analyze(context.Background(), testUpload(t), 1)
			if err != nil {
				t.Fatal(err)
			}
			if usage.ResponseFormat != tc.want || len(res.Medicines) != 1 || res.Medicines[0].Strength != "500 mg" {
				t.Fatalf("format %q, result %+v", usage.ResponseFormat, res)
			}
			var sent []string
			for _, r := range srv.ChatRequests() {
				sent = append(sent, r.ResponseFormat)
			}
			if fmt.Sprint(sent) != fmt.Sprint(tc.sent) {
				t.Fatalf("sent %q, want %q", sent, tc.sent)
			}
			// The client remembers what works: the next call goes straight to it.
			if _, usage, err = c.Analyze(context.Background(), testUpload(t), 1); err != nil || usage.ResponseFormat != tc.want {
				t.Fatalf("second call: %v %q", err, usage.ResponseFormat)
			}
			if n := srv.Count(); n != len(tc.sent)+1 {
				t.Fatalf("second call sent %d requests, want 1", n-len(tc.sent))
			}
		})
	}
}

func TestTextModeRefusal(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.Unsupported("json_schema", "json_object")
	srv.Enqueue(openaitest.Answer("I'm sorry, but I can't help identify this."))
	c, _ := newClient(t, srv, nil)
	res, _, err := c.Analyze(context.Background(), testUpload(t), 1)
	if err != nil || !res.Refused {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestTestConnection(t *testing.T) {
	srv := openaitest.NewServer(t)
	c, _ := newClient(t, srv, nil)
	if err := c.TestConnection(context.Background()); err != nil {
		t.Fatalf("working server: %v", err)
	}
	bad, _ := newClient(t, srv, func(cfg *Config) { cfg.APIKey = "sk-wrong-key" })
	err := bad.TestConnection(context.Background())
	if je := jobErr(t, err); je.Reason != ReasonKeyRefused || strings.Contains(je.Error(), "sk-wrong-key") {
		t.Fatalf("wrong key: %v/%q %q", je.Kind, je.Reason, je.Msg)
	}
	other, _ := newClient(t, srv, func(cfg *Config) { cfg.Model = "gpt-9-ultra" })
	if je := jobErr(t, other.TestConnection(context.Background())); je.Reason != ReasonModelNotFound || !strings.Contains(je.Msg, "gpt-4.1-mini") {
		t.Fatalf("unknown model: %q %q", je.Reason, je.Msg)
	}
	if n := srv.Count(); n != 0 {
		t.Fatalf("TestConnection sent %d chat requests (they cost money)", n)
	}

	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/models" {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html>router login</html>")
			return
		}
		http.NotFound(w, r)
	}))
	defer html.Close()
	for base, want := range map[string]string{html.URL + "/v1": "not like an OpenAI-compatible server",
		html.URL + "/api": "no OpenAI-compatible API"} {
		c := NewClient(Config{APIKey: "k", BaseURL: base})
		if je := jobErr(t, c.TestConnection(context.Background())); je.Kind != Permanent || !strings.Contains(je.Msg, want) {
			t.Errorf("%s: %v %q", base, je.Kind, je.Msg)
		}
	}
	c = NewClient(Config{APIKey: "k", BaseURL: "localhost:11434"})
	if je := jobErr(t, c.TestConnection(context.Background())); je.Reason != ReasonBadConfig {
		t.Errorf("bad address: %q %q", je.Reason, je.Msg)
	}
}

func TestConfigDefaultsEnvAndRedaction(t *testing.T) {
	clearEnv(t)
	c := NewClient(Config{})
	cfg := c.Config()
	if cfg.Model != DefaultModel || cfg.BaseURL != DefaultBaseURL || cfg.Detail != "high" || cfg.Timeout != 60*time.Second ||
		cfg.MaxOutputTokens != 1500 || c.HasKey() || !cfg.IsOpenAI() {
		t.Fatalf("defaults: %v", cfg)
	}
	t.Setenv("OPENAI_API_KEY", "sk-secret-from-env")
	t.Setenv("OPENAI_BASE_URL", "http://localhost:11434/v1/")
	t.Setenv("OPENAI_MODEL", "qwen2.5vl")
	env := ConfigFromEnv()
	if env.APIKey != "sk-secret-from-env" || env.BaseURL != "http://localhost:11434/v1" || env.Model != "qwen2.5vl" || env.IsOpenAI() {
		t.Fatalf("env: %v", env)
	}
	app := NewClient(Config{Model: "gpt-4.1", APIKey: "sk-app"}).Config()
	if app.Model != "gpt-4.1" || app.APIKey != "sk-app" || app.BaseURL != "http://localhost:11434/v1" {
		t.Fatalf("settings must override the environment: %v", app)
	}
	cl := NewClient(env)
	for _, s := range []string{fmt.Sprint(env), fmt.Sprintf("%+v", env), fmt.Sprintf("%#v", env), fmt.Sprintf("%v", &env),
		fmt.Sprint(cl), fmt.Sprintf("%+v", cl), fmt.Sprintf("%#v", cl), fmt.Sprint([]*Client{cl})} {
		if strings.Contains(s, "sk-secret") {
			t.Errorf("the key is printed: %s", s)
		}
	}
}

func TestEstimateCost(t *testing.T) {
	if got := EstimateCost("gpt-4.1-mini", 1_000_000, 1_000_000); got != 2.0 {
		t.Errorf("gpt-4.1-mini: %v", got)
	}
	if got := EstimateCost("gpt-4.1-mini-2025-04-14", 1000, 0); got != 0.0004 {
		t.Errorf("snapshot: %v", got)
	}
	if got := EstimateCost("gpt-4.1-2025-04-14", 1_000_000, 0); got != 2.0 {
		t.Errorf("gpt-4.1 snapshot: %v", got)
	}
	if _, ok := PriceOf("llava:13b"); ok || EstimateCost("llava:13b", 1000, 1000) != 0 {
		t.Error("a local model has a price")
	}
	if _, ok := PriceOf("gpt-4.1-minimal"); ok {
		t.Error("a made-up model name matched a price by prefix")
	}
}

func TestAPIKeyKeyring(t *testing.T) {
	keyring.MockInit()
	t.Setenv("OPENAI_API_KEY", "sk-env")
	if k, src := LoadAPIKey(); k != "sk-env" || src != "environment" {
		t.Fatalf("empty keyring: %q %q", k, src)
	}
	if err := SaveAPIKey("sk-ring"); err != nil {
		t.Fatal(err)
	}
	if k, src := LoadAPIKey(); k != "sk-ring" || src != "keyring" {
		t.Fatalf("keyring: %q %q", k, src)
	}
	if err := SaveAPIKey(""); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OPENAI_API_KEY", "")
	if k, src := LoadAPIKey(); k != "" || src != "" {
		t.Fatalf("deleted: %q %q", k, src)
	}
	keyring.MockInitWithError(errors.New("org.freedesktop.secrets was not provided"))
	err := SaveAPIKey("sk-never-shown")
	if !errors.Is(err, ErrNoKeyring) || !strings.Contains(err.Error(), "OPENAI_API_KEY") || strings.Contains(err.Error(), "sk-never") ||
		strings.Contains(err.Error(), "org.freedesktop") {
		t.Fatalf("no keyring: %v", err)
	}
}

// TestSoakFaultMix runs workers against a seeded mix of faults: every outcome is a result or a
// *Error, never a panic or a hang.
func TestSoakFaultMix(t *testing.T) {
	n := 25
	if testing.Short() {
		n = 8
	}
	srv := openaitest.NewServer(t)
	srv.SetDefault(openaitest.Answer(goodAnswer))
	srv.SetFaultMix(&openaitest.FaultMix{Seed: 42, RateLimit: 0.1, ServerError: 0.1, Slow: 0.1, Hang: 0.05,
		Malformed: 0.1, Refusal: 0.05, SlowDelay: 20 * time.Millisecond, RetryAfter: "0.02"})
	c, _ := newClient(t, srv, func(cfg *Config) { cfg.Timeout = 200 * time.Millisecond; cfg.CircuitFailures = 1000 })
	c.now = time.Now // real waits: a 429 holds every worker back for 20 ms
	up := testUpload(t)
	var wg sync.WaitGroup
	var ok, failed atomic.Int32
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < n; i++ { // one job each, run the way the job pool runs it
				for attempt := 1; ; attempt++ {
					res, _, err := c.Analyze(context.Background(), up, attempt)
					if err == nil {
						if len(res.Medicines) != 1 && !res.Refused {
							t.Errorf("result %+v", res)
						}
						ok.Add(1)
						break
					}
					failed.Add(1)
					je := jobErr(t, err)
					if je.Kind == Permanent || attempt == 8 {
						break
					}
					if je.Kind == Waiting {
						attempt-- // waiting spends no attempt
					}
					time.Sleep(min(je.RetryAfter, 30*time.Millisecond))
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d jobs done, %d failed attempts", ok.Load(), failed.Load())
	if ok.Load() < int32(4*n*8/10) || failed.Load() == 0 {
		t.Fatalf("ok %d, failed %d: the mix should give both, mostly answers", ok.Load(), failed.Load())
	}
	for _, r := range srv.ChatRequests() {
		if r.Status == 400 || r.Status == 401 {
			t.Fatalf("the client sent a request the server rejected: %+v", r.Problem)
		}
	}
}

func TestAnswerSchemaIsStrict(t *testing.T) {
	var s map[string]any
	if err := json.Unmarshal(AnswerSchema(), &s); err != nil {
		t.Fatal(err)
	}
	items := s["properties"].(map[string]any)["medicines"].(map[string]any)["items"].(map[string]any)
	req := items["required"].([]any)
	if len(req) != len(MedicineFields)+1 || items["additionalProperties"] != false {
		t.Fatalf("medicine schema not strict: %v", items)
	}
	if strings.Contains(string(AnswerSchema()), "nullable") {
		t.Fatal("strict schemas use anyOf with null, not nullable")
	}
}

// TestNoEXIFLeavesTheMachine: a camera JPEG with EXIF goes through the real preprocessing and the
// client; the server receives pixels only.
func TestNoEXIFLeavesTheMachine(t *testing.T) {
	plain := testUpload(t).JPEG
	exif := []byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x00GPS 52.37N 4.89E")
	app1 := append([]byte{0xFF, 0xE1, byte((len(exif) + 2) >> 8), byte(len(exif) + 2)}, exif...)
	camera := append(append(append([]byte{}, plain[:2]...), app1...), plain[2:]...)
	if !openaitest.HasEXIF(camera) {
		t.Fatal("the test photo has no EXIF to strip")
	}
	up, _, err := Preprocess(bytes.NewReader(camera), "high")
	if err != nil {
		t.Fatal(err)
	}
	srv := openaitest.NewServer(t)
	c, _ := newClient(t, srv, nil)
	if _, _, err := c.Analyze(context.Background(), up, 1); err != nil {
		t.Fatal(err)
	}
	img := srv.ChatRequests()[0].Images[0].Data
	if openaitest.HasEXIF(img) || bytes.Contains(img, []byte("GPS 52.37N")) {
		t.Fatal("EXIF left the machine")
	}
}
