// Package jobs is durable background work: a job table in a SQLite database and an in-process
// pool of goroutines that runs it. Nothing enqueued is lost and nothing is done twice, even when
// the process crashes, is killed or the laptop sleeps mid-job.
//
// It knows nothing of the application it runs in. The caller names the kinds of job and their
// queues: each kind has a Handler (Pool.Register), each queue the number of workers the caller
// gives it (Options.Concurrency, SetConcurrency), and a handler's errors say what the pool should
// do (RetryableError, PermanentError, WaitingError). A job may name its Subject — the id of the
// thing it is about, in the caller's terms — and be listed by it. The pool's own words (the
// messages it stores for its states, such as "the task was cancelled") speak of tasks only.
//
// # Guarantees
//
//   - Durable, idempotent enqueue. A job is a row; EnqueueTx adds it inside the caller's
//     transaction (a stored file and the job that processes it commit together). A UniqueKey (a
//     content hash, say) makes enqueueing the same thing twice a no-op that returns the first job's
//     id.
//   - Atomic claim. A worker claims the next due job with one UPDATE … RETURNING statement, which
//     SQLite runs as its own immediate transaction (the write lock is taken before anything is
//     read); two workers, or two processes on one database, never get the same job.
//   - Leases. A claim holds a lease (LeaseDuration, default 60 s) that the worker renews every third
//     of it while the handler runs. A lease that expires (crash, kill -9, a laptop that slept) is
//     taken back at Start and on every safety tick: the job runs again, and a worker that lost its
//     lease cannot record a result.
//   - Exactly-once effect. A handler returns a Commit; the pool runs it in the same transaction
//     that marks the job done, and only while the lease is still its own. A crash leaves either
//     the result and a done job, or neither (and then the job runs again).
//   - Retries. A failed attempt is retried after an exponential backoff with full jitter (a random
//     delay in [0, min(BackoffCap, BackoffBase·2^(n-1))), defaults 2 s and 10 min), or after the
//     error's RetryAfter (HTTP 429 Retry-After) when it has one; after MaxAttempts (default 8) or a
//     permanent error the job fails and keeps the error's message in plain words.
//   - Waiting burns nothing. A WaitingError (offline, no credentials, circuit open) parks the job as
//     waiting without spending an attempt; it is re-checked after the error's RetryAfter, or when
//     Wake or Resume is called.
//   - Limits. Each queue runs at most its concurrency (Options.Concurrency, default 1;
//     SetConcurrency changes it while running). Pause stops new claims.
//   - Periodic jobs. Schedule enqueues a kind once per period, once between all the processes
//     sharing the database (the period is its unique key).
//   - No busy polling. Enqueue and Notify wake an idle worker at once; a future run_after is waited
//     for with a timer. The only periodic wake-up is the safety tick (SafetyInterval, default 20 s),
//     which takes back expired leases and finds jobs another process enqueued.
//   - Events never stall work. Events delivers typed changes (with the Counts of the job's queue,
//     for a progress bar) on a
//     buffered channel; a slow or absent reader makes progress updates coalesce and, at worst, old
//     events drop. The database stays the source of truth (Counts, List, Get).
//   - Graceful shutdown. Stop stops claiming, gives running jobs until its context's deadline or
//     ShutdownGrace (default 10 s), then cancels them and gives their leases back without counting
//     the attempt, so they run again at the next start.
//
// # States
//
//	Enqueue ──► queued ◄─────────────────────────────────────────────────────────┐
//	              │ claim: attempt+1, lease                                       │
//	              ▼                                                               │
//	           running ── success: Commit and "done" in one transaction ──► done  │
//	              │                                                               │
//	              ├── retryable error, attempts left ──► retrying ── run_after ──► claimed again
//	              ├── permanent error, or the last attempt ──► failed (keeps the message)
//	              ├── waiting error (attempt given back) ──► waiting ── RetryAfter / Wake / Resume ─┤
//	              ├── Stop after the grace (attempt given back) ────────────────────────────────────┘
//	              ├── lease expired (crash, kill) ──► retrying (failed if it was the last attempt)
//	              └── Cancel ──► cancelled (its Commit never runs)
//
//	Cancel: queued, retrying, waiting, failed ──► cancelled
//	Retry:  failed, cancelled, waiting, retrying ──► queued (attempts reset)
//
// The table belongs to this package: CreateSchema (which Start calls) makes it where it is
// missing. An application may make it itself, in this shape, to add a foreign key on subject_id
// (then a Subject must be that table's id); times are Unix milliseconds. The code is split by concept: pool.go (the Pool, its options and lifecycle),
// schema.go, enqueue.go, claim.go (dispatcher and claim), run.go (handler call, lease renewal),
// finish.go (the state transitions after an attempt), housekeeping.go (periodic jobs, safety tick,
// lease recovery), admin.go (counts, list, retry, cancel, prune), events.go, stmts.go (prepared
// statements). Prune deletes done and cancelled jobs older than a given age (never failed ones).
//
// # Handlers
//
// A handler must honour its context (cancel, timeout, shutdown) and must not write through the
// pool's write connection from inside its Commit other than through the transaction it is given:
// the write pool has one connection, and the Commit's transaction holds it.
//
// # Using it
//
//	pool := jobs.New(db, jobs.Options{ReadDB: readDB, Concurrency: map[string]int{"resize": 4}})
//	pool.Register("resize", "resize", resizeHandler)
//	pool.Register("cleanup", "housekeeping", cleanupHandler)
//	pool.Schedule("cleanup", 24*time.Hour)
//	err := pool.Start(ctx)
//	id, created, err := pool.Enqueue(ctx, "resize", payload, jobs.EnqueueOpts{Subject: fileID, UniqueKey: sha})
package jobs
