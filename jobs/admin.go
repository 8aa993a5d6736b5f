package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"
)

func floatBits(f float64) uint64 { return math.Float64bits(f) }
func bitsFloat(b uint64) float64 { return math.Float64frombits(b) }

// Counts returns the number of jobs in each state in queue, or in every queue when queue is "".
func (p *Pool) Counts(ctx context.Context, queue string) (Counts, error) {
	all, err := p.countsByQueue(ctx, queue)
	if err != nil {
		return Counts{}, err
	}
	var c Counts
	for _, qc := range all {
		c.add(qc)
	}
	return c, nil
}

func (c *Counts) add(o Counts) {
	c.Queued += o.Queued
	c.Running += o.Running
	c.Retrying += o.Retrying
	c.Waiting += o.Waiting
	c.Failed += o.Failed
	c.Done += o.Done
	c.Cancelled += o.Cancelled
}

// countsByQueue reads the totals of queue ("" = every queue), per queue.
func (p *Pool) countsByQueue(ctx context.Context, queue string) (map[string]Counts, error) {
	rows, err := p.rdb.QueryContext(ctx, `SELECT queue, state, COUNT(*) FROM jobs WHERE ? = '' OR queue = ? GROUP BY queue, state`, queue, queue)
	if err != nil {
		return nil, fmt.Errorf("count tasks: %w", err)
	}
	defer rows.Close()
	out := map[string]Counts{}
	for rows.Next() {
		var q, st string
		var n int
		if err := rows.Scan(&q, &st, &n); err != nil {
			return nil, fmt.Errorf("count tasks: %w", err)
		}
		c := out[q]
		switch State(st) {
		case StateQueued:
			c.Queued = n
		case StateRunning:
			c.Running = n
		case StateRetrying:
			c.Retrying = n
		case StateWaiting:
			c.Waiting = n
		case StateFailed:
			c.Failed = n
		case StateDone:
			c.Done = n
		case StateCancelled:
			c.Cancelled = n
		}
		out[q] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count tasks: %w", err)
	}
	return out, nil
}

// eventCounts stamps event batches with each queue's totals; on a read error it keeps the last
// good ones.
func (p *Pool) eventCounts() map[string]Counts {
	c, err := p.countsByQueue(p.bgCtx, "")
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		return p.lastCounts
	}
	p.lastCounts = c
	return c
}

// ListFilter selects jobs for List. The zero value lists every job, newest first.
type ListFilter struct {
	States  []State // any of these states; empty: all
	Subject int64   // 0: any
	Kind    string  // "": any
	Queue   string  // "": any
	Limit   int     // 0: no limit
}

// jobColumns are the columns scanInfo reads.
const jobColumns = `id, queue, kind, COALESCE(subject_id, 0), state, attempt, max_attempts, run_after, progress,
	last_error, wait_reason, created_at, updated_at`

func scanInfo(row interface{ Scan(...any) error }) (JobInfo, error) {
	var j JobInfo
	var st string
	var runAfter, created, updated int64
	err := row.Scan(&j.ID, &j.Queue, &j.Kind, &j.Subject, &st, &j.Attempt, &j.MaxAttempts, &runAfter, &j.Progress,
		&j.LastError, &j.WaitReason, &created, &updated)
	j.State = State(st)
	if runAfter > 0 {
		j.RunAfter = time.UnixMilli(runAfter)
	}
	j.CreatedAt, j.UpdatedAt = time.UnixMilli(created), time.UnixMilli(updated)
	return j, err
}

