package openaitest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func jpegDataURL(t *testing.T) string {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	return "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(b.Bytes())
}

// request builds a chat request body; edit changes it before it is sent.
func request(t *testing.T, edit func(map[string]any)) []byte {
	body := map[string]any{
		"model": "gpt-4.1-mini",
		"messages": []any{
			map[string]any{"role": "system", "content": "Answer in JSON."},
			map[string]any{"role": "user", "content": []any{
				map[string]any{"type": "text", "text": "Read this."},
				map[string]any{"type": "image_url", "image_url": map[string]any{"url": jpegDataURL(t), "detail": "high"}},
			}},
		},
		"response_format": map[string]any{"type": "json_schema", "json_schema": map[string]any{
			"name": "x", "strict": true, "schema": map[string]any{
				"type": "object", "additionalProperties": false, "required": []any{"a"},
				"properties": map[string]any{"a": map[string]any{"anyOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "null"}}}},
			}}},
	}
	if edit != nil {
		edit(body)
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func post(t *testing.T, s *Server, key string, body []byte) (int, map[string]any, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL()+"/chat/completions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var v map[string]any
	_ = json.Unmarshal(raw, &v)
	return resp.StatusCode, v, resp.Header
}

func userParts(b map[string]any) []any {
	return b["messages"].([]any)[1].(map[string]any)["content"].([]any)
}

func setImageURL(u string) func(map[string]any) {
	return func(b map[string]any) {
		userParts(b)[1].(map[string]any)["image_url"].(map[string]any)["url"] = u
	}
}

func TestValidRequestGetsAnAnswer(t *testing.T) {
	s := NewServer(t)
	s.Enqueue(Reply{Content: `{"a":"b"}`, PromptTokens: 10, CompletionTokens: 3})
	status, v, _ := post(t, s, s.Key(), request(t, nil))
	if status != 200 {
		t.Fatalf("status %d: %v", status, v)
	}
	msg := v["choices"].([]any)[0].(map[string]any)["message"].(map[string]any)
	usage := v["usage"].(map[string]any)
	if msg["content"] != `{"a":"b"}` || usage["prompt_tokens"] != 10.0 || usage["completion_tokens"] != 3.0 {
		t.Fatalf("answer %v", v)
	}
	r := s.ChatRequests()[0]
	if r.Status != 200 || r.ResponseFormat != "json_schema" || len(r.Images) != 1 || r.Images[0].Format != "jpeg" || r.At.IsZero() {
		t.Fatalf("recorded %+v", r)
	}
}

func TestRejectsWhatTheRealAPIRejects(t *testing.T) {
	cases := []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"no model", func(b map[string]any) { delete(b, "model") }, "model"},
		{"no messages", func(b map[string]any) { b["messages"] = []any{} }, "too short"},
		{"image link", setImageURL("https://example.com/a.jpg"), "data URLs"},
		{"bad base64", setImageURL("data:image/jpeg;base64,@@@"), "base64"},
		{"not an image", setImageURL("data:image/jpeg;base64," + base64.StdEncoding.EncodeToString([]byte("hello"))), "unsupported image"},
		{"mime mismatch", func(b map[string]any) { setImageURL(strings.Replace(jpegDataURL(t), "jpeg", "png", 1))(b) }, "says image/png"},
		{"strict schema missing required", func(b map[string]any) {
			b["response_format"].(map[string]any)["json_schema"].(map[string]any)["schema"].(map[string]any)["required"] = []any{}
		}, "Missing 'a'"},
		{"strict schema with nullable", func(b map[string]any) {
			b["response_format"].(map[string]any)["json_schema"].(map[string]any)["schema"].(map[string]any)["properties"] =
				map[string]any{"a": map[string]any{"type": "string", "nullable": true}}
		}, "'nullable' is not permitted"},
		{"schema without name", func(b map[string]any) {
			delete(b["response_format"].(map[string]any)["json_schema"].(map[string]any), "name")
		}, "name"},
		{"json_object without the word json", func(b map[string]any) {
			b["response_format"] = map[string]any{"type": "json_object"}
			b["messages"].([]any)[0].(map[string]any)["content"] = "Answer."
		}, "must contain the word 'json'"},
		{"role the schema does not know", func(b map[string]any) {
			b["messages"].([]any)[0].(map[string]any)["role"] = "robot"
		}, "published schema"},
		{"temperature out of range", func(b map[string]any) { b["temperature"] = 7 }, "published schema"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := NewServer(t)
			s.AllowInvalid()
			status, v, _ := post(t, s, s.Key(), request(t, tc.edit))
			e, _ := v["error"].(map[string]any)
			msg, _ := e["message"].(string)
			if status != 400 || e["type"] != "invalid_request_error" || !strings.Contains(msg, tc.want) {
				t.Fatalf("status %d, error %v; want 400 with %q", status, e, tc.want)
			}
			if r := s.ChatRequests()[0]; r.Status != 400 || r.Problem == "" {
				t.Fatalf("recorded %+v", r)
			}
		})
	}
}

// recorder is a testing.TB that keeps Errorf calls instead of failing.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

func TestInvalidRequestFailsTheTest(t *testing.T) {
	rec := &recorder{TB: t}
	s := NewServer(rec)
	post(t, s, s.Key(), request(t, func(b map[string]any) { delete(b, "model") }))
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "would reject") {
		t.Fatalf("errors %q", rec.errs)
	}
}

