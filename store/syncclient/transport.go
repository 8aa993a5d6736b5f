package syncclient

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/syncwire"
)

// The kinds of Error.
const (
	KindDown        = "down"        // nothing answers at the hub's address
	KindUnreachable = "unreachable" // no route, no name, timed out
	KindToken       = "token"       // the hub refused this laptop's token
	KindVersion     = "version"     // the hub speaks another protocol version
	KindClone       = "clone"       // a copied or restored folder: join again
	KindCode        = "code"        // the enrolment code is unknown or used
	KindNotJoined   = "not_joined"  // no hub joined yet
	KindHub         = "hub"         // the hub answered with an error
)

// Error is a sync failure in plain words (Msg), with a stable Kind for programs.
type Error struct {
	Kind string
	Msg  string
	Err  error
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// Retryable says whether trying again later may help (the hub down or away), as opposed to
// something a person must do (a new code, an update).
func (e *Error) Retryable() bool {
	return e.Kind == KindDown || e.Kind == KindUnreachable || e.Kind == KindHub
}

// maxBody bounds an answer read from the hub (a page of rows, compressed or not).
const maxBody = 256 << 20

type transport struct {
	hub, token string
	timeout    time.Duration
	retries    int
	backoff    time.Duration
	client     *http.Client
}

// call sends in (JSON, gzip) and reads the answer into out, retrying what may pass.
func (t *transport) call(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		if err := json.NewEncoder(zw).Encode(in); err != nil {
			return fmt.Errorf("prepare the request: %w", err)
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("prepare the request: %w", err)
		}
		body = buf.Bytes()
	}
	wait := t.backoff
	var err error
	for try := 1; ; try++ {
		err = t.once(ctx, method, path, body, out)
		var se *Error
		if err == nil || !errors.As(err, &se) || !se.Retryable() || try >= t.retries || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait *= 2
	}
}

func (t *transport) once(ctx context.Context, method, path string, body []byte, out any) error {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	u := strings.TrimRight(t.hub, "/") + path
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return &Error{Kind: KindUnreachable, Err: err, Msg: i18n.T("The hub address %q is not a web address (it looks like https://hub.example.org).", t.hub)}
	}
	req.Header.Set(syncwire.HeaderVersion, strconv.Itoa(syncwire.Version))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "gzip")
	}
	if t.token != "" {
		req.Header.Set("Authorization", "Bearer "+t.token)
	}
	hc := t.client
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return t.netError(err)
	}
	defer resp.Body.Close()
	rdr := io.Reader(io.LimitReader(resp.Body, maxBody))
	if resp.Header.Get("Content-Encoding") == "gzip" { // the transport did not undo it itself
		zr, err := gzip.NewReader(rdr)
		if err != nil {
			return &Error{Kind: KindHub, Err: err, Msg: i18n.T("The hub's answer could not be read. Try again later.")}
		}
		defer zr.Close()
		rdr = zr
	}
	if resp.StatusCode >= 300 {
		return t.statusError(resp, rdr)
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(rdr).Decode(out); err != nil {
		if ctx.Err() != nil {
			return t.netError(ctx.Err())
		}
		return &Error{Kind: KindHub, Err: err, Msg: i18n.T("The hub's answer could not be read. Try again later.")}
	}
	return nil
}

func (t *transport) statusError(resp *http.Response, body io.Reader) error {
	var er syncwire.ErrorResponse
	_ = json.NewDecoder(io.LimitReader(body, 64<<10)).Decode(&er)
	cause := fmt.Errorf("hub answered %s: %s %s", resp.Status, er.Code, er.Message)
	switch {
	case er.Code == "version" || resp.StatusCode == http.StatusUpgradeRequired:
		return &Error{Kind: KindVersion, Err: cause, Msg: i18n.T("The hub speaks another version of the sync protocol: update this app (or ask the district to update the hub), then sync again.")}
	case er.Code == "clone":
		return &Error{Kind: KindClone, Err: cause, Msg: i18n.T("The hub says this data folder is a copy of another laptop's (copied or restored from a backup). Ask the district for a new code and join again as a new laptop: medinventory sync --hub URL --code CODE. Nothing is counted twice.")}
	case er.Code == "code_used" || er.Code == "code_unknown":
		return &Error{Kind: KindCode, Err: cause, Msg: i18n.T("The hub refused the code: it is unknown or was used already. Each laptop needs its own code: ask the district for a new one.")}
	case er.Code == "token" || resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return &Error{Kind: KindToken, Err: cause, Msg: i18n.T("The hub refused this laptop's token (the laptop may have been removed from the clinic). Ask the district for a new code and join again: medinventory sync --hub URL --code CODE.")}
	case resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusGatewayTimeout:
		return &Error{Kind: KindDown, Err: cause, Msg: i18n.T("The hub at %s is not working right now. Your stock is safe on this laptop; try again later.", t.hub)}
	}
	msg := strings.TrimRight(strings.TrimSpace(er.Message), ".")
	if msg == "" {
		msg = resp.Status
	}
	return &Error{Kind: KindHub, Err: cause, Msg: i18n.T("The hub could not take the sync: %s. Your stock is safe on this laptop; try again later.", msg)}
}

func (t *transport) netError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && strings.Contains(ue.Err.Error(), "unsupported protocol") {
		return &Error{Kind: KindUnreachable, Err: err, Msg: i18n.T("The hub address %q is not a web address (it looks like https://hub.example.org).", t.hub)}
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return &Error{Kind: KindUnreachable, Err: err, Msg: i18n.T("The hub at %s cannot be found: check the address and that this computer is online. Your stock is safe on this laptop.", t.hub)}
	}
	// Refused at once (nothing listens there: ECONNREFUSED, Windows' WSAECONNREFUSED): the hub is
	// down. A dial that timed out is the network's doing: unreachable.
	var op *net.OpError
	if errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &op) && op.Op == "dial" && !op.Timeout() {
		return &Error{Kind: KindDown, Err: err, Msg: i18n.T("The hub at %s is not answering: it may be stopped. Your stock is safe on this laptop; sync again later.", t.hub)}
	}
	return &Error{Kind: KindUnreachable, Err: err, Msg: i18n.T("The hub at %s cannot be reached: check that this computer is online. Your stock is safe on this laptop; sync again later.", t.hub)}
}
