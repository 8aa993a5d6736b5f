package cli

import (
	"context"
	"strings"
	"testing"

	"medinventory/store"
	"medinventory/store/syncwire"
)

// handOver moves from's outbox into to as one pulled page (what the hub does between two laptops).
func handOver(t *testing.T, from, to *store.Store) {
	t.Helper()
	ctx := context.Background()
	req, err := from.OutboxBatch(ctx, 10000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := to.ApplyPull(ctx, syncwire.PullResponse{Products: req.Products, Lines: req.Lines, Movements: req.Movements,
		Edits: req.Edits, Next: req.Through}); err != nil {
		t.Fatal(err)
	}
	if err := from.AckPush(ctx, req.Through); err != nil {
		t.Fatal(err)
	}
}

// sync --conflicts lists a field two laptops changed at once; --settle keeps a value; the words
// for a laptop that never joined and for wrong flags are plain.
func TestSyncConflictsAndSettle(t *testing.T) {
	ctx := context.Background()
	da, db := t.TempDir(), t.TempDir()
	if code, _, errs := cmd(t, da, "receive", "04006381333931", "5", "--lot", "L1", "--expiry", "2028-06-30", "--name", "Amoxicillin"); code != 0 {
		t.Fatal(errs)
	}
	a, err := store.Open(ctx, da, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	handOver(t, a, b)
	pa, _ := a.FindProduct(ctx, "04006381333931")
	pb, _ := b.FindProduct(ctx, "04006381333931")
	if _, err := a.SetProductStock(ctx, pa.ID, "", 20); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SetProductStock(ctx, pb.ID, "", 30); err != nil {
		t.Fatal(err)
	}
	handOver(t, b, a)
	cs, _ := a.SyncConflicts(ctx)
	a.Close()
	b.Close()
	if len(cs) != 1 {
		t.Fatalf("conflicts: %+v", cs)
	}

	code, out, errs := cmd(t, da, "sync", "--conflicts")
	if code != 0 || !strings.Contains(out, "Amoxicillin") || !strings.Contains(out, "reorder_level") ||
		!strings.Contains(out, "20") || !strings.Contains(out, "30") || !strings.Contains(out, "--settle ID --value VALUE") {
		t.Fatalf("sync --conflicts: %d\n%s\n%s", code, out, errs)
	}
	if code, _, errs := cmd(t, da, "sync", "--settle", "1"); code != ExitUsage || !strings.Contains(errs, "--settle needs --value") {
		t.Fatalf("--settle without --value: %d %s", code, errs)
	}
	if code, out, errs := cmd(t, da, "sync", "--settle", "1", "--value", "25"); code != 0 || !strings.Contains(out, `Conflict 1 settled: "25" is kept.`) {
		t.Fatalf("--settle: %d\n%s\n%s", code, out, errs)
	}
	if code, out, _ := cmd(t, da, "sync", "--conflicts"); code != 0 || !strings.Contains(out, "No conflicts to settle.") {
		t.Fatalf("after settling: %d %s", code, out)
	}
	if code, _, errs := cmd(t, da, "sync"); code != ExitFailed || !strings.Contains(errs, "This laptop has not joined a hub yet") {
		t.Fatalf("sync before joining: %d %s", code, errs)
	}
	if code, _, errs := cmd(t, da, "sync", "--code", "ABCD"); code != ExitUsage || !strings.Contains(errs, "--hub") {
		t.Fatalf("--code without --hub: %d %s", code, errs)
	}
	if code, _, errs := cmd(t, da, "sync", "--hub", "hub.example.org", "--code", "ABCD"); code != ExitUsage || !strings.Contains(errs, "is not a web address") {
		t.Fatalf("a hub address without a scheme: %d %s", code, errs)
	}
}

// sync --conflicts lists a lot whose unit another laptop changed from another balance (A made 2
// packs 60 capsules while B dispensed a pack); a count of the lot takes it off the list.
func TestSyncConflictsListsLotsToCount(t *testing.T) {
	ctx := context.Background()
	da, db := t.TempDir(), t.TempDir()
	if code, _, errs := cmd(t, da, "receive", "04006381333931", "2", "--lot", "L1", "--expiry", "2028-06-30", "--name", "Amoxi\x1b[8mcillin"); code != 0 {
		t.Fatal(errs)
	}
	a, err := store.Open(ctx, da, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	handOver(t, a, b)
	pa, _ := a.FindProduct(ctx, "04006381333931")
	pb, _ := b.FindProduct(ctx, "04006381333931")
	if _, err := a.SetProductUnit(ctx, pa.ID, "capsule", 30); err != nil {
		t.Fatal(err)
	}
	if _, err := b.DispenseProduct(ctx, pb.ID, 1, ""); err != nil {
		t.Fatal(err)
	}
	handOver(t, a, b)
	a.Close()
	b.Close()
	code, out, errs := cmd(t, db, "sync", "--conflicts")
	if code != 0 || !strings.Contains(out, "Lots to count") || !strings.Contains(out, `Amoxi\x1b[8mcillin`) || strings.Contains(out, "\x1b") || !strings.Contains(out, "L1") ||
		!strings.Contains(out, "medinventory count") {
		t.Fatalf("sync --conflicts: %d\n%s\n%s", code, out, errs)
	}
	if code, _, errs := cmd(t, db, "count", "04006381333931", "30", "--reason", "count_correction"); code != 0 {
		t.Fatalf("count: %s", errs)
	}
	if code, out, _ := cmd(t, db, "sync", "--conflicts"); code != 0 || !strings.Contains(out, "No conflicts to settle.") {
		t.Fatalf("after the count: %d %s", code, out)
	}
}
