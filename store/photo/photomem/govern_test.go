package photomem

import (
	"context"
	"math"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"
)

const mb = 1 << 20

// The limits leave Target minus what the process holds outside Go's heap: little for a command,
// the window's 150 MB for the window, and never below the floors.
func TestLimitsFor(t *testing.T) {
	for _, c := range []struct {
		name               string
		rss, goHeld, cHeld int64
		wantGo, wantPhotos int64
	}{
		// 400 - 30 - 32 = 338 for Go, 40 MB of it for the app's own heap.
		{"a command: 30 MB outside Go", 60 * mb, 30 * mb, 0, 338 * mb, 298 * mb},
		{"a command: 10 MB outside Go", 40 * mb, 30 * mb, 0, 358 * mb, Budget},
		// The window's code, OpenGL driver and fonts: 150 MB outside Go.
		{"the window", 380 * mb, 230 * mb, 0, 218 * mb, 178 * mb},
		// A HEIC decode announces 60 MB of C memory (HoldC) before it is resident: Go's limit
		// makes room for it at once.
		{"the window, libheif about to decode", 380 * mb, 230 * mb, 60 * mb, 158 * mb, 178 * mb},
		// Once resident it is counted twice in Go's limit (which cannot tell), and the photos'
		// budget admits less until the decode ends.
		{"the window, libheif decoding", 440 * mb, 230 * mb, 60 * mb, minGo, 118 * mb},
		{"a driver that takes 350 MB", 450 * mb, 100 * mb, 0, minGo, minPhotos},
		{"Go holds more than is resident", 50 * mb, 80 * mb, 0, 368 * mb, Budget},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := LimitsFor(c.rss, c.goHeld, c.cHeld)
			if l.Go != c.wantGo || l.Photos != c.wantPhotos {
				t.Errorf("LimitsFor(%d, %d, %d MB) = Go %d MB, photos %d MB; want %d, %d",
					c.rss/mb, c.goHeld/mb, c.cHeld/mb, l.Go/mb, l.Photos/mb, c.wantGo/mb, c.wantPhotos/mb)
			}
		})
	}
}

// keepMemoryLimit restores Go's memory limit after the test.
func keepMemoryLimit(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })
}

