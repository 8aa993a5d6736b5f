package main

import (
	"context"
	"encoding/json"
	"math/rand"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"medinventory/store"
	"medinventory/store/hub"
	"medinventory/store/pgtest"
	"medinventory/store/syncclient"
	"medinventory/ui/cli"
	"medinventory/ui/hubweb"
)

// The hub runs in the test process (store/hub on a private PostgreSQL, served by ui/hubweb); the
// laptops are the real binary, each with its own data folder. The test environment has no
// keyring (cleanEnv), so `sync --code` prints the token and each laptop passes it back in
// MEDINVENTORY_SYNC_TOKEN, as a keyring-less computer does.

const syncGTIN = "04006381333931"

type e2eHub struct {
	h   *hub.Hub
	url string // the database
	srv *httptest.Server
}

func startE2EHub(t *testing.T) *e2eHub {
	t.Helper()
	url := pgtest.Start(t)
	h, err := hub.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	e := &e2eHub{h: h, url: url}
	e.serve(t)
	return e
}

func (e *e2eHub) serve(t *testing.T) {
	e.srv = httptest.NewServer(hubweb.New(e.h, hubweb.Options{}))
	t.Cleanup(e.srv.Close)
}

func (e *e2eHub) code(t *testing.T) string {
	t.Helper()
	c, err := e.h.Enrol(context.Background(), "Clinic A")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type e2eLaptop struct {
	data, token string
}

func (l *e2eLaptop) run(t *testing.T, args ...string) runResult {
	t.Helper()
	var env []string
	if l.token != "" {
		env = append(env, syncclient.TokenEnv+"="+l.token)
	}
	return runBin(t, env, append([]string{"--data-dir", l.data}, args...)...)
}

func (l *e2eLaptop) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	r := l.run(t, args...)
	if r.code != 0 {
		t.Fatalf("%s: exit %d\n%s\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// join runs `sync --hub URL --code CODE` and keeps the token it prints.
func (l *e2eLaptop) join(t *testing.T, e *e2eHub) string {
	t.Helper()
	out := l.mustRun(t, "sync", "--hub", e.srv.URL, "--code", e.code(t))
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, syncclient.TokenEnv+"="); ok {
			l.token = v
		}
	}
	if l.token == "" {
		t.Fatalf("no token printed:\n%s", out)
	}
	return out
}

func (l *e2eLaptop) onHand(t *testing.T) int64 {
	t.Helper()
	var ps []cli.StockProduct
	if err := json.Unmarshal([]byte(l.mustRun(t, "stock", "--format", "json")), &ps); err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, p := range ps {
		if p.GTIN == syncGTIN {
			for _, lot := range p.Lots {
				n += lot.OnHand
			}
		}
	}
	return n
}

// The scenario, from the command line: laptop A receives 2 packs and syncs; laptop B joins
// and sees 2; B dispenses 1 and syncs; A syncs and sees 1; syncing again changes nothing; with the
// hub down `sync` exits non-zero and nothing is lost.
func TestSyncTwoLaptopsEndToEnd(t *testing.T) {
	e := startE2EHub(t)
	a, b := &e2eLaptop{data: t.TempDir()}, &e2eLaptop{data: t.TempDir()}
	a.mustRun(t, "receive", syncGTIN, "2", "--lot", "L1", "--expiry", "2028-06-30", "--name", "Amoxicillin 500 mg")
	if out := a.join(t, e); !strings.Contains(out, "Sent 1 movement, received 0. Synced with Clinic A · 1 laptop.") {
		t.Fatalf("A's first sync said:\n%s", out)
	}
	if out := b.join(t, e); !strings.Contains(out, "Sent 0 movements, received 1. Synced with Clinic A · 2 laptops.") {
		t.Fatalf("B's first sync said:\n%s", out)
	}
	if n := b.onHand(t); n != 2 {
		t.Fatalf("B sees %d packs, want 2", n)
	}
	b.mustRun(t, "dispense", syncGTIN, "1")
	if out := b.mustRun(t, "sync"); !strings.Contains(out, "Sent 1 movement, received 0.") {
		t.Fatalf("B's sync said:\n%s", out)
	}
	if out := a.mustRun(t, "sync"); !strings.Contains(out, "Sent 0 movements, received 1. Synced with Clinic A · 2 laptops.") {
		t.Fatalf("A's sync said:\n%s", out)
	}
	if n := a.onHand(t); n != 1 {
		t.Fatalf("A sees %d packs, want 1", n)
	}
	for _, l := range []*e2eLaptop{a, b} {
		if out := l.mustRun(t, "sync"); !strings.Contains(out, "Sent 0 movements, received 0.") {
			t.Fatalf("syncing again said:\n%s", out)
		}
	}
	if a.onHand(t) != 1 || b.onHand(t) != 1 {
		t.Fatal("syncing again changed the stock")
	}

	// The hub down: a plain message, a non-zero exit, and the laptop works on.
	e.srv.Close()
	a.mustRun(t, "receive", syncGTIN, "3", "--lot", "L1", "--expiry", "2028-06-30")
	r := a.run(t, "sync")
	if r.code == 0 || !strings.Contains(r.stderr, "is not answering") || !strings.Contains(r.stderr, "Your stock is safe on this laptop") {
		t.Fatalf("sync with the hub down: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := a.onHand(t); n != 4 {
		t.Fatalf("A sees %d after the failed sync, want 4", n)
	}
	e.serve(t) // back, at a new address
	if out := a.mustRun(t, "sync", "--hub", e.srv.URL); !strings.Contains(out, "Sent 1 movement") {
		t.Fatalf("A's sync once the hub is back said:\n%s", out)
	}
	b.mustRun(t, "sync", "--hub", e.srv.URL)
	if n := b.onHand(t); n != 4 {
		t.Fatalf("B sees %d, want 4", n)
	}
}

// kill -9 of `sync` at random points during a large push, then a full sync: the hub holds each
// movement exactly once, and the other laptop counts each once.
func TestSyncKilledMidPushEndToEnd(t *testing.T) {
	moves, kills := 3000, 5
	if testing.Short() {
		moves = 1500
	}
	e := startE2EHub(t)
	a, b := &e2eLaptop{data: t.TempDir()}, &e2eLaptop{data: t.TempDir()}
	a.join(t, e)
	b.join(t, e)
	st := openDB(t, a.data)
	ctx := context.Background()
	for i := 0; i < moves; i++ {
		if _, _, _, err := st.ReceiveDelivery(ctx, store.Delivery{Product: syncGTIN, Name: "Amoxicillin 500 mg", Lot: "L" + strconv.Itoa(i%40),
			Expiry: "2028-06-30", Quantity: 1}); err != nil {
			t.Fatal(err)
		}
	}
	total, _ := st.OutboxPending(ctx)
	st.Close()

	seed := time.Now().UnixNano()
	if s := os.Getenv("MEDINVENTORY_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	t.Logf("kill moments from seed %d (MEDINVENTORY_CRASH_SEED=%d replays them)", seed, seed)
	rng := rand.New(rand.NewSource(seed))
	midPush := 0
	for k := 0; k < kills; k++ {
		cmd := exec.Command(binary(t), "--data-dir", a.data, "sync", "--batch", "10")
		cmd.Env = append(cleanEnv(), syncclient.TokenEnv+"="+a.token)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(100+rng.Intn(300)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		st := openDB(t, a.data)
		left, err := st.OutboxPending(ctx)
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("kill %d: %d of %d rows left to send", k+1, left, total)
		if left > 0 && left < total {
			midPush++
		}
		if left == 0 {
			break
		}
	}
	if midPush == 0 {
		t.Fatalf("no kill landed during the push (seed %d)", seed)
	}
	if out := a.mustRun(t, "sync"); !strings.Contains(out, "Synced with Clinic A") {
		t.Fatalf("the full sync said:\n%s", out)
	}
	conn, err := pgx.Connect(ctx, e.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n, distinct int
	if err := conn.QueryRow(ctx, `SELECT count(*), count(DISTINCT uuid) FROM movements`).Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != moves || distinct != moves {
		t.Fatalf("the hub holds %d movements (%d distinct), want %d", n, distinct, moves)
	}
	b.mustRun(t, "sync")
	if got := b.onHand(t); got != int64(moves) {
		t.Fatalf("B sees %d, want %d", got, moves)
	}
	bst := openDB(t, b.data)
	if err := bst.CheckStockTotals(ctx); err != nil {
		t.Fatal(err)
	}
	var bm int
	_ = bst.ReadDB().QueryRow(`SELECT COUNT(*) FROM movements`).Scan(&bm)
	if bm != moves {
		t.Fatalf("B holds %d movements, want %d", bm, moves)
	}
}
