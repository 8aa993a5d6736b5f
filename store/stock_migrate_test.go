package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"medinventory/jobs"
	"medinventory/store"
	"medinventory/store/stock"
)

// copyDir copies a fixture data folder, so the checked-in files are never changed.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// dump reads rows of a query as text, to compare before and after.
func dump(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(vals...))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// The fixture is a data folder made by release 0.1.0 (store/testdata/release-0.1.0/make.sh):
// six photos imported offline (five read by their barcode, one waiting), entries edited, confirmed
// and deleted in that release's own code, and two entries typed by hand.
func TestReleaseDatabaseMigratesWithNothingLost(t *testing.T) {
	ctx := context.Background()
	dir := copyDir(t, filepath.Join("testdata", "release-0.1.0", "data"))

	// What the old release wrote, read before the new code touches the file. Columns are named, so
	// that columns later migrations add do not count as changes.
	old, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.DBName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var oldVersion int
	if err := old.QueryRow("PRAGMA user_version").Scan(&oldVersion); err != nil || oldVersion != 1 {
		t.Fatalf("fixture version %d, %v; want 1 (release 0.1.0)", oldVersion, err)
	}
	const entryQ = `SELECT id, COALESCE(photo_id,0), COALESCE(analysis_id,0), name, generic_name, strength, dosage_form, manufacturer, gtin, lot,
		expiry, COALESCE(quantity,-1), unit, location, notes, status, field_sources, review_note, deleted_at IS NOT NULL, created_at FROM entries ORDER BY id`
	queries := []string{
		`SELECT id, sha256, stored_path, original_name, bytes, width, height, format, added_at FROM photos ORDER BY id`,
		entryQ,
		`SELECT id, entry_id, field, old_value, new_value, source, at FROM edits ORDER BY id`,
		`SELECT id, photo_id, COALESCE(job_id,0), source, result_json, error, created_at FROM analyses ORDER BY id`,
		`SELECT id, kind, photo_id, state, unique_key FROM jobs ORDER BY id`,
		`SELECT id, name, generic_name, strength, dosage_form, manufacturer, gtin, confirmed FROM products ORDER BY id`,
	}
	before := map[string][]string{}
	for _, q := range queries {
		before[q] = dump(t, old, q)
	}
	old.Close()
	if len(before[queries[0]]) != 6 || len(before[entryQ]) != 7 || len(before[queries[2]]) < 10 {
		t.Fatalf("fixture has %d photos, %d entries, %d edits; want 6, 7, ≥10", len(before[queries[0]]), len(before[entryQ]), len(before[queries[2]]))
	}

	st, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatalf("the new release cannot open the old database: %v", err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	// The job table is the job pool's: the app brings it to its current shape when it opens the
	// inventory (photo_id becomes subject_id).
	if err := jobs.CreateSchema(ctx, st.DB()); err != nil {
		t.Fatalf("the job table of release 0.1.0 cannot be upgraded: %v", err)
	}
	// Entries 1 and 3 read one serial (SN00012345); entry 3 counts 2 packs, one of which may be
	// entry 1's: its receipt is flagged for the reviewer, with this note.
	sharedNote := stock.SharedSerialNote("amox-lot-ab1234-a.jpg", "SN00012345")
	after := func(q string) []string {
		q = strings.Replace(q, "kind, photo_id, state", "kind, subject_id, state", 1)
		// 0005 moved the barcode's "Serial …" notes to the serial field: put them back to compare.
		q = strings.Replace(q, "location, notes, status, field_sources,", `location, CASE WHEN serial <> '' THEN 'Serial ' || serial ELSE notes END,
			status, CASE WHEN serial <> '' THEN json_remove(field_sources, '$.serial') ELSE field_sources END,`, 1)
		// Entry 3's two packs share a serial with entry 1's: its note says so (checked below).
		q = strings.Replace(q, "review_note,", "replace(review_note, ' "+sharedNote+"', ''),", 1)
		return dump(t, st.ReadDB(), q)
	}
	if e3, err := st.Entry(ctx, 3); err != nil || !strings.HasSuffix(e3.ReviewNote, " "+sharedNote) {
		t.Errorf("entry 3's review note %q (%v); want it to end with %q", e3.ReviewNote, err, sharedNote)
	}
	if r3, err := st.ReceiptForEntry(ctx, 3); err != nil || r3.SimilarPhotoID != 1 {
		t.Errorf("entry 3's receipt is not flagged as like photo 1: %+v, %v", r3.Movement, err)
	}
	if got := dump(t, st.ReadDB(), `SELECT id || ' ' || serial || ' [' || notes || '] ' || json_extract(field_sources, '$.serial') FROM entries WHERE serial <> '' ORDER BY id`); !reflect.DeepEqual(got,
		[]string{"1 SN00012345 [] barcode", "3 SN00012345 [] barcode", "4 A1B2C3D4E5F6G7H8 [] barcode"}) {
		t.Errorf("serials moved out of the notes: %q", got)
	}
	// Every photo, entry (deleted ones too), edit, analysis, job and catalog product is as it was.
	for _, q := range queries[:5] {
		if got := after(q); !reflect.DeepEqual(got, before[q]) {
			t.Errorf("changed by the migration:\n%s\nbefore %v\nafter  %v", q, before[q], got)
		}
	}
	oldProducts := before[queries[5]]
	if got := after(queries[5]); !reflect.DeepEqual(got[:len(oldProducts)], oldProducts) {
		t.Errorf("catalog products changed:\nbefore %v\nafter  %v", oldProducts, got)
	}
	// Every photo file is there, with the bytes its name promises.
	for _, p := range dump(t, st.ReadDB(), `SELECT stored_path || ' ' || sha256 FROM photos`) {
		var path, sum string
		fmt.Sscan(p, &path, &sum)
		b, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil {
			t.Fatalf("photo file lost: %v", err)
		}
		if h := sha256.Sum256(b); hex.EncodeToString(h[:]) != sum {
			t.Fatalf("photo %s changed", path)
		}
	}

	// Each entry became one receipt of its quantity on its lot: confirmed stays confirmed,
	// needs-review stays pending, deleted proposes nothing; history stays attached through the entry.
	want := map[string]struct {
		qty    int64
		status stock.Status
	}{
		"Amoxil AB-1234 confirmed": {3, stock.Confirmed}, "Amoxil AB-1234 pending": {2, stock.Pending},
		"Amoxil QR7 confirmed": {5, stock.Confirmed}, " LOT2024X7Q confirmed": {1, stock.Confirmed},
		"ORS sachets O-77 pending": {10, stock.Pending}, "Paracetamol P9 confirmed": {90, stock.Confirmed},
	}
	es, err := st.ListEntries(ctx, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, e := range es {
		r, err := st.ReceiptForEntry(ctx, e.ID)
		if err != nil {
			t.Fatalf("entry %d (%s) has no receipt: %v", e.ID, e.Name, err)
		}
		key := fmt.Sprintf("%s %s %s", r.Product.Name, r.Line.Lot, r.Status)
		w, ok := want[key]
		if !ok || r.Quantity != w.qty || r.EntryID != e.ID || r.PhotoID != e.PhotoID || r.Line.Expiry != e.Expiry || r.Line.Location != e.Location {
			t.Errorf("entry %d → receipt %q of %d (photo %d, lot expiry %s); want %+v", e.ID, key, r.Quantity, r.PhotoID, r.Line.Expiry, w)
		}
		if h, _ := st.History(ctx, e.ID); e.Status == store.StatusConfirmed && len(h) == 0 {
			t.Errorf("entry %d lost its history", e.ID)
		}
		seen++
	}
	if seen != 6 {
		t.Fatalf("%d entries listed, want 6 (the 7th is deleted)", seen)
	}
	if deletedReceipts := countRows(t, st.ReadDB(), `SELECT count(*) FROM movements m JOIN entries e ON e.id = m.entry_id WHERE e.deleted_at IS NOT NULL`); deletedReceipts != 0 {
		t.Fatalf("a deleted entry got %d receipts", deletedReceipts)
	}

	// Two photos of lot AB-1234 are one line: 3 on hand, 2 waiting for review.
	ps, err := st.ListProducts(ctx, store.ProductFilter{Search: "amoxil"})
	if err != nil || len(ps) != 1 {
		t.Fatalf("products %+v, %v", ps, err)
	}
	if p := ps[0]; p.Usable != 8 || p.Pending != 2 || p.PendingReceipts != 1 || p.Lots != 2 || p.NearestExpiry != "2027-06-30" {
		t.Fatalf("Amoxil = %+v; want 8 usable (3 + 5), 2 pending, 2 lots", p)
	}
	// The migrated stock behaves like new stock: confirm the pending receipt, dispense FEFO.
	es, _ = st.ListEntries(ctx, store.Filter{NeedsReview: true, Search: "AB-1234"})
	if len(es) != 1 {
		t.Fatalf("%d entries need review on AB-1234", len(es))
	}
	// Its 2 packs share the serial of the photo that counted lot AB-1234's first pack: the reviewer is
	// asked first (issue 22), and here answers that they are other packs.
	q, err := st.PackQuestion(ctx, es[0].ID)
	if err != nil || q == nil {
		t.Fatalf("the shared-serial entry asks no question: %v, %v", q, err)
	}
	if _, err := st.ConfirmEntry(ctx, es[0].ID); !errors.Is(err, store.ErrPackDecision) {
		t.Fatalf("confirming before deciding: %v; want store.ErrPackDecision", err)
	}
	if err := st.DecidePack(ctx, q.ReceiptID, store.NewPack); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ConfirmEntry(ctx, es[0].ID); err != nil {
		t.Fatal(err)
	}
	if ms, err := st.DispenseProduct(ctx, ps[0].ID, 6, ""); err != nil || len(ms) != 2 || ms[0].Quantity != -5 {
		t.Fatalf("FEFO dispense on migrated stock: %+v, %v", ms, err)
	}
	if ps, _ = st.ListProducts(ctx, store.ProductFilter{Search: "amoxil"}); ps[0].Usable != 4 {
		t.Fatalf("after confirming 2 and dispensing 6: usable %d, want 4", ps[0].Usable)
	}
	// A second open migrates nothing again.
	st.Close()
	st2 := open(t, dir)
	if n := countRows(t, st2.ReadDB(), `SELECT count(*) FROM movements WHERE kind = 'receive'`); n != 6 {
		t.Fatalf("%d receipts after reopening, want 6", n)
	}
}
