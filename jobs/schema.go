package jobs

// The job table belongs to this package: CreateSchema makes it, and brings an older one to the
// current shape.

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

// upgradeSQL brings a table of the first shape — made by Medicine Inventory's store migration
// 0001_init.sql and by this package before the subject was generic — to the current one: the
// column photo_id becomes subject_id (every value kept; SQLite rewrites the index and any foreign
// key on it) and its index jobs_photo becomes jobs_subject.
const upgradeSQL = `
ALTER TABLE jobs RENAME COLUMN photo_id TO subject_id;
DROP INDEX IF EXISTS jobs_photo;
`

const indexSQL = `
CREATE UNIQUE INDEX IF NOT EXISTS jobs_unique ON jobs(kind, unique_key) WHERE unique_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_ready ON jobs(queue, priority DESC, run_after, id) WHERE state IN ('queued','retrying');
CREATE INDEX IF NOT EXISTS jobs_lease ON jobs(lease_until) WHERE state = 'running';
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, updated_at);
CREATE INDEX IF NOT EXISTS jobs_subject ON jobs(subject_id);
`

// CreateSchema makes the job table and its indexes in db where they are missing, and upgrades a
// table of an older shape, keeping every job. It runs in one immediate transaction (the write lock
// is taken before anything is read), so it is safe to call on every start and from several
// processes at once: the second finds the work done. Start calls it; call it yourself before
// enqueueing into, or listing, a database whose pool has not started.
func CreateSchema(ctx context.Context, db *sql.DB) (err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("create the job table: %w", err)
	}
	defer conn.Close()
	// BEGIN IMMEDIATE whatever the DSN says about transactions: a deferred one that reads and
	// then writes fails with SQLITE_BUSY when another process upgrades at the same moment,
	// instead of waiting for it.
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
	old, err := hasColumn(ctx, conn, "photo_id")
	if err != nil {
		return fmt.Errorf("upgrade the job table: %w", err)
	}
	if old {
		if _, err := conn.ExecContext(ctx, upgradeSQL); err != nil {
			return fmt.Errorf("upgrade the job table: %w", err)
		}
	}
	if _, err := conn.ExecContext(ctx, indexSQL); err != nil {
		return fmt.Errorf("create the job table: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("create the job table: %w", err)
	}
	return nil
}

// hasColumn reports whether the job table has a column of that name.
func hasColumn(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, name string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info('jobs') WHERE name = ?`, name).Scan(&n)
	return n > 0, err
}

// subjectColumn is the subject's column for reads: subject_id, or photo_id in a table of the first
// shape that CreateSchema could not upgrade (an inventory on a read-only disk, last written before
// the upgrade). Once the column is subject_id it stays so, and is remembered.
func (p *Pool) subjectColumn(ctx context.Context) string {
	if p.subjectOK.Load() {
		return "subject_id"
	}
	old, err := hasColumn(ctx, p.rdb, "photo_id")
	if err != nil {
		return "subject_id" // the query itself will say what is wrong
	}
	if old {
		return "photo_id"
	}
	p.subjectOK.Store(true)
	return "subject_id"
}
