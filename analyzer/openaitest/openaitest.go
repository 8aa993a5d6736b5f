// Package openaitest is a fake OpenAI server for tests: real HTTP (httptest) speaking the chat
// completions and models wire format, checking every request as the real API would (bearer key,
// model, messages, image parts that are base64 data URLs of real JPEG/PNG images, response_format
// with a strict-valid schema, and the whole body against OpenAI's published request schema), and
// answering from a script: JSON answers, refusals, OpenAI's real error bodies (429 with
// Retry-After, insufficient_quota, 401, 400 invalid image, response_format unsupported), slow
// answers, hangs, malformed bodies, or a seeded random mix of faults for soak tests. It records
// every request (headers, decoded body, decoded image bytes, time) so tests can assert what left
// the machine, e.g. that no EXIF data did.
package openaitest

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // decode uploads
	_ "image/png"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// DefaultKey is the API key the server accepts unless SetKey changes it.
const DefaultKey = "sk-test-openaitest-0123456789"

//go:embed testdata/chat-request.schema.json
var requestSchemaJSON []byte

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
)

func requestSchema() (*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(requestSchemaJSON))
		if err != nil {
			schemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource("chat-request.schema.json", doc); err != nil {
			schemaErr = err
			return
		}
		schema, schemaErr = c.Compile("chat-request.schema.json")
	})
	return schema, schemaErr
}

// Reply is one scripted answer. The zero Reply is a 200 answer with an empty medicine list.
type Reply struct {
	// Content is the assistant message's content (e.g. the medicine JSON), used for a 200 answer.
	Content string
	// Refusal makes a 200 answer whose message.refusal is set and content is null.
	Refusal string
	// FinishReason defaults to "stop".
	FinishReason string
	// PromptTokens and CompletionTokens go into usage (defaults: 1105 and len(Content)/4+1).
	PromptTokens, CompletionTokens int

	// Status, when not 0 or 200, makes an error answer with OpenAI's error body built from
	// ErrType, ErrCode, ErrMessage and ErrParam (or Body if set).
	Status                                 int
	ErrType, ErrCode, ErrMessage, ErrParam string
	// Header is added to the answer (e.g. Retry-After, x-ratelimit-reset-requests).
	Header http.Header
	// Body, if set, is sent as the body as it is (any status).
	Body string
	// Malformed sends a 200 whose body is cut-off JSON.
	Malformed bool
	// Delay holds the answer back (the client's cancellation ends it early).
	Delay time.Duration
	// Hang never answers: the request ends only when the client gives up or the server closes.
	Hang bool
}

// Answer is a 200 answer with this content.
func Answer(content string) Reply { return Reply{Content: content} }

// AnswerJSON is a 200 answer whose content is v as JSON.
func AnswerJSON(v any) Reply {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return Reply{Content: string(b)}
}

// Refusal is a 200 answer where the model refuses.
func Refusal(text string) Reply { return Reply{Refusal: text} }

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

// Image is one image a request carried.
type Image struct {
	MIME   string // from the data URL
	Detail string
	Data   []byte // decoded
	Format string // as image.DecodeConfig saw it: "jpeg", "png"
	Width  int
	Height int
}

// Request is one request the server received.
type Request struct {
	At             time.Time
	Method, Path   string
	Header         http.Header
	Body           []byte
	JSON           map[string]any // the decoded body (chat completions)
	Model          string
	ResponseFormat string // "json_schema", "json_object", "text" or "" (none)
	Images         []Image
	Status         int    // what the server answered
	Problem        string // why the server rejected it as invalid, if it did
}

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	t    testing.TB
	hs   *httptest.Server
	done chan struct{}

	mu           sync.Mutex
	key          string
	script       []Reply
	def          Reply
	mix          *FaultMix
	rng          *rand.Rand
	unsupported  map[string]bool
	models       []string
	allowInvalid bool
	reqs         []Request
	n            int
}

// NewServer starts a fake OpenAI server, closed when the test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, done: make(chan struct{}), key: DefaultKey, unsupported: map[string]bool{},
		models: []string{"gpt-4.1-mini", "gpt-4.1", "gpt-4o"},
		def:    Answer(`{"not_medicine":true,"medicines":[],"note":null}`)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.chat)
	mux.HandleFunc("GET /v1/models", s.listModels)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.record(Request{At: time.Now(), Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Status: 404})
		writeError(w, 404, "invalid_request_error", "unknown_url", "", fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path))
	})
	s.hs = httptest.NewServer(mux)
	t.Cleanup(func() {
		close(s.done) // ends hanging and delayed answers first: Close waits for them
		s.hs.Close()
	})
	return s
}

// URL is the base URL to configure the client with (ends in /v1).
func (s *Server) URL() string { return s.hs.URL + "/v1" }

