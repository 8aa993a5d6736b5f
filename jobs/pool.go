package jobs

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Logger is what the pool logs through; *slog.Logger satisfies it.
type Logger interface {
	Log(ctx context.Context, level slog.Level, msg string, args ...any)
}

// Options tune a Pool. The zero value gives the documented defaults.
type Options struct {
	// ReadDB is used for reads (Counts, List, Get, finding the next due time). Default: the write
	// DB given to New. Pass store.ReadDB() so reads never wait for the writer.
	ReadDB *sql.DB
	// AnalyzeConcurrency is the number of workers of the analyze queue (default 4).
	AnalyzeConcurrency int
	// MaintenanceConcurrency is the number of workers of the maintenance queue (default 1).
	MaintenanceConcurrency int
	// Concurrency sets workers per queue by name; it wins over the two fields above. A queue named
	// nowhere gets 1 worker.
	Concurrency map[string]int
	// BackoffBase and BackoffCap bound the retry delay: attempt n waits a uniformly random time in
	// [0, min(BackoffCap, BackoffBase·2^(n-1))) ("full jitter"). Defaults 2 s and 10 min.
	BackoffBase, BackoffCap time.Duration
	// MaxAttempts is the default for EnqueueOpts.MaxAttempts (default 8).
	MaxAttempts int
	// LeaseDuration is how long a claim is valid without renewal (default 60 s). A running job's
	// lease is renewed every third of it; a lease that expires (crash, kill, a sleeping laptop) is
	// taken back and the job runs again.
	LeaseDuration time.Duration
	// JobTimeout bounds one attempt (default 15 min); an attempt that runs out is retried.
	JobTimeout time.Duration
	// ShutdownGrace is how long Stop lets running jobs finish when its context has no earlier
	// deadline (default 10 s).
	ShutdownGrace time.Duration
	// SafetyInterval is the slow tick that takes back expired leases and looks for jobs enqueued
	// by another process (default 20 s). It is the only periodic wake-up: enqueues in this process
	// wake a worker at once, and future run_after times are waited for with a timer.
	SafetyInterval time.Duration
	// Logger gets warnings and errors (default: discard).
	Logger Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Rand returns a number in [0,1) for the backoff jitter (default math/rand/v2).
	Rand func() float64
	// EventBuffer is the Events channel's capacity (default 256).
	EventBuffer int
}

type registration struct {
	queue string
	h     Handler
}

type queueState struct {
	name   string
	limit  int
	active int
	kinds  []string
	wake   chan struct{}
}

type runningJob struct {
	job    *Job
	owner  string
	cancel context.CancelCauseFunc
	// progress is the latest reported progress as float64 bits.
	progress atomic.Uint64
}

var (
	errCancelled = errors.New("the task was cancelled")
	errLeaseLost = errors.New("the task's lease was lost (another worker took it over)")
	errShutdown  = errors.New("the app is closing")
)

// Pool runs the jobs of the registered kinds. Its methods are safe for concurrent use.
type Pool struct {
	db   *sql.DB
	rdb  *sql.DB
	opts Options
	id   string // lease owner prefix, unique per Pool
	seq  atomic.Int64
	log  Logger

	events *hub

	mu         sync.Mutex
	handlers   map[string]registration
	queues     map[string]*queueState
	running    map[int64]*runningJob
	paused     bool
	started    bool
	stopping   bool
	every      time.Duration // ScheduleMaintenance period
	lastCounts Counts

	baseCtx    context.Context // handlers' parent; cancelled when Stop's grace runs out
	baseCancel context.CancelCauseFunc
	bgCtx      context.Context // dispatchers, timers, forwarder; cancelled by Stop
	bgCancel   context.CancelFunc
	wg         sync.WaitGroup // dispatchers and background goroutines
	workers    sync.WaitGroup // running handlers
	stopOnce   sync.Once
	stopErr    error

	stmts sync.Map // stmtKey -> *sql.Stmt: the hot statements, prepared once per DB
}

type stmtKey struct {
	db    *sql.DB
	query string
}