// List returns jobs matching f, newest first.
func (p *Pool) List(ctx context.Context, f ListFilter) ([]JobInfo, error) {
	var where []string
	var args []any
	if len(f.States) > 0 {
		where = append(where, "state IN ("+strings.TrimSuffix(strings.Repeat("?,", len(f.States)), ",")+")")
		for _, s := range f.States {
			args = append(args, string(s))
		}
	}
	if f.Subject != 0 {
		where = append(where, "subject_id = ?")
		args = append(args, f.Subject)
	}
	if f.Kind != "" {
		where = append(where, "kind = ?")
		args = append(args, f.Kind)
	}
	if f.Queue != "" {
		where = append(where, "queue = ?")
		args = append(args, f.Queue)
	}
	q := "SELECT " + jobColumns + " FROM jobs"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := p.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list tasks: %w", err)
	}
	defer rows.Close()
	var out []JobInfo
	for rows.Next() {
		j, err := scanInfo(rows)
		if err != nil {
			return nil, fmt.Errorf("list tasks: %w", err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tasks: %w", err)
	}
	return out, nil
}

// Get returns one job; an unknown id gives an error wrapping ErrNotFound.
func (p *Pool) Get(ctx context.Context, id int64) (JobInfo, error) {
	j, err := scanInfo(p.rdb.QueryRowContext(ctx, "SELECT "+jobColumns+" FROM jobs WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return JobInfo{}, fmt.Errorf("task %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return JobInfo{}, fmt.Errorf("read task %d: %w", id, err)
	}
	return j, nil
}

// eventCols are the columns a state change returns to make its event (emitRows, Cancel).
const eventCols = `RETURNING id, queue, kind, COALESCE(subject_id, 0), state, attempt, last_error`

// Retry queues a failed, cancelled, waiting or retrying job to run now, with its attempts reset.
// A queued, running or done job is left alone and an error says why.
func (p *Pool) Retry(ctx context.Context, id int64) error {
	now := p.now().UnixMilli()
	rows, err := p.db.QueryContext(ctx, `UPDATE jobs SET state = 'queued', attempt = 0, run_after = ?,
			last_error = '', wait_reason = '', cancel_requested = 0, progress = 0, finished_at = NULL, updated_at = ?
		WHERE id = ? AND state IN ('failed','cancelled','waiting','retrying') `+eventCols, now, now, id)
	if err != nil {
		return fmt.Errorf("retry task %d: %w", id, err)
	}
	n, err := p.emitRows(rows)
	if err != nil {
		return fmt.Errorf("retry task %d: %w", id, err)
	}
	if n == 0 {
		j, err := p.Get(ctx, id)
		if err != nil {
			return err
		}
		switch j.State {
		case StateDone:
			return fmt.Errorf("task %d is already done; nothing to retry", id)
		default:
			return fmt.Errorf("task %d is already %s; nothing to retry", id, j.State)
		}
	}
	p.Notify()
	return nil
}

// RetryAllFailed queues every failed job again (attempts reset) and returns how many.
func (p *Pool) RetryAllFailed(ctx context.Context) (int, error) {
	now := p.now().UnixMilli()
	rows, err := p.db.QueryContext(ctx, `UPDATE jobs SET state = 'queued', attempt = 0, run_after = ?,
			last_error = '', wait_reason = '', cancel_requested = 0, progress = 0, finished_at = NULL, updated_at = ?
		WHERE state = 'failed' `+eventCols, now, now)
	if err != nil {
		return 0, fmt.Errorf("retry failed tasks: %w", err)
	}
	n, err := p.emitRows(rows)
	if err != nil {
		return n, fmt.Errorf("retry failed tasks: %w", err)
	}
	if n > 0 {
		p.Notify()
	}
	return n, nil
}

// Cancel cancels a job. A queued, retrying, waiting or failed job is cancelled at once. A running
// job's handler has its context cancelled (in this process at once, in another process at its next
// lease renewal) and the job ends cancelled when the handler returns; its Commit never runs.
// A done or already cancelled job gives an error.
func (p *Pool) Cancel(ctx context.Context, id int64) error {
	now := p.now().UnixMilli()
	rows, err := p.db.QueryContext(ctx, `UPDATE jobs SET
			state = CASE WHEN state = 'running' THEN state ELSE 'cancelled' END,
			finished_at = CASE WHEN state = 'running' THEN finished_at ELSE ? END,
			cancel_requested = 1, updated_at = ?
		WHERE id = ? AND state IN ('queued','retrying','waiting','failed','running') `+eventCols, now, now, id)
	if err != nil {
		return fmt.Errorf("cancel task %d: %w", id, err)
	}
	defer rows.Close()
	found, running := false, false
	var e Event
	for rows.Next() {
		var st string
		if err := rows.Scan(&e.JobID, &e.Queue, &e.Kind, &e.Subject, &st, &e.Attempt, &e.Err); err != nil {
			return fmt.Errorf("cancel task %d: %w", id, err)
		}
		found = true
		running = State(st) == StateRunning
		e.State, e.Err = State(st), ""
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("cancel task %d: %w", id, err)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("cancel task %d: %w", id, err)
	}
	if !found {
		j, err := p.Get(ctx, id)
		if err != nil {
			return err
		}
		return fmt.Errorf("task %d is already %s; it cannot be cancelled", id, j.State)
	}
	if !running {
		p.events.emit(e)
		return nil
	}
	p.mu.Lock()
	rj := p.running[id]
	p.mu.Unlock()
	if rj != nil {
		rj.cancel(errCancelled)
	}
	return nil
}

// Wake re-checks waiting jobs: those waiting for reason ("" = all) go back to the queue, so they
// run (or wait again) at once. Call it when the condition may have changed: the network is back,
// the API key was changed.
func (p *Pool) Wake(reason string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	now := p.now().UnixMilli()
	rows, err := p.db.QueryContext(ctx, `UPDATE jobs SET state = 'queued', run_after = ?, wait_reason = '', updated_at = ?
		WHERE state = 'waiting' AND (? = '' OR wait_reason = ?) `+eventCols, now, now, reason, reason)
	if err != nil {
		p.log.Log(ctx, slog.LevelWarn, "jobs: cannot wake waiting jobs", "reason", reason, "err", err)
		return
	}
	n, err := p.emitRows(rows)
	if err != nil {
		p.log.Log(ctx, slog.LevelWarn, "jobs: cannot wake waiting jobs", "reason", reason, "err", err)
	}
	if n > 0 {
		p.Notify()
	}
}

// Prune deletes done and cancelled jobs that finished more than olderThan ago (never failed or
// unfinished ones) and returns how many. References to them from other tables (a foreign key to
// jobs.id, such as a result row naming the job that made it) are set to NULL in the same
// transaction; the rows that hold them stay.
func (p *Pool) Prune(ctx context.Context, olderThan time.Duration) (int, error) {
	cutoff := p.now().Add(-olderThan).UnixMilli()
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("prune tasks: %w", err)
	}
	defer tx.Rollback()
	refs, err := jobRefs(ctx, tx)
	if err != nil {
		return 0, fmt.Errorf("prune tasks: %w", err)
	}
	const victims = `SELECT id FROM jobs WHERE state IN ('done','cancelled') AND finished_at < ?`
	for _, r := range refs {
		q := fmt.Sprintf(`UPDATE %s SET %s = NULL WHERE %s IN (`+victims+`)`, quoteIdent(r[0]), quoteIdent(r[1]), quoteIdent(r[1]))
		if _, err := tx.ExecContext(ctx, q, cutoff); err != nil {
			return 0, fmt.Errorf("prune tasks: unlink %s.%s: %w", r[0], r[1], err)
		}
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE state IN ('done','cancelled') AND finished_at < ?`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("prune tasks: %w", err)
	}
	n, _ := res.RowsAffected()
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("prune tasks: %w", err)
	}
	return int(n), nil
}

// jobRefs lists (table, column) pairs with a foreign key to jobs.
func jobRefs(ctx context.Context, tx *sql.Tx) ([][2]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT m.name, f."from" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table' AND f."table" = 'jobs'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var r [2]string
		if err := rows.Scan(&r[0], &r[1]); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
