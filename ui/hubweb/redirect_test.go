package hubweb

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The address a sign-in goes back to stays on this site. Browsers read a backslash in a Location
// as a slash, so "/\evil.example" is "//evil.example": another site (an open redirect that makes
// a phishing link look like the hub's).
func TestSafeNextKeepsToThisSite(t *testing.T) {
	for next, want := range map[string]string{
		"/stock?clinic=A":      "/stock?clinic=A",
		"":                     "/",
		"//evil.example/":      "/",
		"https://evil.example": "/",
		`/\evil.example`:       "/",
		`/\/evil.example`:      "/",
		`\\evil.example`:       "/",
		"/stock\\..\\x":        "/",
		"/\t/evil.example":     "/",
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

// The sign-in and sign-out forms refuse a post from another site (login CSRF: a page elsewhere
// signing the district's browser in as someone else, or out), and take the hub's own.
func TestFormsRefuseOtherSites(t *testing.T) {
	h, srv := start(t)
	if err := h.SetUser(context.Background(), "district", "a long enough password"); err != nil {
		t.Fatal(err)
	}
	post := func(path string, hdr map[string]string) int {
		form := url.Values{"name": {"district"}, "password": {"a long enough password"}}
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, path := range []string{"/signin", "/signout"} {
		if st := post(path, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}); st != http.StatusForbidden {
			t.Errorf("%s from another site: %d, want 403", path, st)
		}
		if st := post(path, map[string]string{"Origin": "https://evil.example"}); st != http.StatusForbidden {
			t.Errorf("%s with another site's Origin: %d, want 403", path, st)
		}
		if st := post(path, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": srv.URL}); st != http.StatusSeeOther {
			t.Errorf("%s from the hub's own page: %d, want 303", path, st)
		}
	}
}
