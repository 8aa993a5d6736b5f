package openaitest

// The answers' wire format: a scripted Reply written as OpenAI's chat.completion body, or as its
// error body.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

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
