package analyzer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"
	"golang.org/x/time/rate"

	"medinventory/analyzer/answer"
	"medinventory/analyzer/wait"
	"medinventory/assets/i18n"
)

// Defaults for Config.
const (
	DefaultModel           = "gpt-4.1-mini"
	DefaultBaseURL         = "https://api.openai.com/v1"
	DefaultDetail          = Detail("high")
	DefaultTimeout         = 60 * time.Second
	DefaultMaxOutputTokens = 1500
	DefaultCircuitFailures = 5
	DefaultCircuitOpenFor  = 60 * time.Second
)

// Config configures a Client. Zero values get the documented defaults; an empty APIKey, BaseURL or
// Model is taken from OPENAI_API_KEY, OPENAI_BASE_URL or OPENAI_MODEL first, as in every OpenAI SDK.
// Settings the user made in the app go in the fields and so override the environment.
type Config struct {
	APIKey, BaseURL, Model string
	Detail                 Detail        // image detail; default "high"
	Timeout                time.Duration // per request; default 60 s
	RequestsPerMinute      int           // client-side rate limit shared by all workers; 0 = unlimited
	MaxOutputTokens        int           // default 1500
	CircuitFailures        int           // consecutive failures that open the circuit; default 5
	CircuitOpenFor         time.Duration // how long it stays open; default 60 s
}

// ConfigFromEnv is the configuration from the environment alone, with defaults.
func ConfigFromEnv() Config { return Config{}.withDefaults() }

