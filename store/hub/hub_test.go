package hub

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"medinventory/store/pgtest"
	"medinventory/store/syncwire"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func openHub(t testing.TB) *Hub {
	t.Helper()
	h, err := Open(context.Background(), pgtest.Start(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

// laptop is one enrolled device in a test.
type laptop struct {
	id, dataID, token string
	through           int64
}

func join(t testing.TB, h *Hub, clinic string) *laptop {
	t.Helper()
	ctx := context.Background()
	code, err := h.Enrol(ctx, clinic)
	if err != nil {
		t.Fatal(err)
	}
	l := &laptop{id: uuid.NewString(), dataID: uuid.NewString()}
	resp, err := h.Join(ctx, syncwire.EnrolRequest{Code: code, DeviceID: l.id, DeviceName: "pc-" + l.id[:4], DataID: l.dataID})
	if err != nil {
		t.Fatal(err)
	}
	if resp.ClinicName != clinic || resp.Token == "" || resp.HubID != h.ID() {
		t.Fatalf("join: %+v", resp)
	}
	l.token = resp.Token
	return l
}

func id7() string { return uuid.Must(uuid.NewV7()).String() }

// receipt is a product, its lot, and a receipt of qty on it, made by l.
func (l *laptop) receipt(qty int64) syncwire.PushRequest {
	p := syncwire.Product{UUID: id7(), DeviceID: l.id, GTIN: "0" + fmt.Sprint(time.Now().UnixNano())[:13], Created: 1}
	ln := syncwire.Line{UUID: id7(), DeviceID: l.id, ProductUUID: p.UUID, Lot: "L1", Expiry: "2030-01-31", Created: 1}
	m := syncwire.Movement{UUID: id7(), DeviceID: l.id, LineUUID: ln.UUID, Kind: "receive", Quantity: qty, At: 1, RecordedAt: 1}
	l.through++
	return syncwire.PushRequest{DeviceID: l.id, DataID: l.dataID, Products: []syncwire.Product{p}, Lines: []syncwire.Line{ln},
		Movements: []syncwire.Movement{m}, Through: l.through}
}

func (l *laptop) movement(line string, kind string, qty int64) syncwire.PushRequest {
	l.through++
	return syncwire.PushRequest{DeviceID: l.id, DataID: l.dataID, Through: l.through,
		Movements: []syncwire.Movement{{UUID: id7(), DeviceID: l.id, LineUUID: line, Kind: kind, Quantity: qty, At: 2, RecordedAt: 2}}}
}

func push(t testing.TB, h *Hub, l *laptop, req syncwire.PushRequest) syncwire.PushResponse {
	t.Helper()
	resp, err := h.Push(context.Background(), l.token, req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Through != req.Through {
		t.Fatalf("push acknowledged through %d, sent %d", resp.Through, req.Through)
	}
	return resp
}

func pullAll(t testing.TB, h *Hub, l *laptop, after int64, own bool) (syncwire.PullResponse, int64) {
	t.Helper()
	var all syncwire.PullResponse
	for {
		r, err := h.Pull(context.Background(), l.token, syncwire.PullRequest{After: after, Limit: 2, IncludeOwn: own})
		if err != nil {
			t.Fatal(err)
		}
		all.Products = append(all.Products, r.Products...)
		all.Lines = append(all.Lines, r.Lines...)
		all.Movements = append(all.Movements, r.Movements...)
		all.Edits = append(all.Edits, r.Edits...)
		all.Conflicts = append(all.Conflicts, r.Conflicts...)
		if r.Next < after {
			t.Fatalf("next went back: %d after %d", r.Next, after)
		}
		after = r.Next
		if !r.More {
			return all, after
		}
	}
}

func code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Two laptops of one clinic: what one pushes the other pulls, its own rows are left out, a push
// sent twice is stored once, and another clinic sees nothing.
func TestPushPullBetweenLaptops(t *testing.T) {
	h := openHub(t)
	a, b := join(t, h, "Kasese HC"), join(t, h, "Kasese HC")
	other := join(t, h, "Bwera HC")
	req := a.receipt(2)
	if r := push(t, h, a, req); r.Stored != 3 || r.Duplicate != 0 {
		t.Fatalf("first push: %+v", r)
	}
	if r := push(t, h, a, req); r.Stored != 0 || r.Duplicate != 3 {
		t.Fatalf("the same push again: %+v", r)
	}
	got, next := pullAll(t, h, b, 0, false)
	if len(got.Products) != 1 || len(got.Lines) != 1 || len(got.Movements) != 1 || got.Movements[0].Quantity != 2 {
		t.Fatalf("b pulled %+v", got)
	}
	line := got.Lines[0].UUID
	push(t, h, b, b.movement(line, "dispense", -1))
	if mine, _ := pullAll(t, h, b, next, false); len(mine.Movements) != 0 {
		t.Fatalf("b pulled its own dispense back: %+v", mine)
	}
	ga, _ := pullAll(t, h, a, 0, false)
	if len(ga.Movements) != 1 || ga.Movements[0].Quantity != -1 || len(ga.Products) != 0 {
		t.Fatalf("a pulled %+v", ga)
	}
	if go_, _ := pullAll(t, h, other, 0, true); len(go_.Movements)+len(go_.Products) != 0 {
		t.Fatalf("another clinic pulled %+v", go_)
	}
	st, err := h.Status(context.Background(), a.token)
	if err != nil || st.ClinicName != "Kasese HC" || len(st.Devices) != 2 || st.Devices[0].LastSync == 0 || st.Through != a.through {
		t.Fatalf("status %+v %v", st, err)
	}
}

func TestEnrolCodesAreOneTime(t *testing.T) {
	h := openHub(t)
	ctx := context.Background()
	c, err := h.Enrol(ctx, "Kasese HC")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Join(ctx, syncwire.EnrolRequest{Code: c, DeviceID: "d1", DataID: "x1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Join(ctx, syncwire.EnrolRequest{Code: c, DeviceID: "d2", DataID: "x2"}); code(err) != syncwire.ErrCodeUsed {
		t.Fatalf("a used code joined again: %v", err)
	}
	if _, err := h.Join(ctx, syncwire.EnrolRequest{Code: "AAAA-BBBB-CCCC", DeviceID: "d3", DataID: "x3"}); code(err) != syncwire.ErrCodeUnknown {
		t.Fatalf("an unknown code: %v", err)
	}
	var n int
	h.pool.QueryRow(ctx, "SELECT count(*) FROM enrol_codes WHERE hash = $1", c).Scan(&n)
	if n != 0 {
		t.Fatal("the code itself is stored, not its hash")
	}
	if _, err := h.Pull(ctx, "nonsense", syncwire.PullRequest{}); code(err) != syncwire.ErrToken {
		t.Fatalf("an unknown token pulled: %v", err)
	}
}

// Edits made on two laptops before either saw the other become a conflict with both values; an
// edit on top of one of them settles it.
func TestConcurrentEditsConflict(t *testing.T) {
	h := openHub(t)
	a, b := join(t, h, "Kasese HC"), join(t, h, "Kasese HC")
	r := a.receipt(5)
	push(t, h, a, r)
	prod := r.Products[0].UUID
	edit := func(l *laptop, value, base string) syncwire.PushRequest {
		l.through++
		return syncwire.PushRequest{DeviceID: l.id, DataID: l.dataID, Through: l.through, Edits: []syncwire.Edit{
			{UUID: id7(), DeviceID: l.id, Entity: "product", EntityUUID: prod, Field: "name", Value: value, Base: base, At: 3}}}
	}
	first := edit(a, "Amoxicillin 250mg", "")
	push(t, h, a, first)
	ea := edit(a, "Amoxicillin 250 mg caps", first.Edits[0].UUID)
	eb := edit(b, "Amoxil 250", first.Edits[0].UUID) // b saw the first edit, not a's second
	push(t, h, a, ea)
	resp := push(t, h, b, eb)
	if len(resp.Conflicts) != 1 || len(resp.Conflicts[0].Edits) != 2 ||
		resp.Conflicts[0].Edits[0].Value != "Amoxicillin 250 mg caps" || resp.Conflicts[0].Edits[1].Value != "Amoxil 250" {
		t.Fatalf("no conflict recorded: %+v", resp)
	}
	got, _ := pullAll(t, h, a, 0, false)
	if len(got.Conflicts) != 1 || got.Conflicts[0].SettledBy != "" || len(got.Edits) != 1 {
		t.Fatalf("a pulled %+v", got)
	}
	// The same value made concurrently agrees: no conflict.
	if r := push(t, h, b, edit(b, "Amoxicillin 250 mg caps", first.Edits[0].UUID)); len(r.Conflicts) != 0 {
		t.Fatalf("an agreeing edit changed the conflict: %+v", r.Conflicts)
	}
	settle := edit(a, "Amoxicillin 250 mg capsules", eb.Edits[0].UUID)
	if r := push(t, h, a, settle); len(r.Conflicts) != 1 || r.Conflicts[0].SettledBy != settle.Edits[0].UUID {
		t.Fatalf("not settled: %+v", r.Conflicts)
	}
	var v string
	h.pool.QueryRow(context.Background(), "SELECT value FROM field_heads WHERE entity_uuid = $1", prod).Scan(&v)
	if v != "Amoxicillin 250 mg capsules" {
		t.Fatalf("the field's value is %q", v)
	}
}

// The hub sequence never skips a row committed late. Push A takes its numbers and is held just
// before its commit; push B, of the same clinic, starts meanwhile. A pull in between must not
// return B's rows (numbered after A's) while A's are not yet visible: with a plain identity
// column B would be numbered 2, commit first, a pull would return it with Next = 2, and A's row
// (1), committed later, would never be pulled.
func TestPullNeverSkipsALateCommit(t *testing.T) {
	h := openHub(t)
	a, b, reader := join(t, h, "Kasese HC"), join(t, h, "Kasese HC"), join(t, h, "Kasese HC")
	held, release := make(chan struct{}), make(chan struct{})
	h.beforeCommit = func(ctx context.Context, req *syncwire.PushRequest) {
		if req.DeviceID == a.id {
			close(held)
			<-release
		}
	}
	reqA, reqB := a.receipt(7), b.receipt(11)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); push(t, h, a, reqA) }()
	<-held // A has its numbers and has not committed
	bDone := make(chan struct{})
	go func() { defer wg.Done(); push(t, h, b, reqB); close(bDone) }()
	// B cannot commit first: it waits for A's clinic lock. Give it time to try.
	select {
	case <-bDone:
		t.Fatal("B committed while A, numbered first, was still open")
	case <-time.After(300 * time.Millisecond):
	}
	mid, next := pullAll(t, h, reader, 0, false)
	if len(mid.Movements) != 0 {
		t.Fatalf("a pull between returned %+v before A committed", mid.Movements)
	}
	close(release)
	wg.Wait()
	got, _ := pullAll(t, h, reader, next, false)
	if len(got.Movements) != 2 || got.Movements[0].Quantity != 7 || got.Movements[1].Quantity != 11 {
		t.Fatalf("after both commits the reader pulled %+v", got.Movements)
	}
	// Every row has its own number, A's before B's.
	var rows, distinct int
	var seqA, seqB int64
	ctx := context.Background()
	h.pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT seq) FROM (SELECT seq FROM products UNION ALL SELECT seq FROM lines
		UNION ALL SELECT seq FROM movements) s`).Scan(&rows, &distinct)
	h.pool.QueryRow(ctx, "SELECT seq FROM movements WHERE uuid = $1", reqA.Movements[0].UUID).Scan(&seqA)
	h.pool.QueryRow(ctx, "SELECT seq FROM movements WHERE uuid = $1", reqB.Movements[0].UUID).Scan(&seqB)
	if rows != 6 || distinct != 6 || seqA >= seqB {
		t.Fatalf("%d rows with %d numbers; A's movement %d, B's %d", rows, distinct, seqA, seqB)
	}
	if bad, err := h.CheckTotals(ctx); err != nil || len(bad) != 0 {
		t.Fatalf("totals differ for %v (%v)", bad, err)
	}
}

// Many concurrent pushes of one clinic, with pulls running all the while: every row is pulled
// exactly once (no skip, no repeat).
func TestConcurrentPushesArePulledOnce(t *testing.T) {
	h := openHub(t)
	reader := join(t, h, "Kasese HC")
	const laptops, pushes = 6, 15
	var ls []*laptop
	for range laptops {
		ls = append(ls, join(t, h, "Kasese HC"))
	}
	seen := map[string]int{}
	var after int64
	stop := make(chan struct{})
	pulled := make(chan struct{})
	go func() {
		defer close(pulled)
		for {
			select {
			case <-stop:
				return
			default:
			}
			r, err := h.Pull(context.Background(), reader.token, syncwire.PullRequest{After: after, Limit: 7})
			if err != nil {
				t.Error(err)
				return
			}
			for _, m := range r.Movements {
				seen[m.UUID]++
			}
			after = r.Next
		}
	}()
	var wg sync.WaitGroup
	for _, l := range ls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range pushes {
				if _, err := h.Push(context.Background(), l.token, l.receipt(1)); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-pulled
	rest, _ := pullAll(t, h, reader, after, false)
	for _, m := range rest.Movements {
		seen[m.UUID]++
	}
	if len(seen) != laptops*pushes {
		t.Fatalf("pulled %d movements, pushed %d", len(seen), laptops*pushes)
	}
	for u, n := range seen {
		if n != 1 {
			t.Fatalf("movement %s pulled %d times", u, n)
		}
	}
	if bad, err := h.CheckTotals(context.Background()); err != nil || len(bad) != 0 {
		t.Fatalf("totals differ for %v (%v)", bad, err)
	}
}

// A copied data folder (same device id, another data folder) is refused, storing nothing; a
// restored backup (Through goes back) is stored by UUID, told, and gets its own rows back.
func TestCloneAndRestore(t *testing.T) {
	h := openHub(t)
	ctx := context.Background()
	a := join(t, h, "Kasese HC")
	before := a.receipt(3)
	push(t, h, a, before)
	after := a.receipt(4) // pushed, then lost by a restore from a backup made before it
	push(t, h, a, after)

	clone := *a
	clone.dataID = uuid.NewString()
	if _, err := h.Push(ctx, clone.token, clone.receipt(9)); code(err) != syncwire.ErrClone {
		t.Fatalf("a clone pushed: %v", err)
	}
	c2, _ := h.Enrol(ctx, "Kasese HC")
	if _, err := h.Join(ctx, syncwire.EnrolRequest{Code: c2, DeviceID: a.id, DataID: clone.dataID}); code(err) != syncwire.ErrClone {
		t.Fatalf("a clone joined with the original's device id: %v", err)
	}

	// Restored: the laptop's outbox is back at 1; it pushes the first batch again and a new row.
	a.through = 1
	again := before
	again.Through = 1
	resp := push(t, h, a, again)
	if !resp.Restored || resp.Stored != 0 || resp.Duplicate != 3 {
		t.Fatalf("restore push: %+v", resp)
	}
	own, _ := pullAll(t, h, a, 0, true)
	if len(own.Movements) != 2 || own.Movements[1].UUID != after.Movements[0].UUID {
		t.Fatalf("the restored laptop pulled back %+v", own.Movements)
	}
	var total int64
	h.pool.QueryRow(ctx, "SELECT sum(quantity) FROM movements").Scan(&total)
	if total != 7 {
		t.Fatalf("on hand %d after the restore, want 7 (nothing counted twice)", total)
	}
	if bad, err := h.CheckTotals(ctx); err != nil || len(bad) != 0 {
		t.Fatalf("totals differ for %v (%v)", bad, err)
	}
}

func TestBadBatchStoresNothing(t *testing.T) {
	h := openHub(t)
	a := join(t, h, "Kasese HC")
	req := a.receipt(2)
	req.Movements = append(req.Movements, syncwire.Movement{UUID: id7(), DeviceID: a.id, LineUUID: "x", Kind: "steal"})
	if _, err := h.Push(context.Background(), a.token, req); code(err) != syncwire.ErrBadRequest {
		t.Fatalf("a bad batch: %v", err)
	}
	var n int
	h.pool.QueryRow(context.Background(), "SELECT count(*) FROM products").Scan(&n)
	if n != 0 {
		t.Fatal("part of a refused batch was stored")
	}
}

// Opening twice migrates once; the hub keeps its id.
func TestOpenTwice(t *testing.T) {
	url := pgtest.Start(t)
	h1, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	id := h1.ID()
	h1.Close()
	h2, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer h2.Close()
	if h2.ID() != id {
		t.Fatal("the hub's id changed")
	}
}

// Migration 0002 fills line_totals from the movements a hub of schema 1 already holds.
func TestMigrationFillsTotals(t *testing.T) {
	url := pgtest.Start(t)
	ctx := context.Background()
	h, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	a := join(t, h, "Kasese HC")
	r := a.receipt(9)
	push(t, h, a, r)
	push(t, h, a, a.movement(r.Lines[0].UUID, "dispense", -4))
	// Back to schema 1, as a hub of the previous version left it.
	if _, err := h.pool.Exec(ctx, "DROP TABLE line_totals; DELETE FROM schema_migrations WHERE version = 2"); err != nil {
		t.Fatal(err)
	}
	h.Close()
	h, err = Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	rows, err := h.Stock(ctx, Filter{})
	if err != nil || len(rows) != 1 || rows[0].OnHand != 5 {
		t.Fatalf("after the migration: %+v %v", rows, err)
	}
}

// A pull that finds only the device's own rows still moves Next past them, and never past a row
// of another laptop.
func TestPullSkipsPastOwnRows(t *testing.T) {
	h := openHub(t)
	a, b := join(t, h, "Kasese HC"), join(t, h, "Kasese HC")
	for range 3 {
		push(t, h, a, a.receipt(1))
	}
	got, next := pullAll(t, h, a, 0, false)
	if len(got.Movements) != 0 || next != 9 {
		t.Fatalf("a pulled %d movements, next %d (want 0 and 9: its own 9 rows passed)", len(got.Movements), next)
	}
	push(t, h, b, b.receipt(4))
	got, _ = pullAll(t, h, a, next, false)
	if len(got.Movements) != 1 || got.Movements[0].Quantity != 4 {
		t.Fatalf("after its own rows a pulled %+v", got.Movements)
	}
}