// governed runs Govern until the test ends and returns the last limits it passed on.
func governed(t *testing.T) func() Limits {
	t.Helper()
	keepMemoryLimit(t)
	t.Setenv("GOMEMLIMIT", "")
	var mu sync.Mutex
	var last Limits
	applied := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		Govern(ctx, 10*time.Millisecond, func(l Limits) {
			mu.Lock()
			last = l
			mu.Unlock()
			select {
			case applied <- struct{}{}:
			default:
			}
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	<-applied
	return func() Limits {
		mu.Lock()
		defer mu.Unlock()
		return last
	}
}

// Govern sets Go's limit and passes the photos' budget on; HoldC lowers Go's limit by the C memory
// at once and gives it back on release. The process is made to hold 50 MB outside Go's heap.
func TestGovernAndHoldC(t *testing.T) {
	resident = func() (int64, bool) { return goHeld() + 50*mb, true }
	t.Cleanup(func() { resident = residentBytes })
	// Go's memory moves a little between the two readings: to within 1 MB.
	near := func(got, wantMB int64) bool { return got > (wantMB-1)*mb && got < (wantMB+1)*mb }
	last := governed(t)
	l := last()
	if !near(l.Go, 318) || !near(l.Photos, 278) {
		t.Fatalf("limits: Go %d MB, photos %d MB; want 400 - 50 - 32 = 318, and 40 MB less", l.Go/mb, l.Photos/mb)
	}
	if got := debug.SetMemoryLimit(-1); !near(got, 318) {
		t.Fatalf("Go's limit %d MB, want Govern's 318", got/mb)
	}
	release := HoldC(100 * mb)
	if got := debug.SetMemoryLimit(-1); !near(got, 218) {
		t.Errorf("HoldC(100 MB): Go's limit %d MB, want 218", got/mb)
	}
	if p := last().Photos; !near(p, 278) {
		t.Errorf("HoldC(100 MB): photos' budget %d MB, want it unchanged (278)", p/mb)
	}
	release()
	if got := debug.SetMemoryLimit(-1); !near(got, 318) {
		t.Errorf("after the release: Go's limit %d MB, want 318 again", got/mb)
	}
}

// The process's resident memory is read, and Go's share of it is part of it.
func TestResidentBytes(t *testing.T) {
	rss, ok := residentBytes()
	if !ok {
		if runtime.GOOS == "linux" || runtime.GOOS == "windows" {
			t.Fatal("resident memory not read (/proc/self/statm, K32GetProcessMemoryInfo)")
		}
		t.Skip("resident memory is not read on this system")
	}
	b := make([]byte, 64*mb)
	for i := 0; i < len(b); i += 4096 { // each page
		b[i] = 1
	}
	after, _ := residentBytes()
	runtime.KeepAlive(b)
	if rss <= 0 || after-rss < 60*mb {
		t.Errorf("resident %d MB, then %d MB after touching 64 MB", rss/mb, after/mb)
	}
}

func TestHoldCWithoutGovern(t *testing.T) {
	keepMemoryLimit(t)
	debug.SetMemoryLimit(300 * mb)
	HoldC(100 * mb)()
	if got := debug.SetMemoryLimit(-1); got != 300*mb {
		t.Errorf("Go's limit %d MB after HoldC without Govern; want it untouched", got/mb)
	}
}

// A limit the user set with GOMEMLIMIT stays; the photos' budget still follows the process.
func TestGovernKeepsGOMEMLIMIT(t *testing.T) {
	keepMemoryLimit(t)
	debug.SetMemoryLimit(777 * mb)
	t.Setenv("GOMEMLIMIT", "777MiB")
	ctx, cancel := context.WithCancel(context.Background())
	var got Limits
	Govern(ctx, time.Hour, func(l Limits) { got = l; cancel() })
	HoldC(50 * mb)()
	if lim := debug.SetMemoryLimit(-1); lim != 777*mb {
		t.Errorf("Go's limit %d MB; want GOMEMLIMIT's 777", lim/mb)
	}
	if got.Photos <= 0 {
		t.Errorf("no photos' budget: %+v", got)
	}
}

// MakeRoom returns a finished photo's garbage to the system before the next decode when the two
// would pass Go's limit, and does nothing without a limit or when they fit.
func TestMakeRoom(t *testing.T) {
	keepMemoryLimit(t)
	garbage := func() {
		b := make([]byte, 64*mb)
		for i := 0; i < len(b); i += 4096 { // each page
			b[i] = 1
		}
		runtime.KeepAlive(b)
	}
	numGC := func() uint32 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.NumGC
	}

	debug.SetMemoryLimit(math.MaxInt64)
	runtime.GC() // no collection under way that would end during MakeRoom
	n := numGC()
	MakeRoom(1 << 40)
	if numGC() != n {
		t.Error("MakeRoom collected without a memory limit")
	}

	debug.SetMemoryLimit(1 << 40)
	n = numGC()
	MakeRoom(mb)
	if numGC() != n {
		t.Error("MakeRoom collected although the decode fits")
	}

	garbage()
	held := goHeld()
	debug.SetMemoryLimit(held + 10*mb)
	MakeRoom(32 * mb)
	if after := goHeld(); held-after < 48*mb {
		t.Errorf("Go held %d MB before MakeRoom and %d MB after; want the 64 MB of garbage returned", held/mb, after/mb)
	}
}

// The photos' budget leaves room for the app's own heap as measured, when it is over appHeap: the
// least live heap of the recent readings (a reading taken while a photo was decoded is higher).
func TestAppHeapIsTheLeastRecentLiveHeap(t *testing.T) {
	gov.Lock()
	defer gov.Unlock()
	gov.next = 0
	for i, c := range []struct{ live, want int64 }{
		{30 * mb, 30 * mb},
		{200 * mb, 30 * mb}, // a photo in flight
		{90 * mb, 30 * mb},
	} {
		if got := appHeapNow(c.live); got != c.want {
			t.Fatalf("reading %d (%d MB live): app heap %d MB, want %d", i, c.live/mb, got/mb, c.want/mb)
		}
	}
	for range appWindow - 1 { // the 30 MB reading leaves the window
		appHeapNow(90 * mb)
	}
	if got := appHeapNow(120 * mb); got != 90*mb {
		t.Errorf("app heap %d MB after a window of readings at 90 MB or more, want 90", got/mb)
	}
	// A window with 90 MB of the app's own: the photos get 50 MB less than with appHeap's 40.
	if a, b := limitsFor(380*mb, 230*mb, 0, 90*mb), LimitsFor(380*mb, 230*mb, 0); b.Photos-a.Photos != 50*mb || a.Go != b.Go {
		t.Errorf("with 90 MB of the app's heap: %+v; with 40: %+v", a, b)
	}
	if a, b := limitsFor(380*mb, 230*mb, 0, 10*mb), LimitsFor(380*mb, 230*mb, 0); a != b {
		t.Errorf("an app heap under appHeap changed the limits: %+v, want %+v", a, b)
	}
}

// Govern sees a large live heap of the app's own and gives the photos less.
func TestGovernLeavesRoomForALargeAppHeap(t *testing.T) {
	resident = func() (int64, bool) { return goHeld() + 50*mb, true }
	t.Cleanup(func() { resident = residentBytes })
	inventory := make([]byte, 150*mb) // the app's own, live through the test
	for i := 0; i < len(inventory); i += 4096 {
		inventory[i] = 1
	}
	runtime.GC() // the live heap is measured at a collection
	last := governed(t)
	l := last()
	// 400 - 50 - 32 = 318 of room; the app's ≥ 150 MB off it leaves ≤ 168 for the photos.
	if l.Photos > 170*mb || l.Photos < minPhotos {
		t.Errorf("photos' budget %d MB with 150 MB of the app's own live; want at most 168", l.Photos/mb)
	}
	runtime.KeepAlive(inventory)
}
