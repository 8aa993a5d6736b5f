package jobs

// Running a claimed job: the handler call (panics recovered) and lease renewal.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"
)

// work runs one claimed job to its end.
func (p *Pool) work(q *queueState, rj *runningJob, ctx context.Context) {
	defer func() {
		p.mu.Lock()
		delete(p.running, rj.job.ID)
		q.active--
		p.mu.Unlock()
		wakeUp(q.wake)
		p.workers.Done()
	}()
	p.mu.Lock()
	reg := p.handlers[rj.job.Kind]
	p.mu.Unlock()
	j := rj.job
	p.events.emit(Event{JobID: j.ID, Subject: j.Subject, Queue: j.Queue, Kind: j.Kind, State: StateRunning, Attempt: j.Attempt})

	tctx, tcancel := context.WithTimeout(ctx, p.opts.JobTimeout)
	defer tcancel()
	renewDone := make(chan struct{})
	renewStopped := make(chan struct{})
	go p.renew(rj, renewDone, renewStopped)

	progress := func(f float64) {
		f = min(max(f, 0), 1)
		rj.progress.Store(floatBits(f))
		p.events.emit(Event{JobID: j.ID, Subject: j.Subject, Queue: j.Queue, Kind: j.Kind, State: StateRunning, Attempt: j.Attempt, Progress: f})
	}
	commit, err := p.call(tctx, reg.h, j, progress)
	close(renewDone)
	<-renewStopped
	cause := context.Cause(ctx)
	if tctx.Err() != nil && ctx.Err() == nil && err != nil {
		err = RetryableError("The task took too long and was stopped; it will be tried again.", 0, err)
	}
	switch {
	case errors.Is(cause, errLeaseLost):
		p.log.Log(p.bgCtx, slog.LevelWarn, "jobs: lease lost; result dropped (the job runs elsewhere)", "job", j.ID)
	case errors.Is(cause, errCancelled):
		p.settle(rj, StateCancelled, 0, "", "", false)
	case errors.Is(cause, errShutdown) && err != nil:
		p.release(context.Background(), j.ID, rj.owner)
	case err == nil:
		p.complete(rj, commit)
	default:
		p.fail(rj, err)
	}
}

func (p *Pool) call(ctx context.Context, h Handler, j *Job, progress func(float64)) (c Commit, err error) {
	defer func() {
		if r := recover(); r != nil {
			p.log.Log(p.bgCtx, slog.LevelError, "jobs: handler panicked", "job", j.ID, "kind", j.Kind, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			c, err = nil, RetryableError("The task stopped with an internal error; it will be tried again.", 0, fmt.Errorf("panic: %v", r))
		}
	}()
	if h == nil {
		return nil, PermanentError("No worker knows how to run this kind of task ("+j.Kind+").", nil)
	}
	return h.Work(ctx, j, progress)
}

// renew extends the lease every third of LeaseDuration until done is closed. It cancels the
// handler when the lease was lost or a cancel was requested (possibly by another process).
func (p *Pool) renew(rj *runningJob, done <-chan struct{}, stopped chan<- struct{}) {
	defer close(stopped)
	t := time.NewTicker(p.opts.LeaseDuration / 3)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		now := p.now()
		var cancelReq int
		err := p.dbQueryRow(p.bgCtx, p.db, `UPDATE jobs SET lease_until = ?, progress = ?, updated_at = ?
			WHERE id = ? AND lease_owner = ? AND state = 'running' RETURNING cancel_requested`,
			now.Add(p.opts.LeaseDuration).UnixMilli(), bitsFloat(rj.progress.Load()), now.UnixMilli(), rj.job.ID, rj.owner).Scan(&cancelReq)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			rj.cancel(errLeaseLost)
			return
		case err != nil:
			if p.bgCtx.Err() == nil {
				p.log.Log(p.bgCtx, slog.LevelWarn, "jobs: cannot renew lease", "job", rj.job.ID, "err", err)
			}
		case cancelReq != 0:
			rj.cancel(errCancelled)
		case p.hooks.renewed != nil:
			p.hooks.renewed(rj.job.ID)
		}
	}
}
