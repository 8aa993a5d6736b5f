package store

import (
	"context"
	"database/sql"

	"medinventory/assets/i18n"
)

// migrateJobsSubject is the Go step of migration 0004_jobs_subject.sql: the job table of the first
// shape (photo_id, index jobs_photo; made by 0001_init.sql) gets the column name the jobs package
// reads, subject_id, and that package's index name, jobs_subject. ALTER TABLE … RENAME COLUMN keeps
// every value and rewrites the foreign key to photos and the index on the column. A table an
// earlier build's job pool already renamed is left as it is, but for its index.
func migrateJobsSubject(_ *Store, ctx context.Context, tx *sql.Tx) error {
	var old int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info('jobs') WHERE name = 'photo_id'`).Scan(&old); err != nil {
		return i18n.Errorf("read the task list's columns: %w", err)
	}
	if old > 0 {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE jobs RENAME COLUMN photo_id TO subject_id`); err != nil {
			return i18n.Errorf("rename the task list's photo_id to subject_id: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DROP INDEX IF EXISTS jobs_photo; CREATE INDEX IF NOT EXISTS jobs_subject ON jobs(subject_id)`); err != nil {
		return i18n.Errorf("index the task list by subject: %w", err)
	}
	return nil
}
