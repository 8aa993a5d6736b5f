package ui

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"medinventory/jobs"
	"medinventory/store"
	"medinventory/store/storetest"
)

// fakeQueue implements Queue in memory (it is not a database: the store below is the real one).
type fakeQueue struct {
	mu      sync.Mutex
	ch      chan jobs.Event
	jobs    []jobs.JobInfo
	counts  jobs.Counts
	retried []int64
	cancels []int64
}

func newFakeQueue() *fakeQueue { return &fakeQueue{ch: make(chan jobs.Event, 16)} }

func (q *fakeQueue) Events() <-chan jobs.Event { return q.ch }
func (q *fakeQueue) Counts(context.Context) (jobs.Counts, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.counts, nil
}
func (q *fakeQueue) Jobs(context.Context) ([]jobs.JobInfo, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]jobs.JobInfo(nil), q.jobs...), nil
}
func (q *fakeQueue) Retry(_ context.Context, id int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.retried = append(q.retried, id)
	return nil
}
func (q *fakeQueue) RetryAllFailed(context.Context) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for i := range q.jobs {
		if q.jobs[i].State == jobs.StateFailed {
			q.jobs[i].State = jobs.StateQueued
			q.retried = append(q.retried, q.jobs[i].ID)
			n++
		}
	}
	return n, nil
}
func (q *fakeQueue) Cancel(_ context.Context, id int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.cancels = append(q.cancels, id)
	return nil
}

// storeImporter imports into the real store and queues a job per new photo in the fake queue.
type storeImporter struct {
	st    *store.Store
	q     *fakeQueue
	mu    sync.Mutex
	calls [][]string
}

func (im *storeImporter) Import(ctx context.Context, paths []string, report func(store.AddOutcome)) (store.AddSummary, error) {
	im.mu.Lock()
	im.calls = append(im.calls, paths)
	im.mu.Unlock()
	return im.st.AddPaths(ctx, paths, nil, func(o store.AddOutcome) {
		if o.Added() {
			im.q.mu.Lock()
			im.q.jobs = append([]jobs.JobInfo{{ID: int64(len(im.q.jobs) + 1), Subject: o.Photo.ID,
				State: jobs.StateQueued}}, im.q.jobs...)
			im.q.counts.Queued++
			im.q.mu.Unlock()
		}
		report(o)
	})
}

var testToday = time.Date(2026, 6, 1, 10, 0, 0, 0, time.Local)

type harness struct {
	u   *UI
	st  *store.Store
	q   *fakeQueue
	imp *storeImporter
	app fyne.App
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	st := storetest.Open(t, store.Options{Now: func() time.Time { return testToday }})
	q := newFakeQueue()
	imp := &storeImporter{st: st, q: q}
	u := New(a, Deps{Inventory: st, Queue: q, Importer: imp, Stock: st})
	u.sync = true
	u.now = func() time.Time { return testToday }
	return &harness{u: u, st: st, q: q, imp: imp, app: a}
}

func (h *harness) start() { h.u.Start(context.Background()) }

// addEntry adds an entry through the store (sources may mark barcode fields).
func (h *harness) addEntry(t testing.TB, name, expiry, qty string, sources map[string]string) int64 {
	t.Helper()
	return h.addEntryPhoto(t, name, expiry, qty, sources, 0)
}

func (h *harness) addEntryPhoto(t testing.TB, name, expiry, qty string, sources map[string]string, photoID int64) int64 {
	t.Helper()
	ctx := context.Background()
	tx, err := h.st.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	ne := store.NewEntry{Values: store.Values{Name: name, Strength: "500 mg", DosageForm: "tablet", Lot: "L" + name[:1] + "42", Expiry: expiry}, Sources: sources, PhotoID: photoID}
	if qty != "" {
		var n int64
		for _, c := range qty {
			n = n*10 + int64(c-'0')
		}
		ne.Quantity = &n
	}
	id, err := h.st.InsertEntryTx(ctx, tx, ne)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return id
}

// jpegs holds writeJPEG's bytes by size: the same size is the same gradient, so each is drawn and
// encoded once per test binary (a 4000×3000 one costs seconds under -race).
var jpegs sync.Map // image.Point → []byte

// writeJPEG writes a w×h gradient JPEG to path.
func writeJPEG(t testing.TB, path string, w, h int) {
	t.Helper()
	b, ok := jpegs.Load(image.Pt(w, h))
	if !ok {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			row := img.Pix[y*img.Stride : y*img.Stride+4*w]
			for x := 0; x < w; x++ {
				row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = uint8(x*255/w), uint8(y*255/h), 160, 255
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, nil); err != nil {
			t.Fatal(err)
		}
		b, _ = jpegs.LoadOrStore(image.Pt(w, h), buf.Bytes())
	}
	if err := os.WriteFile(path, b.([]byte), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustMkdir(t testing.TB, p string) string {
	t.Helper()
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// findButton finds a visible button by its text anywhere under o.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	walk(o, func(x fyne.CanvasObject) {
		if b, ok := x.(*widget.Button); ok && b.Text == text && b.Visible() && found == nil {
			found = b
		}
	})
	return found
}

func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	f(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walk(c, f)
		}
	}
}

func fileURI(p string) fyne.URI {
	abs, _ := filepath.Abs(p)
	return storage.NewFileURI(abs)
}

// get reads a string binding (the tests run on the UI goroutine: the test driver's fyne.Do is
// synchronous).
func get(b interface{ Get() (string, error) }) string {
	s, err := b.Get()
	if err != nil {
		panic(err)
	}
	return s
}

// walkLabels calls f with the text of every label and rich text under o.
func walkLabels(o fyne.CanvasObject, f func(string)) {
	walk(o, func(x fyne.CanvasObject) {
		switch l := x.(type) {
		case *widget.Label:
			f(l.Text)
		case *widget.RichText:
			var seg func([]widget.RichTextSegment)
			seg = func(ss []widget.RichTextSegment) {
				for _, x := range ss {
					switch s := x.(type) {
					case *widget.ListSegment:
						seg(s.Items)
					case *widget.ParagraphSegment:
						seg(s.Texts)
					default:
						f(x.Textual())
					}
				}
			}
			seg(l.Segments)
		}
	})
}
