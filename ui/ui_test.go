package ui

import (
	"time"

	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"medinventory/jobs"
	"medinventory/store"
)

func TestWindowTitleAndEmptyState(t *testing.T) {
	h := newHarness(t)
	h.start()
	if got := h.u.Window().Title(); got != "Medicine Inventory" {
		t.Fatalf("title = %q", got)
	}
	if h.u.mainArea.Objects[0] != h.u.emptyView {
		t.Fatal("an empty inventory should show the empty state")
	}
	var texts []string
	walk(h.u.emptyView, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	})
	joined := strings.Join(texts, "|")
	for _, want := range []string{"Drop medicine photos here", "or press Add photos… (Ctrl+O)"} {
		if !strings.Contains(joined, want) {
			t.Errorf("empty state lacks %q (has %q)", want, joined)
		}
	}
}

func TestDropQueuesPhotosAndListsSkippedFiles(t *testing.T) {
	h := newHarness(t)
	h.start()
	dir := t.TempDir()
	sub := mustMkdir(t, filepath.Join(dir, "shelf", "box"))
	writeJPEG(t, filepath.Join(dir, "a.jpg"), 64, 48)
	writeJPEG(t, filepath.Join(sub, "b.jpg"), 48, 64)
	if err := os.WriteFile(filepath.Join(sub, "notes.txt"), []byte("not a photo"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.u.HandleDrop([]fyne.URI{fileURI(filepath.Join(dir, "a.jpg")), fileURI(filepath.Join(dir, "shelf"))})

	if len(h.imp.calls) != 1 || len(h.imp.calls[0]) != 2 || !strings.HasSuffix(h.imp.calls[0][1], "shelf") {
		t.Fatalf("Import calls = %v", h.imp.calls)
	}
	skipped := h.u.Skipped()
	if len(skipped) != 1 || !strings.HasPrefix(skipped[0], "notes.txt: ") || len(skipped[0]) < len("notes.txt: ")+10 {
		t.Fatalf("skipped = %q, want notes.txt with a reason", skipped)
	}
	var queued []string
	for _, r := range h.u.queue.rows {
		if r.skipped == "" {
			queued = append(queued, r.name+"="+string(r.state))
		}
	}
	if fmt.Sprint(queued) != "[a.jpg=queued b.jpg=queued]" {
		t.Fatalf("queue rows = %v", queued)
	}
	if got := get(h.u.queue.importB); !strings.Contains(got, "2 new photos added") || !strings.Contains(got, "1 file skipped") {
		t.Fatalf("import summary = %q", got)
	}
	if h.u.mainArea.Objects[0] == h.u.emptyView {
		t.Fatal("the empty state should go once photos are queued")
	}
	// Dropping the same photo again adds nothing and says so.
	h.u.HandleDrop([]fyne.URI{fileURI(filepath.Join(dir, "a.jpg"))})
	if got := get(h.u.queue.importB); got != "1 photo was already in the inventory" {
		t.Fatalf("second import summary = %q", got)
	}
	test.Tap(h.u.queue.clearBtn)
	if len(h.u.Skipped()) != 0 || len(h.u.queue.rows) != 2 {
		t.Fatalf("after Clear skipped: %v, %d rows", h.u.Skipped(), len(h.u.queue.rows))
	}
}

func queuedJobs(n int) ([]jobs.JobInfo, jobs.Counts) {
	var list []jobs.JobInfo
	for i := n; i >= 1; i-- {
		list = append(list, jobs.JobInfo{ID: int64(i), Subject: int64(100 + i), State: jobs.StateQueued})
	}
	return list, jobs.Counts{Queued: n}
}

func rowOf(u *UI, jobID int64) *queueRow { return u.queue.byJob[jobID] }

func TestEventsUpdateRowAndBatchProgress(t *testing.T) {
	h := newHarness(t)
	h.q.jobs, h.q.counts = queuedJobs(3)
	h.start()
	if got := get(h.u.queue.batchText); got != "0 of 3 analysed" {
		t.Fatalf("batch label = %q", got)
	}
	h.u.ApplyEvent(jobs.Event{JobID: 1, Subject: 101, State: jobs.StateRunning, Progress: 0.5,
		Counts: jobs.Counts{Queued: 2, Running: 1}})
	if r := rowOf(h.u, 1); r.state != jobs.StateRunning || r.progress != 0.5 {
		t.Fatalf("row 1 = %+v", r)
	}
	if v := h.u.queue.batchBar.Value; v <= 0 || v >= 0.34 {
		t.Fatalf("bar = %v, want the running half photo counted", v)
	}
	h.u.ApplyEvent(jobs.Event{JobID: 1, Subject: 101, State: jobs.StateDone, Progress: 1,
		Counts: jobs.Counts{Queued: 2, Done: 1}})
	h.u.ApplyEvent(jobs.Event{JobID: 2, Subject: 102, State: jobs.StateFailed,
		Err: "The photo is too blurry to read.", Counts: jobs.Counts{Queued: 1, Done: 1, Failed: 1}})
	if got := get(h.u.queue.batchText); got != "2 of 3 analysed · 1 needs attention" {
		t.Fatalf("batch label = %q", got)
	}
	if first := h.u.queue.rows[0]; first.jobID != 2 {
		t.Fatalf("the failed photo should be listed first, not job %d", first.jobID)
	}
	text, _, _ := rowStatus(rowOf(h.u, 2), testToday)
	if !strings.Contains(text, "Could not be read — The photo is too blurry") {
		t.Fatalf("failed row says %q", text)
	}
	if !h.u.retryAllBtn.Visible() || h.u.retryAllBtn.Text != "Try 1 failed photo again" {
		t.Fatalf("retry-all button: visible=%v %q", h.u.retryAllBtn.Visible(), h.u.retryAllBtn.Text)
	}
	h.u.ApplyEvent(jobs.Event{JobID: 3, Subject: 103, State: jobs.StateWaiting, Reason: "key_refused",
		Err: "key refused", Counts: jobs.Counts{Waiting: 1, Done: 1, Failed: 1}})
	if !h.u.banner.Visible() || get(h.u.bannerB) != "The OpenAI key was refused — open Settings. 1 photo is waiting." {
		t.Fatalf("banner: %v %q", h.u.banner.Visible(), get(h.u.bannerB))
	}
	if !h.u.bannerBtn.Visible() {
		t.Fatal("the banner should offer Open Settings")
	}
	// Retry all → the queue gets the call.
	h.q.jobs[1].State = jobs.StateFailed // job 2, as the database would have it
	test.Tap(h.u.retryAllBtn)
	if fmt.Sprint(h.q.retried) != "[2]" {
		t.Fatalf("retried = %v", h.q.retried)
	}
}

func TestOfflineAndNotification(t *testing.T) {
	h := newHarness(t)
	h.q.jobs, h.q.counts = queuedJobs(2)
	h.start()
	h.u.foreground = false
	h.u.ApplyEvent(jobs.Event{JobID: 1, State: jobs.StateWaiting, Reason: "offline", Counts: jobs.Counts{Waiting: 1, Queued: 1}})
	h.u.ApplyEvent(jobs.Event{JobID: 2, State: jobs.StateWaiting, Reason: "offline", Counts: jobs.Counts{Waiting: 2}})
	if h.u.online || !strings.HasPrefix(get(h.u.netB), "Offline") {
		t.Fatalf("status = %q", get(h.u.netB))
	}
	if got := get(h.u.bannerB); got != "No network — 2 photos will be analysed when you are back online." {
		t.Fatalf("banner = %q", got)
	}
	h.u.ApplyEvent(jobs.Event{JobID: 1, State: jobs.StateDone, Counts: jobs.Counts{Waiting: 1, Done: 1}})
	if !h.u.online {
		t.Fatal("a finished analysis means online again")
	}
	test.AssertNotificationSent(t, fyne.NewNotification("Medicine Inventory", "All 2 photos have been analysed."), func() {
		h.u.ApplyEvent(jobs.Event{JobID: 2, State: jobs.StateDone, Counts: jobs.Counts{Done: 2}})
	})
	// The next photo starts a new batch of one.
	test.AssertNotificationSent(t, fyne.NewNotification("Medicine Inventory", "The photo has been analysed."), func() {
		h.u.ApplyEvent(jobs.Event{JobID: 3, State: jobs.StateRunning, Counts: jobs.Counts{Done: 2, Running: 1}})
		h.u.ApplyEvent(jobs.Event{JobID: 3, State: jobs.StateDone, Counts: jobs.Counts{Done: 3}})
	})
	// In front, no notification.
	h.u.foreground = true
	test.AssertNotificationSent(t, nil, func() {
		h.u.ApplyEvent(jobs.Event{JobID: 4, State: jobs.StateQueued, Counts: jobs.Counts{Done: 3, Queued: 1}})
		h.u.ApplyEvent(jobs.Event{JobID: 4, State: jobs.StateDone, Counts: jobs.Counts{Done: 4}})
	})
}

func TestRowRetryAndCancelButtons(t *testing.T) {
	h := newHarness(t)
	h.q.jobs, h.q.counts = queuedJobs(1)
	h.q.jobs[0].State, h.q.counts = jobs.StateFailed, jobs.Counts{Failed: 1}
	h.start()
	it := h.u.queue.createRow().(*queueItem)
	item, err := h.u.queue.view.GetItem(0)
	if err != nil {
		t.Fatal(err)
	}
	h.u.queue.updateRow(item, it)
	if !it.retry.Visible() {
		t.Fatal("a failed photo needs a Retry button")
	}
	test.Tap(it.retry)
	test.Tap(it.cancel)
	if fmt.Sprint(h.q.retried, h.q.cancels) != "[1] [1]" {
		t.Fatalf("retried %v cancelled %v", h.q.retried, h.q.cancels)
	}
}

func openEditor(t *testing.T, h *harness, id int64) {
	t.Helper()
	h.u.ed.open(id)
	if !h.u.ed.visible || h.u.ed.entryID != id {
		t.Fatal("editor did not open")
	}
}

func TestEditAddsHistoryRow(t *testing.T) {
	h := newHarness(t)
	id := h.addEntry(t, "Amoxicillin", "2027-01-31", "20", map[string]string{"expiry": store.SourceBarcode})
	h.start()
	openEditor(t, h, id)
	if !strings.Contains(h.u.ed.labels["expiry"].Text, "barcode") || strings.Contains(h.u.ed.labels["name"].Text, "barcode") {
		t.Fatalf("barcode marks: expiry %q name %q", h.u.ed.labels["expiry"].Text, h.u.ed.labels["name"].Text)
	}
	if got := h.u.HistoryLines(); len(got) != 1 || got[0] != "No changes yet." {
		t.Fatalf("history = %q", got)
	}
	h.u.ed.fields["quantity"].SetText("200")
	h.u.ed.fields["expiry"].SetText("03/2027")
	test.Tap(h.u.ed.save)
	lines := h.u.HistoryLines()
	if len(lines) != 2 {
		t.Fatalf("history = %q", lines)
	}
	all := strings.Join(lines, "\n")
	if !strings.Contains(all, "Expiry: 2027-01-31 → 2027-03-31 (by you)") || !strings.Contains(all, "Quantity: 20 → 200 (by you)") {
		t.Fatalf("history = %q", lines)
	}
	e, _ := h.st.Entry(context.Background(), id)
	if e.Expiry != "2027-03-31" || e.Get("quantity") != "200" {
		t.Fatalf("stored %s %s", e.Expiry, e.Get("quantity"))
	}
	if h.u.ed.fields["expiry"].Text != "2027-03-31" {
		t.Fatalf("the field should show the normalised date, has %q", h.u.ed.fields["expiry"].Text)
	}
}

func TestInvalidValuesAreShownAndNotSaved(t *testing.T) {
	h := newHarness(t)
	id := h.addEntry(t, "Paracetamol", "2027-01-31", "10", nil)
	h.start()
	for _, c := range []struct{ field, value, want string }{
		{"expiry", "31/02/2027", "expiry must be a date"},
		{"quantity", "-3", "whole number, 0 or more"},
		{"gtin", "4006381333932", "check digit"}, // the right one is …931
	} {
		openEditor(t, h, id)
		h.u.ed.fields[c.field].SetText(c.value)
		if l := h.u.ed.errs[c.field]; !l.Visible() || !strings.Contains(l.Text, c.want) {
			t.Errorf("%s=%q: error label %v %q", c.field, c.value, l.Visible(), l.Text)
		}
		test.Tap(h.u.ed.confirm)
		e, _ := h.st.Entry(context.Background(), id)
		if e.Status != store.StatusNeedsReview || e.Get(c.field) == c.value {
			t.Errorf("%s=%q was saved: %+v", c.field, c.value, e)
		}
	}
	if hist, _ := h.st.History(context.Background(), id); len(hist) != 0 {
		t.Fatalf("history = %+v", hist)
	}
	// A valid GTIN clears the message.
	h.u.ed.fields["gtin"].SetText("4006381333931")
	if h.u.ed.errs["gtin"].Visible() {
		t.Fatal("a valid GTIN still shows an error")
	}
}

func TestConfirmSetsStatus(t *testing.T) {
	h := newHarness(t)
	id := h.addEntry(t, "Ibuprofen", "2027-05-31", "30", nil)
	h.start()
	openEditor(t, h, id)
	// Enter in a field moves to the next field; it does not confirm.
	h.u.ed.fields["lot"].SetText("LOT-7")
	h.u.ed.fields["lot"].OnSubmitted("LOT-7")
	if h.u.Window().Canvas().Focused() != h.u.ed.fields["expiry"] {
		t.Fatalf("Enter on Lot focused %T", h.u.Window().Canvas().Focused())
	}
	if e, _ := h.st.Entry(context.Background(), id); e.Status != store.StatusNeedsReview {
		t.Fatal("Enter in a field that is not the last confirmed")
	}
	test.Tap(h.u.ed.save)
	if h.u.ed.status.Text != "Needs review — check each field, then Confirm" {
		t.Fatalf("status of an entry with no photo = %q", h.u.ed.status.Text)
	}
	h.u.ed.Confirm()
	e, _ := h.st.Entry(context.Background(), id)
	if e.Status != store.StatusConfirmed || e.Lot != "LOT-7" {
		t.Fatalf("entry = %s %s", e.Status, e.Lot)
	}
	if h.u.ed.status.Text != "✓ Confirmed" {
		t.Fatalf("status = %q", h.u.ed.status.Text)
	}
	if got := h.u.Entries(); len(got) != 1 || got[0].Status != store.StatusConfirmed {
		t.Fatalf("list = %+v", got)
	}
	if lines := strings.Join(h.u.HistoryLines(), "\n"); !strings.Contains(lines, "Status: Needs review → Confirmed") {
		t.Fatalf("history = %s", lines)
	}
}

func TestAddByHand(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.u.ed.openNew()
	test.Tap(h.u.ed.confirm)
	if !h.u.ed.errs["name"].Visible() {
		t.Fatal("a nameless entry should ask for a name")
	}
	h.u.ed.fields["name"].SetText("Cetirizine")
	h.u.ed.fields["quantity"].SetText("12")
	test.Tap(h.u.ed.confirm)
	got := h.u.Entries()
	if len(got) != 1 || got[0].Name != "Cetirizine" || got[0].Get("quantity") != "12" || h.u.ed.isNew {
		t.Fatalf("entries = %+v", got)
	}
	// Typed by hand is reviewed by the person who typed it: not asked to be confirmed again.
	if got[0].Status != store.StatusConfirmed || h.u.ed.status.Text != "✓ Confirmed" {
		t.Fatalf("a hand-typed entry is %s, editor says %q", got[0].Status, h.u.ed.status.Text)
	}
}

func names(es []store.Entry) string {
	var s []string
	for _, e := range es {
		s = append(s, e.Name)
	}
	return strings.Join(s, ",")
}

func TestFiltersSortAndSearch(t *testing.T) {
	h := newHarness(t)
	h.addEntry(t, "Zinc", "2026-07-15", "5", nil)     // within 90 days
	h.addEntry(t, "Aspirin", "2026-05-01", "5", nil)  // expired
	h.addEntry(t, "Metformin", "2028-01-01", "", nil) // fine
	conf := h.addEntry(t, "Bisoprolol", "2027-01-01", "1", nil)
	if _, err := h.st.ConfirmEntry(context.Background(), conf); err != nil {
		t.Fatal(err)
	}
	h.start()
	p := h.u.inv
	check := func(what, want string) {
		t.Helper()
		if got := names(h.u.Entries()); got != want {
			t.Errorf("%s: %s, want %s", what, got, want)
		}
	}
	check("by expiry", "Aspirin,Zinc,Bisoprolol,Metformin")
	test.Tap(p.headers[sortName])
	check("by name", "Aspirin,Bisoprolol,Metformin,Zinc")
	test.Tap(p.headers[sortName]) // again: the other way round
	check("by name, reversed", "Zinc,Metformin,Bisoprolol,Aspirin")
	if p.headers[sortName].Text != "Medicine ▼" {
		t.Errorf("header %q", p.headers[sortName].Text)
	}
	test.Tap(p.headers[sortQty])
	check("by quantity (unknown last; equal ones by expiry)", "Bisoprolol,Aspirin,Zinc,Metformin")
	p.setSort(sortName, false)
	p.show.SetSelectedIndex(filterReview)
	check("needs review", "Aspirin,Metformin,Zinc")
	p.show.SetSelected("Expires within 90 days")
	check("expires soon", "Zinc")
	p.show.SetSelected("Expired")
	check("expired", "Aspirin")
	// The filter and the sort are remembered for the next start.
	if h.app.Preferences().Int(prefFilter) != filterExpired || h.app.Preferences().String(prefSort) != sortName {
		t.Errorf("prefs: filter %d sort %q", h.app.Preferences().Int(prefFilter), h.app.Preferences().String(prefSort))
	}
	p.show.SetSelectedIndex(filterAll)
	test.Type(p.search, "MET")
	check("search", "Metformin")
	if p.count.Text != "1 medicine shown" {
		t.Errorf("count = %q", p.count.Text)
	}
	p.search.SetText("lz4") // lot "LZ42"
	check("search lot", "Zinc")
	p.search.OnSubmitted(p.search.Text)
	if !h.u.ed.visible || h.u.ed.cur.Name != "Zinc" {
		t.Error("Enter in the search box should open the first match")
	}
	h.u.ed.close()
	p.search.SetText("")
	check("search cleared", "Aspirin,Bisoprolol,Metformin,Zinc")

	// Status words and colours in the rows.
	txt, _, _ := entryStatus(&h.u.Entries()[0], testToday)
	if txt != "Expired" {
		t.Errorf("Aspirin status %q", txt)
	}
}

func TestDeleteAsksAndUndoRestores(t *testing.T) {
	h := newHarness(t)
	id := h.addEntry(t, "Omeprazole", "2027-02-28", "14", nil)
	h.addEntry(t, "Loratadine", "2027-03-31", "10", nil)
	h.start()
	w := h.u.Window()
	openEditor(t, h, id)
	// The Delete key (no text field focused) asks first.
	w.Canvas().Unfocus()
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyDelete})
	ov := w.Canvas().Overlays().Top()
	if ov == nil {
		t.Fatal("no confirmation dialog")
	}
	if got := names(h.u.Entries()); got != "Omeprazole,Loratadine" {
		t.Fatalf("deleted before confirmation: %s", got)
	}
	test.Tap(findButton(ov, "Remove"))
	if got := names(h.u.Entries()); got != "Loratadine" {
		t.Fatalf("after delete: %s", got)
	}
	if h.u.ed.visible || !h.u.inv.note.content.Visible() {
		t.Fatal("the editor should close and Undo be offered")
	}
	test.Tap(findButton(h.u.inv.note.root, "Undo"))
	if got := names(h.u.Entries()); got != "Omeprazole,Loratadine" {
		t.Fatalf("after undo: %s", got)
	}
	hist, _ := h.st.History(context.Background(), id)
	if len(hist) != 2 || hist[0].Field != "deleted" {
		t.Fatalf("history = %+v", hist)
	}
}

