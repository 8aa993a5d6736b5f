package photomem

import (
	"context"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// Target is the resident memory (RSS) the whole app aims to stay under while it decodes photos,
// the window included: the photos' budget and Go's memory limit are what is left of it after the
// memory the process holds outside Go's heap.
const Target int64 = 400 << 20

const (
	// appHeap is the least Go's heap is taken to hold for the app itself besides the photos being
	// decoded (the window's widgets and fonts, the store, the queue): 23–30 MB live in the window
	// after a batch. Where more is live (a large inventory in the window), the photos' budget
	// leaves room for what was: see appHeapNow.
	appHeap int64 = 40 << 20
	// appWindow is how many of Govern's readings the app's heap is judged from: the least live
	// heap over the last 30 s (at the default 500 ms) is what the app holds with no photo in it,
	// or more when photos were in flight at each reading (the safe side).
	appWindow = 60
	// margin is kept free under Target for what moves between two readings (Mesa's buffers as the
	// window redraws, libheif's arena as a decode starts).
	margin int64 = 32 << 20
	// minGo and minPhotos are the floors where the memory outside Go's heap alone comes near
	// Target (a graphics driver that takes 300 MB): below them the collector would run without
	// pause. A photo larger than the photos' budget still runs, alone.
	minGo     int64 = 120 << 20
	minPhotos int64 = 64 << 20
)

// Limits are the memory limits for the process as it is now.
type Limits struct {
	Go     int64 // Go's soft memory limit (runtime/debug.SetMemoryLimit)
	Photos int64 // what the photos being decoded may take together (at most Budget)
}

// LimitsFor returns the limits for a process with rss bytes resident, goHeld of them Go's (what Go
// has mapped and not returned, the figure Go's memory limit counts), while C decoders hold or are
// about to take cHeld bytes (HoldC). The rest of rss — the program's code, the C libraries such as
// the OpenGL driver and fonts, a C decode under way — is taken off Target first. Go's limit also
// leaves room for all of cHeld: how much of it is resident yet cannot be told, so it may be
// counted twice for the length of a decode, never not at all.
func LimitsFor(rss, goHeld, cHeld int64) Limits {
	return limitsFor(rss, goHeld, cHeld, appHeap)
}

// limitsFor is LimitsFor for an app whose own heap is app bytes (at least appHeap).
func limitsFor(rss, goHeld, cHeld, app int64) Limits {
	room := Target - max(rss-goHeld, 0) - margin
	return Limits{Go: max(room-cHeld, minGo), Photos: min(Budget, max(room-max(app, appHeap), minPhotos))}
}

// current returns the limits for this process now. Where its resident memory cannot be read
// (it is read on Linux, from /proc, and on Windows; not on macOS) they are the fixed ones: Budget,
// and Go's limit from it.
func current(cHeld int64) Limits {
	rss, ok := resident()
	if !ok {
		return Limits{Go: max(Budget+appHeap-cHeld, minGo), Photos: Budget}
	}
	return limitsFor(rss, goHeld(), cHeld, appHeapNow(liveHeap()))
}

// appHeapNow records live, Go's live heap at this reading, and returns the least of the last
// appWindow readings: the app's own heap, with no photo being decoded at that reading, or more.
func appHeapNow(live int64) int64 {
	gov.lives[gov.next%appWindow] = live
	gov.next++
	least := live
	for _, v := range gov.lives[:min(gov.next, appWindow)] {
		least = min(least, v)
	}
	return least
}

// liveHeap is Go's heap that the last collection found in use.
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}

// goHeld is the memory Go has mapped and not returned to the system: Go's memory limit counts it.
func goHeld() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 || s[1].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64() - s[1].Value.Uint64())
}

// resident reads the process's resident memory (a test replaces it).
var resident = residentBytes

// gov is the running Govern's state.
var gov struct {
	sync.Mutex
	on    bool
	fixed bool  // GOMEMLIMIT is set: Go's limit is the user's
	cHeld int64 // HoldC's
	apply func(Limits)
	lives [appWindow]int64 // Go's live heap at the last readings (appHeapNow)
	next  int
}

// updateLocked sets the limits for now.
func updateLocked() {
	l := current(gov.cHeld)
	if !gov.fixed {
		debug.SetMemoryLimit(l.Go)
	}
	gov.apply(l)
}

// Govern keeps the limits up to date as the process's memory outside Go's heap changes (the window
// opens, rows show thumbnails, a HEIC decodes in C): now, then every period and at each HoldC until
// ctx ends, it sets Go's memory limit (unless GOMEMLIMIT is set, which wins) and passes the limits
// to apply. One Govern runs at a time.
func Govern(ctx context.Context, every time.Duration, apply func(Limits)) {
	gov.Lock()
	gov.on, gov.fixed, gov.apply = true, os.Getenv("GOMEMLIMIT") != "", apply
	gov.next = 0
	updateLocked()
	gov.Unlock()
	defer func() {
		gov.Lock()
		gov.on, gov.apply = false, nil
		gov.Unlock()
	}()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			gov.Lock()
			updateLocked()
			gov.Unlock()
		}
	}
}

// HoldC says that a C decoder (libheif) is about to take n bytes outside Go's heap, until release
// is called: Go's limit is lowered by n at once, before the memory shows in the process's resident
// size, and when Go holds more than the new limit (the garbage a finished photo left), it is
// collected and returned to the system now, not at the next allocation, which may come only
// after the C decode. Go's heap and the C decode together then stay under Target. Without Govern
// running it does nothing.
func HoldC(n int64) (release func()) {
	gov.Lock()
	if !gov.on {
		gov.Unlock()
		return func() {}
	}
	gov.cHeld += n
	updateLocked()
	gov.Unlock()
	MakeRoom(0)
	return func() {
		gov.Lock()
		defer gov.Unlock()
		gov.cHeld -= n
		if gov.on {
			updateLocked()
		}
	}
}

// MakeRoom is called before a decode that takes n bytes: when what Go holds plus n would pass Go's
// memory limit, the garbage a finished photo left is collected and returned to the system first.
// The collector alone would start only as the decode allocates, and one photo's pixels come in a
// few allocations of up to 100 MB each, which land on top of that garbage before it is freed: the
// window's peak went 30–40 MB over Target that way. Without a memory limit it does nothing.
func MakeRoom(n int64) {
	limit := debug.SetMemoryLimit(-1)
	if limit == math.MaxInt64 {
		return
	}
	if goHeld()+n > limit {
		// Returned, not only collected: with runtime.GC alone the freed pages stayed mapped but
		// the next photo's large allocations did not fit in them, and the window peaked at
		// 409–415 MB instead of 368–372 MB.
		debug.FreeOSMemory()
	}
}