func (c Config) withDefaults() Config {
	if c.APIKey == "" {
		c.APIKey = strings.TrimSpace(os.Getenv("OPENAI_API_KEY"))
	}
	if c.BaseURL == "" {
		c.BaseURL = strings.TrimSpace(os.Getenv("OPENAI_BASE_URL"))
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.Model == "" {
		c.Model = strings.TrimSpace(os.Getenv("OPENAI_MODEL"))
	}
	if c.Model == "" {
		c.Model = DefaultModel
	}
	if c.Detail == "" {
		c.Detail = DefaultDetail
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.RequestsPerMinute < 0 {
		c.RequestsPerMinute = 0
	}
	if c.MaxOutputTokens <= 0 {
		c.MaxOutputTokens = DefaultMaxOutputTokens
	}
	if c.CircuitFailures <= 0 {
		c.CircuitFailures = DefaultCircuitFailures
	}
	if c.CircuitOpenFor <= 0 {
		c.CircuitOpenFor = DefaultCircuitOpenFor
	}
	return c
}

// String describes the configuration without the key.
func (c Config) String() string {
	key := "none"
	if c.APIKey != "" {
		key = "set"
	}
	return fmt.Sprintf("model=%s base_url=%s detail=%s timeout=%s rpm=%d max_output_tokens=%d key=%s",
		c.Model, c.BaseURL, c.Detail, c.Timeout, c.RequestsPerMinute, c.MaxOutputTokens, key)
}

// GoString is String, so %#v cannot print the key either.
func (c Config) GoString() string { return "analyzer.Config{" + c.String() + "}" }

// LogValue keeps the key out of slog output.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// IsOpenAI reports whether the configuration talks to OpenAI itself rather than to an
// OpenAI-compatible server (Ollama, LM Studio, vLLM, llama.cpp server…).
func (c Config) IsOpenAI() bool {
	u, err := url.Parse(c.withDefaults().BaseURL)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return h == "openai.com" || strings.HasSuffix(h, ".openai.com")
}

// Response formats, most structured first: the order of the fallback for compatible servers.
const (
	FormatJSONSchema = "json_schema"
	FormatJSONObject = "json_object"
	FormatText       = "text"
)

var formats = []string{FormatJSONSchema, FormatJSONObject, FormatText}

// maxRawAnswer bounds the raw answer kept in Usage.
const maxRawAnswer = 64 << 10

// Client calls an OpenAI (or OpenAI-compatible) vision model. One Client is shared by all workers:
// its rate limiter, "not before" time (set by a 429), circuit breaker and the response format the
// server accepts are shared. It is safe for concurrent use.
type Client struct {
	cfg     Config
	api     *openai.Client
	limiter *rate.Limiter // nil: unlimited
	br      *breaker
	mode    atomic.Int32 // index into formats: what the server accepts
	now     func() time.Time
	openAI  bool // the server is OpenAI's own (tests may set it for the fake server)

	mu        sync.Mutex
	notBefore time.Time
}

// NewClient makes a Client. It never fails: a missing key is reported by Analyze (Waiting,
// reason "no_key").
func NewClient(cfg Config) *Client {
	cfg = cfg.withDefaults()
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.BaseURL
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = cfg.Timeout
	// DefaultConfig's http.Client has no timeout; each request also gets a context deadline.
	oc.HTTPClient = &http.Client{Timeout: cfg.Timeout + 5*time.Second, Transport: tr}
	c := &Client{cfg: cfg, api: openai.NewClientWithConfig(oc), now: time.Now, openAI: cfg.IsOpenAI()}
	c.br = &breaker{threshold: cfg.CircuitFailures, openFor: cfg.CircuitOpenFor, now: func() time.Time { return c.now() }}
	if cfg.RequestsPerMinute > 0 {
		c.limiter = rate.NewLimiter(rate.Every(time.Minute/time.Duration(cfg.RequestsPerMinute)), 1)
	}
	return c
}

// String describes the client without its key.
func (c *Client) String() string { return "analyzer.Client{" + c.cfg.String() + "}" }

// GoString is String, so %#v cannot print the key either.
func (c *Client) GoString() string { return c.String() }

// Config returns the effective configuration (defaults applied). Its String, GoString and
// LogValue never show the key.
func (c *Client) Config() Config { return c.cfg }

// HasKey reports whether the client can authenticate: a key is set, or the server is not OpenAI's
// (local OpenAI-compatible servers need no key).
func (c *Client) HasKey() bool { return c.cfg.APIKey != "" || !c.openAI }

// ResponseFormat is the response format the client uses now (json_schema until a server refuses it).
func (c *Client) ResponseFormat() string { return formats[c.mode.Load()] }

func (c *Client) isOpenAI() bool { return c.openAI }

// redact removes the key from text a server sent back (some echo it).
func (c *Client) redact(s string) string {
	if len(c.cfg.APIKey) >= 4 {
		s = strings.ReplaceAll(s, c.cfg.APIKey, "[key]")
	}
	return s
}

func (c *Client) serverName() string {
	if c.isOpenAI() {
		return "OpenAI"
	}
	return "The model server"
}

func (c *Client) setNotBefore(t time.Time) {
	c.mu.Lock()
	if t.After(c.notBefore) {
		c.notBefore = t
	}
	c.mu.Unlock()
}

// NotBefore is the time before which no request is sent (after a 429); zero when there is none.
func (c *Client) NotBefore() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.notBefore
}

func noKeyError() *Error {
	return waiting(wait.NoKey, "", 0, nil)
}

// gate waits for the rate limit and the shared "not before" time, or says why not to send now.
func (c *Client) gate(ctx context.Context) *Error {
	if nb := c.NotBefore(); !nb.IsZero() {
		if d := nb.Sub(c.now()); d > 0 {
			return waiting(wait.RateLimit, i18n.T("%s is busy (rate limit); trying again in %s.",
				c.serverName(), roundDur(d)), d, nil)
		}
	}
	if c.limiter == nil {
		return nil
	}
	r := c.limiter.Reserve()
	d := r.Delay()
	if d == 0 {
		return nil
	}
	maxBlock := 10 * time.Second
	if dl, ok := ctx.Deadline(); ok {
		maxBlock = min(maxBlock, time.Until(dl)/2)
	}
	if d > maxBlock {
		r.Cancel()
		return waiting(wait.RateLimit, i18n.T("Waiting for the request limit you set (%d per minute); trying again in %s.",
			c.cfg.RequestsPerMinute, roundDur(d)), d, nil)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.Cancel()
		return retryable(i18n.T("The analysis was stopped; it will be tried again."), 0, ctx.Err())
	}
}

// Analyze sends one prepared photo to the model and validates the answer. attempt is the job's
// attempt number (1 on the first run): an unreadable answer is retried once
// (Retryable on attempt 1) and then fails (Permanent) with the reason. Every error is a
// *Error saying what the job queue should do. Usage is filled as far as known even on error
// (a malformed answer still cost tokens).
//
// Before sending anything it checks, in order: the key (Waiting "no_key"), the circuit breaker
// (Waiting "circuit_open"), the "not before" time a 429 set (Waiting "rate_limit") and the
// client-side rate limit. If the server refuses response_format json_schema, the same call is
// repeated with json_object and then with no response_format (the JSON is taken from the text);
// the client remembers what worked.
func (c *Client) Analyze(ctx context.Context, up Upload, attempt int) (Result, Usage, error) {
	usage := Usage{Model: c.cfg.Model, PromptVersion: PromptVersion, ResponseFormat: c.ResponseFormat()}
	if !c.HasKey() {
		return Result{}, usage, noKeyError()
	}
	if je := c.checkBaseURL(); je != nil {
		return Result{}, usage, je
	}
	if len(up.JPEG) == 0 {
		return Result{}, usage, permanent(i18n.T("The photo could not be prepared for analysis (no image data)."), nil)
	}
	ok, probe, pause := c.br.allow()
	if !ok {
		return Result{}, usage, waiting(wait.CircuitOpen, i18n.T("%s failed several times in a row; analysis pauses and tries again in %s.",
			c.serverName(), roundDur(pause)), pause, nil)
	}
	if je := c.gate(ctx); je != nil {
		c.br.abandon(probe)
		return Result{}, usage, je
	}

	start := time.Now()
	var (
		resp     openai.ChatCompletionResponse
		err      error
		timedOut bool
		mode     int32
	)
	for {
		mode = c.mode.Load()
		usage.ResponseFormat = formats[mode]
		resp, timedOut, err = c.send(ctx, c.request(up, formats[mode]))
		if err != nil && mode < int32(len(formats)-1) && isFormatUnsupported(err) {
			c.mode.CompareAndSwap(mode, mode+1)
			continue
		}
		break
	}
	usage.Latency = time.Since(start)
	usage.TokensIn = int64(resp.Usage.PromptTokens)
	usage.TokensOut = int64(resp.Usage.CompletionTokens)
	if resp.Model != "" {
		usage.Model = resp.Model
	}
	usage.CostUSD = EstimateCost(usage.Model, usage.TokensIn, usage.TokensOut)

	if err != nil {
		if ctx.Err() != nil && !timedOut {
			c.br.abandon(probe) // our caller gave up: says nothing about the server
			return Result{}, usage, retryable(i18n.T("The analysis was stopped; it will be tried again."), 0, err)
		}
		je := c.classify(err, resp.Header(), timedOut, attempt)
		if je.Kind == Waiting && je.Reason == wait.Offline {
			c.br.abandon(probe)
		} else {
			c.br.done(probe, countsForBreaker(je))
		}
		return Result{}, usage, je
	}
	c.br.done(probe, false)
	res, err := c.readAnswer(resp, formats[mode], &usage)
	if err != nil {
		return Result{}, usage, malformed(err, attempt)
	}
	return res, usage, nil
}

// send makes one HTTP call with the per-request timeout.
func (c *Client) send(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, bool, error) {
	rctx, cancel := context.WithTimeoutCause(ctx, c.cfg.Timeout, errRequestTimeout)
	defer cancel()
	resp, err := c.api.CreateChatCompletion(rctx, req)
	timedOut := err != nil && errors.Is(context.Cause(rctx), errRequestTimeout)
	return resp, timedOut, err
}

var errRequestTimeout = errors.New("the request timed out")

func (c *Client) request(up Upload, format string) openai.ChatCompletionRequest {
	detail := up.Detail
	if detail == "" {
		detail = c.cfg.Detail
	}
	req := openai.ChatCompletionRequest{
		Model: c.cfg.Model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: systemPrompt},
			{Role: openai.ChatMessageRoleUser, MultiContent: []openai.ChatMessagePart{
				{Type: openai.ChatMessagePartTypeText, Text: userPrompt},
				{Type: openai.ChatMessagePartTypeImageURL, ImageURL: &openai.ChatMessageImageURL{
					URL: up.DataURL(), Detail: openai.ImageURLDetail(detail)}},
			}},
		},
	}
	// OpenAI wants max_completion_tokens; Ollama and other compatible servers read max_tokens.
	if c.isOpenAI() {
		req.MaxCompletionTokens = c.cfg.MaxOutputTokens
	} else {
		//lint:ignore SA1019 OpenAI-compatible servers (Ollama, llama.cpp) read only max_tokens, which go-openai deprecates for OpenAI's own API.
		req.MaxTokens = c.cfg.MaxOutputTokens
	}
	switch format {
	case FormatJSONSchema:
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name: SchemaName, Schema: answerSchema, Strict: true},
		}
	case FormatJSONObject:
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	return req
}

