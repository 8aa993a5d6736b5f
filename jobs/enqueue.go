package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// DefaultMaxAttempts is how many times a job is tried when neither EnqueueOpts nor Options say.
const DefaultMaxAttempts = 8

// ErrNotFound is returned (wrapped) for a job id that does not exist.
var ErrNotFound = errors.New("no such task")

// EnqueueTx adds a job inside the caller's transaction (so that, say, a stored file and the job
// that processes it commit together). Its queue is opts.Queue, else the kind's name. With a UniqueKey that already
// exists for this kind it returns the existing job's id and created=false, and leaves that job as
// it is. The caller should call Pool.Notify after committing so an idle worker starts at once
// (without it the job is still found, at the latest on the pool's next safety tick).
func EnqueueTx(ctx context.Context, tx *sql.Tx, kind string, payload []byte, opts EnqueueOpts) (id int64, created bool, err error) {
	return enqueueTx(ctx, nil, tx, time.Now(), DefaultMaxAttempts, kind, payload, opts)
}

const insertJob = `INSERT INTO jobs
		(queue, kind, unique_key, payload, subject_id, priority, max_attempts, run_after, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind, unique_key) WHERE unique_key IS NOT NULL DO NOTHING
		RETURNING id`

// enqueueTx inserts the job in tx, or on p's DB as one statement when tx is nil; p, when not
// nil, provides prepared statements.
func enqueueTx(ctx context.Context, p *Pool, tx *sql.Tx, now time.Time, defMax int, kind string, payload []byte, opts EnqueueOpts) (int64, bool, error) {
	if kind == "" {
		return 0, false, errors.New("enqueue: a job needs a kind")
	}
	q := opts.Queue
	if q == "" {
		q = kind
	}
	maxA := opts.MaxAttempts
	if maxA <= 0 {
		maxA = defMax
	}
	body := string(payload)
	if body == "" {
		body = "{}"
	}
	var key, subject any
	if opts.UniqueKey != "" {
		key = opts.UniqueKey
	}
	if opts.Subject != 0 {
		subject = opts.Subject
	}
	nowMS := now.UnixMilli()
	runAfter := nowMS
	if !opts.RunAfter.IsZero() {
		runAfter = opts.RunAfter.UnixMilli()
	}
	var id int64
	args := []any{q, kind, key, body, subject, opts.Priority, maxA, runAfter, nowMS, nowMS}
	var row *sql.Row
	switch {
	case tx == nil:
		row = p.dbQueryRow(ctx, p.db, insertJob, args...)
	case p != nil:
		row = p.txQueryRow(ctx, tx, insertJob, args...)
	default:
		row = tx.QueryRowContext(ctx, insertJob, args...)
	}
	err := row.Scan(&id)
	if err == nil {
		return id, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("enqueue %s job: %w", kind, err)
	}
	// The unique key exists already: return that job untouched.
	const existing = `SELECT id FROM jobs WHERE kind = ? AND unique_key = ?`
	if tx == nil {
		err = p.db.QueryRowContext(ctx, existing, kind, key).Scan(&id)
	} else {
		err = tx.QueryRowContext(ctx, existing, kind, key).Scan(&id)
	}
	if err != nil {
		return 0, false, fmt.Errorf("enqueue %s job: find the existing job: %w", kind, err)
	}
	return id, false, nil
}

// Enqueue adds a job in its own transaction and wakes an idle worker. See EnqueueTx for the
// meaning of the results.
func (p *Pool) Enqueue(ctx context.Context, kind string, payload []byte, opts EnqueueOpts) (int64, bool, error) {
	if opts.Queue == "" {
		p.mu.Lock()
		if r, ok := p.handlers[kind]; ok {
			opts.Queue = r.queue
		}
		p.mu.Unlock()
	}
	if opts.Queue == "" {
		opts.Queue = kind
	}
	// One INSERT … ON CONFLICT DO NOTHING statement is its own (immediate) transaction.
	id, created, err := enqueueTx(ctx, p, nil, p.now(), p.opts.MaxAttempts, kind, payload, opts)
	if err != nil {
		return 0, false, err
	}
	if created {
		p.events.emit(Event{JobID: id, Subject: opts.Subject, Queue: opts.Queue, Kind: kind, State: StateQueued})
		p.Notify()
	}
	return id, created, nil
}
