package jobs

// Housekeeping: periodic jobs (Schedule), the safety tick, taking back expired leases and
// re-checking waiting jobs.

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strconv"
	"time"
)

// Schedule makes Start enqueue a job of kind at once and then every `every` (a periodic job, such
// as a daily clean-up), with a unique key per period, so that two processes on one database enqueue
// it once per period between them. Each run may be tried 3 times (the next period runs it again
// anyway). Call it before Start, once per kind; the kind needs a registered handler.
func (p *Pool) Schedule(kind string, every time.Duration) {
	p.mu.Lock()
	p.schedules[kind] = every
	p.mu.Unlock()
}

func (p *Pool) schedule(kind string, every time.Duration) {
	defer p.wg.Done()
	for {
		now := p.now()
		period := now.UnixMilli() / every.Milliseconds()
		key := "period-" + strconv.FormatInt(every.Milliseconds(), 10) + "-" + strconv.FormatInt(period, 10)
		if _, _, err := p.Enqueue(p.bgCtx, kind, nil, EnqueueOpts{UniqueKey: key, MaxAttempts: 3}); err != nil && p.bgCtx.Err() == nil {
			p.log.Log(p.bgCtx, slog.LevelWarn, "jobs: cannot enqueue a periodic job", "kind", kind, "err", err)
		}
		next := time.UnixMilli((period + 1) * every.Milliseconds())
		t := time.NewTimer(max(next.Sub(now), time.Second))
		select {
		case <-p.bgCtx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// housekeeping is the slow safety tick: expired leases, due waiting jobs, jobs enqueued by
// another process.
func (p *Pool) housekeeping() {
	defer p.wg.Done()
	t := time.NewTicker(p.opts.SafetyInterval)
	defer t.Stop()
	for {
		select {
		case <-p.bgCtx.Done():
			return
		case <-t.C:
		}
		if _, err := p.recoverExpired(p.bgCtx); err != nil && p.bgCtx.Err() == nil {
			p.log.Log(p.bgCtx, slog.LevelWarn, "jobs: cannot take back expired leases", "err", err)
		}
		if err := p.promoteWaiting(p.bgCtx, ""); err != nil && p.bgCtx.Err() == nil {
			p.log.Log(p.bgCtx, slog.LevelWarn, "jobs: cannot re-check waiting jobs", "err", err)
		}
		p.Notify()
	}
}

// recoverExpired puts running jobs whose lease expired back in line: retrying at once, or failed
// when that attempt was the last (a job that kills the app every time must not loop forever).
func (p *Pool) recoverExpired(ctx context.Context) (int, error) {
	if n, err := p.expireDeadOwners(ctx); err != nil {
		p.log.Log(ctx, slog.LevelWarn, "jobs: look for leases of stopped processes", "err", err)
	} else if n > 0 {
		p.log.Log(ctx, slog.LevelInfo, "jobs: the process holding these leases is gone; taking them back now", "n", n)
	}
	now := p.now().UnixMilli()
	rows, err := p.db.QueryContext(ctx, `UPDATE jobs SET
			state = CASE WHEN cancel_requested = 1 THEN 'cancelled'
			             WHEN attempt >= max_attempts THEN 'failed' ELSE 'retrying' END,
			last_error = CASE WHEN cancel_requested = 1 THEN last_error
			             WHEN attempt >= max_attempts THEN ?
			             ELSE ? END,
			finished_at = CASE WHEN cancel_requested = 1 OR attempt >= max_attempts THEN ? ELSE NULL END,
			run_after = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?
		WHERE state = 'running' AND lease_until < ?
		`+eventCols, msgCrashedLast, msgCrashed, now, now, now, now)
	if err != nil {
		return 0, fmt.Errorf("take back expired leases: %w", err)
	}
	n, err := p.emitRows(rows)
	if n > 0 {
		p.log.Log(ctx, slog.LevelInfo, "jobs: took back expired leases", "n", n)
	}
	return n, err
}

const (
	msgCrashed     = "The app stopped while this task was running; it will run again."
	msgCrashedLast = "The app stopped every time this task ran, so it was given up. Retry it, or cancel it if it keeps happening."
)

// emitRows reads rows of eventCols and emits an event per row.
func (p *Pool) emitRows(rows *sql.Rows) (int, error) {
	defer rows.Close()
	var evs []Event
	for rows.Next() {
		var e Event
		var st string
		if err := rows.Scan(&e.JobID, &e.Queue, &e.Kind, &e.Subject, &st, &e.Attempt, &e.Err); err != nil {
			return 0, err
		}
		e.State = State(st)
		evs = append(evs, e)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	for _, e := range evs {
		p.events.emit(e)
	}
	return len(evs), nil
}

// promoteWaiting moves waiting jobs whose re-check time has come back to the queue (all queues
// when queue is "").
func (p *Pool) promoteWaiting(ctx context.Context, queue string) error {
	now := p.now().UnixMilli()
	rows, err := p.db.QueryContext(ctx, `UPDATE jobs SET state = 'queued', wait_reason = '', updated_at = ?
		WHERE state = 'waiting' AND run_after > 0 AND run_after <= ? AND (? = '' OR queue = ?)
		`+eventCols, now, now, queue, queue)
	if err != nil {
		return fmt.Errorf("re-check waiting jobs: %w", err)
	}
	_, err = p.emitRows(rows)
	return err
}
