package jobs

import (
	"context"
	"sync"
)

// hub hands events from workers to the one Events channel without ever blocking a worker.
//
// Workers append to a bounded pending list (a progress update replaces the job's previous update
// in the same state); one forwarder goroutine moves batches to the channel, stamping each event with
// fresh Counts of its queue. When the reader is slow the list coalesces; when it is full the oldest events are
// dropped (the database stays the source of truth: a reader can re-read Counts and List).
type hub struct {
	mu      sync.Mutex
	pending []Event
	last    map[int64]int // job id -> index in pending of its latest event
	max     int
	dropped int
	signal  chan struct{}
	out     chan Event
}

func newHub(buffer int) *hub {
	m := buffer * 4
	if m < 1024 {
		m = 1024
	}
	return &hub{
		last:   map[int64]int{},
		max:    m,
		signal: make(chan struct{}, 1),
		out:    make(chan Event, buffer),
	}
}

func (h *hub) emit(e Event) {
	h.mu.Lock()
	if i, ok := h.last[e.JobID]; ok && i < len(h.pending) && h.pending[i].JobID == e.JobID && h.pending[i].State == e.State {
		h.pending[i] = e // coalesce: a newer update of the same state supersedes the older one
	} else {
		if len(h.pending) >= h.max {
			// The reader is gone or very slow: drop the older half.
			n := len(h.pending) / 2
			h.dropped += n
			h.pending = append(h.pending[:0], h.pending[n:]...)
			clear(h.last)
			for j, ev := range h.pending {
				h.last[ev.JobID] = j
			}
		}
		h.pending = append(h.pending, e)
		h.last[e.JobID] = len(h.pending) - 1
	}
	h.mu.Unlock()
	select {
	case h.signal <- struct{}{}:
	default:
	}
}

func (h *hub) take() []Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	b := h.pending
	h.pending = nil
	clear(h.last)
	return b
}

// forward runs until ctx ends, moving events to the channel. counts gives each queue's totals,
// read once per batch and stamped on each event of that queue.
func (h *hub) forward(ctx context.Context, counts func() map[string]Counts) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.signal:
		}
		batch := h.take()
		if len(batch) == 0 {
			continue
		}
		c := counts()
		for _, e := range batch {
			e.Counts = c[e.Queue]
			select {
			case h.out <- e:
			case <-ctx.Done():
				return
			}
		}
	}
}