func TestShortcutsWorkFromTextFields(t *testing.T) {
	h := newHarness(t)
	id := h.addEntry(t, "Salbutamol", "2027-02-28", "1", nil)
	h.start()
	openEditor(t, h, id)
	c := h.u.Window().Canvas()
	c.Focus(h.u.ed.fields["name"])
	h.u.ed.fields["name"].TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault})
	if c.Focused() != h.u.inv.search {
		t.Fatalf("Ctrl+F focused %T", c.Focused())
	}
}

func TestSettingsRoundTripWithoutKey(t *testing.T) {
	h := newHarness(t)
	be := &fakeBackend{}
	h.u.d.Backend = be
	h.start()
	h.u.ShowSettings()
	f := h.u.settingsOpen
	if f == nil {
		t.Fatal("settings did not open")
	}
	f.key.SetText("sk-test-123")
	f.model.SetText("gpt-4.1-mini")
	f.conc.SetText("2")
	test.Tap(f.testBtn)
	if f.result.Text != "✗ The server said the key is not valid. Check it in your OpenAI account." {
		t.Fatalf("test result = %q", f.result.Text)
	}
	test.Tap(findButton(h.u.Window().Canvas().Overlays().Top(), "Save"))
	if s := legacySettings(h.app.Preferences()); s != (Settings{}) {
		t.Fatalf("the window kept its own copy of the settings: %+v", s)
	}
	for _, k := range []string{prefBaseURL, prefModel, prefDetail, prefWatch} {
		if strings.Contains(h.app.Preferences().String(k), "sk-test") {
			t.Fatal("the key reached the preferences")
		}
	}
	if be.saved != "sk-test-123" || be.applied.Model != "gpt-4.1-mini" {
		t.Fatalf("backend got key %q settings %+v", be.saved, be.applied)
	}
}

