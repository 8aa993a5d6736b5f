package hubweb

import (
	"strings"
	"sync"
	"time"
)

// throttle slows down password guessing: after MaxFails wrong passwords for one name or from one
// address within Window, sign-ins for it are refused until the oldest failure is Window old.
type throttle struct {
	mu    sync.Mutex
	fails map[string][]time.Time
	now   func() time.Time
}

const (
	maxFails   = 10
	failWindow = 15 * time.Minute
)

func newThrottle() *throttle {
	return &throttle{fails: map[string][]time.Time{}, now: time.Now}
}

// throttleKeys are what failures count against: the name, and the address unless it is "" (a
// proxy on this computer, through which everyone comes: one person's guesses must not lock out all).
func throttleKeys(name, addr string) []string {
	keys := []string{"name:" + strings.ToLower(strings.TrimSpace(name))}
	if addr != "" {
		keys = append(keys, "addr:"+addr)
	}
	return keys
}

// blocked says whether sign-ins for name from addr must wait.
func (t *throttle) blocked(name, addr string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range throttleKeys(name, addr) {
		if len(t.recent(k)) >= maxFails {
			return true
		}
	}
	return false
}

// failed records a wrong password.
func (t *throttle) failed(name, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range throttleKeys(name, addr) {
		t.fails[k] = append(t.recent(k), t.now())
	}
	if len(t.fails) > 100000 { // a flood of names: forget the oldest rather than grow without end
		for k := range t.fails {
			if len(t.recent(k)) == 0 {
				delete(t.fails, k)
			}
		}
	}
}

// recent is k's failures within the window (older ones dropped). Callers hold mu.
func (t *throttle) recent(k string) []time.Time {
	f := t.fails[k]
	cut := t.now().Add(-failWindow)
	i := 0
	for i < len(f) && f[i].Before(cut) {
		i++
	}
	if i == len(f) {
		delete(t.fails, k)
		return nil
	}
	f = f[i:]
	t.fails[k] = f
	return f
}
