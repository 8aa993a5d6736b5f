package syncclient_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"medinventory/store"
	"medinventory/store/hub"
	"medinventory/store/pgtest"
	"medinventory/store/syncclient"
	"medinventory/ui/hubweb"
)

// Every test here syncs against the real hub: store/hub on a private PostgreSQL (pgtest), served
// by ui/hubweb over HTTP.

func TestMain(m *testing.M) { pgtest.Main(m) }

const gtin = "04006381333931"

type district struct {
	hub *hub.Hub
	srv *httptest.Server
}

func newDistrict(t *testing.T) *district {
	t.Helper()
	ctx := context.Background()
	h, err := hub.Open(ctx, pgtest.Start(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	srv := httptest.NewServer(hubweb.New(h, hubweb.Options{}))
	t.Cleanup(srv.Close)
	return &district{hub: h, srv: srv}
}

func (d *district) code(t *testing.T) string {
	t.Helper()
	c, err := d.hub.Enrol(context.Background(), "Clinic A")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type laptop struct {
	st    *store.Store
	dir   string
	token string
}

func newLaptop(t *testing.T) *laptop {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &laptop{st: st, dir: dir}
}

func (l *laptop) join(t *testing.T, d *district) {
	t.Helper()
	resp, err := syncclient.Join(context.Background(), l.st, d.srv.URL, d.code(t))
	if err != nil {
		t.Fatal(err)
	}
	l.token = resp.Token
}

func (l *laptop) client(d *district) *syncclient.Client {
	return &syncclient.Client{Store: l.st, HubURL: d.srv.URL, Token: l.token, Batch: 50, Page: 70, Backoff: time.Millisecond}
}

func (l *laptop) sync(t *testing.T, d *district) syncclient.Result {
	t.Helper()
	r, err := l.client(d).Sync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := l.st.CheckStockTotals(context.Background()); err != nil {
		t.Fatal(err)
	}
	return r
}

func (l *laptop) onHand(t *testing.T) int64 {
	t.Helper()
	var n int64
	err := l.st.ReadDB().QueryRow(`SELECT COALESCE(SUM(t.on_hand), 0) FROM line_totals t JOIN stock_lines s ON s.id = t.line_id
		JOIN products p ON p.id = s.product_id WHERE p.gtin = ?`, gtin).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (l *laptop) receive(t *testing.T, n int64) {
	t.Helper()
	if _, _, _, err := l.st.ReceiveDelivery(context.Background(), store.Delivery{Product: gtin, Name: "Amoxicillin 500 mg",
		Lot: "L1", Expiry: "2028-06-30", Quantity: n}); err != nil {
		t.Fatal(err)
	}
}

func (l *laptop) dispense(t *testing.T, n int64) {
	t.Helper()
	p, err := l.st.FindProduct(context.Background(), gtin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.st.DispenseProduct(context.Background(), p.ID, n, ""); err != nil {
		t.Fatal(err)
	}
}

// The scenario: A receives 2 and syncs; B joins and sees 2; B dispenses 1 and syncs; A
// syncs and sees 1; syncing again changes nothing.
func TestTwoLaptopsShareOneStock(t *testing.T) {
	d := newDistrict(t)
	a, b := newLaptop(t), newLaptop(t)
	a.join(t, d)
	a.receive(t, 2)
	if r := a.sync(t, d); r.Sent != 1 || r.Laptops != 1 || r.Clinic != "Clinic A" {
		t.Fatalf("A's first sync: %+v", r)
	}
	b.join(t, d)
	if r := b.sync(t, d); r.Received != 1 || r.Laptops != 2 {
		t.Fatalf("B's first sync: %+v", r)
	}
	if n := b.onHand(t); n != 2 {
		t.Fatalf("B sees %d, want 2", n)
	}
	b.dispense(t, 1)
	b.sync(t, d)
	if r := a.sync(t, d); r.Received != 1 {
		t.Fatalf("A's second sync: %+v", r)
	}
	if n := a.onHand(t); n != 1 {
		t.Fatalf("A sees %d, want 1", n)
	}
	for _, l := range []*laptop{a, b} {
		if r := l.sync(t, d); r.SentRows+r.Rows != 0 {
			t.Fatalf("syncing again changed %+v", r)
		}
	}
	info, _ := a.st.SyncInfo(context.Background())
	if info.LastSync == 0 || info.Laptops != 2 {
		t.Fatalf("A's sync state: %+v", info)
	}
}

// The hub down: Sync fails in plain words with a stable kind, and nothing is lost — the next sync
// sends it all.
func TestHubDownLosesNothing(t *testing.T) {
	d := newDistrict(t)
	a := newLaptop(t)
	a.join(t, d)
	a.receive(t, 3)
	url := d.srv.URL
	d.srv.Close()
	_, err := a.client(d).Sync(context.Background())
	var se *syncclient.Error
	if !errors.As(err, &se) || se.Kind != syncclient.KindDown {
		t.Fatalf("hub down: %v", err)
	}
	if n, _ := a.st.OutboxPending(context.Background()); n == 0 {
		t.Fatal("the outbox was emptied though nothing was sent")
	}
	// The hub back (at a new address: the laptop is told it).
	d.srv = httptest.NewServer(hubweb.New(d.hub, hubweb.Options{}))
	t.Cleanup(d.srv.Close)
	_ = url
	b := newLaptop(t)
	b.join(t, d)
	if r := a.sync(t, d); r.Sent != 1 {
		t.Fatalf("after the hub came back: %+v", r)
	}
	if r := b.sync(t, d); r.Received != 1 || b.onHand(t) != 3 {
		t.Fatalf("B after A's late push: %+v, on hand %d", r, b.onHand(t))
	}
}

// dropAcks loses the hub's answer to the first n pushes after the hub stored them, as a laptop
// killed (or cut off) between the hub's commit and its own cursor update.
type dropAcks struct {
	n atomic.Int32
}

func (d *dropAcks) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && r.URL.Path == "/api/v1/push" && d.n.Add(-1) >= 0 {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return nil, errors.New("connection reset (test: the acknowledgement is lost)")
	}
	return resp, err
}

// A push whose acknowledgement is lost is sent again, and the hub holds each movement once; the
// other laptop counts each once.
func TestLostAcknowledgementDuplicatesNothing(t *testing.T) {
	d := newDistrict(t)
	a, b := newLaptop(t), newLaptop(t)
	a.join(t, d)
	b.join(t, d)
	for i := 0; i < 120; i++ {
		a.receive(t, 1)
	}
	c := a.client(d)
	drop := &dropAcks{}
	drop.n.Store(2)
	c.HTTP = &http.Client{Transport: drop}
	c.Retries = 1
	if _, err := c.Sync(context.Background()); err == nil {
		t.Fatal("a lost acknowledgement did not fail the sync")
	}
	if _, err := c.Sync(context.Background()); err == nil {
		t.Fatal("the second lost acknowledgement did not fail the sync")
	}
	r, err := c.Sync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r.Duplicate == 0 {
		t.Fatalf("the batches sent again were not seen as duplicates: %+v", r)
	}
	if r := b.sync(t, d); r.Received != 120 || b.onHand(t) != 120 {
		t.Fatalf("B: %+v, on hand %d; want 120 movements once", r, b.onHand(t))
	}
}

// A data folder copied to another computer cannot sync as the laptop it was; joined again with a
// new code, it is a new device, and nothing is counted twice on either side.
func TestCopiedFolderRejoinsAsANewLaptop(t *testing.T) {
	t.Setenv("MEDINVENTORY_MACHINE_ID", "computer-1")
	d := newDistrict(t)
	a, b := newLaptop(t), newLaptop(t)
	a.join(t, d)
	b.join(t, d)
	a.receive(t, 5)
	a.sync(t, d)
	// Copy A's folder (closed, as a person copies it) to "computer 2".
	if err := a.st.Close(); err != nil {
		t.Fatal(err)
	}
	dir2 := t.TempDir()
	copyDir(t, a.dir, dir2)
	st, err := store.Open(context.Background(), a.dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a.st = st
	t.Setenv("MEDINVENTORY_MACHINE_ID", "computer-2")
	c, err := store.Open(context.Background(), dir2, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	copyLaptop := &laptop{st: c, dir: dir2, token: a.token}
	_, err = copyLaptop.client(d).Sync(context.Background())
	var se *syncclient.Error
	if !errors.As(err, &se) || se.Kind != syncclient.KindClone {
		t.Fatalf("the copy synced as the laptop it was: %v", err)
	}
	copyLaptop.join(t, d)
	copyLaptop.dispense(t, 2)
	copyLaptop.sync(t, d)
	t.Setenv("MEDINVENTORY_MACHINE_ID", "computer-1")
	a.sync(t, d)
	b.sync(t, d)
	for name, l := range map[string]*laptop{"A": a, "B": b} {
		if n := l.onHand(t); n != 3 {
			t.Fatalf("%s sees %d; want 5 received once − 2 dispensed on the copy", name, n)
		}
	}
}

func copyDir(t testing.TB, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if fi.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if !fi.Mode().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, fi.Mode())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A laptop restored from a backup: the hub sees its push go back in time and says so; the laptop
// pulls back, once, the rows it had pushed after that backup. Nothing is lost or counted twice,
// and the other laptop is unaffected.
func TestRestoredBackupGetsItsNewerRowsBack(t *testing.T) {
	ctx := context.Background()
	d := newDistrict(t)
	a, b := newLaptop(t), newLaptop(t)
	a.join(t, d)
	b.join(t, d)
	a.receive(t, 2)
	a.sync(t, d)
	backup := filepath.Join(t.TempDir(), "backup.zip")
	if _, err := a.st.WriteBackupFile(ctx, backup, "test"); err != nil {
		t.Fatal(err)
	}
	a.receive(t, 5) // after the backup, and pushed
	a.sync(t, d)
	if err := a.st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := store.RestoreFile(ctx, backup, a.dir); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, a.dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a.st = st
	if n := a.onHand(t); n != 2 {
		t.Fatalf("the restored backup holds %d, want 2", n)
	}
	a.receive(t, 1) // after the restore
	a.sync(t, d)
	if n := a.onHand(t); n != 8 {
		t.Fatalf("after syncing the restored laptop sees %d; want 2 + 5 (pulled back) + 1", n)
	}
	b.sync(t, d)
	if n := b.onHand(t); n != 8 {
		t.Fatalf("the other laptop sees %d, want 8", n)
	}
	if r := a.sync(t, d); r.SentRows+r.Rows != 0 {
		t.Fatalf("syncing again changed %+v", r)
	}
}

// The hub restored from an older backup (a PostgreSQL copy taken earlier): it has lost rows it had
// acknowledged and numbers new rows again below the laptops' pull cursors. Each laptop sees it (the
// hub holds less than it acknowledged, or remembers an older last sync), sends again what the hub
// lost and pulls everything again: every laptop ends with every movement once.
func TestHubRestoredFromAnOlderBackup(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.Start(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	admin := *u
	admin.Path = "/postgres"
	d := &district{}
	open := func() {
		h, err := hub.Open(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		d.hub, d.srv = h, httptest.NewServer(hubweb.New(h, hubweb.Options{}))
	}
	shut := func() { d.srv.Close(); d.hub.Close() }
	sqlAdmin := func(q string) {
		c, err := pgx.Connect(ctx, admin.String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	open()
	t.Cleanup(func() { shut() })
	a, b := newLaptop(t), newLaptop(t)
	a.join(t, d)
	b.join(t, d)
	a.receive(t, 2)
	a.sync(t, d)
	b.sync(t, d)
	shut()
	sqlAdmin(`CREATE DATABASE ` + name + `_backup TEMPLATE ` + name)
	open()
	a.receive(t, 5) // acknowledged by the hub, then lost with the restore
	a.sync(t, d)
	b.dispense(t, 1)
	b.sync(t, d)
	a.sync(t, d)
	shut()
	sqlAdmin(`DROP DATABASE ` + name)
	sqlAdmin(`CREATE DATABASE ` + name + ` TEMPLATE ` + name + `_backup`)
	open()
	a.receive(t, 10) // after the restore: numbered again where the lost rows were
	a.sync(t, d)
	b.sync(t, d)
	a.sync(t, d)
	for n, l := range map[string]*laptop{"A": a, "B": b} {
		if got := l.onHand(t); got != 16 {
			t.Fatalf("%s sees %d; want 2 + 5 + 10 − 1 = 16", n, got)
		}
	}
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var moves int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM movements`).Scan(&moves); err != nil || moves != 4 {
		t.Fatalf("the hub holds %d movements (%v), want 4", moves, err)
	}
}
