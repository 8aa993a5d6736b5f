package jobs

// This file fixes the types other packages code against (job handlers, readers of the events,
// the caller's wiring). Change them only together with their users.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// State is a job's state; see the package doc for the diagram.
type State string

// The states.
const (
	StateQueued    State = "queued"
	StateRunning   State = "running"
	StateRetrying  State = "retrying"
	StateWaiting   State = "waiting"
	StateFailed    State = "failed"
	StateDone      State = "done"
	StateCancelled State = "cancelled"
)

// Job is a claimed job as a handler sees it.
type Job struct {
	ID          int64
	Queue       string
	Kind        string
	UniqueKey   string
	Payload     []byte
	Subject     int64 // the id of the thing the job is about (the caller's choice), 0 if none
	Attempt     int   // 1 on the first run
	MaxAttempts int
}

// Commit writes a handler's result. The pool runs it inside the same transaction that marks the
// job done, so the result exists exactly when the job is done (a crash leaves neither).
type Commit func(ctx context.Context, tx *sql.Tx) error

// Handler does the work of one kind of job. progress may be called with 0..1 at any time; it never
// blocks. Return a Commit (may be nil) for success, or an error: a *Error says what the pool
// should do; any other error is treated as retryable.
type Handler interface {
	Work(ctx context.Context, job *Job, progress func(float64)) (Commit, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, job *Job, progress func(float64)) (Commit, error)

// Work calls f.
func (f HandlerFunc) Work(ctx context.Context, job *Job, progress func(float64)) (Commit, error) {
	return f(ctx, job, progress)
}

// ErrorKind says what the pool does with a failed attempt.
type ErrorKind int

const (
	// Retryable: try again after the backoff (or RetryAfter); counts as an attempt.
	Retryable ErrorKind = iota
	// Permanent: the job fails now and keeps the error; the user may retry it by hand.
	Permanent
	// Waiting: the job cannot run until something outside changes (no network, missing or
	// refused credentials, a circuit breaker open). No attempt is spent; the job is re-checked after
	// RetryAfter (if set) or when Wake/Resume is called.
	Waiting
)

// Error is a handler error that tells the pool what to do.
type Error struct {
	Kind       ErrorKind
	RetryAfter time.Duration // Retryable: overrides the backoff (e.g. HTTP 429 Retry-After); Waiting: re-check after this
	Reason     string        // Waiting: a short machine-readable reason the handler chose (Wake takes it)
	Msg        string        // plain words for the user: what happened and what to do
	Err        error         // the cause
}

func (e *Error) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	if e.Err != nil {
		return e.Err.Error()
	}
	return fmt.Sprintf("job error kind %d", e.Kind)
}

func (e *Error) Unwrap() error { return e.Err }

// RetryableError makes a Retryable *Error. after may be 0 (use the backoff).
func RetryableError(msg string, after time.Duration, cause error) *Error {
	return &Error{Kind: Retryable, RetryAfter: after, Msg: msg, Err: cause}
}

// PermanentError makes a Permanent *Error.
func PermanentError(msg string, cause error) *Error {
	return &Error{Kind: Permanent, Msg: msg, Err: cause}
}

// WaitingError makes a Waiting *Error. recheck may be 0 (wait for Wake/Resume).
func WaitingError(reason, msg string, recheck time.Duration, cause error) *Error {
	return &Error{Kind: Waiting, Reason: reason, Msg: msg, RetryAfter: recheck, Err: cause}
}

// KindOf returns the ErrorKind of err (Retryable for errors that are not *Error).
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Retryable
}

// Event is one change of one job, sent on the pool's Events channel. Progress events of one job
// may be coalesced; state changes are never dropped unless the reader is gone for long (the DB is
// the source of truth: a reader can always re-read Counts and the job list).
type Event struct {
	JobID    int64
	Subject  int64 // the job's Subject
	Queue    string
	Kind     string
	State    State
	Attempt  int
	Progress float64 // 0..1
	Err      string  // plain words; empty unless failed/retrying/waiting
	Reason   string  // waiting reason, if waiting
	Counts   Counts  // the totals of the job's queue after this change
}

// Counts are totals per state, for a progress bar.
type Counts struct {
	Queued, Running, Retrying, Waiting, Failed, Done, Cancelled int
}

// Pending is every job not yet finished.
func (c Counts) Pending() int { return c.Queued + c.Running + c.Retrying + c.Waiting }

// EnqueueOpts are Enqueue's options; the zero value is fine.
type EnqueueOpts struct {
	Queue       string // default: the queue the kind was registered with (Pool.Enqueue), else the kind's name
	UniqueKey   string // "" means no idempotency
	Subject     int64  // the id of the thing the job is about, 0 if none (see Job.Subject; ListFilter finds jobs by it)
	Priority    int
	MaxAttempts int       // default 8
	RunAfter    time.Time // zero: now
}

// JobInfo is a job as listed for the user.
type JobInfo struct {
	ID          int64
	Queue       string
	Kind        string
	Subject     int64
	State       State
	Attempt     int
	MaxAttempts int
	RunAfter    time.Time
	Progress    float64
	LastError   string
	WaitReason  string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}
