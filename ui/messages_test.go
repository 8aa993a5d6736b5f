package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"medinventory/jobs"
	"medinventory/store"
)

// Each message here was found untrue by a clinic worker; each test fails on the old wording.

func TestReviewNoteGoesOnceConfirmedAndMarksFollowEdits(t *testing.T) {
	h := newHarness(t)
	id := h.addEntry(t, "Amoxicillin", "2027-01-31", "20", map[string]string{"gtin": store.SourceBarcode,
		"expiry": store.SourceBarcode, "name": store.SourceModel, "strength": store.SourceModel})
	if _, err := h.st.DB().Exec(`UPDATE entries SET review_note = 'Check strength: the model was not sure.' WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	h.start()
	openEditor(t, h, id)
	ed := h.u.ed
	if !ed.note.Visible() {
		t.Fatal("the review note should show while the entry needs review")
	}
	for f, want := range map[string]string{"gtin": "GTIN (barcode)", "name": "Name (from photo)", "lot": "Lot"} {
		if got := ed.labels[f].Text; got != want {
			t.Errorf("label of %s = %q, want %q", f, got, want)
		}
	}
	ed.fields["expiry"].SetText("2027-02-28")
	if got := ed.labels["expiry"].Text; got != "Expiry (edited)" {
		t.Fatalf("a field the user changed still says %q", got)
	}
	ed.fields["expiry"].SetText("2027-01-31") // typed back: the barcode's value again
	if got := ed.labels["expiry"].Text; got != "Expiry (barcode)" {
		t.Fatalf("label %q", got)
	}
	ed.fields["expiry"].SetText("2027-02-28")
	ed.Confirm()
	if got := ed.labels["expiry"].Text; got != "Expiry" {
		t.Fatalf("after saving, the user's value is marked %q", got)
	}
	if ed.note.Visible() {
		t.Fatal("the review note is still shown after Confirm")
	}
}

func TestExpiresInOneDay(t *testing.T) {
	e := store.Entry{Status: store.StatusConfirmed, Values: store.Values{Expiry: "2026-06-02"}}
	if got, _, _ := entryStatus(&e, testToday); got != "Expires in 1 day" {
		t.Fatalf("status %q", got)
	}
}

func TestUsageTextSaysWhatWasRead(t *testing.T) {
	for _, c := range []struct {
		us   store.Usage
		read int
		want string
	}{
		{store.Usage{}, 0, "Today: no photos read yet"},
		{store.Usage{}, 6, "Today: 6 photos read · none sent for reading online"},
		{store.Usage{Requests: 2, TokensIn: 1500, TokensOut: 200, CostUSD: 0.004}, 6,
			"Today: 6 photos read · 2 of them online · less than $0.01"},
		{store.Usage{Requests: 1, TokensIn: 900, CostUSD: 0.02}, 1, "Today: 1 photo read online · about $0.02"},
	} {
		if got := usageText(c.us, c.read); got != c.want {
			t.Errorf("usageText(%+v, %d) = %q, want %q", c.us, c.read, got, c.want)
		}
	}
}

func TestStatusBarCountsPhotosReadLocally(t *testing.T) {
	h := newHarness(t)
	h.q.jobs, h.q.counts = queuedJobs(2)
	h.start()
	h.u.ApplyEvent(jobs.Event{JobID: 1, Subject: 101, State: jobs.StateDone, Counts: jobs.Counts{Queued: 1, Done: 1}})
	if got := get(h.u.useB); got != "Today: 1 photo read · none sent for reading online" {
		t.Fatalf("status bar %q while results arrive", got)
	}
}

func TestNoRowForPhotolessJobs(t *testing.T) {
	h := newHarness(t)
	h.q.jobs = []jobs.JobInfo{{ID: 7, Kind: "other", State: jobs.StateQueued}, {ID: 8, State: jobs.StateQueued}}
	h.start()
	h.u.ApplyEvent(jobs.Event{JobID: 9, State: jobs.StateRunning, Counts: jobs.Counts{Running: 1}})
	if n := h.u.queue.view.Length(); n != 0 {
		t.Fatalf("%d rows for jobs with no photo", n)
	}
}

func TestFinishedRowsDoNotPileUpAndOpenTheirEntry(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	dir := t.TempDir()
	var list []jobs.JobInfo
	var first int64
	for i := 0; i < 30; i++ {
		p := filepath.Join(dir, "p"+string(rune('a'+i%26))+string(rune('a'+i/26))+".jpg")
		writeJPEG(t, p, 20+i, 20)
		res, err := h.st.AddPhoto(ctx, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if i == 29 {
			first = h.addEntryPhoto(t, "Paracetamol", "2027-01-31", "1", nil, res.Photo.ID)
		}
		list = append([]jobs.JobInfo{{ID: int64(i + 1), Subject: res.Photo.ID, State: jobs.StateDone,
			UpdatedAt: time.Now()}}, list...)
	}
	h.q.jobs, h.q.counts = list, jobs.Counts{Done: 30}
	h.start()
	if n := h.u.queue.view.Length(); n != maxFinishedShown {
		t.Fatalf("%d finished rows shown, want at most %d", n, maxFinishedShown)
	}
	// A click on a finished photo opens what was read from it (the newest is first).
	h.u.queue.list.Select(0)
	if !h.u.ed.visible || h.u.ed.entryID != first {
		t.Fatalf("clicking a finished photo opened %d, want entry %d", h.u.ed.entryID, first)
	}
	if ov := h.u.Window().Canvas().Overlays().Top(); ov != nil {
		t.Fatal("no dead-end dialog")
	}
	test.Tap(h.u.queue.clearBtn)
	if n := h.u.queue.view.Length(); n != 0 {
		t.Fatalf("%d rows after Clear finished", n)
	}
	h.u.reloadQueue() // the next start (or re-read) keeps them cleared
	if n := h.u.queue.view.Length(); n != 0 {
		t.Fatalf("%d cleared rows came back", n)
	}
}

func TestImportTextCountsFilesNotDroppedItems(t *testing.T) {
	h := newHarness(t)
	h.start()
	dir := t.TempDir()
	for i, n := range []string{"a.jpg", "b.jpg", "c.jpg"} {
		writeJPEG(t, filepath.Join(dir, n), 30+i, 20)
	}
	h.u.HandleDrop([]fyne.URI{fileURI(dir)}) // one folder holding three photos
	if got := get(h.u.queue.importB); got != "3 new photos added" {
		t.Fatalf("import text %q", got)
	}
}

func TestNoKeyFirstStartSaysSo(t *testing.T) {
	h := newHarness(t)
	h.u.d.Backend = &fakeBackend{conn: Connection{BaseURL: "https://api.openai.com/v1", BaseURLFrom: "default", Model: "gpt-4.1-mini", OpenAI: true}}
	h.start()
	if got := get(h.u.netB); got != "No OpenAI key — open Settings" {
		t.Fatalf("status bar %q with no key", got)
	}
	if !h.u.banner.Visible() || !strings.HasPrefix(get(h.u.bannerB), "No OpenAI key is set — open Settings") || !h.u.bannerBtn.Visible() {
		t.Fatalf("banner %v %q, button %v", h.u.banner.Visible(), get(h.u.bannerB), h.u.bannerBtn.Visible())
	}
}

func TestServerDownIsNotNoNetwork(t *testing.T) {
	h := newHarness(t)
	h.q.jobs, h.q.counts = queuedJobs(1)
	h.u.d.Backend = &fakeBackend{conn: Connection{BaseURL: "http://127.0.0.1:9/v1", BaseURLFrom: "environment", Model: "llava", OpenAI: false}}
	h.start()
	if got := get(h.u.netB); got != "Model server: 127.0.0.1:9" {
		t.Fatalf("status bar %q", got)
	}
	if h.u.banner.Visible() {
		t.Fatalf("a local server needs no key, yet the banner says %q", get(h.u.bannerB))
	}
	h.u.ApplyEvent(jobs.Event{JobID: 1, Subject: 101, State: jobs.StateWaiting, Reason: "offline",
		Err:    "The model server at http://127.0.0.1:9/v1 cannot be reached. Check that it is running; the photo will be analysed then.",
		Counts: jobs.Counts{Waiting: 1}})
	if got := get(h.u.netB); got != "Model server not reachable — photos will wait" {
		t.Fatalf("status bar %q", got)
	}
	if got := get(h.u.bannerB); !strings.Contains(got, "The model server at 127.0.0.1:9 cannot be reached") || strings.Contains(got, "No network") {
		t.Fatalf("banner %q", got)
	}
	// Settings shows the server in use, set by the environment.
	h.u.ShowSettings()
	f := h.u.settingsOpen
	if !strings.Contains(f.baseURL.PlaceHolder, "http://127.0.0.1:9/v1 (from OPENAI_BASE_URL)") {
		t.Fatalf("server field placeholder %q", f.baseURL.PlaceHolder)
	}
	var texts []string
	walkLabels(h.u.Window().Canvas().Overlays().Top(), func(s string) { texts = append(texts, s) })
	if all := strings.Join(texts, "|"); !strings.Contains(all, "In use now: http://127.0.0.1:9/v1 (from OPENAI_BASE_URL) · reading service llava") {
		t.Fatalf("settings text %s", all)
	}
}

func TestAboutRendersTheLicenceTable(t *testing.T) {
	md := "# Notices\n\n| component | licence |\n|---|---|\n| Fyne | BSD-3-Clause |\n| heic | MIT; embeds LGPL-3.0 |\n\nAfter."
	got := markdownTables(md)
	want := "# Notices\n\n- **Fyne** — BSD-3-Clause\n- **heic** — MIT; embeds LGPL-3.0\n\nAfter."
	if got != want {
		t.Fatalf("markdownTables:\n%s\nwant\n%s", got, want)
	}
	h := newHarness(t)
	h.u.d.About = md
	h.u.ShowAbout()
	var texts []string
	walkLabels(h.u.Window().Canvas().Overlays().Top(), func(s string) { texts = append(texts, s) })
	if all := strings.Join(texts, "|"); strings.Contains(all, "|---|") || !strings.Contains(all, "BSD-3-Clause") {
		t.Fatalf("about shows %q", all)
	}
}

func TestMainMenuHasTheUsualItems(t *testing.T) {
	h := newHarness(t)
	var got []string
	for _, m := range h.u.menu.Items {
		got = append(got, m.Label)
	}
	if strings.Join(got, ",") != "File,Edit,Stock,View,Help" {
		t.Fatalf("menus %v", got)
	}
	for _, sc := range []fyne.Shortcut{scAdd, scNew, scFind, scSettings, scConfirm, scRedo, &fyne.ShortcutUndo{}, &fyne.ShortcutSelectAll{}} {
		if menuItemFor(h.u.menu, sc) == nil {
			t.Errorf("no menu item for %s", sc.ShortcutName())
		}
	}
}

func TestSmallScreenCollapsesQueueAndKeepsNames(t *testing.T) {
	h := newHarness(t)
	id := h.addEntry(t, "Amoxicillin trihydrate", "2027-01-31", "20", nil)
	h.q.jobs, h.q.counts = queuedJobs(2)
	h.start()
	w := h.u.Window()
	w.Resize(fyne.NewSize(800, 600))
	if !h.u.narrow || !h.u.queueBtn.Visible() || h.u.body.Objects[0] != h.u.main {
		t.Fatal("at 800 px the photos pane should collapse behind a button")
	}
	if h.u.queueBtn.Text != "Photos (2 waiting)" {
		t.Fatalf("button %q", h.u.queueBtn.Text)
	}
	test.Tap(h.u.queueBtn)
	if h.u.body.Objects[0] != h.u.queue.root {
		t.Fatal("the Photos button should show the pane")
	}
	test.Tap(h.u.queueBtn)
	openEditor(t, h, id)
	if m := w.Content().MinSize(); m.Width > 800 {
		t.Fatalf("the editor needs %v px: wider than the window", m.Width)
	}
	h.u.ed.close()
	// Columns go by priority: at 480 px Status and Qty are dropped, the name keeps its room.
	ws := rowLayout{}.widths(480)
	if ws[5] != 0 || ws[4] != 0 || ws[2] == 0 || ws[1] < minNameWidth {
		t.Fatalf("widths at 480: %v", ws)
	}
	if ws := (rowLayout{}).widths(1000); ws[5] == 0 || ws[2] == 0 {
		t.Fatalf("widths at 1000: %v", ws)
	}
	w.Resize(fyne.NewSize(1366, 768))
	if h.u.narrow || h.u.body.Objects[0] != h.u.split {
		t.Fatal("a wide window shows the pane beside the list")
	}
}

// The mouse wheel over a field scrolls the form: no field but the last (Notes) has a scroller of
// its own that would take the wheel; and a long value never makes a field ask for more width.
func TestFieldsLeaveTheWheelToTheForm(t *testing.T) {
	h := newHarness(t)
	id := h.addEntry(t, "Amoxicillin and clavulanic acid extended release paediatric suspension", "2027-01-31", "1", nil)
	h.start()
	openEditor(t, h, id)
	for _, f := range store.EntryFields[:len(store.EntryFields)-1] {
		walk(h.u.ed.fields[f], func(o fyne.CanvasObject) {
			if _, ok := o.(fyne.Scrollable); ok {
				t.Errorf("field %s holds a scroller (%T): the wheel stops there", f, o)
			}
		})
	}
	if w := h.u.ed.fields["name"].MinSize().Width; w > 160 {
		t.Fatalf("the name field asks for %v px", w)
	}
}

func TestWindowSizeIsRemembered(t *testing.T) {
	h := newHarness(t)
	h.u.Window().Resize(fyne.NewSize(900, 650))
	h.u.saveWindowSize()
	u2 := New(h.app, Deps{Inventory: h.st, Queue: h.q})
	if s := u2.Window().Canvas().Size(); s.Width != 900 || s.Height != 650 {
		t.Fatalf("reopened at %v", s)
	}
}

func TestWindowsChooserAnswer(t *testing.T) {
	enc := func(s string) []uint16 {
		var out []uint16
		for _, r := range s {
			out = append(out, uint16(r))
		}
		return append(out, make([]uint16, 8)...)
	}
	if got := parseMultiSelect(enc("/photos\x00a.jpg\x00b é.jpg\x00\x00")); len(got) != 2 ||
		got[0] != filepath.Join("/photos", "a.jpg") || got[1] != filepath.Join("/photos", "b é.jpg") {
		t.Fatalf("several files: %q", got)
	}
	if got := parseMultiSelect(enc("/photos/one.jpg\x00\x00")); len(got) != 1 || got[0] != "/photos/one.jpg" {
		t.Fatalf("one file: %q", got)
	}
	if got := parseMultiSelect(make([]uint16, 4)); len(got) != 0 {
		t.Fatalf("nothing: %q", got)
	}
}