// readAnswer validates a 200 answer. Errors wrap ErrMalformedAnswer.
func (c *Client) readAnswer(resp openai.ChatCompletionResponse, format string, usage *Usage) (Result, error) {
	if len(resp.Choices) == 0 {
		return Result{}, fmt.Errorf("%w: the answer has no message", ErrMalformedAnswer)
	}
	ch := resp.Choices[0]
	msg := ch.Message
	usage.RawAnswer = truncateBytes(msg.Content, maxRawAnswer)
	if msg.Refusal != "" || ch.FinishReason == openai.FinishReasonContentFilter {
		if usage.RawAnswer == "" {
			usage.RawAnswer = truncateBytes(msg.Refusal, maxRawAnswer)
		}
		return refused(msg.Refusal), nil
	}
	content := strings.TrimSpace(msg.Content)
	res, verr := answer.Validate([]byte(content))
	if verr != nil && len(content) <= answer.MaxAnswerBytes { // a too-long answer stays too long
		// Some servers wrap JSON in text or ```json fences even when asked for JSON.
		if js, ok := answer.ExtractJSON(content); ok {
			res, verr = answer.Validate(js)
		}
	}
	if verr != nil {
		if format == FormatText && looksLikeRefusal(content) {
			return refused(content), nil
		}
		if ch.FinishReason == openai.FinishReasonLength {
			return Result{}, fmt.Errorf("%w: it was cut off at %d output tokens", ErrMalformedAnswer, c.cfg.MaxOutputTokens)
		}
		return Result{}, fmt.Errorf("%w: %w", ErrMalformedAnswer, verr)
	}
	return res, nil
}

