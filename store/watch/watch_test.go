package watch

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Test timings: Settle is longer than the pause between a slow writer's chunks.
const (
	testSettle = 900 * time.Millisecond
	testPoll   = 300 * time.Millisecond
	chunkGap   = 300 * time.Millisecond
	deadline   = 15 * time.Second // generous: only a failure waits this long
)

type handover struct {
	path string
	at   time.Time
	size int64 // the file's size when it was handed over
}

type recorder struct {
	mu  sync.Mutex
	got []handover
}

func (r *recorder) handle(p string) {
	var size int64 = -1
	if st, err := os.Stat(p); err == nil {
		size = st.Size()
	}
	r.mu.Lock()
	r.got = append(r.got, handover{path: p, at: time.Now(), size: size})
	r.mu.Unlock()
}

func (r *recorder) all() []handover {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]handover(nil), r.got...)
}

func (r *recorder) count(p string) int {
	n := 0
	for _, h := range r.all() {
		if h.path == p {
			n++
		}
	}
	return n
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// onLoop runs f on the watcher's goroutine, where its state may be read and its steps run.
func (w *Watcher) onLoop(t *testing.T, f func()) {
	t.Helper()
	ran := make(chan struct{})
	select {
	case w.probe <- func() { f(); close(ran) }:
		<-ran
	case <-w.done:
		t.Fatal("the watcher stopped")
	case <-time.After(deadline):
		t.Fatal("the watcher's goroutine did not answer")
	}
}

// settled waits until the watcher holds nothing it could still hand over: a rescan run now leaves
// no file pending. From then on nothing is handed over without a new change in the folder, so the
// counts taken after it are final. (A sleep instead would miss a hand-over that comes later than
// it; a rescan that wrongly takes a file up again makes this wait for its hand-over.)
func settled(t *testing.T, w *Watcher) {
	t.Helper()
	waitFor(t, "the watcher to settle", func() bool {
		idle := false
		w.onLoop(t, func() {
			w.rescan(time.Now())
			idle = len(w.pending) == 0
		})
		return idle
	})
}

// forgotten reports whether the watcher no longer knows p: neither handed over nor pending.
func forgotten(t *testing.T, w *Watcher, p string) bool {
	t.Helper()
	gone := false
	w.onLoop(t, func() {
		_, seen := w.seen[p]
		_, pending := w.pending[p]
		gone = !seen && !pending
	})
	return gone
}

func start(t *testing.T, dir string, noNotify bool) (*Watcher, *recorder) {
	t.Helper()
	rec := &recorder{}
	w, err := New(dir, Options{Settle: testSettle, Poll: testPoll}, rec.handle)
	if err != nil {
		t.Fatal(err)
	}
	w.noNotify = noNotify
	if err := w.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, rec
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

type entry struct {
	size  int64
	mtime time.Time
	mode  fs.FileMode
}

// listing is every file and folder under dir with its size, time and mode.
func listing(t *testing.T, dir string) map[string]entry {
	t.Helper()
	out := map[string]entry{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out[p] = entry{info.Size(), info.ModTime(), info.Mode()}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameListing(t *testing.T, before, after map[string]entry) {
	t.Helper()
	for p, b := range before {
		a, ok := after[p]
		if !ok {
			t.Errorf("%s disappeared", p)
		} else if a != b {
			t.Errorf("%s changed: %+v → %+v", p, b, a)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s appeared", p)
		}
	}
}

func TestSlowChunkedWriteHandedOverOnceAfterLastWrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w, rec := start(t, dir, false)
	p := filepath.Join(dir, "slow.jpg")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte{0xAB}, 4096)
	for i := 0; i < 5; i++ {
		if _, err := f.Write(chunk); err != nil {
			t.Fatal(err)
		}
		time.Sleep(chunkGap)
		if n := rec.count(p); n != 0 {
			t.Fatalf("handed over after %d of 5 chunks", i+1)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	last := time.Now()
	before := listing(t, dir)
	waitFor(t, "the slow file", func() bool { return rec.count(p) > 0 })
	settled(t, w)
	got := rec.all()
	if len(got) != 1 {
		t.Fatalf("handed over %d times: %+v", len(got), got)
	}
	if got[0].path != p || got[0].size != 5*4096 || !got[0].at.After(last) {
		t.Errorf("hand-over %+v; want %s, %d bytes, after the last write at %v", got[0], p, 5*4096, last)
	}
	sameListing(t, before, listing(t, dir))
}

func TestFilesPresentAtStartSubfoldersAndFilters(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	img := []byte("not really a jpeg, the watcher does not decode")
	// Present before the watch starts.
	write(t, filepath.Join(dir, "old.jpg"), img)
	write(t, filepath.Join(dir, "DCIM", "Camera", "IMG_0001.HEIC"), img)
	for _, n := range []string{"notes.txt", ".hidden.jpg", "~$lock.jpg", "photo.jpg.part", "x.crdownload", "y.tmp",
		".thumbnails/t.jpg", "@eaDir/old.jpg/SYNOPHOTO_THUMB_XL.jpg", "#recycle/gone.png",
		"__MACOSX/DCIM/IMG_0001.jpg", "Thumbs.db", "desktop.ini", "._old.jpg"} {
		write(t, filepath.Join(dir, n), img)
	}
	write(t, filepath.Join(dir, "empty.png"), nil)

	w, rec := start(t, dir, false)
	old, heic := filepath.Join(dir, "old.jpg"), filepath.Join(dir, "DCIM", "Camera", "IMG_0001.HEIC")
	waitFor(t, "files present at start", func() bool { return rec.count(old) > 0 && rec.count(heic) > 0 })

	// Arriving while watched: in a new subfolder, a folder moved in with a photo inside, and
	// ignored names.
	sub := filepath.Join(dir, "2026", "11", "new.Png")
	write(t, sub, img)
	outside := filepath.Join(t.TempDir(), "batch")
	write(t, filepath.Join(outside, "moved.webp"), img)
	moved := filepath.Join(dir, "batch", "moved.webp")
	if err := os.Rename(outside, filepath.Join(dir, "batch")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "later.txt"), img)
	write(t, filepath.Join(dir, ".later.jpg"), img)
	// A download renamed to its final name when done.
	part := filepath.Join(dir, "dl.jpeg.part")
	write(t, part, img)
	final := filepath.Join(dir, "dl.jpeg")
	if err := os.Rename(part, final); err != nil {
		t.Fatal(err)
	}
	before := listing(t, dir)
	waitFor(t, "new files", func() bool { return rec.count(sub) > 0 && rec.count(moved) > 0 && rec.count(final) > 0 })
	settled(t, w)

	var names []string
	for _, h := range rec.all() {
		rel, _ := filepath.Rel(dir, h.path)
		names = append(names, filepath.ToSlash(rel))
	}
	sort.Strings(names)
	want := []string{"2026/11/new.Png", "DCIM/Camera/IMG_0001.HEIC", "batch/moved.webp", "dl.jpeg", "old.jpg"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("handed over %v\nwant        %v", names, want)
	}
	sameListing(t, before, listing(t, dir))
}

func TestReplacedFileHandedOverAgain(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w, rec := start(t, dir, false)
	p := filepath.Join(dir, "a.jpg")
	write(t, p, []byte("first version"))
	waitFor(t, "first version", func() bool { return rec.count(p) == 1 })
	// Reading it (as the import does) and touching nothing: no second hand-over.
	if _, err := os.ReadFile(p); err != nil {
		t.Fatal(err)
	}
	settled(t, w)
	if n := rec.count(p); n != 1 {
		t.Fatalf("handed over %d times before being replaced", n)
	}
	write(t, p, []byte("second, longer version"))
	waitFor(t, "second version", func() bool { return rec.count(p) == 2 })
	settled(t, w)
	if n := rec.count(p); n != 2 {
		t.Fatalf("handed over %d times, want 2", n)
	}
	// Deleted and written back: a new file as far as the watcher knows.
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the deletion noticed", func() bool { return forgotten(t, w, p) })
	write(t, p, []byte("second, longer version"))
	waitFor(t, "the file written back", func() bool { return rec.count(p) == 3 })
}

// Notifications missed (a network or sync folder): the periodic rescan finds the files alone.
func TestRescanWithoutNotifications(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w, rec := start(t, dir, true)
	if w.fw != nil {
		t.Fatal("notifications still on")
	}
	p := filepath.Join(dir, "deep", "er", "scan.gif")
	write(t, p, []byte("gif-ish"))
	waitFor(t, "the rescan", func() bool { return rec.count(p) == 1 })
	settled(t, w)
	if n := rec.count(p); n != 1 {
		t.Fatalf("handed over %d times", n)
	}
}

func TestNewErrorsAndLifecycle(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	noop := func(string) {}
	if _, err := New(filepath.Join(dir, "missing"), Options{}, noop); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing folder: %v", err)
	}
	file := filepath.Join(dir, "f.jpg")
	write(t, file, []byte("x"))
	if _, err := New(file, Options{}, noop); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("file as folder: %v", err)
	}
	if _, err := New(dir, Options{}, nil); err == nil {
		t.Error("nil handle accepted")
	}
	w, err := New(dir, Options{}, noop)
	if err != nil {
		t.Fatal(err)
	}
	if w.opts.Settle != DefaultSettle || w.opts.Poll != DefaultPoll || !filepath.IsAbs(w.Dir()) {
		t.Errorf("defaults: %+v, dir %q", w.opts, w.Dir())
	}
	if err := w.Close(); err != nil { // never started
		t.Fatal(err)
	}
	if err := w.Start(context.Background()); err == nil {
		t.Error("Start after Close succeeded")
	}

	ctx, cancel := context.WithCancel(context.Background())
	w2, err := New(dir, Options{Settle: testSettle}, noop)
	if err != nil {
		t.Fatal(err)
	}
	if err := w2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w2.Start(ctx); err == nil {
		t.Error("second Start succeeded")
	}
	cancel()
	w3, err := New(dir, Options{}, noop)
	if err != nil {
		t.Fatal(err)
	}
	w3.noNotify = true
	if err := w3.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w3.opts.Poll != DefaultPollWithoutNotify {
		t.Errorf("poll without notifications = %v, want %v", w3.opts.Poll, DefaultPollWithoutNotify)
	}
	if err := w3.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w2.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w2.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestIsCandidate(t *testing.T) {
	for name, want := range map[string]bool{"a.jpg": true, "B.JPEG": true, "c.heif": true, "d.WebP": true, "e.gif": true,
		"f.png": true, "g.HEIC": true, "h.jpg.part": false, "i.crdownload": false, "j.tmp": false, ".k.jpg": false,
		"~$l.jpg": false, "._m.jpg": false, "n.pdf": false, "Thumbs.db": false, "jpg": false, "": false} {
		if got := IsCandidate(name); got != want {
			t.Errorf("IsCandidate(%q) = %v", name, got)
		}
	}
}