// Settings an earlier version kept in Fyne's preferences move to the backend, their one owner,
// once, and leave the preferences; the Settings dialog then shows the backend's.
func TestSettingsMoveFromPreferencesToTheBackend(t *testing.T) {
	h := newHarness(t)
	be := &fakeBackend{}
	h.u.d.Backend = be
	p := h.app.Preferences()
	p.SetString(prefModel, "gpt-4.1-mini")
	p.SetInt(prefConcurrency, 3)
	h.start()
	if be.applied.Model != "gpt-4.1-mini" || be.applied.Concurrency != 3 {
		t.Fatalf("backend got %+v", be.applied)
	}
	if s := legacySettings(p); s != (Settings{}) {
		t.Fatalf("the preferences still hold %+v", s)
	}
	h.u.ShowSettings()
	if f := h.u.settingsOpen; f == nil || f.model.Text != "gpt-4.1-mini" || f.conc.Text != "3" {
		t.Fatalf("the dialog does not show the backend's settings")
	}
}

type fakeBackend struct {
	saved   string
	applied Settings
	conn    Connection
	saveErr error
}

func (b *fakeBackend) ApplySettings(s Settings) error { b.applied = s; return nil }
func (b *fakeBackend) Settings() Settings             { return b.applied }
func (b *fakeBackend) TestConnection(_ context.Context, s Settings, key string) error {
	if key == "sk-test-123" {
		return fmt.Errorf("The server said the key is not valid. Check it in your OpenAI account.")
	}
	return nil
}
func (b *fakeBackend) APIKeySource() string   { return b.conn.KeySource }
func (b *fakeBackend) Connection() Connection { return b.conn }
func (b *fakeBackend) SaveAPIKey(key string) error {
	if b.saveErr != nil {
		return b.saveErr
	}
	b.saved = key
	return nil
}

