package jobs

// The job table belongs to this package: CreateSchema makes it.

import (
	"context"
	"database/sql"
	"fmt"
)

// schemaSQL is the job table and its indexes. Every statement is "IF NOT EXISTS": on a database
// that already has the table — every inventory made before this package owned its schema got it
// from the store's first migration, store/migrations/0001_init.sql, with the same columns — it
// changes nothing. photo_id is the id of the thing a job is about (EnqueueOpts.PhotoID); the table
// made here does not tie it to any other table.
const schemaSQL = `
CREATE TABLE IF NOT EXISTS jobs (
    id           INTEGER PRIMARY KEY,
    queue        TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    unique_key   TEXT,                          -- idempotency key
    payload      TEXT    NOT NULL DEFAULT '{}',
    photo_id     INTEGER,
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
);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_unique ON jobs(kind, unique_key) WHERE unique_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_ready ON jobs(queue, priority DESC, run_after, id) WHERE state IN ('queued','retrying');
CREATE INDEX IF NOT EXISTS jobs_lease ON jobs(lease_until) WHERE state = 'running';
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, updated_at);
CREATE INDEX IF NOT EXISTS jobs_photo ON jobs(photo_id);
`

// CreateSchema makes the job table and its indexes in db where they are missing, in one
// transaction; it is safe to call on every start and from several processes at once. Start calls
// it; call it yourself before enqueueing into a database whose pool has not started.
func CreateSchema(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create the job table: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, schemaSQL); err != nil {
		return fmt.Errorf("create the job table: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create the job table: %w", err)
	}
	return nil
}
