package hub

import (
	"context"
	"testing"

	"medinventory/store/syncwire"
)

// A laptop of one clinic cannot write into another clinic's rows, whatever UUIDs it sends: a
// movement on another clinic's lot, a lot of another clinic's product, an edit of another
// clinic's product, or a row reusing another clinic's UUID is refused with nothing stored, and
// the other clinic's stock on the hub is what its own laptops recorded.
func TestOneClinicCannotWriteIntoAnother(t *testing.T) {
	ctx := context.Background()
	h := openHub(t)
	a, b := join(t, h, "Kasese HC"), join(t, h, "Bwera HC")
	breq := b.receipt(10)
	push(t, h, b, breq)
	bProduct, bLine, bMove := breq.Products[0].UUID, breq.Lines[0].UUID, breq.Movements[0].UUID

	hostile := map[string]syncwire.PushRequest{}
	hostile["a movement on B's lot"] = a.movement(bLine, "dispense", -10)
	r := a.receipt(1)
	r.Lines[0].ProductUUID = bProduct
	hostile["a lot of B's product"] = r
	a.through++
	hostile["an edit of B's product"] = syncwire.PushRequest{DeviceID: a.id, DataID: a.dataID, Through: a.through,
		Edits: []syncwire.Edit{{UUID: id7(), DeviceID: a.id, Entity: "product", EntityUUID: bProduct, Field: "name", Value: "<b>x</b>", At: 1}}}
	a.through++
	hostile["an edit of B's lot"] = syncwire.PushRequest{DeviceID: a.id, DataID: a.dataID, Through: a.through,
		Edits: []syncwire.Edit{{UUID: id7(), DeviceID: a.id, Entity: "line", EntityUUID: bLine, Field: "pack_size", Value: "1000", At: 1}}}
	r = a.receipt(1)
	r.Movements[0].UUID = bMove
	hostile["a movement reusing B's movement's uuid"] = r
	r = a.receipt(1)
	r.Products[0].UUID = bProduct
	r.Lines[0].ProductUUID = bProduct
	hostile["a product reusing B's product's uuid"] = r
	for name, req := range hostile {
		if _, err := h.Push(ctx, a.token, req); code(err) != syncwire.ErrBadRequest {
			t.Errorf("%s: %v, want refused (%s)", name, err, syncwire.ErrBadRequest)
		}
	}
	rows, err := h.Stock(ctx, Filter{Clinic: "Bwera HC"})
	if err != nil || len(rows) != 1 || rows[0].OnHand != 10 {
		t.Fatalf("B's stock on the hub: %+v, %v; want one lot of 10", rows, err)
	}
	if rows, err := h.Stock(ctx, Filter{Clinic: "Kasese HC"}); err != nil || len(rows) != 0 {
		t.Fatalf("A's stock on the hub: %+v, %v; want nothing (every push was refused)", rows, err)
	}
	if bad, err := h.CheckTotals(ctx); err != nil || len(bad) != 0 {
		t.Fatalf("totals differ for %v (%v)", bad, err)
	}
	// A's own rows still go.
	push(t, h, a, a.receipt(3))
}
