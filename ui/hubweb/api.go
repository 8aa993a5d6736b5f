package hubweb

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/hub"
	"medinventory/store/syncwire"
)

// apiFunc handles one API call: it reads the request from body (already un-gzipped and limited)
// and returns the answer to send as JSON, or an error.
type apiFunc func(ctx context.Context, token string, body io.Reader) (any, error)

// api wraps an apiFunc with what every call shares: the version header, the bearer token, gzip
// both ways, the size limit, and errors as ErrorResponse.
func (s *server) api(fn apiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get(syncwire.HeaderVersion); v != strconv.Itoa(syncwire.Version) {
			writeError(w, r, http.StatusUpgradeRequired, syncwire.ErrVersion, i18n.T(
				"This hub speaks sync protocol version %d and the laptop %q: update Medicine Inventory on the laptop or the hub so that both are the same version.", syncwire.Version, v))
			return
		}
		token := ""
		if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
			token = strings.TrimSpace(strings.TrimPrefix(a, "Bearer "))
		}
		if token == "" && r.URL.Path != syncwire.PathEnrol {
			writeError(w, r, http.StatusUnauthorized, syncwire.ErrToken, i18n.T("The request has no device token: join the hub first (medinventory sync --hub URL --code CODE)."))
			return
		}
		var body io.Reader = http.MaxBytesReader(w, r.Body, syncwire.MaxBody)
		if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
			zr, err := gzip.NewReader(body)
			if err != nil {
				writeError(w, r, http.StatusBadRequest, syncwire.ErrBadRequest, i18n.T("The request says it is gzip-compressed but is not."))
				return
			}
			defer zr.Close()
			body = &limited{r: zr, n: syncwire.MaxBody}
		}
		start := time.Now()
		out, err := fn(r.Context(), token, body)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, r, http.StatusOK, out)
		if p, ok := out.(syncwire.PushResponse); ok {
			s.log.Info("push", "stored", p.Stored, "duplicate", p.Duplicate, "conflicts", len(p.Conflicts), "ms", time.Since(start).Milliseconds())
		}
	}
}

// limited is io.LimitReader that says so when the limit is passed (a gzip bomb).
type limited struct {
	r io.Reader
	n int64
}

var errTooLarge = errors.New("too large")

func (l *limited) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// decode reads one JSON request.
func decode(body io.Reader, v any) error {
	if err := json.NewDecoder(body).Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) || errors.Is(err, errTooLarge) {
			return &hub.Error{Code: syncwire.ErrTooLarge, Message: i18n.T("The request is larger than the hub takes (%d MB): send smaller batches.", syncwire.MaxBody>>20)}
		}
		return &hub.Error{Code: syncwire.ErrBadRequest, Message: i18n.T("The request is not the JSON the hub expects: %s", err.Error())}
	}
	return nil
}

func (s *server) enrol(ctx context.Context, _ string, body io.Reader) (any, error) {
	var req syncwire.EnrolRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	return s.hub.Join(ctx, req)
}

func (s *server) push(ctx context.Context, token string, body io.Reader) (any, error) {
	var req syncwire.PushRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	return s.hub.Push(ctx, token, req)
}

func (s *server) pull(ctx context.Context, token string, body io.Reader) (any, error) {
	var req syncwire.PullRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	return s.hub.Pull(ctx, token, req)
}

func (s *server) status(ctx context.Context, token string, _ io.Reader) (any, error) {
	return s.hub.Status(ctx, token)
}

// statusOf is the HTTP status of each error code.
var statusOf = map[string]int{
	syncwire.ErrVersion:     http.StatusUpgradeRequired,
	syncwire.ErrToken:       http.StatusUnauthorized,
	syncwire.ErrCodeUsed:    http.StatusConflict,
	syncwire.ErrCodeUnknown: http.StatusNotFound,
	syncwire.ErrClone:       http.StatusConflict,
	syncwire.ErrBadRequest:  http.StatusBadRequest,
	syncwire.ErrTooLarge:    http.StatusRequestEntityTooLarge,
}

// fail answers an error: a refusal in its own words, anything else as "internal" (logged here,
// not shown: it may name the database).
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var he *hub.Error
	if errors.As(err, &he) {
		st, ok := statusOf[he.Code]
		if !ok {
			st = http.StatusBadRequest
		}
		s.log.Info("refused", "path", r.URL.Path, "code", he.Code)
		writeError(w, r, st, he.Code, he.Message)
		return
	}
	if r.Context().Err() != nil {
		return // the laptop went away
	}
	s.log.Error("hub API", "path", r.URL.Path, "err", err)
	writeError(w, r, http.StatusInternalServerError, syncwire.ErrInternal, i18n.T("The hub could not do this just now (its database may be unreachable): nothing was stored; try again later."))
}

func writeError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	writeJSON(w, r, status, syncwire.ErrorResponse{Code: code, Message: message})
}

// writeJSON sends v, gzip-compressed when the client accepts it.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set(syncwire.HeaderVersion, strconv.Itoa(syncwire.Version))
	w.Header().Add("Vary", "Accept-Encoding")
	var out io.Writer = w
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		defer zw.Close()
		out = zw
	}
	w.WriteHeader(status)
	json.NewEncoder(out).Encode(v)
}
