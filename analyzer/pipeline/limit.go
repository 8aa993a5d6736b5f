package pipeline

import (
	"context"
	"sync"
)

// limiter is a counting semaphore whose size can change while it is in use.
type limiter struct {
	mu   sync.Mutex
	n    int // 0: no limit
	used int
	wake chan struct{} // closed and replaced whenever a slot frees or n grows
}

func newLimiter(n int) *limiter { return &limiter{n: n, wake: make(chan struct{})} }

// acquire takes a slot, or returns ctx's error. The returned func releases it (once).
func (l *limiter) acquire(ctx context.Context) (func(), error) {
	for {
		l.mu.Lock()
		if l.n <= 0 || l.used < l.n {
			l.used++
			l.mu.Unlock()
			var once sync.Once
			return func() { once.Do(l.release) }, nil
		}
		w := l.wake
		l.mu.Unlock()
		select {
		case <-w:
		case <-ctx.Done():
			return func() {}, ctx.Err()
		}
	}
}

func (l *limiter) release() {
	l.mu.Lock()
	l.used--
	close(l.wake)
	l.wake = make(chan struct{})
	l.mu.Unlock()
}

func (l *limiter) resize(n int) {
	l.mu.Lock()
	l.n = n
	close(l.wake)
	l.wake = make(chan struct{})
	l.mu.Unlock()
}
