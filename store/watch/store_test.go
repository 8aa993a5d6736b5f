package watch

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"medinventory/store"
)

// The watcher with the real store, as the app wires it: a photo is imported once, a copy of it
// under another name and the same folder watched again after a restart add nothing.
func TestWithStoreImportsOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	var mu sync.Mutex
	var sum store.AddSummary
	handed := 0
	handle := func(p string) {
		s, err := st.AddPaths(ctx, []string{p}, nil, nil)
		mu.Lock()
		defer mu.Unlock()
		handed++
		if err != nil {
			t.Errorf("AddPaths: %v", err)
		}
		sum.Added += s.Added
		sum.Duplicates += s.Duplicates
		sum.Skipped += s.Skipped
	}
	snapshot := func() (store.AddSummary, int) {
		mu.Lock()
		defer mu.Unlock()
		return sum, handed
	}

	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	img.Set(3, 3, color.RGBA{255, 0, 0, 255})
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "pack.jpg"), buf.Bytes())

	newWatcher := func() *Watcher {
		w, err := New(dir, Options{Settle: testSettle, Poll: testPoll}, handle)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Start(ctx); err != nil {
			t.Fatal(err)
		}
		return w
	}
	w := newWatcher()
	waitFor(t, "the first import", func() bool { _, n := snapshot(); return n == 1 })
	write(t, filepath.Join(dir, "Copy of pack.jpg"), buf.Bytes())
	waitFor(t, "the copy", func() bool { _, n := snapshot(); return n == 2 })
	before := listing(t, dir)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w = newWatcher() // the app restarted: both files are handed over again
	defer w.Close()
	waitFor(t, "the files after a restart", func() bool { _, n := snapshot(); return n == 4 })
	settled(t, w)
	s, n := snapshot()
	if n != 4 || s.Added != 1 || s.Duplicates != 3 || s.Skipped != 0 {
		t.Errorf("handed %d, summary %+v; want 4 hand-overs, 1 added, 3 duplicates", n, s)
	}
	photos := 0
	if err := st.ReadDB().QueryRow("SELECT count(*) FROM photos").Scan(&photos); err != nil || photos != 1 {
		t.Errorf("%d photos in the store (%v), want 1", photos, err)
	}
	sameListing(t, before, listing(t, dir))
	if _, err := os.Stat(filepath.Join(dir, "pack.jpg")); err != nil {
		t.Errorf("the original was touched: %v", err)
	}
}