// prepared returns a cached prepared statement for query on db (nil if preparing failed: the
// caller then runs the query unprepared).
func (p *Pool) prepared(ctx context.Context, db *sql.DB, query string) *sql.Stmt {
	k := stmtKey{db, query}
	if s, ok := p.stmts.Load(k); ok {
		return s.(*sql.Stmt)
	}
	s, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	if old, loaded := p.stmts.LoadOrStore(k, s); loaded {
		s.Close()
		return old.(*sql.Stmt)
	}
	return s
}

// txQueryRow runs a hot query in tx through a statement prepared earlier (database/sql reuses it
// on the transaction's connection). It never prepares: that needs a connection, and the write
// pool's only connection is the transaction's (waiting for another would deadlock). Statements are
// prepared by prepare (before a transaction begins).
func (p *Pool) txQueryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if s, ok := p.stmts.Load(stmtKey{p.db, query}); ok {
		return tx.StmtContext(ctx, s.(*sql.Stmt)).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, query, args...)
}

// dbQueryRow runs a hot single-statement query on db through a prepared statement.
func (p *Pool) dbQueryRow(ctx context.Context, db *sql.DB, query string, args ...any) *sql.Row {
	if s := p.prepared(ctx, db, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return db.QueryRowContext(ctx, query, args...)
}

// New makes a pool over db, the store's write connection (one connection with immediate
// transactions). Register handlers, then Start.
func New(db *sql.DB, opts Options) *Pool {
	if opts.ReadDB == nil {
		opts.ReadDB = db
	}
	if opts.AnalyzeConcurrency <= 0 {
		opts.AnalyzeConcurrency = 4
	}
	if opts.MaintenanceConcurrency <= 0 {
		opts.MaintenanceConcurrency = 1
	}
	if opts.BackoffBase <= 0 {
		opts.BackoffBase = 2 * time.Second
	}
	if opts.BackoffCap <= 0 {
		opts.BackoffCap = 10 * time.Minute
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.LeaseDuration <= 0 {
		opts.LeaseDuration = 60 * time.Second
	}
	if opts.JobTimeout <= 0 {
		opts.JobTimeout = 15 * time.Minute
	}
	if opts.ShutdownGrace <= 0 {
		opts.ShutdownGrace = 10 * time.Second
	}
	if opts.SafetyInterval <= 0 {
		opts.SafetyInterval = 20 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = mrand.Float64
	}
	if opts.EventBuffer <= 0 {
		opts.EventBuffer = 256
	}
	var lg Logger = slog.New(slog.DiscardHandler)
	if opts.Logger != nil {
		if l, ok := opts.Logger.(*slog.Logger); !ok || l != nil {
			lg = opts.Logger
		}
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	host, _ := os.Hostname()
	p := &Pool{
		db:       db,
		rdb:      opts.ReadDB,
		opts:     opts,
		id:       fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:])),
		log:      lg,
		events:   newHub(opts.EventBuffer),
		handlers: map[string]registration{},
		queues:   map[string]*queueState{},
		running:  map[int64]*runningJob{},
	}
	p.baseCtx, p.baseCancel = context.WithCancelCause(context.Background())
	p.bgCtx, p.bgCancel = context.WithCancel(context.Background())
	return p
}

func (p *Pool) now() time.Time { return p.opts.Now() }

func (p *Pool) limitFor(queue string) int {
	if n, ok := p.opts.Concurrency[queue]; ok && n > 0 {
		return n
	}
	switch queue {
	case QueueAnalyze:
		return p.opts.AnalyzeConcurrency
	case QueueMaintenance:
		return p.opts.MaintenanceConcurrency
	}
	return 1
}

