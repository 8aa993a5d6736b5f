package syncclient_test

import (
	"context"
	"strings"
	"testing"

	"medinventory/store"
	"medinventory/store/syncclient"
)

// A data folder copied from a laptop of clinic A, joined to clinic B: its first sync is refused
// in plain words (it carries clinic A's rows, which clinic B's laptop would otherwise have changed
// on the hub), and clinic A's stock on the hub is untouched by what the copy records.
func TestCopyOfAnotherClinicsFolderCannotSyncThere(t *testing.T) {
	ctx := context.Background()
	t.Setenv("MEDINVENTORY_MACHINE_ID", "computer-1")
	d := newDistrict(t)
	a := newLaptop(t)
	a.join(t, d)
	a.receive(t, 5)
	a.sync(t, d)
	if err := a.st.Close(); err != nil {
		t.Fatal(err)
	}
	dir2 := t.TempDir()
	copyDir(t, a.dir, dir2)
	t.Setenv("MEDINVENTORY_MACHINE_ID", "computer-2")
	st, err := store.Open(ctx, dir2, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cp := &laptop{st: st, dir: dir2}
	code, err := d.hub.Enrol(ctx, "Clinic B")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := syncclient.Join(ctx, st, d.srv.URL, code)
	if err != nil {
		t.Fatal(err)
	}
	cp.token = resp.Token
	cp.dispense(t, 5)
	_, err = cp.client(d).Sync(ctx)
	if err == nil || !strings.Contains(err.Error(), "another clinic") || !strings.Contains(err.Error(), "new, empty data folder") {
		t.Fatalf("the copy's sync with another clinic: %v", err)
	}
	rows, err := d.hub.Stock(ctx, hubFilter("Clinic A"))
	if err != nil || len(rows) != 1 || rows[0].OnHand != 5 {
		t.Fatalf("clinic A on the hub: %+v, %v; want 5", rows, err)
	}
}
