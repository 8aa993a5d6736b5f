package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"medinventory/store"
)

// scaleRelease copies the release-0.1.0 fixture and adds n entries to its database the way that
// release stored them: each with a photo of its own (a row; the migration never reads the file)
// and an analysis, a third with a GTIN of 300 products, the rest named after 400 products; up to
// 40,000 lots sharing 5 expiry dates (one of them unknown); two in three confirmed, one in twenty
// deleted.
func scaleRelease(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	src := filepath.Join("testdata", "release-0.1.0", "data", store.DBName)
	b, err := os.ReadFile(src)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, store.DBName), b, 0o600); err != nil {
		tb.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: filepath.Join(dir, store.DBName)}).EscapedPath())
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	insPh, _ := tx.Prepare(`INSERT INTO photos(sha256, stored_path, original_name, bytes, width, height, format, added_at) VALUES (?,?,?,?,?,?,?,?) RETURNING id`)
	insAn, _ := tx.Prepare(`INSERT INTO analyses(photo_id, source, result_json, created_at) VALUES (?, 'model', '{}', ?) RETURNING id`)
	insEn, _ := tx.Prepare(`INSERT INTO entries(photo_id, analysis_id, name, strength, dosage_form, gtin, lot, expiry, quantity, status, deleted_at, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	for i := 0; i < n; i++ {
		at := t0 + int64(i)*60_000
		sum := fmt.Sprintf("%064x", i+1_000_000)
		var ph, an int64
		if err := insPh.QueryRow(sum, "photos/"+sum[:2]+"/"+sum+".jpg", fmt.Sprintf("IMG_%05d.jpg", i), 1000, 40, 30, "jpeg", at).Scan(&ph); err != nil {
			tb.Fatal(err)
		}
		if err := insAn.QueryRow(ph, at).Scan(&an); err != nil {
			tb.Fatal(err)
		}
		name, gtin := fmt.Sprintf("%s %d", generics[i%len(generics)], i%400), ""
		if i%3 == 0 {
			gtin = fmt.Sprintf("%014d", 9_000_000+i%300)
		}
		status := "confirmed"
		if i%3 == 1 {
			status = "needs_review"
		}
		var deleted any
		if i%20 == 7 {
			deleted = at + 1000
		}
		// Packs of a delivery share an expiry date: few dates, many lots.
		exp := []string{"2027-06-30", "2027-12-31", "2028-06-30", "2028-12-31", ""}[i%5]
		if _, err := insEn.Exec(ph, an, name, fmt.Sprintf("%d mg", 5*(1+i%40)), "tablet", gtin, fmt.Sprintf("L%05d", i%40000), exp,
			1+i%30, status, deleted, at, at); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// TestMigrationScalesLinearly migrates release-0.1.0 databases of 6,007 and 60,007 entries in the
// same run and prints both times and their ratio (the aim: at most ~10×; a figure to read, not a
// timed assertion). It runs only when asked (=small: 6,007 only), since it takes a while:
//
//	MEDINVENTORY_MIGRATION_SCALE=1 go test -tags ci,migrated_fynedo -count=1 -v -run TestMigrationScalesLinearly ./store/
func TestMigrationScalesLinearly(t *testing.T) {
	if os.Getenv("MEDINVENTORY_MIGRATION_SCALE") == "" {
		t.Skip("set MEDINVENTORY_MIGRATION_SCALE=1 to migrate 6,007 and 60,007 entries")
	}
	ctx := context.Background()
	var took, cpus []time.Duration
	sizes := []int{6000, 60000}
	if os.Getenv("MEDINVENTORY_MIGRATION_SCALE") == "small" {
		sizes = sizes[:1]
	}
	for _, n := range sizes {
		dir := scaleRelease(t, n)
		var steps []store.MigrationProgress
		start, cpu := time.Now(), processCPU()
		st, err := store.Open(ctx, dir, store.Options{OnMigrate: func(p store.MigrationProgress) { steps = append(steps, p) }})
		d, dcpu := time.Since(start), processCPU()-cpu
		if err != nil {
			t.Fatal(err)
		}
		var entries, receipts int
		st.ReadDB().QueryRow(`SELECT count(*) FROM entries`).Scan(&entries)
		st.ReadDB().QueryRow(`SELECT count(*) FROM movements`).Scan(&receipts)
		st.Close()
		t.Logf("%d entries migrated in %v, %v of CPU (%d receipts)", entries, d.Round(time.Millisecond), dcpu.Round(time.Millisecond), receipts)
		if len(steps) < 2 {
			t.Fatalf("progress reported %d times", len(steps))
		}
		if steps[0].Done != 0 || steps[len(steps)-1].Done != entries || steps[len(steps)-1].Total != entries {
			t.Errorf("progress: %v … %v (%d steps)", steps[0], steps[len(steps)-1], len(steps))
		}
		took = append(took, d)
		cpus = append(cpus, dcpu)
	}
	if len(took) == 2 {
		t.Logf("60,007 / 6,007 entries: %.1f× the time, %.1f× the CPU", float64(took[1])/float64(took[0]), float64(cpus[1])/float64(cpus[0]))
	}
}

// The upgrade of the release-0.1.0 fixture says how far it has got: from 0 to all its entries.
func TestMigrationReportsProgress(t *testing.T) {
	dir := copyDir(t, filepath.Join("testdata", "release-0.1.0", "data"))
	var steps []store.MigrationProgress
	st, err := store.Open(context.Background(), dir, store.Options{OnMigrate: func(p store.MigrationProgress) { steps = append(steps, p) }})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if len(steps) != 2 || steps[0] != (store.MigrationProgress{Done: 0, Total: 7}) || steps[1] != (store.MigrationProgress{Done: 7, Total: 7}) {
		t.Fatalf("progress: %+v", steps)
	}
	if s := steps[1].String(); s != "Upgrading the inventory to this version: 7 of 7 entries turned into stock…" {
		t.Fatalf("progress line: %q", s)
	}
	// Opened again: nothing to upgrade, nothing reported.
	steps = nil
	open(t, dir)
	if len(steps) != 0 {
		t.Fatalf("progress on an upgraded inventory: %+v", steps)
	}
}
