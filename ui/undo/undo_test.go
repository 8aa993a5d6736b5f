package undo_test

import (
	"context"
	"errors"
	"testing"

	"medinventory/ui/undo"
)

func TestUndoRedoOrderAndFailures(t *testing.T) {
	ctx := context.Background()
	s := undo.New(2)
	var log []string
	fail := false
	push := func(name string) {
		s.Push(undo.Action{Label: name,
			Undo: func(context.Context) error {
				if fail {
					return errors.New("disk full")
				}
				log = append(log, "undo "+name)
				return nil
			},
			Redo: func(context.Context) error { log = append(log, "redo "+name); return nil }})
	}
	if _, err := s.Undo(ctx); !errors.Is(err, undo.ErrNothing) {
		t.Fatalf("empty undo: %v", err)
	}
	push("a")
	push("b")
	push("c") // keeps only b and c
	if s.UndoLabel() != "c" {
		t.Fatalf("undo label %q", s.UndoLabel())
	}
	fail = true
	if _, err := s.Undo(ctx); err == nil || s.UndoLabel() != "c" {
		t.Fatalf("a failed undo must stay undoable: %v %q", err, s.UndoLabel())
	}
	fail = false
	for _, want := range []string{"c", "b"} {
		if got, err := s.Undo(ctx); err != nil || got != want {
			t.Fatalf("undo = %q %v, want %q", got, err, want)
		}
	}
	if _, err := s.Undo(ctx); !errors.Is(err, undo.ErrNothing) {
		t.Fatalf("only two are kept: %v", err)
	}
	if got, _ := s.Redo(ctx); got != "b" || s.RedoLabel() != "c" {
		t.Fatalf("redo %q, next %q", got, s.RedoLabel())
	}
	push("d") // a new action drops what could be redone
	if s.RedoLabel() != "" {
		t.Fatalf("redo after a new action: %q", s.RedoLabel())
	}
	want := "undo c,undo b,redo b"
	got := ""
	for i, l := range log {
		if i > 0 {
			got += ","
		}
		got += l
	}
	if got != want {
		t.Fatalf("log %s, want %s", got, want)
	}
}
