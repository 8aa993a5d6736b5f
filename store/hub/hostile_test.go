package hub

import (
	"context"
	"math"
	"strings"
	"testing"

	"medinventory/store/syncwire"
)

// A row the hub stores reaches every laptop of the clinic, which applies it or stops its sync
// there. So the hub refuses, with nothing stored, what would overflow its own totals or what the
// laptops cannot store: a quantity far beyond any real movement (two of MaxInt64 overflowed the
// lot's bigint total, and from then on every push touching that lot failed), and ids that are no
// UUIDs (the laptops refuse a page holding one, so every later sync of every laptop failed).
func TestHostileValuesAreRefused(t *testing.T) {
	ctx := context.Background()
	h := openHub(t)
	a := join(t, h, "Kasese HC")
	good := a.receipt(5)
	push(t, h, a, good)
	line := good.Lines[0].UUID
	big := int64(math.MaxInt64)
	hostile := map[string]syncwire.PushRequest{}
	hostile["quantity MaxInt64"] = a.movement(line, "receive", math.MaxInt64)
	hostile["quantity MinInt64"] = a.movement(line, "dispense", math.MinInt64)
	r := a.movement(line, "count", 0)
	r.Movements[0].Counted = &big
	hostile["counted MaxInt64"] = r
	r = a.movement(line, "receive", 1)
	r.Movements[0].UUID = "x"
	hostile["a movement uuid of one letter"] = r
	hostile["a line uuid with a space"] = a.movement("0000 0000-aaaa", "receive", 1)
	r = a.receipt(1)
	r.Lines[0].ProductUUID = "p"
	hostile["a lot's product uuid of one letter"] = r
	for name, req := range hostile {
		if _, err := h.Push(ctx, a.token, req); code(err) != syncwire.ErrBadRequest {
			t.Errorf("%s: %v, want refused (%s)", name, err, syncwire.ErrBadRequest)
		}
	}
	// The lot still takes movements, and holds what the laptop recorded.
	push(t, h, a, a.movement(line, "dispense", -1))
	rows, err := h.Stock(ctx, Filter{})
	if err != nil || len(rows) != 1 || rows[0].OnHand != 4 {
		t.Fatalf("stock %+v, %v; want one lot of 4", rows, err)
	}
	if bad, err := h.CheckTotals(ctx); err != nil || len(bad) != 0 {
		t.Fatalf("totals differ for %v (%v)", bad, err)
	}
}

// A laptop removed from the hub (RemoveDevice, `hub remove`: a stolen laptop) can no longer push,
// pull or read the status with its token, and what it sent before stays.
func TestRemovedLaptopsTokenIsRefused(t *testing.T) {
	ctx := context.Background()
	h := openHub(t)
	a, b := join(t, h, "Kasese HC"), join(t, h, "Kasese HC")
	push(t, h, a, a.receipt(5))
	push(t, h, b, b.receipt(2))
	other := join(t, h, "Bwera HC")
	devices, err := h.Devices(ctx, "Kasese HC")
	if err != nil || len(devices) != 2 || devices[0].ID != a.id || devices[0].Movements != 1 || devices[0].LastSync.IsZero() ||
		devices[0].Name != "pc-"+a.id[:4] || devices[0].Clinic != "Kasese HC" {
		t.Fatalf("Devices(Kasese HC) = %+v, %v; want A (1 movement) then B", devices, err)
	}
	if all, err := h.Devices(ctx, ""); err != nil || len(all) != 3 || all[0].ID != other.id || all[0].Movements != 0 || !all[0].LastSync.IsZero() {
		t.Fatalf("Devices() = %+v, %v; want Bwera's laptop first, never synced", all, err)
	}
	// An unknown id is refused in plain words and removes nothing.
	if _, err := h.RemoveDevice(ctx, "no-such-laptop"); err == nil || !strings.Contains(err.Error(), `no laptop with the id "no-such-laptop"`) {
		t.Fatalf("RemoveDevice(unknown) = %v", err)
	}
	removed, err := h.RemoveDevice(ctx, " "+a.id+" ")
	if err != nil || removed.ID != a.id || removed.Clinic != "Kasese HC" || removed.Movements != 1 {
		t.Fatalf("RemoveDevice(A) = %+v, %v", removed, err)
	}
	if _, err := h.RemoveDevice(ctx, a.id); err == nil {
		t.Fatal("removing A twice: no error")
	}
	if devices, _ := h.Devices(ctx, "Kasese HC"); len(devices) != 1 || devices[0].ID != b.id {
		t.Fatalf("after removing A: %+v; want B alone", devices)
	}
	if _, err := h.Push(ctx, a.token, a.receipt(1)); code(err) != syncwire.ErrToken {
		t.Errorf("push with a removed laptop's token: %v", err)
	}
	if _, err := h.Pull(ctx, a.token, syncwire.PullRequest{}); code(err) != syncwire.ErrToken {
		t.Errorf("pull with a removed laptop's token: %v", err)
	}
	if _, err := h.Status(ctx, a.token); code(err) != syncwire.ErrToken {
		t.Errorf("status with a removed laptop's token: %v", err)
	}
	if got, _ := pullAll(t, h, b, 0, false); len(got.Movements) != 1 {
		t.Fatalf("B pulled %+v; want A's receipt", got)
	}
	// A's movements stay in the clinic's stock: the district still counts 5 + 2.
	rows, err := h.Stock(ctx, Filter{Clinic: "Kasese HC"})
	var total int64
	for _, r := range rows {
		total += r.OnHand
	}
	if err != nil || len(rows) != 2 || total != 7 {
		t.Fatalf("stock after removing A: %+v, %v; want A's 5 and B's 2", rows, err)
	}
	if bad, err := h.CheckTotals(ctx); err != nil || len(bad) != 0 {
		t.Fatalf("CheckTotals: %v %v", bad, err)
	}
}

// Text PostgreSQL cannot hold (a NUL character, which SQLite and JSON can; bytes that are not
// UTF-8) is stored with U+FFFD in its place: before, the push failed as if the database were
// down ("try again later"), on every sync of that laptop, for ever.
func TestTextPostgreSQLCannotHoldIsStored(t *testing.T) {
	ctx := context.Background()
	h := openHub(t)
	a := join(t, h, "Kasese HC")
	r := a.receipt(1)
	r.Movements[0].Note = "a\x00b"
	r.Lines[0].Lot = "L\xff1"
	r.Products[0].NameKey = "para\x00cetamol"
	push(t, h, a, r)
	rows, err := h.Stock(ctx, Filter{})
	if err != nil || len(rows) != 1 || rows[0].Lot != "L\uFFFD1" || rows[0].Product == "" {
		t.Fatalf("stock %+v, %v", rows, err)
	}
}

// A laptop's name of 199 letters and an "é" (cut at 200 bytes, in the middle of the é) or with a
// NUL joins: before, the hub failed as if its database were down.
func TestJoinWithAnAwkwardName(t *testing.T) {
	ctx := context.Background()
	h := openHub(t)
	for _, name := range []string{strings.Repeat("a", 199) + "é", "pc\x00one"} {
		code, err := h.Enrol(ctx, "Kasese HC")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.Join(ctx, syncwire.EnrolRequest{Code: code, DeviceID: id7(), DeviceName: name, DataID: id7()}); err != nil {
			t.Errorf("joining as %q: %v", name, err)
		}
	}
}
