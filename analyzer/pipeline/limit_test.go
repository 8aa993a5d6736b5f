package pipeline

import (
	"context"
	"testing"
	"time"
)

// The weight limit admits photos while their decoded sizes fit the budget, lets a heavy one in
// alone, and the holder limit still applies.
func TestLimiterWeight(t *testing.T) {
	l := newLimiter(4, 100)
	ctx := context.Background()
	r1, _ := l.acquire(ctx, 60)
	r2, _ := l.acquire(ctx, 40) // 100: fits exactly
	blocked := func(w int64) bool {
		c, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
		defer cancel()
		r, err := l.acquire(c, w)
		if err == nil {
			r()
		}
		return err != nil
	}
	if !blocked(1) {
		t.Fatal("a photo over the budget was admitted beside others")
	}
	r1()
	if blocked(60) {
		t.Fatal("60 did not fit after 60 was released")
	}
	r2()
	// Alone, a photo heavier than the whole budget runs.
	big, err := l.acquire(ctx, 500)
	if err != nil {
		t.Fatal(err)
	}
	if !blocked(1) {
		t.Fatal("something ran beside a photo heavier than the budget")
	}
	big()
	big() // releasing twice is harmless
	// The holder limit: 4 weightless holders, the fifth waits.
	var rel []func()
	for i := 0; i < 4; i++ {
		r, _ := l.acquire(ctx, 0)
		rel = append(rel, r)
	}
	if !blocked(0) {
		t.Fatal("a fifth holder was admitted")
	}
	for _, r := range rel {
		r()
	}
	if l.used != 0 || l.weight != 0 {
		t.Fatalf("used %d weight %d after all released", l.used, l.weight)
	}
}

// The budget changes while photos decode: a smaller one admits fewer beside those already in,
// a larger one lets a waiting photo in at once.
func TestLimiterSetBudget(t *testing.T) {
	l := newLimiter(8, 300)
	ctx := context.Background()
	r1, _ := l.acquire(ctx, 150)
	l.setBudget(200) // the window opened: less room
	c, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	if r, err := l.acquire(c, 100); err == nil {
		r()
		t.Fatal("150 + 100 admitted under a budget of 200")
	}
	cancel()
	got := make(chan error, 1)
	go func() {
		r, err := l.acquire(ctx, 100)
		if err == nil {
			r()
		}
		got <- err
	}()
	select {
	case <-got:
		t.Fatal("admitted before the budget grew")
	case <-time.After(30 * time.Millisecond):
	}
	l.setBudget(300)
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a larger budget did not admit the waiting photo")
	}
	r1()
}