func TestKeyChecked(t *testing.T) {
	s := NewServer(t)
	for _, key := range []string{"", "sk-wrong"} {
		status, v, _ := post(t, s, key, request(t, nil))
		e, _ := v["error"].(map[string]any)
		if status != 401 || e["code"] != "invalid_api_key" {
			t.Errorf("key %q: %d %v", key, status, v)
		}
	}
	s.SetKey("")
	if status, _, _ := post(t, s, "", request(t, nil)); status != 200 {
		t.Errorf("no key required: %d", status)
	}
}

func TestScriptedFaults(t *testing.T) {
	s := NewServer(t)
	s.Enqueue(RateLimited("20"), QuotaExceeded(), ServerError(), InvalidImage(""), Refusal("no"), Malformed())
	status, v, h := post(t, s, s.Key(), request(t, nil))
	if status != 429 || h.Get("Retry-After") != "20" || v["error"].(map[string]any)["code"] != "rate_limit_exceeded" {
		t.Errorf("rate limit: %d %v %v", status, h, v)
	}
	status, v, _ = post(t, s, s.Key(), request(t, nil))
	if status != 429 || v["error"].(map[string]any)["code"] != "insufficient_quota" {
		t.Errorf("quota: %d %v", status, v)
	}
	if status, _, _ = post(t, s, s.Key(), request(t, nil)); status != 500 {
		t.Errorf("server error: %d", status)
	}
	if status, _, _ = post(t, s, s.Key(), request(t, nil)); status != 400 {
		t.Errorf("invalid image: %d", status)
	}
	_, v, _ = post(t, s, s.Key(), request(t, nil))
	msg := v["choices"].([]any)[0].(map[string]any)["message"].(map[string]any)
	if msg["refusal"] != "no" || msg["content"] != nil {
		t.Errorf("refusal: %v", msg)
	}
	status, v, _ = post(t, s, s.Key(), request(t, nil))
	if status != 200 || v != nil {
		t.Errorf("malformed: %d %v", status, v)
	}
}

func TestUnsupportedFormatUsesNoScript(t *testing.T) {
	s := NewServer(t)
	s.Unsupported("json_schema")
	s.Enqueue(Answer(`{"x":1}`))
	if status, _, _ := post(t, s, s.Key(), request(t, nil)); status != 400 {
		t.Fatalf("status %d", status)
	}
	_, v, _ := post(t, s, s.Key(), request(t, func(b map[string]any) { delete(b, "response_format") }))
	if c := v["choices"].([]any)[0].(map[string]any)["message"].(map[string]any)["content"]; c != `{"x":1}` {
		t.Fatalf("content %v", c)
	}
}

func TestHangEndsWithTheClient(t *testing.T) {
	s := NewServer(t)
	s.Enqueue(Hang())
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", s.URL()+"/chat/completions", bytes.NewReader(request(t, nil)))
	req.Header.Set("Authorization", "Bearer "+s.Key())
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("a hanging answer came back")
	}
}

func TestFaultMixIsSeeded(t *testing.T) {
	run := func() []int {
		s := NewServer(t)
		s.SetFaultMix(&FaultMix{Seed: 7, RateLimit: 0.3, ServerError: 0.3, BadKey: 0.1})
		var got []int
		for i := 0; i < 30; i++ {
			status, _, _ := post(t, s, s.Key(), request(t, nil))
			got = append(got, status)
		}
		return got
	}
	a, b := run(), run()
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
	counts := map[int]int{}
	for _, st := range a {
		counts[st]++
	}
	if counts[200] == 0 || counts[429] == 0 || counts[500] == 0 {
		t.Fatalf("mix %v", counts)
	}
}

func TestModelsAndUnknownPaths(t *testing.T) {
	s := NewServer(t)
	s.SetModels("llava:latest")
	req, _ := http.NewRequest("GET", s.URL()+"/models", nil)
	req.Header.Set("Authorization", "Bearer "+s.Key())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Data []struct{ ID string } `json:"data"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&v)
	resp.Body.Close()
	if len(v.Data) != 1 || v.Data[0].ID != "llava:latest" {
		t.Fatalf("models %+v", v)
	}
	resp, err = http.Get(s.URL() + "/responses")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 || s.Count() != 0 || len(s.Requests()) != 2 {
		t.Fatalf("unknown path: %d, %d chat requests", resp.StatusCode, s.Count())
	}
}

func TestHasEXIF(t *testing.T) {
	var b bytes.Buffer
	_ = jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4)), nil)
	j := b.Bytes()
	app1 := append([]byte{0xFF, 0xE1, 0x00, 0x08}, []byte("Exif\x00\x00")...)
	with := append(append(append([]byte{}, j[:2]...), app1...), j[2:]...)
	xmp := append([]byte{0xFF, 0xE1, 0x00, 0x08}, []byte("http:/")...)
	withXMP := append(append(append([]byte{}, j[:2]...), xmp...), j[2:]...)
	if HasEXIF(j) || !HasEXIF(with) || HasEXIF(withXMP) || HasEXIF(nil) || HasEXIF([]byte("\xff\xd8\xff\xe1\x00")) {
		t.Fatal("HasEXIF is wrong")
	}
}