// Register sets the handler of a kind and the queue its jobs run in. Call it before Start.
func (p *Pool) Register(kind, queue string, h Handler) {
	if queue == "" {
		queue = defaultQueue(kind)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.handlers[kind]; ok {
		if q := p.queues[old.queue]; q != nil {
			q.kinds = removeString(q.kinds, kind)
		}
	}
	p.handlers[kind] = registration{queue: queue, h: h}
	q := p.queues[queue]
	if q == nil {
		q = &queueState{name: queue, limit: p.limitFor(queue), wake: make(chan struct{}, 1)}
		p.queues[queue] = q
	}
	q.kinds = append(q.kinds, kind)
}

func removeString(s []string, v string) []string {
	out := s[:0]
	for _, x := range s {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

// Notify wakes idle workers, e.g. after EnqueueTx committed in the caller's transaction.
func (p *Pool) Notify() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, q := range p.queues {
		wakeUp(q.wake)
	}
}

func wakeUp(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// SetConcurrency changes a queue's number of workers while running. Lowering it lets running jobs
// finish; no new job starts until fewer than n run.
func (p *Pool) SetConcurrency(queue string, n int) {
	if n < 1 {
		n = 1
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.opts.Concurrency == nil {
		p.opts.Concurrency = map[string]int{}
	}
	p.opts.Concurrency[queue] = n
	if q := p.queues[queue]; q != nil {
		q.limit = n
		wakeUp(q.wake)
	}
}

// Pause stops starting jobs; running jobs go on. Resume undoes it.
func (p *Pool) Pause() {
	p.mu.Lock()
	p.paused = true
	p.mu.Unlock()
}

// Resume starts jobs again and re-checks every waiting job (see Wake).
func (p *Pool) Resume() {
	p.mu.Lock()
	p.paused = false
	p.mu.Unlock()
	p.Wake("")
	p.Notify()
}

// Paused reports whether Pause is in effect.
func (p *Pool) Paused() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paused
}

// Events is the channel of job changes. It is never closed. Nobody has to read it: a slow or
// absent reader never stalls a worker (see Event).
func (p *Pool) Events() <-chan Event { return p.events.out }

// Start takes back expired leases, starts the workers of every queue with a registered handler and
// (after ScheduleMaintenance) the maintenance schedule. ctx bounds the start-up work only; the
// pool runs until Stop. A pool cannot be started again after Stop.
func (p *Pool) Start(ctx context.Context) error {
	p.mu.Lock()
	if p.started || p.stopping {
		p.mu.Unlock()
		return errors.New("jobs: the pool was already started")
	}
	p.started = true
	p.mu.Unlock()
	if _, err := p.recoverExpired(ctx); err != nil {
		return fmt.Errorf("start workers: %w", err)
	}
	if err := p.promoteWaiting(ctx, ""); err != nil {
		return fmt.Errorf("start workers: %w", err)
	}
	p.mu.Lock()
	every := p.every
	for _, q := range p.queues {
		p.wg.Add(1)
		go p.dispatch(q)
	}
	p.mu.Unlock()
	p.wg.Add(2)
	go func() { defer p.wg.Done(); p.events.forward(p.bgCtx, p.eventCounts) }()
	go p.housekeeping()
	if every > 0 {
		p.wg.Add(1)
		go p.maintenanceSchedule(every)
	}
	return nil
}

// ScheduleMaintenance makes Start enqueue a KindMaintenance job at once and then every `every`,
// with a unique key per period so that two processes on one database do not both run it. Call it
// before Start; a handler for KindMaintenance must be registered.
func (p *Pool) ScheduleMaintenance(every time.Duration) {
	p.mu.Lock()
	p.every = every
	p.mu.Unlock()
}

func (p *Pool) maintenanceSchedule(every time.Duration) {
	defer p.wg.Done()
	for {
		now := p.now()
		period := now.UnixMilli() / every.Milliseconds()
		key := "period-" + strconv.FormatInt(every.Milliseconds(), 10) + "-" + strconv.FormatInt(period, 10)
		if _, _, err := p.Enqueue(p.bgCtx, KindMaintenance, nil, EnqueueOpts{UniqueKey: key, MaxAttempts: 3}); err != nil && p.bgCtx.Err() == nil {
			p.log.Log(p.bgCtx, slog.LevelWarn, "jobs: cannot schedule maintenance", "err", err)
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
		RETURNING id, kind, COALESCE(photo_id, 0), state, attempt, last_error`,
		msgCrashedLast, msgCrashed, now, now, now, now)
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
	msgCrashedLast = "The app stopped every time this task ran, so it was given up. Retry it, or remove the photo if it keeps happening."
)

// emitRows reads rows of (id, kind, photo_id, state, attempt, last_error) and emits an event per
// row.
func (p *Pool) emitRows(rows *sql.Rows) (int, error) {
	defer rows.Close()
	var evs []Event
	for rows.Next() {
		var e Event
		var st string
		if err := rows.Scan(&e.JobID, &e.Kind, &e.PhotoID, &st, &e.Attempt, &e.Err); err != nil {
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
		RETURNING id, kind, COALESCE(photo_id, 0), state, attempt, last_error`, now, now, queue, queue)
	if err != nil {
		return fmt.Errorf("re-check waiting jobs: %w", err)
	}
	_, err = p.emitRows(rows)
	return err
}

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
			p.mu.Lock()
			stop := p.stopping || p.paused
			full = q.active >= q.limit
			p.mu.Unlock()
			if stop || full {
				break
			}
			job, owner, err := p.claim(q, claimSQL, kindArgs)
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
		RETURNING id, queue, kind, COALESCE(unique_key, ''), payload, COALESCE(photo_id, 0), attempt, max_attempts`, args
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
	err := p.dbQueryRow(p.bgCtx, p.db, claimSQL, args...).Scan(&j.ID, &j.Queue, &j.Kind, &j.UniqueKey, &payload, &j.PhotoID, &j.Attempt, &j.MaxAttempts)
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
	p.events.emit(Event{JobID: j.ID, PhotoID: j.PhotoID, Kind: j.Kind, State: StateRunning, Attempt: j.Attempt})

	tctx, tcancel := context.WithTimeout(ctx, p.opts.JobTimeout)
	defer tcancel()
	renewDone := make(chan struct{})
	renewStopped := make(chan struct{})
	go p.renew(rj, renewDone, renewStopped)

	progress := func(f float64) {
		f = min(max(f, 0), 1)
		rj.progress.Store(floatBits(f))
		p.events.emit(Event{JobID: j.ID, PhotoID: j.PhotoID, Kind: j.Kind, State: StateRunning, Attempt: j.Attempt, Progress: f})
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
		}
	}
}

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
	e := Event{JobID: j.ID, PhotoID: j.PhotoID, Kind: j.Kind, State: st, Attempt: j.Attempt}
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
	e := Event{JobID: rj.job.ID, PhotoID: rj.job.PhotoID, Kind: rj.job.Kind, State: State(st), Attempt: attempt}
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
		RETURNING id, kind, COALESCE(photo_id, 0), state, attempt, last_error`, now, now, now, id, owner)
	if err != nil {
		p.log.Log(ctx, slog.LevelError, "jobs: cannot release a lease; the job will run again after it expires", "job", id, "err", err)
		return
	}
	_, _ = p.emitRows(rows)
}

// Stop stops claiming, lets running jobs finish until ctx's deadline or ShutdownGrace (whichever
// comes first), then cancels them and gives their leases back, so they run again at the next
// start without losing an attempt. It returns ctx.Err() or context.DeadlineExceeded when jobs had
// to be interrupted. Calling it again returns the first result.
func (p *Pool) Stop(ctx context.Context) error {
	p.stopOnce.Do(func() { p.stopErr = p.stop(ctx) })
	return p.stopErr
}

func (p *Pool) stop(ctx context.Context) error {
	p.mu.Lock()
	p.stopping = true
	for _, q := range p.queues {
		wakeUp(q.wake)
	}
	p.mu.Unlock()

	done := make(chan struct{})
	go func() { p.workers.Wait(); close(done) }()
	grace := time.NewTimer(p.opts.ShutdownGrace)
	defer grace.Stop()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	case <-grace.C:
		err = context.DeadlineExceeded
	}
	if err != nil {
		// Out of time: interrupt the handlers; each gives its job back as it returns.
		p.baseCancel(errShutdown)
		p.mu.Lock()
		for _, rj := range p.running {
			rj.cancel(errShutdown)
		}
		p.mu.Unlock()
		select {
		case <-done:
		case <-time.After(time.Second):
			// Handlers that ignore their context: give their jobs back now; whatever they do later
			// is dropped because the lease is no longer theirs.
			p.mu.Lock()
			left := make([]*runningJob, 0, len(p.running))
			for _, rj := range p.running {
				left = append(left, rj)
			}
			p.mu.Unlock()
			for _, rj := range left {
				p.release(context.Background(), rj.job.ID, rj.owner)
			}
		}
	}
	p.bgCancel()
	p.wg.Wait()
	p.stmts.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		p.stmts.Delete(k)
		return true
	})
	return err
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
