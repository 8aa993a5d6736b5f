package syncclient_test

import (
	"context"
	"testing"
)

// The hub's database is lost and a new, empty hub takes its place. Each laptop is told its token
// is unknown, joins the new hub with a new code and sends all it recorded again. B, which
// dispensed from a lot A made, happens to join first: the new hub holds B's movement on A's lot
// before that lot. A laptop that joins later pulls, a page at a time, B's movement before A's
// lot: it waits for the lot (kept aside) instead of stopping every sync there, for ever, with
// "the hub sent a movement of a lot it never sent". Every laptop ends with 1 = 2 − 1.
func TestANewHubFilledAgainInAnyOrder(t *testing.T) {
	ctx := context.Background()
	old := newDistrict(t)
	a, b := newLaptop(t), newLaptop(t)
	a.join(t, old)
	a.receive(t, 2)
	a.sync(t, old)
	b.join(t, old)
	b.sync(t, old)
	b.dispense(t, 1)
	b.sync(t, old)
	a.sync(t, old)

	d := newDistrict(t)
	if _, err := b.client(d).Sync(ctx); err == nil {
		t.Fatal("a new hub took the old hub's token")
	}
	b.join(t, d)
	b.sync(t, d)
	a.join(t, d)
	a.sync(t, d)
	c := newLaptop(t)
	c.join(t, d)
	cl := c.client(d)
	cl.Page = 1
	for i := 0; i < 3; i++ { // the first syncs may end before A's lot arrives; none fails
		if _, err := cl.Sync(ctx); err != nil {
			t.Fatalf("C's sync %d: %v", i+1, err)
		}
	}
	if err := c.st.CheckStockTotals(ctx); err != nil {
		t.Fatal(err)
	}
	for name, l := range map[string]*laptop{"A": a, "B": b, "C": c} {
		if n := l.onHand(t); n != 1 {
			t.Errorf("%s sees %d, want 1", name, n)
		}
	}
}
