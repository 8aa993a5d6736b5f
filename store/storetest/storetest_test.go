package storetest_test

import (
	"context"
	"testing"

	"medinventory/store"
	"medinventory/store/storetest"
)

// Two inventories from the template are empty, writable and apart: what one gets, the other has not.
func TestOpenGivesSeparateEmptyInventories(t *testing.T) {
	ctx := context.Background()
	a, b := storetest.Open(t, store.Options{}), storetest.Open(t, store.Options{})
	if a.Dir() == b.Dir() {
		t.Fatalf("both in %s", a.Dir())
	}
	if _, err := a.AddEntry(ctx, map[string]string{"name": "Paracetamol"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		st   *store.Store
		want int
	}{{a, 1}, {b, 0}} {
		es, err := c.st.ListEntries(ctx, store.Filter{})
		if err != nil || len(es) != c.want {
			t.Fatalf("%s: %d entries, %v; want %d", c.st.Dir(), len(es), err, c.want)
		}
	}
}
