package syncclient_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"medinventory/store"
	"medinventory/store/hub"
	"medinventory/store/pgtest"
	"medinventory/store/syncclient"
	"medinventory/ui/hubweb"
)

// Benchmarks of a laptop's sync against the real hub (PostgreSQL through pgtest, ui/hubweb over
// loopback HTTP), each beside a baseline in the same run:
//
//	go test -tags ci -run '^$' -bench . -benchtime 1x ./store/syncclient/            (first sync: one run)
//	go test -tags ci -run '^$' -bench 'Sync100|Nothing' -benchtime 10x ./store/syncclient/
//
// BenchmarkFirstSync200k pushes a laptop's 200,000 movements to a new hub; its baseline,
// BenchmarkOutboxRead200k, only reads the same outbox in the same batches (the laptop's own share
// of the work). BenchmarkSync100 sends 100 new movements (target ≤ 1 s); its baseline,
// BenchmarkSyncNothingNew, is a sync with nothing to send or receive (the round trips alone).

const benchMoves = 200_000

// template200k makes a closed data folder holding 200,000 confirmed movements over 500 lots of
// 50 products.
func template200k(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	for p := 0; p < 50; p++ {
		for l := 0; l < 10; l++ {
			if _, _, _, err := st.ReceiveDelivery(ctx, store.Delivery{Product: fmt.Sprintf("Medicine %02d", p),
				Lot: fmt.Sprintf("LOT-%d", l), Expiry: "2029-12-31", Quantity: 1000}); err != nil {
				b.Fatal(err)
			}
		}
	}
	// The rest as dispenses of 1, in one transaction, through the ledger's triggers (recorded one
	// by one, they would take minutes to set up).
	_, err = st.DB().ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO movements(uuid, device_id, line_id, kind, quantity, status, at, recorded_at)
		SELECT printf('%08x-0000-7000-8000-%012x', 1700000000 + i, i), (SELECT device_id FROM device), 1 + (i % 500),
		       'dispense', -1, 'confirmed', 1700000000000 + i, 1700000000000 + i FROM n`, benchMoves-500)
	if err != nil {
		b.Fatal(err)
	}
	return dir
}

func benchHub(b *testing.B) (*hub.Hub, *httptest.Server) {
	h, err := hub.Open(context.Background(), pgtest.Start(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(h.Close)
	srv := httptest.NewServer(hubweb.New(h, hubweb.Options{}))
	b.Cleanup(srv.Close)
	return h, srv
}

func openCopy(b *testing.B, from string) *store.Store {
	dir := b.TempDir()
	copyDir(b, from, dir)
	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

func BenchmarkFirstSync200k(b *testing.B) {
	tmpl := template200k(b)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		h, srv := benchHub(b)
		st := openCopy(b, tmpl)
		code, _ := h.Enrol(ctx, "Clinic A")
		resp, err := syncclient.Join(ctx, st, srv.URL, code)
		if err != nil {
			b.Fatal(err)
		}
		c := &syncclient.Client{Store: st, Token: resp.Token}
		b.StartTimer()
		r, err := c.Sync(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if r.Sent != benchMoves {
			b.Fatalf("sent %d movements, want %d", r.Sent, benchMoves)
		}
	}
	b.ReportMetric(float64(benchMoves), "movements/op")
}

func BenchmarkOutboxRead200k(b *testing.B) {
	st := openCopy(b, template200k(b))
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		moves := 0
		var after int64
		for {
			req, err := st.OutboxBatch(ctx, 2000)
			if err != nil {
				b.Fatal(err)
			}
			if req.Through == 0 {
				break
			}
			moves += len(req.Movements)
			// Move the cursor as an acknowledgement would, then put it back after the run.
			if err := st.AckPush(ctx, req.Through); err != nil {
				b.Fatal(err)
			}
			after = req.Through
		}
		if moves != benchMoves || after == 0 {
			b.Fatalf("read %d movements", moves)
		}
		b.StopTimer()
		if _, err := st.DB().ExecContext(ctx, `UPDATE sync_state SET push_through = 0`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// syncedPair is a laptop joined and synced with a hub, and a second laptop of the clinic.
func syncedPair(b *testing.B) (a, other *syncclient.Client) {
	ctx := context.Background()
	h, srv := benchHub(b)
	var cs []*syncclient.Client
	for i := 0; i < 2; i++ {
		dir := filepath.Join(b.TempDir(), "data")
		st, err := store.Open(ctx, dir, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		code, _ := h.Enrol(ctx, "Clinic A")
		resp, err := syncclient.Join(ctx, st, srv.URL, code)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, _, err := st.ReceiveDelivery(ctx, store.Delivery{Product: "Paracetamol", Lot: "P1", Expiry: "2029-12-31", Quantity: 1_000_000}); err != nil {
			b.Fatal(err)
		}
		c := &syncclient.Client{Store: st, Token: resp.Token}
		if _, err := c.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		cs = append(cs, c)
	}
	if _, err := cs[0].Sync(ctx); err != nil {
		b.Fatal(err)
	}
	return cs[0], cs[1]
}

func BenchmarkSync100(b *testing.B) {
	a, other := syncedPair(b)
	ctx := context.Background()
	p, err := a.Store.FindProduct(ctx, "Paracetamol")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for j := 0; j < 100; j++ {
			if _, err := a.Store.DispenseProduct(ctx, p.ID, 1, ""); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		r, err := a.Sync(ctx)
		if err != nil || r.Sent != 100 {
			b.Fatalf("sent %d: %v", r.Sent, err)
		}
		b.StopTimer()
		if r, err := other.Sync(ctx); err != nil || r.Received != 100 {
			b.Fatalf("received %d: %v", r.Received, err)
		}
		b.StartTimer()
	}
}

func BenchmarkSyncNothingNew(b *testing.B) {
	a, _ := syncedPair(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r, err := a.Sync(ctx); err != nil || r.SentRows+r.Rows != 0 {
			b.Fatalf("%+v: %v", r, err)
		}
	}
}
