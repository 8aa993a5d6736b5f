package ui

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"medinventory/jobs"
	"medinventory/store"
)

// shotDir is where the rendered states are written: $UI_SHOTS if set (to look at them), else
// nowhere ("").
func shotDir(t *testing.T) string {
	if d := os.Getenv("UI_SHOTS"); d != "" {
		return mustMkdir(t, d)
	}
	return ""
}

func capture(t *testing.T, u *UI, name string, size fyne.Size) {
	t.Helper()
	w := u.Window()
	// The test canvas does not re-layout when a widget's minimum size changes (the real driver
	// does, every frame): a resize through another size lays everything out afresh.
	w.Resize(size.SubtractWidthHeight(7, 7))
	w.Resize(size)
	img := w.Canvas().Capture()
	if b := img.Bounds(); b.Dx() < int(size.Width)-2 || b.Dy() < int(size.Height)-2 {
		t.Fatalf("%s: captured %v, want %v", name, b, size)
	}
	// The PNG is for people to look at: without UI_SHOTS nobody would, and encoding a window-sized
	// image costs about as much CPU under -race as rendering it.
	dir := shotDir(t)
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

var shotSizes = map[string]fyne.Size{"1280x800": fyne.NewSize(1280, 800), "1024x640": fyne.NewSize(1024, 640)}

// TestRenderMainStates renders the empty window, a batch in progress and the editor, at the two
// sizes the app must look right at; the images are for people to look at (UI_SHOTS=dir).
func TestRenderMainStates(t *testing.T) {
	if testing.Short() {
		t.Skip("rendering is slow-ish")
	}
	skipUnderRace(t)
	for name, size := range shotSizes {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.start()
			capture(t, h.u, "empty-"+name, size)

			ctx := context.Background()
			dir := t.TempDir()
			var photos []store.Photo
			for i, n := range []string{"amoxicillin-box.jpg", "paracetamol.jpg", "shelf-3.jpg", "insulin.jpg", "blurry.jpg"} {
				p := filepath.Join(dir, n)
				writeJPEG(t, p, 320+i*10, 240)
				res, err := h.st.AddPhoto(ctx, p, nil)
				if err != nil {
					t.Fatal(err)
				}
				photos = append(photos, res.Photo)
			}
			amox := h.addEntryPhoto(t, "Amoxicillin", "2026-07-31", "20", map[string]string{"gtin": store.SourceBarcode, "expiry": store.SourceBarcode}, photos[0].ID)
			h.addEntry(t, "Paracetamol", "2026-04-30", "100", nil)
			h.addEntry(t, "Insulin glargine", "2027-11-30", "5", nil)
			conf := h.addEntry(t, "Metformin", "2028-02-29", "60", nil)
			if _, err := h.st.ConfirmEntry(ctx, conf); err != nil {
				t.Fatal(err)
			}
			states := []jobs.State{jobs.StateDone, jobs.StateRunning, jobs.StateQueued, jobs.StateWaiting, jobs.StateFailed}
			h.q.jobs = nil
			for i := len(photos) - 1; i >= 0; i-- {
				h.q.jobs = append(h.q.jobs, jobs.JobInfo{ID: int64(i + 1), Subject: photos[i].ID, State: jobs.StateQueued})
			}
			h.q.counts = jobs.Counts{Queued: 5}
			h.u.reloadQueue()
			h.u.inv.reload()
			c := jobs.Counts{Queued: 5}
			for i, s := range states {
				c.Queued--
				switch s {
				case jobs.StateDone:
					c.Done++
				case jobs.StateRunning:
					c.Running++
				case jobs.StateQueued:
					c.Queued++
				case jobs.StateWaiting:
					c.Waiting++
				case jobs.StateFailed:
					c.Failed++
				}
				ev := jobs.Event{JobID: int64(i + 1), Subject: photos[i].ID, State: s, Counts: c, Progress: 0.6}
				if s == jobs.StateWaiting {
					ev.Reason = "offline"
				}
				if s == jobs.StateFailed {
					ev.Err = "the photo is too blurry to read; take it again in good light"
				}
				h.u.ApplyEvent(ev)
			}
			capture(t, h.u, "batch-"+name, size)

			h.u.ed.open(amox)
			h.u.ed.fields["quantity"].SetText("-2")
			capture(t, h.u, "editor-"+name, size)

			h.u.d.Backend = &fakeBackend{}
			h.u.ShowSettings()
			capture(t, h.u, "settings-"+name, size)
		})
	}
}

// TestRenderStockStates renders the Stock tab's pages at the two sizes the app must look right
// at; the images are for people to look at (UI_SHOTS=dir).
func TestRenderStockStates(t *testing.T) {
	if testing.Short() {
		t.Skip("rendering is slow-ish")
	}
	skipUnderRace(t)
	for name, size := range shotSizes {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.pack(t, "Amoxicillin", "AX9912", "2026-07-31", "12", "A2", true)
			h.pack(t, "Amoxicillin", "AX9950", "2027-09-30", "24", "A2", true)
			h.pack(t, "Paracetamol", "LP1001", "2026-01-31", "6", "A1", true)
			h.pack(t, "Metformin", "MF0042", "2028-05-31", "3", "B1", false)
			s := h.startAtProduct(t, "Amoxicillin")
			capture(t, h.u, "stock-product-"+name, size)
			s.openLine(s.product.lines[0].ID)
			capture(t, h.u, "stock-card-"+name, size)
			s.showProducts()
			capture(t, h.u, "stock-products-"+name, size)
			s.showCount()
			capture(t, h.u, "stock-count-"+name, size)
			s.showReceipts()
			capture(t, h.u, "stock-receipts-"+name, size)
		})
	}
}

// skipUnderRace: the render tests check pixels, drawn on the test's own goroutine; the race
// detector made them take 25 s instead of 9. `make test` runs them without -race (test-plain),
// and every other ui test, with the same harness and background loop, with it.
func skipUnderRace(t *testing.T) {
	if raceOn {
		t.Skip("pixels, not concurrency: make test runs this without -race (make test-plain)")
	}
}