func refused(why string) Result {
	r := Result{Refused: true}
	if w := answer.CleanText(why, answer.MaxNoteLen-30); w != "" {
		r.AddNote("The model declined: " + w)
	} else {
		r.AddNote("The model declined to read this photo.")
	}
	return r
}

func looksLikeRefusal(s string) bool {
	l := strings.ToLower(s)
	if len(l) > 600 {
		return false
	}
	for _, p := range []string{"i'm sorry", "i am sorry", "i can't", "i cannot", "i can’t", "i'm unable", "i am unable", "unable to help"} {
		if strings.Contains(l, p) {
			return true
		}
	}
	return false
}

func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// TestConnection makes a cheap real call (the models list, which costs nothing) and checks that
// the server answers like an OpenAI-compatible one, accepts the key and offers the configured
// model. The error is a *Error whose text says in plain words what is wrong.
func (c *Client) TestConnection(ctx context.Context) error {
	if !c.HasKey() {
		return noKeyError()
	}
	if je := c.checkBaseURL(); je != nil {
		return je
	}
	ctx, cancel := context.WithTimeoutCause(ctx, min(c.cfg.Timeout, 30*time.Second), errRequestTimeout)
	defer cancel()
	list, err := c.api.ListModels(ctx)
	if err != nil {
		timedOut := errors.Is(context.Cause(ctx), errRequestTimeout)
		var apiErr *openai.APIError
		var reqErr *openai.RequestError
		switch {
		case errors.As(err, &reqErr) && reqErr.HTTPStatusCode == http.StatusNotFound,
			errors.As(err, &apiErr) && apiErr.HTTPStatusCode == http.StatusNotFound:
			return permanent(i18n.T("The server at %s has no OpenAI-compatible API there. Check the address (it usually ends in /v1).", c.cfg.BaseURL), err)
		case isDecodeError(err) && !errors.As(err, &reqErr):
			return permanent(i18n.T("The server at %s answered, but not like an OpenAI-compatible server. Check the address (it usually ends in /v1).", c.cfg.BaseURL), err)
		}
		return c.classify(err, list.Header(), timedOut, 2)
	}
	if len(list.Models) == 0 {
		return nil // some servers list nothing; the model is checked on first use
	}
	var ids []string
	for _, m := range list.Models {
		if m.ID == c.cfg.Model || m.ID == c.cfg.Model+":latest" || strings.TrimPrefix(m.ID, "models/") == c.cfg.Model {
			return nil
		}
		if len(ids) < 8 {
			ids = append(ids, m.ID)
		}
	}
	return waiting(wait.ModelNotFound, i18n.T("The server works, but it does not offer the model %q. It offers: %s. Open Settings and choose one.",
		c.cfg.Model, strings.Join(ids, ", ")), 0, nil)
}

// checkBaseURL catches a server address that cannot work, before anything is sent.
func (c *Client) checkBaseURL() *Error {
	u, err := url.Parse(c.cfg.BaseURL)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return nil
	}
	if err == nil {
		err = errors.New("the address must start with http:// or https:// and name a host")
	}
	return waiting(wait.BadConfig, i18n.T("The server address %q is not valid. Open Settings and correct it (e.g. https://api.openai.com/v1 or http://localhost:11434/v1).",
		answer.CleanText(c.cfg.BaseURL, 100)), 0, err)
}
