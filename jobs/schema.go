package jobs

// The job table belongs to this package: CreateSchema makes it where it is missing. A table made
// elsewhere (to add a foreign key on subject_id) must have this shape.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
)

// tableSQL is the job table. subject_id is the id of the thing a job is about (EnqueueOpts.Subject);
// the table made here does not tie it to any other table.
const tableSQL = `
CREATE TABLE IF NOT EXISTS jobs (
    id           INTEGER PRIMARY KEY,
    queue        TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    unique_key   TEXT,                          -- idempotency key
    payload      TEXT    NOT NULL DEFAULT '{}',
    subject_id   INTEGER,
    state        TEXT    NOT NULL DEFAULT 'queued'
                 CHECK (state IN ('queued','running','retrying','waiting','failed','done','cancelled')),
    priority     INTEGER NOT NULL DEFAULT 0,
    attempt      INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 8,
    run_after    INTEGER NOT NULL DEFAULT 0,
    lease_owner  TEXT,
    lease_until  INTEGER,
    wait_reason  TEXT    NOT NULL DEFAULT '',
    last_error   TEXT    NOT NULL DEFAULT '',
    progress     REAL    NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    finished_at  INTEGER
)`

const indexSQL = `
CREATE UNIQUE INDEX IF NOT EXISTS jobs_unique ON jobs(kind, unique_key) WHERE unique_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_ready ON jobs(queue, priority DESC, run_after, id) WHERE state IN ('queued','retrying');
CREATE INDEX IF NOT EXISTS jobs_lease ON jobs(lease_until) WHERE state = 'running';
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, updated_at);
CREATE INDEX IF NOT EXISTS jobs_subject ON jobs(subject_id);
`

// CreateSchema makes the job table and its indexes in db where they are missing; a table already
// there is kept as it is, with every job. It runs in one immediate transaction (the write lock
// is taken before anything is read), so it is safe to call on every start and from several
// processes at once: the second finds the work done. Start calls it; call it yourself before
// enqueueing into, or listing, a database whose pool has not started.
func CreateSchema(ctx context.Context, db *sql.DB) (err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("create the job table: %w", err)
	}
	defer conn.Close()
	// BEGIN IMMEDIATE whatever the DSN says about transactions: a deferred one fails with
	// SQLITE_BUSY when another process makes the table at the same moment, instead of waiting
	// for it.
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("create the job table: %w", err)
	}
	defer func() {
		if err == nil {
			return
		}
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
			// Never hand a connection inside a transaction back to the pool: discard it.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	if _, err := conn.ExecContext(ctx, tableSQL); err != nil {
		return fmt.Errorf("create the job table: %w", err)
	}
	if _, err := conn.ExecContext(ctx, indexSQL); err != nil {
		return fmt.Errorf("create the job table: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("create the job table: %w", err)
	}
	return nil
}
