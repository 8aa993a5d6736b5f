// Package openaitest is a fake OpenAI server for tests: real HTTP (httptest) speaking the chat
// completions and models wire format, checking every request as the real API would (bearer key,
// model, messages, image parts that are base64 data URLs of real JPEG/PNG images, response_format
// with a strict-valid schema, and the whole body against OpenAI's published request schema), and
// answering from a script: JSON answers, refusals, OpenAI's real error bodies (429 with
// Retry-After, insufficient_quota, 401, 400 invalid image, response_format unsupported), slow
// answers, hangs, malformed bodies, or a seeded random mix of faults for soak tests. It records
// every request (headers, decoded body, decoded image bytes, time) so tests can assert what left
// the machine, e.g. that no EXIF data did.
//
// The code is split by concept: openaitest.go (the server, its script and its record of
// requests), check.go (checking a request as the real API would), wire.go (the answers' wire
// format) and faults.go (the error answers and the random fault mix).
package openaitest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultKey is the API key the server accepts unless SetKey changes it.
const DefaultKey = "sk-test-openaitest-0123456789"

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
	if s.mix != nil {
		return s.mix.draw(s.rng, s.def)
	}
	return s.def
}
