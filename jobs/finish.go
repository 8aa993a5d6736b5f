package jobs

// The end of an attempt: the state transitions of a job after its handler returns (done, retrying,
// waiting, failed, cancelled) and the lease given back at shutdown.

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"time"
)

// backoff is the delay before retry number attempt (1 = after the first failure).
func (p *Pool) backoff(attempt int) time.Duration {
	d := p.opts.BackoffBase
	for i := 1; i < attempt && d < p.opts.BackoffCap; i++ {
		d *= 2
	}
	d = min(d, p.opts.BackoffCap)
	return time.Duration(p.opts.Rand() * float64(d))
}

// finishCtx is for the writes that record a job's end: they must happen even when the handler's
// context was cancelled.
func (p *Pool) finishCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

// complete marks the job done and runs its Commit in the same transaction. A job cancelled
// meanwhile ends cancelled without its Commit; a job whose lease is gone is left alone.
func (p *Pool) complete(rj *runningJob, commit Commit) {
	ctx, cancel := p.finishCtx()
	defer cancel()
	j := rj.job
	p.prepared(ctx, p.db, completeSQL)
	err := func() error {
		now := p.now().UnixMilli()
		var st string
		if commit == nil {
			// Nothing to write with it: one statement is its own transaction.
			err := p.dbQueryRow(ctx, p.db, completeSQL, now, now, j.ID, rj.owner).Scan(&st)
			if errors.Is(err, sql.ErrNoRows) {
				p.log.Log(ctx, slog.LevelWarn, "jobs: lease lost before completion; result dropped", "job", j.ID)
				return nil
			}
			if err != nil {
				return err
			}
			p.emitEnd(j, State(st))
			return nil
		}
		tx, err := p.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		err = p.txQueryRow(ctx, tx, completeSQL, now, now, j.ID, rj.owner).Scan(&st)
		if errors.Is(err, sql.ErrNoRows) {
			p.log.Log(ctx, slog.LevelWarn, "jobs: lease lost before completion; result dropped", "job", j.ID)
			return nil
		}
		if err != nil {
			return err
		}
		if State(st) == StateDone && commit != nil {
			if err := commit(ctx, tx); err != nil {
				return &commitError{err}
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		p.emitEnd(j, State(st))
		return nil
	}()
	if err == nil {
		return
	}
	var ce *commitError
	if errors.As(err, &ce) {
		p.fail(rj, RetryableError("The result could not be saved; it will be tried again.", 0, ce.err))
		return
	}
	// The job stays running under our lease; it is taken back when the lease expires.
	p.log.Log(ctx, slog.LevelError, "jobs: cannot record completion; the job will run again after its lease expires", "job", j.ID, "err", err)
}

const completeSQL = `UPDATE jobs SET
		state = CASE WHEN cancel_requested = 1 THEN 'cancelled' ELSE 'done' END,
		progress = CASE WHEN cancel_requested = 1 THEN progress ELSE 1 END,
		lease_owner = NULL, lease_until = NULL, last_error = '', wait_reason = '',
		finished_at = ?, updated_at = ?
	WHERE id = ? AND lease_owner = ? AND state = 'running' RETURNING state`

func (p *Pool) emitEnd(j *Job, st State) {
	e := Event{JobID: j.ID, Subject: j.Subject, Queue: j.Queue, Kind: j.Kind, State: st, Attempt: j.Attempt}
	if st == StateDone {
		e.Progress = 1
	}
	p.events.emit(e)
}

type commitError struct{ err error }

func (e *commitError) Error() string { return e.err.Error() }

// fail records a failed attempt according to the error's kind.
func (p *Pool) fail(rj *runningJob, err error) {
	j := rj.job
	var je *Error
	if !errors.As(err, &je) {
		je = &Error{Kind: Retryable, Err: err}
	}
	msg := je.Msg
	if msg == "" {
		msg = "The task failed: " + err.Error()
	}
	msg = clip(msg, 2000)
	switch je.Kind {
	case Waiting:
		var at int64
		if je.RetryAfter > 0 {
			at = p.now().Add(je.RetryAfter).UnixMilli()
		}
		reason := je.Reason
		if reason == "" {
			reason = "waiting"
		}
		p.settle(rj, StateWaiting, at, msg, reason, true)
	case Permanent:
		p.settle(rj, StateFailed, 0, msg, "", false)
	default:
		if j.Attempt >= j.MaxAttempts {
			p.settle(rj, StateFailed, 0, msg, "", false)
			return
		}
		d := je.RetryAfter
		if d <= 0 {
			d = p.backoff(j.Attempt)
		}
		p.settle(rj, StateRetrying, p.now().Add(d).UnixMilli(), msg, "", false)
	}
	p.log.Log(p.bgCtx, slog.LevelInfo, "jobs: attempt failed", "job", j.ID, "kind", j.Kind, "attempt", j.Attempt, "err", err)
}

// settle moves a running job we hold to state (a cancel requested meanwhile wins). refund gives the
// attempt back (waiting: the attempt counter counts only real tries).
func (p *Pool) settle(rj *runningJob, state State, runAfter int64, msg, reason string, refund bool) {
	ctx, cancel := p.finishCtx()
	defer cancel()
	now := p.now().UnixMilli()
	var finished any
	if state == StateFailed || state == StateCancelled {
		finished = now
	}
	dec := 0
	if refund {
		dec = 1
	}
	var st, lastErr string
	var attempt int
	err := p.dbQueryRow(ctx, p.db, `UPDATE jobs SET
			state = CASE WHEN cancel_requested = 1 THEN 'cancelled' ELSE ? END,
			finished_at = CASE WHEN cancel_requested = 1 THEN ? ELSE ? END,
			run_after = ?, last_error = ?, wait_reason = ?, attempt = MAX(attempt - ?, 0),
			lease_owner = NULL, lease_until = NULL, updated_at = ?
		WHERE id = ? AND lease_owner = ? AND state = 'running'
		RETURNING state, attempt, last_error`,
		string(state), now, finished, runAfter, msg, reason, dec, now, rj.job.ID, rj.owner).Scan(&st, &attempt, &lastErr)
	if errors.Is(err, sql.ErrNoRows) {
		return // the lease is gone: whoever holds the job now decides
	}
	if err != nil {
		p.log.Log(ctx, slog.LevelError, "jobs: cannot record the end of an attempt; the job will run again after its lease expires", "job", rj.job.ID, "err", err)
		return
	}
	e := Event{JobID: rj.job.ID, Subject: rj.job.Subject, Queue: rj.job.Queue, Kind: rj.job.Kind, State: State(st), Attempt: attempt}
	if e.State != StateCancelled {
		e.Err, e.Reason = lastErr, reason
	}
	p.events.emit(e)
}

// release hands a job we hold back to the queue without counting the attempt (graceful stop).
func (p *Pool) release(ctx context.Context, id int64, owner string) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	now := p.now().UnixMilli()
	rows, err := p.db.QueryContext(ctx, `UPDATE jobs SET
			state = CASE WHEN cancel_requested = 1 THEN 'cancelled' ELSE 'queued' END,
			finished_at = CASE WHEN cancel_requested = 1 THEN ? ELSE NULL END,
			attempt = MAX(attempt - 1, 0), run_after = ?, lease_owner = NULL, lease_until = NULL, progress = 0, updated_at = ?
		WHERE id = ? AND lease_owner = ? AND state = 'running'
		`+eventCols, now, now, now, id, owner)
	if err != nil {
		p.log.Log(ctx, slog.LevelError, "jobs: cannot release a lease; the job will run again after it expires", "job", id, "err", err)
		return
	}
	_, _ = p.emitRows(rows)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