func TestDispatcherAppliesEventsFromTheChannel(t *testing.T) {
	h := newHarness(t)
	h.q.jobs, h.q.counts = queuedJobs(2)
	h.start()
	ch := make(chan jobs.Event) // unbuffered: a send returns once the dispatcher has taken it
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.u.dispatch(ctx, ch); close(done) }()
	ch <- jobs.Event{JobID: 2, State: jobs.StateRunning, Progress: 0.25, Counts: jobs.Counts{Queued: 1, Running: 1}}
	ch <- jobs.Event{JobID: 1, State: jobs.StateRunning, Progress: 0.5, Counts: jobs.Counts{Running: 2}}
	cancel()
	<-done // the dispatcher has returned: every event it took was applied
	if r := rowOf(h.u, 2); r.state != jobs.StateRunning || r.progress != 0.25 {
		t.Fatalf("row 2 = %+v", r)
	}
	if r := rowOf(h.u, 1); r.state != jobs.StateRunning || r.progress != 0.5 {
		t.Fatalf("row 1 = %+v", r)
	}
	if len(h.u.queue.rows) != 2 {
		t.Fatalf("%d rows, want 2", len(h.u.queue.rows))
	}
}

func TestAddPhotosChooserSelectsPhotosOnly(t *testing.T) {
	h := newHarness(t)
	h.start()
	dir := t.TempDir()
	writeJPEG(t, filepath.Join(dir, "one.jpg"), 40, 30)
	writeJPEG(t, filepath.Join(dir, "two.JPG"), 40, 30)
	writeJPEG(t, filepath.Join(mustMkdir(t, filepath.Join(dir, "shelf")), "three.jpg"), 40, 30)
	if err := os.WriteFile(filepath.Join(dir, "list.pdf"), []byte("%PDF"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.u.ShowAddPhotos() // no desktop chooser in tests: the built-in one
	ov := h.u.Window().Canvas().Overlays().Top()
	if ov == nil {
		t.Fatal("no chooser shown")
	}
	h.u.showPhotoChooser(dir)
	ov = h.u.Window().Canvas().Overlays().Top()
	if add := findButton(ov, "Add"); add == nil || !add.Disabled() {
		t.Fatal("Add should wait for a selection")
	}
	test.Tap(findButton(ov, "Select all"))
	add := findButton(ov, "Add 2 photos")
	if add == nil {
		t.Fatal("Select all should select the two photos (not the PDF, not the folder)")
	}
	test.Tap(add)
	if len(h.imp.calls) != 1 {
		t.Fatalf("Import calls = %v", h.imp.calls)
	}
	var got []string
	for _, p := range h.imp.calls[0] {
		got = append(got, filepath.Base(p))
	}
	if fmt.Sprint(got) != "[one.jpg two.JPG]" {
		t.Fatalf("imported %v, want the two photos", got)
	}
	if h.app.Preferences().String(prefLastFolder) != dir {
		t.Fatal("the folder should be remembered")
	}
}

func TestThumbCacheEvictsLeastRecentlyUsed(t *testing.T) {
	dir := t.TempDir()
	c := newThumbCache(2)
	var paths []string
	for i := 0; i < 3; i++ {
		p := filepath.Join(dir, fmt.Sprintf("%d.jpg", i))
		writeJPEG(t, p, 400, 200)
		paths = append(paths, p)
	}
	img := c.load(paths[0], 64)
	if b := img.Bounds(); b.Dx() != 64 || b.Dy() != 32 {
		t.Fatalf("thumbnail is %v, want 64×32", b)
	}
	c.load(paths[1], 64)
	c.load(paths[0], 64) // 0 is now the most recent
	c.load(paths[2], 64) // evicts 1
	for i, want := range []bool{true, false, true} {
		if _, ok := c.get(paths[i] + "#64"); ok != want {
			t.Errorf("photo %d cached = %v, want %v", i, ok, want)
		}
	}
	if c.load(filepath.Join(dir, "missing.jpg"), 64) != nil {
		t.Error("a missing file should give no thumbnail")
	}
}

// Another process (the import command) adds to the inventory: no event comes, the periodic
// re-read shows it.
func TestResyncShowsChangesFromOtherProcesses(t *testing.T) {
	h := newHarness(t)
	h.start()
	if h.u.inv.total != 0 {
		t.Fatalf("total %d at start", h.u.inv.total)
	}
	h.addEntry(t, "Added elsewhere", "2027-01-31", "4", nil)
	ch := make(chan jobs.Event)
	tick := make(chan time.Time)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.u.dispatchWith(ctx, ch, tick); close(done) }()
	tick <- time.Now() // one re-read; the dispatcher finishes it before it sees the cancel
	cancel()
	<-done
	if h.u.inv.total != 1 {
		t.Fatalf("after resync: %d entries shown", h.u.inv.total)
	}
}

// The lists' cache reads only the thumbnail stored beside a photo, never the photo itself.
func TestStoredThumbsNeverDecodeThePhoto(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "photos", "ab")
	os.MkdirAll(dir, 0o755)
	photo := filepath.Join(dir, "photo.jpg")
	writeJPEG(t, photo, 1600, 1200) // any size: without a stored thumbnail load must give nothing
	c := storedThumbs(newThumbCache(4))
	if img := c.load(photo, 112); img != nil {
		t.Fatalf("decoded the full photo: %v", img.Bounds())
	}
	os.MkdirAll(filepath.Dir(store.ThumbFile(photo)), 0o755)
	writeJPEG(t, store.ThumbFile(photo), 224, 168)
	img := c.load(photo, 112)
	if img == nil || img.Bounds().Dx() != 112 {
		t.Fatalf("stored thumbnail not shown: %v", img)
	}
}