// Key is the API key the server accepts.
func (s *Server) Key() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.key
}

// SetKey changes the accepted API key ("" accepts any, as local servers do).
func (s *Server) SetKey(k string) {
	s.mu.Lock()
	s.key = k
	s.mu.Unlock()
}

// Enqueue adds replies to the script; each chat request takes the next one.
func (s *Server) Enqueue(r ...Reply) {
	s.mu.Lock()
	s.script = append(s.script, r...)
	s.mu.Unlock()
}

// SetDefault sets the reply for requests the script does not cover.
func (s *Server) SetDefault(r Reply) {
	s.mu.Lock()
	s.def = r
	s.mu.Unlock()
}

// SetFaultMix makes requests the script does not cover draw faults at random (nil turns it off).
func (s *Server) SetFaultMix(m *FaultMix) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mix = m
	if m != nil {
		s.rng = rand.New(rand.NewSource(m.Seed))
	}
}

// Unsupported makes the server behave like an OpenAI-compatible server that lacks these
// response_format types ("json_schema", "json_object"): such requests get a 400 and use no
// scripted reply.
func (s *Server) Unsupported(formats ...string) {
	s.mu.Lock()
	for _, f := range formats {
		s.unsupported[f] = true
	}
	s.mu.Unlock()
}

// SetModels sets what /v1/models lists.
func (s *Server) SetModels(ids ...string) {
	s.mu.Lock()
	s.models = ids
	s.mu.Unlock()
}

// AllowInvalid stops invalid requests from failing the test (they still get a 400), for tests
// that send invalid requests on purpose.
func (s *Server) AllowInvalid() {
	s.mu.Lock()
	s.allowInvalid = true
	s.mu.Unlock()
}

// Requests returns every request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// ChatRequests returns the chat completion requests received so far.
func (s *Server) ChatRequests() []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Path == "/v1/chat/completions" {
			out = append(out, r)
		}
	}
	return out
}

// Count is the number of chat completion requests received so far.
func (s *Server) Count() int { return len(s.ChatRequests()) }

func (s *Server) record(r Request) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, r)
	return len(s.reqs) - 1
}

func (s *Server) setStatus(i, status int, problem string) {
	s.mu.Lock()
	s.reqs[i].Status = status
	s.reqs[i].Problem = problem
	s.mu.Unlock()
}

func (s *Server) checkKey(w http.ResponseWriter, r *http.Request) bool {
	key := s.Key()
	if key == "" {
		return true
	}
	if r.Header.Get("Authorization") == "Bearer "+key {
		return true
	}
	msg := "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
	if strings.TrimSpace(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer")) != "" {
		msg = "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys."
	}
	writeError(w, 401, "invalid_request_error", "invalid_api_key", "", msg)
	return false
}

func (s *Server) listModels(w http.ResponseWriter, r *http.Request) {
	i := s.record(Request{At: time.Now(), Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone()})
	if !s.checkKey(w, r) {
		s.setStatus(i, 401, "")
		return
	}
	s.mu.Lock()
	ids := append([]string(nil), s.models...)
	s.mu.Unlock()
	data := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		data = append(data, map[string]any{"id": id, "object": "model", "created": 1744316542, "owned_by": "system"})
	}
	writeJSON(w, 200, map[string]any{"object": "list", "data": data})
	s.setStatus(i, 200, "")
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	body, err := readAll(r, 64<<20)
	var tooLarge *http.MaxBytesError
	if err != nil && !errors.As(err, &tooLarge) {
		// The client went away in the middle of sending (a process killed mid-upload): the real
		// API never sees such a request, so neither is it recorded nor judged here.
		return
	}
	req := Request{At: time.Now(), Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	var problem, param string
	if err := json.Unmarshal(body, &req.JSON); err != nil {
		problem = "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)"
	} else {
		req.Model, _ = req.JSON["model"].(string)
		if rf, ok := req.JSON["response_format"].(map[string]any); ok {
			req.ResponseFormat, _ = rf["type"].(string)
		}
		req.Images, problem, param = checkChat(req.JSON)
	}
	i := s.record(req)
	if !s.checkKey(w, r) {
		s.setStatus(i, 401, "")
		return
	}
	if problem == "" {
		problem = validateAgainstSchema(body)
	}
	if problem != "" {
		s.mu.Lock()
		allow := s.allowInvalid
		s.mu.Unlock()
		if !allow {
			s.t.Errorf("openaitest: the real API would reject this request: %s", problem)
		}
		writeError(w, 400, "invalid_request_error", "", param, problem)
		s.setStatus(i, 400, problem)
		return
	}
	s.mu.Lock()
	if s.unsupported[req.ResponseFormat] {
		s.mu.Unlock()
		writeError(w, 400, "invalid_request_error", "", "response_format",
			fmt.Sprintf("response_format type '%s' is not supported by this server", req.ResponseFormat))
		s.setStatus(i, 400, "")
		return
	}
	reply := s.next()
	s.mu.Unlock()
	s.setStatus(i, s.answer(w, r, req, reply), "")
}

