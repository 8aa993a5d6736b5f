package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"testing"

	"medinventory/jobs"
	"medinventory/store"
)

// jobsQ is every column of every job, the subject's column named %s.
func jobsQ(subject string) string {
	return `SELECT id, queue, kind, unique_key, payload, ` + subject + `, state, priority, attempt, max_attempts, run_after,
		lease_owner, lease_until, wait_reason, last_error, progress, cancel_requested, created_at, updated_at, finished_at
		FROM jobs ORDER BY id`
}

// jobTableShape is the job table's columns' names and its indexes' names.
func jobTableShape(t *testing.T, db *sql.DB) (cols, indexes []string) {
	t.Helper()
	cols = dump(t, db, `SELECT name FROM pragma_table_info('jobs') ORDER BY cid`)
	indexes = dump(t, db, `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs' AND sql IS NOT NULL ORDER BY name`)
	return cols, indexes
}

// checkCurrentJobShape fails unless the job table has subject_id where photo_id was, still tied
// to photos, and the jobs package's indexes.
func checkCurrentJobShape(t *testing.T, db *sql.DB) {
	t.Helper()
	cols, indexes := jobTableShape(t, db)
	if len(cols) != 20 || cols[5] != "subject_id" {
		t.Fatalf("job table columns %v; want subject_id as the 6th of 20", cols)
	}
	if want := []string{"jobs_lease", "jobs_ready", "jobs_state", "jobs_subject", "jobs_unique"}; !reflect.DeepEqual(indexes, want) {
		t.Fatalf("job table indexes %v, want %v", indexes, want)
	}
	if fk := dump(t, db, `SELECT "from", "table", "to" FROM pragma_foreign_key_list('jobs')`); !reflect.DeepEqual(fk, []string{"subject_idphotosid"}) {
		t.Fatalf("job table foreign keys %q; want subject_id → photos(id)", fk)
	}
	if problems := dump(t, db, `SELECT * FROM pragma_foreign_key_check`); len(problems) != 0 {
		t.Fatalf("foreign key check: %v", problems)
	}
}

// TestReleaseJobTableIsUpgradedByTheStore: release 0.1.0's job table (photo_id, index jobs_photo)
// is brought to the jobs package's shape by store.Open alone, before jobs.CreateSchema runs: every
// job kept with every value, the foreign key to photos kept; the pool then lists the old jobs by
// their subject, and CreateSchema changes nothing.
func TestReleaseJobTableIsUpgradedByTheStore(t *testing.T) {
	ctx := context.Background()
	dir := copyDir(t, filepath.Join("testdata", "release-0.1.0", "data"))
	old, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.DBName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	before := dump(t, old, jobsQ("photo_id"))
	old.Close()
	if len(before) != 7 {
		t.Fatalf("the fixture has %d jobs, want 7", len(before))
	}

	st, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatalf("the new release cannot open the old database: %v", err)
	}
	defer st.Close()
	checkCurrentJobShape(t, st.ReadDB())
	if after := dump(t, st.ReadDB(), jobsQ("subject_id")); !reflect.DeepEqual(after, before) {
		t.Fatalf("jobs changed by the migration:\nbefore %q\nafter  %q", before, after)
	}

	p := jobs.New(st.DB(), jobs.Options{ReadDB: st.ReadDB()})
	infos, err := p.List(ctx, jobs.ListFilter{Subject: 2})
	if err != nil || len(infos) != 1 || infos[0].ID != 3 || infos[0].State != jobs.StateWaiting || infos[0].WaitReason != "offline_mode" {
		t.Fatalf("jobs of photo 2: %+v, %v; want job 3, waiting while offline", infos, err)
	}
	if err := jobs.CreateSchema(ctx, st.DB()); err != nil {
		t.Fatalf("CreateSchema after the migration: %v", err)
	}
	checkCurrentJobShape(t, st.ReadDB())
	if after := dump(t, st.ReadDB(), jobsQ("subject_id")); !reflect.DeepEqual(after, before) {
		t.Fatalf("jobs changed by CreateSchema:\nbefore %q\nafter  %q", before, after)
	}
}

// TestVersion3JobTableIsUpgradedEitherWay: an inventory of schema version 3 holds the job table
// in the first shape, or already in the current one where an earlier build's job pool renamed the
// column itself. Migration 4 brings either to the current shape with every job kept.
func TestVersion3JobTableIsUpgradedEitherWay(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name      string
		downgrade string // from the current shape to the one version 3 held
		subject   string // the subject's column in that shape
	}{
		{"first shape", `ALTER TABLE jobs RENAME COLUMN subject_id TO photo_id; DROP INDEX jobs_subject; CREATE INDEX jobs_photo ON jobs(photo_id)`, "photo_id"},
		{"renamed by the pool", `SELECT 1`, "subject_id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			st, err := store.Open(ctx, dir, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			db := st.DB()
			for _, q := range append(append([]string{}, downgradePacks...),
				c.downgrade,
				// What migrations after version 4 added (0005: the serial; 0006: the requisition; 0007:
				// packs, downgradePacks above), so
				// that version 3 is version 3.
				`DROP TABLE requisition_lines`,
				`DROP INDEX entries_pack`,
				`ALTER TABLE entries DROP COLUMN serial`,
				`INSERT INTO photos (id, sha256, stored_path, original_name, bytes, width, height, format, added_at) VALUES
					(1, 'aa', 'photos/aa/aa.jpg', 'a.jpg', 1, 1, 1, 'jpeg', 1700000000000),
					(2, 'bb', 'photos/bb/bb.jpg', 'b.jpg', 1, 1, 1, 'jpeg', 1700000000000)`,
				`INSERT INTO jobs (queue, kind, unique_key, payload, `+c.subject+`, state, attempt, last_error, wait_reason, finished_at, created_at, updated_at) VALUES
					('analyze', 'analyze', 'sha-1', '{}', 1, 'done', 1, '', '', 1700000000500, 1700000000000, 1700000000500),
					('analyze', 'analyze', 'sha-2', '{}', 2, 'failed', 8, 'The photo could not be read.', '', 1700000000700, 1700000000200, 1700000000700),
					('maintenance', 'maintenance', 'period', '{}', NULL, 'queued', 0, '', '', NULL, 1700000000300, 1700000000300)`,
				`PRAGMA user_version = 3`,
			) {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			before := dump(t, st.ReadDB(), jobsQ(c.subject))
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}

			st, err = store.Open(ctx, dir, store.Options{})
			if err != nil {
				t.Fatalf("open the version 3 inventory: %v", err)
			}
			defer st.Close()
			var v int
			if err := st.ReadDB().QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != store.SchemaVersion() {
				t.Fatalf("user_version = %d, %v; want %d", v, err, store.SchemaVersion())
			}
			checkCurrentJobShape(t, st.ReadDB())
			if after := dump(t, st.ReadDB(), jobsQ("subject_id")); len(before) != 3 || !reflect.DeepEqual(after, before) {
				t.Fatalf("jobs changed by the migration:\nbefore %q\nafter  %q", before, after)
			}
		})
	}
}
