package hub

import (
	"context"
	"errors"
	"testing"
	"time"

	"medinventory/store/syncwire"
)

// On hand per clinic, product and lot comes from the movements alone; a product whose lots hold
// nothing is a stock-out; lots expiring soon are found; each clinic's last sync is told.
func TestDistrictStock(t *testing.T) {
	h := openHub(t)
	ctx := context.Background()
	a := join(t, h, "Kasese HC")
	b := join(t, h, "Bwera HC")
	ra := a.receipt(10)
	ra.Lines[0].Expiry = "2026-03-01"
	push(t, h, a, ra)
	push(t, h, a, a.movement(ra.Lines[0].UUID, "dispense", -4))
	a.through++
	push(t, h, a, syncwire.PushRequest{DeviceID: a.id, DataID: a.dataID, Through: a.through, Edits: []syncwire.Edit{
		{UUID: id7(), DeviceID: a.id, Entity: "product", EntityUUID: ra.Products[0].UUID, Field: "name", Value: "Amoxicillin 250 mg", At: 1}}})
	rb := b.receipt(3)
	push(t, h, b, rb)
	push(t, h, b, b.movement(rb.Lines[0].UUID, "dispense", -3))

	all, err := h.Stock(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Clinic != "Bwera HC" || all[0].OnHand != 0 || all[1].Product != "Amoxicillin 250 mg" || all[1].OnHand != 6 || all[1].Lot != "L1" {
		t.Fatalf("stock %+v", all)
	}
	one, _ := h.Stock(ctx, Filter{Clinic: "Kasese HC"})
	if len(one) != 1 || one[0].Clinic != "Kasese HC" {
		t.Fatalf("one clinic %+v", one)
	}
	outs, _ := h.Stock(ctx, Filter{OutOfStock: true})
	if len(outs) != 1 || outs[0].Clinic != "Bwera HC" || outs[0].GTIN != rb.Products[0].GTIN {
		t.Fatalf("stock-outs %+v", outs)
	}
	today := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if exp, _ := h.Stock(ctx, Filter{ExpiringDays: 90, Today: today}); len(exp) != 1 || exp[0].Expiry != "2026-03-01" {
		t.Fatalf("expiring in 90 days %+v", exp)
	}
	if exp, _ := h.Stock(ctx, Filter{ExpiringDays: 30, Today: today}); len(exp) != 0 {
		t.Fatalf("expiring in 30 days %+v", exp)
	}
	if bad, err := h.CheckTotals(ctx); err != nil || len(bad) != 0 {
		t.Fatalf("the totals differ from the movements for %v (%v)", bad, err)
	}
	// A total changed by hand is found.
	h.pool.Exec(ctx, "UPDATE line_totals SET on_hand = on_hand + 1 WHERE line_uuid = $1", ra.Lines[0].UUID)
	if bad, _ := h.CheckTotals(ctx); len(bad) != 1 || bad[0] != ra.Lines[0].UUID {
		t.Fatalf("a wrong total was not found: %v", bad)
	}
	h.Enrol(ctx, "Nyabirongo HC") // enrolled, never synced
	cl, err := h.Clinics(ctx)
	if err != nil || len(cl) != 3 || cl[0].Name != "Nyabirongo HC" || !cl[0].LastSync.IsZero() || cl[0].Codes != 1 ||
		cl[1].LastSync.IsZero() || cl[1].Laptops != 1 {
		t.Fatalf("clinics %+v %v", cl, err)
	}
}

func TestUsersAndSessions(t *testing.T) {
	h := openHub(t)
	ctx := context.Background()
	if err := h.SetUser(ctx, "amina", "short"); code(err) != syncwire.ErrBadRequest {
		t.Fatalf("a short password: %v", err)
	}
	if err := h.SetUser(ctx, "amina", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.SignIn(ctx, "amina", "wrong password!", time.Hour); !errors.Is(err, ErrSignIn) {
		t.Fatalf("a wrong password: %v", err)
	}
	if _, err := h.SignIn(ctx, "nobody", "correct horse battery", time.Hour); !errors.Is(err, ErrSignIn) {
		t.Fatalf("an unknown user: %v", err)
	}
	tok, err := h.SignIn(ctx, "amina", "correct horse battery", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if u, err := h.Session(ctx, tok); u != "amina" || err != nil {
		t.Fatalf("session: %q %v", u, err)
	}
	var stored string
	h.pool.QueryRow(ctx, "SELECT pass_hash FROM users").Scan(&stored)
	if stored == "correct horse battery" || len(stored) < 50 {
		t.Fatal("the password is not hashed")
	}
	// A new password ends the sessions.
	h.SetUser(ctx, "amina", "another long password")
	if _, err := h.Session(ctx, tok); !errors.Is(err, ErrSignIn) {
		t.Fatalf("a session outlived a password change: %v", err)
	}
	expired, _ := h.SignIn(ctx, "amina", "another long password", -time.Minute)
	if _, err := h.Session(ctx, expired); !errors.Is(err, ErrSignIn) {
		t.Fatalf("an expired session: %v", err)
	}
}

// The same product and lot made on two laptops before they synced (two UUIDs each) are one row
// of the district's stock: A's receipt and B's dispense add up.
func TestStockAddsUpTheSameLotFromTwoLaptops(t *testing.T) {
	h := openHub(t)
	ctx := context.Background()
	a, b := join(t, h, "Kasese HC"), join(t, h, "Kasese HC")
	ra := a.receipt(5)
	push(t, h, a, ra)
	rb := b.receipt(0)
	rb.Products[0].GTIN = ra.Products[0].GTIN
	rb.Lines[0].Lot = " l1 " // the same lot as typed on the other laptop
	rb.Movements[0].Kind, rb.Movements[0].Quantity = "dispense", -2
	push(t, h, b, rb)
	rows, err := h.Stock(ctx, Filter{})
	if err != nil || len(rows) != 1 || rows[0].OnHand != 3 || rows[0].GTIN != ra.Products[0].GTIN {
		t.Fatalf("stock %+v %v", rows, err)
	}
	if outs, _ := h.Stock(ctx, Filter{OutOfStock: true}); len(outs) != 0 {
		t.Fatalf("a false stock-out: %+v", outs)
	}
}