// next picks the reply; s.mu is held.
func (s *Server) next() Reply {
	s.n++
	if len(s.script) > 0 {
		r := s.script[0]
		s.script = s.script[1:]
		return r
	}
	if m := s.mix; m != nil {
		x := s.rng.Float64()
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
			r := s.def
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
	}
	return s.def
}

// answer writes the reply and returns the status sent (0 if the client went away first).
func (s *Server) answer(w http.ResponseWriter, r *http.Request, req Request, rep Reply) int {
	if rep.Hang {
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		return 0
	}
	if rep.Delay > 0 {
		t := time.NewTimer(rep.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return 0
		case <-s.done:
			return 0
		}
	}
	for k, vs := range rep.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	status := rep.Status
	if status == 0 {
		status = 200
	}
	switch {
	case rep.Body != "":
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(rep.Body))
		return status
	case status != 200:
		writeError(w, status, rep.ErrType, rep.ErrCode, rep.ErrParam, rep.ErrMessage)
		return status
	case rep.Malformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		_, _ = w.Write([]byte(`{"id":"chatcmpl-broken","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"{\"medic`))
		return 200
	}
	s.mu.Lock()
	n := s.n
	s.mu.Unlock()
	msg := map[string]any{"role": "assistant", "content": rep.Content, "refusal": nil, "annotations": []any{}}
	if rep.Refusal != "" {
		msg["content"] = nil
		msg["refusal"] = rep.Refusal
	}
	fin := rep.FinishReason
	if fin == "" {
		fin = "stop"
	}
	pt, ct := rep.PromptTokens, rep.CompletionTokens
	if pt == 0 {
		pt = 1105
	}
	if ct == 0 {
		ct = len(rep.Content)/4 + 1
	}
	model := req.Model
	if model == "gpt-4.1-mini" {
		model = "gpt-4.1-mini-2025-04-14" // the real API answers with the snapshot's name
	}
	writeJSON(w, 200, map[string]any{
		"id": "chatcmpl-test" + strconv.Itoa(n), "object": "chat.completion", "created": time.Now().Unix(),
		"model": model, "system_fingerprint": "fp_test", "service_tier": "default",
		"choices": []any{map[string]any{"index": 0, "message": msg, "logprobs": nil, "finish_reason": fin}},
		"usage": map[string]any{"prompt_tokens": pt, "completion_tokens": ct, "total_tokens": pt + ct,
			"prompt_tokens_details":     map[string]any{"cached_tokens": 0, "audio_tokens": 0},
			"completion_tokens_details": map[string]any{"reasoning_tokens": 0, "audio_tokens": 0}},
	})
	return 200
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError writes OpenAI's error body: {"error":{"message","type","param","code"}}.
func writeError(w http.ResponseWriter, status int, typ, code, param, msg string) {
	e := map[string]any{"message": msg, "type": typ, "param": nil, "code": nil}
	if code != "" {
		e["code"] = code
	}
	if param != "" {
		e["param"] = param
	}
	writeJSON(w, status, map[string]any{"error": e})
}

func readAll(r *http.Request, max int64) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(http.MaxBytesReader(nil, r.Body, max))
	return b.Bytes(), err
}

func validateAgainstSchema(body []byte) string {
	sch, err := requestSchema()
	if err != nil {
		return "openaitest: the request schema does not compile: " + err.Error()
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return "We could not parse the JSON body of your request."
	}
	if err := sch.Validate(doc); err != nil {
		return "The request does not match OpenAI's published schema: " + err.Error()
	}
	return ""
}

var dataURL = regexp.MustCompile(`^data:(image/(?:jpeg|png|webp|gif));base64,`)

