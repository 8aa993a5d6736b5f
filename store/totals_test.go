package store_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"medinventory/store"
)

// hostileEdit runs SQL on the closed inventory's file through a connection of its own, as a hand
// edit with a database tool would: nothing of the app runs.
func hostileEdit(t *testing.T, dir, query string, args ...any) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: filepath.Join(dir, store.DBName)}).EscapedPath())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func onHand(t *testing.T, st *store.Store, lineID int64) int64 {
	t.Helper()
	l, err := st.Line(context.Background(), lineID)
	if err != nil {
		t.Fatal(err)
	}
	return l.OnHand
}

// A lot total changed by hand is recomputed from the movements at the next open, reported once,
// and the right figure is shown.
func TestTamperedTotalIsRepairedAtOpenAndReportedOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l := receivedLine(t, st, "Zinc", "Z", "2028-01-31", 5)
	other := receivedLine(t, st, "Iron", "F", "2028-02-29", 7)
	if _, err := st.Dispense(ctx, l.ID, 2, ""); err != nil {
		t.Fatal(err)
	}
	if r := st.OpenReport(); len(r.TotalsRepaired) != 0 || len(r.Messages()) != 0 {
		t.Fatalf("a new inventory reports %+v", r)
	}
	st.Close()
	hostileEdit(t, dir, `UPDATE line_totals SET on_hand = 40, moves = 9 WHERE line_id = ?`, l.ID)
	hostileEdit(t, dir, `DELETE FROM line_totals WHERE line_id = ?`, other.ID)

	// Read-only (a USB stick): not repaired, but said.
	ro, err := store.Open(ctx, dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if r := ro.OpenReport(); len(r.TotalsWrong) != 2 || len(r.TotalsRepaired) != 0 || !strings.Contains(r.Messages()[0], "read-only") {
		t.Fatalf("read-only report: %+v %q", r, r.Messages())
	}
	ro.Close()

	st = open(t, dir)
	if got := onHand(t, st, l.ID); got != 3 {
		t.Fatalf("on hand after the edit: %d, want 3 (5 received, 2 dispensed)", got)
	}
	if got := onHand(t, st, other.ID); got != 7 {
		t.Fatalf("on hand of the lot whose total was deleted: %d, want 7", got)
	}
	r := st.OpenReport()
	if len(r.TotalsRepaired) != 2 || r.TotalsRepaired[0] != l.ID || len(r.Messages()) != 1 {
		t.Fatalf("report: %+v %q", r, r.Messages())
	}
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st = open(t, dir)
	if r := st.OpenReport(); len(r.TotalsRepaired) != 0 {
		t.Fatalf("reported twice: %+v", r)
	}
}

// A backup taken while a total is wrong carries the right one, says so, and restores.
func TestBackupAfterTamperingRestores(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := open(t, dir)
	l := receivedLine(t, st, "Zinc", "Z", "2028-01-31", 5)
	// The window is open while the file is edited: the drift happens after this open's check.
	if _, err := st.DB().ExecContext(ctx, `UPDATE line_totals SET on_hand = 99 WHERE line_id = ?`, l.ID); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	m, err := st.Backup(ctx, &buf, t.TempDir(), "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.TotalsRepaired != 1 {
		t.Fatalf("backup repaired %d lots, want 1", m.TotalsRepaired)
	}
	if got := onHand(t, st, l.ID); got != 5 {
		t.Fatalf("on hand after the backup: %d", got)
	}
	archive := filepath.Join(t.TempDir(), "b.zip")
	if err := os.WriteFile(archive, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "restored")
	if _, err := store.Restore(ctx, archive, target, st.Now()); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if got := onHand(t, open(t, target), l.ID); got != 5 {
		t.Fatalf("restored on hand: %d", got)
	}
}

// A backup whose database carries a wrong total (made by an earlier version, or edited) restores:
// the unpacked copy is repaired when it is opened.
func TestRestoreRepairsADriftedArchive(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := open(t, dir)
	l := receivedLine(t, st, "Zinc", "Z", "2028-01-31", 5)
	var buf bytes.Buffer
	if _, err := st.Backup(ctx, &buf, t.TempDir(), "test", nil); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "b.zip")
	if err := os.WriteFile(archive, driftArchive(t, buf.Bytes(), l.ID), 0o600); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "restored")
	if _, err := store.Restore(ctx, archive, target, st.Now()); err != nil {
		t.Fatalf("restore of a drifted archive: %v", err)
	}
	if got := onHand(t, open(t, target), l.ID); got != 5 {
		t.Fatalf("restored on hand: %d", got)
	}
}

// driftArchive rewrites a backup archive with its database's total of lot lineID changed, and a
// manifest that matches (as an archive made by a version that did not repair would be).
func driftArchive(t *testing.T, archive []byte, lineID int64) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	var m store.Manifest
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == store.ManifestName {
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			continue
		}
		files[f.Name] = b
	}
	tmp := t.TempDir()
	if err := os.WriteFile(filepath.Join(tmp, store.DBName), files[store.DBName], 0o600); err != nil {
		t.Fatal(err)
	}
	hostileEdit(t, tmp, `UPDATE line_totals SET on_hand = 99 WHERE line_id = ?`, lineID)
	db, err := os.ReadFile(filepath.Join(tmp, store.DBName))
	if err != nil {
		t.Fatal(err)
	}
	files[store.DBName] = db
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for i, mf := range m.Files {
		b := files[mf.Name]
		sum := sha256.Sum256(b)
		m.Files[i].Size, m.Files[i].SHA256 = int64(len(b)), hex.EncodeToString(sum[:])
		w, err := zw.Create(mf.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	w, _ := zw.Create(store.ManifestName)
	json.NewEncoder(w).Encode(m)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
