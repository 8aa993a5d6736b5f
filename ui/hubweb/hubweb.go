// Package hubweb is the district hub's HTTP face: the sync API the laptops call (store/syncwire's
// paths: JSON, gzip both ways, a bearer token, the protocol version header, plain-words errors,
// request size limits) and the district's web pages behind a sign-in (stock per clinic,
// stock-outs, what expires soon, when each clinic last synced). It holds no SQL: it asks
// store/hub.
package hubweb

import (
	"log/slog"
	"net/http"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/hub"
	"medinventory/store/syncwire"
)

// Options tunes the handler.
type Options struct {
	// SecureCookie marks the sign-in cookie Secure (sent over HTTPS only): set it when the hub
	// serves TLS.
	SecureCookie bool
	// Log receives the errors a person does not see (a failing database); nil: slog.Default().
	Log *slog.Logger
	// Session is how long a sign-in lasts; 0: 12 hours.
	Session time.Duration
}

// server holds what the handlers share.
type server struct {
	hub      *hub.Hub
	opts     Options
	log      *slog.Logger
	throttle *throttle
}

// New returns the hub's handler: the API under /api/v1/ and the district pages under /.
func New(h *hub.Hub, opts Options) http.Handler {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Session <= 0 {
		opts.Session = 12 * time.Hour
	}
	s := &server{hub: h, opts: opts, log: opts.Log, throttle: newThrottle()}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+syncwire.PathEnrol, s.api(s.enrol))
	mux.HandleFunc("POST "+syncwire.PathPush, s.api(s.push))
	mux.HandleFunc("POST "+syncwire.PathPull, s.api(s.pull))
	mux.HandleFunc("GET "+syncwire.PathStatus, s.api(s.status))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusNotFound, syncwire.ErrBadRequest, i18n.T("There is no such address in the hub's API: check the hub's version."))
	})
	s.pages(mux)
	return securityHeaders(mux)
}

// securityHeaders: the pages are never framed, sniffed or cached by a shared cache.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'")
		next.ServeHTTP(w, r)
	})
}
