// Package undo is the history of the user's actions that Undo (Ctrl+Z) and Redo (Ctrl+Shift+Z)
// walk through: edits, confirmations, removals. It knows nothing of windows or databases: each
// Action carries the two functions that undo and redo it (for an inventory entry they call the
// store, which keeps every change in the entry's own history).
//
// A Stack is safe for concurrent use. Undo and Redo run the action's function on the caller's
// goroutine (the window calls them off its UI goroutine) and move the action to the other side
// only when that function succeeded, so a failed undo can be tried again.
package undo

import (
	"context"
	"errors"
	"sync"
)

// Action is one thing the user did, in words ("Confirm “Amoxicillin 500 mg”"), with how to undo
// and redo it.
type Action struct {
	Label string
	Undo  func(ctx context.Context) error
	Redo  func(ctx context.Context) error
}

// ErrNothing is returned by Undo and Redo when there is nothing to undo or redo.
var ErrNothing = errors.New("there is nothing to undo")

// Stack is an undo/redo history. The zero value is not usable: make one with New.
type Stack struct {
	mu        sync.Mutex
	max       int
	done      []Action // oldest first
	undone    []Action // most recently undone last
	busy      bool
	OnChanged func() // called after every change (on the goroutine that made it)
}

// New makes a stack that keeps the last max actions (max < 1 means 100).
func New(max int) *Stack {
	if max < 1 {
		max = 100
	}
	return &Stack{max: max}
}

// Push records an action the user has just done. It clears what could be redone.
func (s *Stack) Push(a Action) {
	s.mu.Lock()
	s.done = append(s.done, a)
	if len(s.done) > s.max {
		s.done = append([]Action(nil), s.done[len(s.done)-s.max:]...)
	}
	s.undone = nil
	s.mu.Unlock()
	s.changed()
}

// UndoLabel and RedoLabel name what Undo and Redo would do ("" when nothing).
func (s *Stack) UndoLabel() string { return s.top(&s.done) }

func (s *Stack) RedoLabel() string { return s.top(&s.undone) }

func (s *Stack) top(l *[]Action) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(*l) == 0 {
		return ""
	}
	return (*l)[len(*l)-1].Label
}

// ErrBusy is returned when an undo or redo is still running.
var ErrBusy = errors.New("the last undo or redo is still running")

// Undo undoes the most recent action and returns its label.
func (s *Stack) Undo(ctx context.Context) (string, error) {
	return s.step(ctx, true)
}

// Redo does again the most recently undone action and returns its label.
func (s *Stack) Redo(ctx context.Context) (string, error) {
	return s.step(ctx, false)
}

func (s *Stack) step(ctx context.Context, undo bool) (string, error) {
	s.mu.Lock()
	from := &s.undone
	if undo {
		from = &s.done
	}
	if s.busy {
		s.mu.Unlock()
		return "", ErrBusy
	}
	if len(*from) == 0 {
		s.mu.Unlock()
		if undo {
			return "", ErrNothing
		}
		return "", errors.New("there is nothing to redo")
	}
	a := (*from)[len(*from)-1]
	s.busy = true
	s.mu.Unlock()

	f := a.Redo
	if undo {
		f = a.Undo
	}
	err := f(ctx)

	s.mu.Lock()
	s.busy = false
	if err == nil {
		*from = (*from)[:len(*from)-1]
		if undo {
			s.undone = append(s.undone, a)
		} else {
			s.done = append(s.done, a)
		}
	}
	s.mu.Unlock()
	if err == nil {
		s.changed()
	}
	return a.Label, err
}

func (s *Stack) changed() {
	if f := s.OnChanged; f != nil {
		f()
	}
}
