package jobs

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	mrand "math/rand/v2"
	"os"
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
	// DB given to New. Pass a read pool of the same database so reads never wait for the writer.
	ReadDB *sql.DB
	// Concurrency is the number of workers of each queue, by queue name; a queue it does not name
	// (or names with n < 1) gets 1. SetConcurrency changes it while the pool runs.
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

	// claimGate is held for reading by a dispatcher from its paused check to the end of its claim,
	// and for writing by Pause: once Pause returns, no claim that began before it is still running,
	// so a job enqueued after Pause cannot be started until Resume.
	claimGate sync.RWMutex

	mu         sync.Mutex
	handlers   map[string]registration
	queues     map[string]*queueState
	running    map[int64]*runningJob
	paused     bool
	started    bool
	stopping   bool
	schedules  map[string]time.Duration // kind -> period (Schedule)
	lastCounts map[string]Counts        // per queue, the last totals read for events

	baseCtx    context.Context // handlers' parent; cancelled when Stop's grace runs out
	baseCancel context.CancelCauseFunc
	bgCtx      context.Context // dispatchers, timers, forwarder; cancelled by Stop
	bgCancel   context.CancelFunc
	wg         sync.WaitGroup // dispatchers and background goroutines
	workers    sync.WaitGroup // running handlers
	stopOnce   sync.Once
	stopErr    error

	stmts sync.Map // stmtKey -> *sql.Stmt: the hot statements, prepared once per DB

	hooks testHooks
}

// testHooks let the package's tests see the moments they synchronise on (set before Start by
// export_test.go; nil otherwise).
type testHooks struct {
	idle      func(queue string) // a dispatcher finished a pass over its queue and goes to sleep
	stopWaits func()             // Stop begins waiting for the running jobs
	renewed   func(job int64)    // a job's lease was extended
}

// New makes a pool over db, the database's write pool (best: one connection, immediate
// transactions). Register handlers, then Start.
func New(db *sql.DB, opts Options) *Pool {
	if opts.ReadDB == nil {
		opts.ReadDB = db
	}
	opts.Concurrency = maps.Clone(opts.Concurrency) // SetConcurrency writes it
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
		db:        db,
		rdb:       opts.ReadDB,
		opts:      opts,
		id:        fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:])),
		log:       lg,
		events:    newHub(opts.EventBuffer),
		handlers:  map[string]registration{},
		queues:    map[string]*queueState{},
		running:   map[int64]*runningJob{},
		schedules: map[string]time.Duration{},
	}
	p.baseCtx, p.baseCancel = context.WithCancelCause(context.Background())
	p.bgCtx, p.bgCancel = context.WithCancel(context.Background())
	return p
}

func (p *Pool) now() time.Time { return p.opts.Now() }

func (p *Pool) limitFor(queue string) int {
	if n := p.opts.Concurrency[queue]; n > 0 {
		return n
	}
	return 1
}

// Register sets the handler of a kind and the queue its jobs run in ("" = a queue named after the
// kind). The queue runs Options.Concurrency[queue] workers. Call it before Start.
func (p *Pool) Register(kind, queue string, h Handler) {
	if queue == "" {
		queue = kind
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
	p.claimGate.Lock()
	defer p.claimGate.Unlock()
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

// Start makes the job table where it is missing (CreateSchema), takes back expired leases, starts the
// workers of every queue with a registered handler and the periodic jobs (Schedule). ctx bounds the start-up work only; the
// pool runs until Stop. A pool cannot be started again after Stop.
func (p *Pool) Start(ctx context.Context) error {
	p.mu.Lock()
	if p.started || p.stopping {
		p.mu.Unlock()
		return errors.New("jobs: the pool was already started")
	}
	p.started = true
	p.mu.Unlock()
	if err := CreateSchema(ctx, p.db); err != nil {
		return fmt.Errorf("start workers: %w", err)
	}
	if _, err := p.recoverExpired(ctx); err != nil {
		return fmt.Errorf("start workers: %w", err)
	}
	if err := p.promoteWaiting(ctx, ""); err != nil {
		return fmt.Errorf("start workers: %w", err)
	}
	p.mu.Lock()
	for _, q := range p.queues {
		p.wg.Add(1)
		go p.dispatch(q)
	}
	for kind, every := range p.schedules {
		p.wg.Add(1)
		go p.schedule(kind, every)
	}
	p.mu.Unlock()
	p.wg.Add(2)
	go func() { defer p.wg.Done(); p.events.forward(p.bgCtx, p.eventCounts) }()
	go p.housekeeping()
	return nil
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
	if p.hooks.stopWaits != nil {
		p.hooks.stopWaits()
	}
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