var schemaName = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// checkChat checks what the real API checks and the published schema cannot say.
func checkChat(body map[string]any) (images []Image, problem, param string) {
	if m, _ := body["model"].(string); m == "" {
		return nil, "you must provide a model parameter", "model"
	}
	msgs, _ := body["messages"].([]any)
	if len(msgs) == 0 {
		return nil, "[] is too short - 'messages'", "messages"
	}
	sawJSON := false
	for mi, mv := range msgs {
		m, _ := mv.(map[string]any)
		switch c := m["content"].(type) {
		case string:
			sawJSON = sawJSON || strings.Contains(strings.ToLower(c), "json")
		case []any:
			for pi, pv := range c {
				p, _ := pv.(map[string]any)
				switch p["type"] {
				case "text":
					t, _ := p["text"].(string)
					sawJSON = sawJSON || strings.Contains(strings.ToLower(t), "json")
				case "image_url":
					iu, _ := p["image_url"].(map[string]any)
					u, _ := iu["url"].(string)
					img, prob := decodeImage(u)
					if prob != "" {
						return nil, prob, fmt.Sprintf("messages.[%d].content.[%d].image_url", mi, pi)
					}
					img.Detail, _ = iu["detail"].(string)
					images = append(images, img)
				}
			}
		}
	}
	rf, _ := body["response_format"].(map[string]any)
	switch rf["type"] {
	case "json_object":
		if !sawJSON {
			return nil, "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", "messages"
		}
	case "json_schema":
		js, _ := rf["json_schema"].(map[string]any)
		name, _ := js["name"].(string)
		if !schemaName.MatchString(name) {
			return nil, fmt.Sprintf("Invalid 'response_format.json_schema.name': string does not match pattern. Got %q.", name), "response_format.json_schema.name"
		}
		sch, ok := js["schema"].(map[string]any)
		if !ok {
			return nil, "Missing required parameter: 'response_format.json_schema.schema'.", "response_format.json_schema.schema"
		}
		if strict, _ := js["strict"].(bool); strict {
			if p := checkStrict(sch, "()"); p != "" {
				return nil, fmt.Sprintf("Invalid schema for response_format '%s': %s", name, p), "response_format"
			}
		}
	}
	return images, "", ""
}

func decodeImage(u string) (Image, string) {
	const bad = "You uploaded an unsupported image. Please make sure your image is valid."
	m := dataURL.FindStringSubmatch(u)
	if m == nil {
		if strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
			return Image{}, "openaitest: the app must send images as base64 data URLs, not links"
		}
		return Image{}, "Invalid 'image_url'. Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), but got an invalid value."
	}
	data, err := base64.StdEncoding.DecodeString(u[len(m[0]):])
	if err != nil {
		return Image{}, "Invalid base64 image_url."
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Image{}, bad
	}
	if "image/"+format != m[1] {
		return Image{}, fmt.Sprintf("openaitest: the data URL says %s but the bytes are %s", m[1], format)
	}
	return Image{MIME: m[1], Data: data, Format: format, Width: cfg.Width, Height: cfg.Height}, ""
}

// checkStrict applies Structured Outputs' rules for strict schemas: every object lists all its
// properties in required and sets additionalProperties false.
func checkStrict(s map[string]any, ctx string) string {
	if t, _ := s["type"].(string); t == "object" {
		if ap, ok := s["additionalProperties"].(bool); !ok || ap {
			return fmt.Sprintf("In context=%s, 'additionalProperties' is required to be supplied and to be false.", ctx)
		}
		props, _ := s["properties"].(map[string]any)
		req := map[string]bool{}
		list, _ := s["required"].([]any)
		for _, r := range list {
			if rs, ok := r.(string); ok {
				req[rs] = true
			}
		}
		for k, v := range props {
			if !req[k] {
				return fmt.Sprintf("In context=%s, 'required' is required to be supplied and to be an array including every key in properties. Missing '%s'.", ctx, k)
			}
			if sub, ok := v.(map[string]any); ok {
				if p := checkStrict(sub, ctx+", 'properties', '"+k+"'"); p != "" {
					return p
				}
			}
		}
	}
	if _, ok := s["nullable"]; ok {
		return fmt.Sprintf("In context=%s, 'nullable' is not permitted.", ctx)
	}
	if items, ok := s["items"].(map[string]any); ok {
		if p := checkStrict(items, ctx+", 'items'"); p != "" {
			return p
		}
	}
	for _, k := range []string{"anyOf"} {
		if arr, ok := s[k].([]any); ok {
			for i, a := range arr {
				if sub, ok := a.(map[string]any); ok {
					if p := checkStrict(sub, fmt.Sprintf("%s, '%s', %d", ctx, k, i)); p != "" {
						return p
					}
				}
			}
		}
	}
	return ""
}

// HasEXIF reports whether a JPEG carries an EXIF block (an APP1 segment starting "Exif\0\0").
// It walks the JPEG's segments up to the image data.
func HasEXIF(jpeg []byte) bool {
	if len(jpeg) < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8 {
		return false
	}
	i := 2
	for i+4 <= len(jpeg) {
		if jpeg[i] != 0xFF {
			return false
		}
		marker := jpeg[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan / end: no more metadata
			return false
		}
		n := int(jpeg[i+2])<<8 | int(jpeg[i+3])
		if n < 2 || i+2+n > len(jpeg) {
			return false
		}
		if marker == 0xE1 && bytes.HasPrefix(jpeg[i+4:i+2+n], []byte("Exif\x00\x00")) {
			return true
		}
		i += 2 + n
	}
	return false
}
