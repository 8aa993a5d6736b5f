package jobs

// Claiming: the dispatcher of each queue and the one-statement claim of the next due job.

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// dispatch claims jobs of one queue while it has free workers, then sleeps until woken (enqueue,
// a finished job, Resume, SetConcurrency, the safety tick) or until the next run_after.
func (p *Pool) dispatch(q *queueState) {
	defer p.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	claimSQL, kindArgs := p.claimSQL(q)
	for {
		if p.bgCtx.Err() != nil {
			return
		}
		full := false
		for {
			p.claimGate.RLock()
			p.mu.Lock()
			stop := p.stopping || p.paused
			full = q.active >= q.limit
			p.mu.Unlock()
			if stop || full {
				p.claimGate.RUnlock()
				break
			}
			job, owner, err := p.claim(q, claimSQL, kindArgs)
			p.claimGate.RUnlock()
			if err != nil {
				if p.bgCtx.Err() != nil {
					return
				}
				p.log.Log(p.bgCtx, slog.LevelWarn, "jobs: claim failed", "queue", q.name, "err", err)
				break
			}
			if job == nil {
				break
			}
			p.mu.Lock()
			if p.stopping {
				// Stop began while we claimed: give the job straight back.
				p.mu.Unlock()
				p.release(context.Background(), job.ID, owner)
				return
			}
			q.active++
			p.workers.Add(1)
			rj := &runningJob{job: job, owner: owner}
			var ctx context.Context
			ctx, rj.cancel = context.WithCancelCause(p.baseCtx)
			p.running[job.ID] = rj
			p.mu.Unlock()
			go p.work(q, rj, ctx)
		}
		// Arm the timer for the next due job unless only a finished job can free a worker.
		var wait time.Duration = -1
		p.mu.Lock()
		paused := p.paused
		p.mu.Unlock()
		if !paused {
			if next, ok := p.nextDue(q, kindArgs, full); ok {
				wait = max(next.Sub(p.now()), 10*time.Millisecond)
			}
		}
		if wait >= 0 {
			timer.Reset(wait)
		}
		if p.hooks.idle != nil {
			p.hooks.idle(q.name)
		}
		select {
		case <-p.bgCtx.Done():
			return
		case <-q.wake:
		case <-timer.C:
			if err := p.promoteWaiting(p.bgCtx, q.name); err != nil && p.bgCtx.Err() == nil {
				p.log.Log(p.bgCtx, slog.LevelWarn, "jobs: cannot re-check waiting jobs", "err", err)
			}
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

func (p *Pool) claimSQL(q *queueState) (string, []any) {
	p.mu.Lock()
	kinds := append([]string(nil), q.kinds...)
	p.mu.Unlock()
	ph := strings.TrimSuffix(strings.Repeat("?,", len(kinds)), ",")
	args := make([]any, len(kinds))
	for i, k := range kinds {
		args[i] = k
	}
	return `UPDATE jobs SET state = 'running', attempt = attempt + 1, lease_owner = ?, lease_until = ?,
			progress = 0, updated_at = ?
		WHERE id = (SELECT id FROM jobs
			WHERE queue = ? AND state IN ('queued','retrying') AND run_after <= ? AND kind IN (` + ph + `)
			ORDER BY priority DESC, run_after, id LIMIT 1)
		RETURNING id, queue, kind, COALESCE(unique_key, ''), payload, COALESCE(subject_id, 0), attempt, max_attempts`, args
}

// claim takes the next due job of q with one UPDATE … RETURNING statement. Outside BEGIN, SQLite
// runs a write statement as its own transaction and takes the write lock before it reads anything
// (exactly what BEGIN IMMEDIATE does, with the busy timeout applied), so the select-then-update is
// atomic across connections and processes, and costs one statement instead of three.
func (p *Pool) claim(q *queueState, claimSQL string, kindArgs []any) (*Job, string, error) {
	owner := p.id + "/" + strconv.FormatInt(p.seq.Add(1), 10)
	now := p.now()
	args := append([]any{owner, now.Add(p.opts.LeaseDuration).UnixMilli(), now.UnixMilli(), q.name, now.UnixMilli()}, kindArgs...)
	var j Job
	var payload string
	err := p.dbQueryRow(p.bgCtx, p.db, claimSQL, args...).Scan(&j.ID, &j.Queue, &j.Kind, &j.UniqueKey, &payload, &j.Subject, &j.Attempt, &j.MaxAttempts)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	j.Payload = []byte(payload)
	return &j, owner, nil
}

// nextDue is the earliest time something in q becomes due: a queued/retrying job's run_after
// (unless the queue is full) or a waiting job's re-check time.
func (p *Pool) nextDue(q *queueState, kindArgs []any, full bool) (time.Time, bool) {
	ph := strings.TrimSuffix(strings.Repeat("?,", len(kindArgs)), ",")
	args := append([]any{q.name}, kindArgs...)
	args = append(args, q.name)
	var ready, waiting sql.NullInt64
	err := p.dbQueryRow(p.bgCtx, p.rdb, `SELECT
		(SELECT MIN(run_after) FROM jobs WHERE queue = ? AND state IN ('queued','retrying') AND kind IN (`+ph+`)),
		(SELECT MIN(run_after) FROM jobs WHERE queue = ? AND state = 'waiting' AND run_after > 0)`, args...).Scan(&ready, &waiting)
	if err != nil {
		if p.bgCtx.Err() == nil {
			p.log.Log(p.bgCtx, slog.LevelWarn, "jobs: cannot read the next due time", "err", err)
		}
		return time.Time{}, false
	}
	var best int64
	if ready.Valid && !full {
		best = ready.Int64
	}
	if waiting.Valid && (best == 0 || waiting.Int64 < best) {
		best = waiting.Int64
	}
	if best == 0 {
		return time.Time{}, false
	}
	return time.UnixMilli(best), true
}
