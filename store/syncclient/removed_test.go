package syncclient_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"medinventory/store/syncclient"
)

// A laptop the district removed (`hub remove`: a stolen one) gets the plain-words token error on
// its next sync, keeps its stock, and what it sent stays in the clinic: the other laptop keeps it
// and the district's stock counts it.
func TestRemovedLaptopsSyncIsRefused(t *testing.T) {
	ctx := context.Background()
	d := newDistrict(t)
	a, b := newLaptop(t), newLaptop(t)
	a.join(t, d)
	b.join(t, d)
	a.receive(t, 4)
	a.sync(t, d)
	id, err := a.st.DeviceID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	removed, err := d.hub.RemoveDevice(ctx, id)
	if err != nil || removed.Movements != 1 || removed.Clinic != "Clinic A" {
		t.Fatalf("RemoveDevice: %+v, %v", removed, err)
	}
	a.dispense(t, 1)
	_, err = a.client(d).Sync(ctx)
	var se *syncclient.Error
	if !errors.As(err, &se) || se.Kind != syncclient.KindToken || !strings.Contains(se.Error(), "may have been removed from the clinic") {
		t.Fatalf("sync of a removed laptop: %v", err)
	}
	if a.onHand(t) != 3 {
		t.Fatalf("the removed laptop holds %d; want 3 (its stock stays)", a.onHand(t))
	}
	if r := b.sync(t, d); r.Received != 1 || b.onHand(t) != 4 {
		t.Fatalf("B after A's removal: %+v, on hand %d; want A's 4", r, b.onHand(t))
	}
	rows, err := d.hub.Stock(ctx, hubFilter("Clinic A"))
	if err != nil || len(rows) != 1 || rows[0].OnHand != 4 {
		t.Fatalf("the district's stock after the removal: %+v, %v; want 4", rows, err)
	}
}
