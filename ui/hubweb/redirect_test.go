package hubweb

import "testing"

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
