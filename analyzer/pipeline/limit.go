package pipeline

import (
	"context"
	"sync"
)

// limiter is a semaphore with two limits: a number of holders, which can change while it is in
// use, and a total weight (for photos being decoded: their decoded size in bytes, so that memory
// follows pixels rather than the number of photos). One holder may always enter when no one else
// holds it, whatever its weight, so a heavy photo runs alone instead of never.
type limiter struct {
	mu     sync.Mutex
	n      int   // 0: no limit on holders
	budget int64 // 0: no limit on weight
	used   int
	weight int64
	wake   chan struct{} // closed and replaced whenever a slot frees or n grows
}

func newLimiter(n int, budget int64) *limiter {
	return &limiter{n: n, budget: budget, wake: make(chan struct{})}
}

// acquire takes a slot of weight w, or returns ctx's error. The returned func releases it (once).
func (l *limiter) acquire(ctx context.Context, w int64) (func(), error) {
	for {
		l.mu.Lock()
		if (l.n <= 0 || l.used < l.n) && (l.budget <= 0 || l.used == 0 || l.weight+w <= l.budget) {
			l.used++
			l.weight += w
			l.mu.Unlock()
			var once sync.Once
			return func() { once.Do(func() { l.release(w) }) }, nil
		}
		wake := l.wake
		l.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return func() {}, ctx.Err()
		}
	}
}

func (l *limiter) release(w int64) {
	l.mu.Lock()
	l.used--
	l.weight -= w
	l.wakeLocked()
	l.mu.Unlock()
}

func (l *limiter) resize(n int) {
	l.mu.Lock()
	l.n = n
	l.wakeLocked()
	l.mu.Unlock()
}

// setBudget changes the weight limit; holders keep their slots (a smaller budget only admits
// fewer new ones), and waiters look again.
func (l *limiter) setBudget(b int64) {
	l.mu.Lock()
	l.budget = b
	l.wakeLocked()
	l.mu.Unlock()
}

// wakeLocked has every waiter look again at the limits.
func (l *limiter) wakeLocked() {
	close(l.wake)
	l.wake = make(chan struct{})
}
