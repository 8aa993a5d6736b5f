package hubweb

import (
	"testing"
	"time"
)

func TestThrottle(t *testing.T) {
	now := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	th := newThrottle()
	th.now = func() time.Time { return now }
	for i := 0; i < maxFails; i++ {
		if th.blocked("amina", "10.0.0.1") {
			t.Fatalf("blocked after %d failures", i)
		}
		th.failed("Amina ", "10.0.0.1")
	}
	if !th.blocked("amina", "10.0.0.9") {
		t.Fatal("the name is not blocked after 10 wrong passwords")
	}
	if !th.blocked("joseph", "10.0.0.1") {
		t.Fatal("the address is not blocked after 10 wrong passwords")
	}
	if th.blocked("joseph", "10.0.0.2") {
		t.Fatal("another name from another address is blocked")
	}
	// Through a proxy on this computer (no address) only the name counts.
	for i := 0; i < maxFails; i++ {
		th.failed("mallory", "")
	}
	if th.blocked("joseph", "") {
		t.Fatal("one person's guesses through the proxy locked out another")
	}
	now = now.Add(failWindow + time.Second)
	if th.blocked("amina", "10.0.0.1") {
		t.Fatal("still blocked after the window")
	}
}
