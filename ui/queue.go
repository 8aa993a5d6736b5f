package ui

import (
	"fmt"
	"image"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/data/binding"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/analyzer/wait"
	"medinventory/assets/i18n"
	"medinventory/jobs"
	"medinventory/store"
)

// maxFinishedShown bounds the finished photos the queue lists: they must not pile up over a day.
const maxFinishedShown = 12

// prefClearedUpTo remembers the newest job whose finished row the user cleared.
const prefClearedUpTo = "queue.cleared_up_to"

// queueRow is one photo in the queue panel: a job, or a file that was skipped. Its state in words
// and its progress are bindings: the row widget on screen is bound to them, so an event changes
// the row by setting them.
type queueRow struct {
	jobID, photoID int64
	name           string
	file           string // the stored photo's path, for the thumbnail
	state          jobs.State
	progress       float64
	err, reason    string
	runAfter       time.Time
	finishedAt     time.Time
	skipped        string // why the file was not added ("" for a job)

	statusB, detailB binding.String
	progressB        binding.Float
}

func newRow(r queueRow) *queueRow {
	r.statusB, r.detailB, r.progressB = binding.NewString(), binding.NewString(), binding.NewFloat()
	return &r
}

// sync sets the row's bindings from its state.
func (r *queueRow) sync(now time.Time) {
	text, _, _ := rowStatus(r, now)
	detail := ""
	if i := strings.Index(text, " — "); i > 0 && r.skipped == "" {
		text, detail = text[:i], text[i+len(" — "):]
	}
	_ = r.statusB.Set(text)
	_ = r.detailB.Set(detail)
	_ = r.progressB.Set(r.progress)
}

func (r *queueRow) finished() bool {
	return r.skipped == "" && (r.state == jobs.StateDone || r.state == jobs.StateCancelled)
}

// queuePanel is the left column: batch progress, import summary and one row per photo.
type queuePanel struct {
	u      *UI
	root   fyne.CanvasObject
	list   *widget.List
	rows   []*queueRow             // every row known
	view   binding.List[*queueRow] // the rows shown, in order
	byJob  map[int64]*queueRow
	counts jobs.Counts
	base   int // jobs finished before the current batch began

	batchText, importB binding.String
	batchValue         binding.Float
	batchBar           *widget.ProgressBar
	importing          int
	clearBtn           *widget.Button
	clearedUpTo        int64

	photoMu sync.Mutex
	photos  map[int64]store.Photo
}

func (u *UI) newQueuePanel() *queuePanel {
	q := &queuePanel{u: u, byJob: map[int64]*queueRow{}, photos: map[int64]store.Photo{},
		view:      binding.NewList(func(a, b *queueRow) bool { return a == b }),
		batchText: binding.NewString(), importB: binding.NewString(), batchValue: binding.NewFloat()}
	q.clearedUpTo = int64(u.app.Preferences().Int(prefClearedUpTo))
	_ = q.batchText.Set(i18n.T("No photos in the queue"))
	q.batchBar = widget.NewProgressBarWithData(q.batchValue)
	q.batchBar.TextFormatter = func() string { return "" }
	q.batchBar.Hide()
	batchLabel := widget.NewLabelWithData(q.batchText)
	batchLabel.TextStyle.Bold = true
	batchLabel.Wrapping = fyne.TextWrapWord
	importText := widget.NewLabelWithData(q.importB)
	importText.Wrapping = fyne.TextWrapWord
	importText.Hide()
	q.importB.AddListener(binding.NewDataListener(func() {
		s, _ := q.importB.Get()
		setVisible(importText, s != "")
	}))
	q.list = widget.NewListWithData(q.view, q.createRow, q.updateRow)
	q.list.OnSelected = func(id widget.ListItemID) {
		q.list.Unselect(id)
		if r, err := q.view.GetValue(id); err == nil {
			q.open(r)
		}
	}
	title := widget.NewLabelWithStyle(i18n.T("Photos"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	q.clearBtn = widget.NewButton(i18n.T("Clear finished"), q.clearFinished)
	q.clearBtn.Importance = widget.LowImportance
	q.clearBtn.Hide()
	q.root = container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, q.clearBtn, title),
		batchLabel, q.batchBar, importText), nil, nil, nil, q.list)
	return q
}

func (q *queuePanel) known(photoID int64) (store.Photo, bool) {
	q.photoMu.Lock()
	defer q.photoMu.Unlock()
	p, ok := q.photos[photoID]
	return p, ok
}

func (q *queuePanel) remember(p store.Photo) {
	q.photoMu.Lock()
	q.photos[p.ID] = p
	q.photoMu.Unlock()
}

// queueItem is the template of one row.
type queueItem struct {
	widget.BaseWidget
	thumb      *canvas.Image
	icon       *widget.Icon
	name       *widget.Label
	status     *widget.Label
	detail     *widget.Label
	bar        *widget.ProgressBar
	retry      *widget.Button
	cancel     *widget.Button
	row        *queueRow
	content    fyne.CanvasObject
	loadedFile string
}

func (q *queuePanel) createRow() fyne.CanvasObject {
	it := &queueItem{}
	it.thumb = canvas.NewImageFromResource(theme.MediaPhotoIcon())
	it.thumb.FillMode = canvas.ImageFillContain
	it.thumb.SetMinSize(fyne.NewSize(56, 56))
	it.icon = widget.NewIcon(theme.MediaPhotoIcon())
	it.name = widget.NewLabelWithStyle("photo.jpg", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	it.name.Truncation = fyne.TextTruncateEllipsis
	it.status = widget.NewLabel(i18n.T("Waiting its turn"))
	it.status.Truncation = fyne.TextTruncateEllipsis
	it.bar = widget.NewProgressBar()
	it.bar.TextFormatter = func() string { return "" }
	it.retry = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), func() { q.retry(it.row) })
	it.cancel = widget.NewButtonWithIcon("", theme.CancelIcon(), func() { q.cancel(it.row) })
	it.retry.Importance, it.cancel.Importance = widget.LowImportance, widget.LowImportance
	it.detail = widget.NewLabel("")
	it.detail.Truncation = fyne.TextTruncateEllipsis
	it.detail.SizeName = theme.SizeNameCaptionText
	it.content = container.NewBorder(nil, nil, container.NewCenter(it.thumb), nil,
		container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(it.retry, it.cancel), it.name),
			container.NewBorder(nil, nil, it.icon, nil, it.status), container.NewStack(it.bar, it.detail)))
	it.ExtendBaseWidget(it)
	return it
}

func (it *queueItem) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(it.content)
}

// updateRow binds a row widget to a row's bindings; what cannot be bound (icon, colour, buttons,
// thumbnail) is set here, and rows are updated again when their state changes.
func (q *queuePanel) updateRow(item binding.DataItem, o fyne.CanvasObject) {
	r, err := item.(binding.Item[*queueRow]).Get()
	if err != nil || r == nil {
		return
	}
	it := o.(*queueItem)
	it.row = r
	it.name.SetText(r.name)
	it.status.Bind(r.statusB)
	it.detail.Bind(r.detailB)
	it.bar.Bind(r.progressB)
	_, icon, imp := rowStatus(r, q.u.now())
	it.status.Importance = imp
	it.status.Refresh()
	it.icon.SetResource(icon)
	setVisible(it.bar, r.state == jobs.StateRunning)
	setVisible(it.detail, r.state != jobs.StateRunning)
	canRetry := r.skipped == "" && (r.state == jobs.StateFailed || r.state == jobs.StateCancelled ||
		r.state == jobs.StateWaiting || r.state == jobs.StateRetrying)
	canCancel := r.skipped == "" && (r.state == jobs.StateQueued || r.state == jobs.StateWaiting ||
		r.state == jobs.StateRetrying || r.state == jobs.StateRunning || r.state == jobs.StateFailed)
	setVisible(it.retry, canRetry)
	setVisible(it.cancel, canCancel)
	if r.file != it.loadedFile {
		it.loadedFile = r.file
		it.thumb.Resource, it.thumb.Image = theme.MediaPhotoIcon(), nil
		it.thumb.Refresh()
		if r.file != "" {
			q.u.loadThumb(r.file, 112, func(img image.Image) {
				if it.loadedFile == r.file && img != nil {
					it.thumb.Resource, it.thumb.Image = nil, img
					it.thumb.Refresh()
				}
			})
		}
	}
}

// loadThumb decodes a thumbnail off the UI goroutine and hands it to done on the UI goroutine.
func (u *UI) loadThumb(path string, size int, done func(image.Image)) {
	if img, ok := u.thumbs.get(path + "#" + fmt.Sprint(size)); ok {
		done(img)
		return
	}
	u.bg(func() func() {
		img := u.thumbs.load(path, size)
		return func() { done(img) }
	})
}

func setVisible(o fyne.CanvasObject, v bool) {
	if v {
		o.Show()
	} else {
		o.Hide()
	}
}

// rowStatus is a row's status in words, with an icon and a colour.
func rowStatus(r *queueRow, now time.Time) (string, fyne.Resource, widget.Importance) {
	if r.skipped != "" {
		return i18n.T("Skipped — %s", r.skipped), theme.WarningIcon(), widget.WarningImportance
	}
	withErr := func(s string) string {
		if r.err != "" {
			return s + " — " + r.err
		}
		return s
	}
	switch r.state {
	case jobs.StateQueued:
		return i18n.T("Waiting its turn"), theme.HistoryIcon(), widget.MediumImportance
	case jobs.StateRunning:
		return i18n.T("Reading the package…"), theme.SearchIcon(), widget.HighImportance
	case jobs.StateRetrying:
		when := i18n.T("Will try again soon")
		if d := r.runAfter.Sub(now); d > time.Minute {
			when = i18n.T("Will try again in %d min", int(d.Minutes()+0.5))
		} else if d > 0 {
			when = i18n.T("Will try again in %d s", int(d.Seconds()+0.5))
		}
		return withErr(when), theme.ViewRefreshIcon(), widget.WarningImportance
	case jobs.StateWaiting:
		return withErr(wait.Reason(r.reason).Status()), theme.WarningIcon(), widget.WarningImportance
	case jobs.StateFailed:
		return withErr(i18n.T("Could not be read")), theme.ErrorIcon(), widget.DangerImportance
	case jobs.StateDone:
		return i18n.T("Done — added to the inventory (click to see it)"), theme.ConfirmIcon(), widget.SuccessImportance
	case jobs.StateCancelled:
		return i18n.T("Cancelled"), theme.CancelIcon(), widget.LowImportance
	}
	return string(r.state), theme.InfoIcon(), widget.MediumImportance
}

// open is a click on a row: a finished photo opens what was read from it; any other row shows
// its state in full with what can be done about it.
func (q *queuePanel) open(r *queueRow) {
	if r.state == jobs.StateDone && r.skipped == "" && q.u.d.Inventory != nil {
		q.openEntries(r)
		return
	}
	text, _, _ := rowStatus(r, q.u.now())
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	buttons := container.NewHBox(layoutSpacer())
	if r.skipped == "" && r.jobID != 0 {
		if r.state == jobs.StateFailed || r.state == jobs.StateWaiting || r.state == jobs.StateRetrying || r.state == jobs.StateCancelled {
			buttons.Add(widget.NewButtonWithIcon(i18n.T("Try again now"), theme.ViewRefreshIcon(), func() { d.Hide(); q.retry(r) }))
		}
		if r.state != jobs.StateDone && r.state != jobs.StateCancelled {
			buttons.Add(widget.NewButtonWithIcon(i18n.T("Cancel this photo"), theme.CancelIcon(), func() { d.Hide(); q.cancel(r) }))
		}
	}
	if wait.Reason(r.reason).NeedsSettings() {
		buttons.Add(widget.NewButtonWithIcon(i18n.T("Open Settings"), theme.SettingsIcon(), func() { d.Hide(); q.u.ShowSettings() }))
	}
	closeBtn := widget.NewButton(i18n.T("Close"), func() { d.Hide() })
	closeBtn.Importance = widget.HighImportance
	buttons.Add(closeBtn)
	d = dialog.NewCustomWithoutButtons(r.name, container.NewBorder(nil, buttons, nil, nil, msg), q.u.win)
	d.Resize(fyne.NewSize(min(560, q.u.win.Canvas().Size().Width-40), 0))
	q.u.track(d, nil, nil)
	d.Show()
}

// openEntries opens the medicine read from a finished photo (the first one, if there are several).
func (q *queuePanel) openEntries(r *queueRow) {
	id := r.photoID
	q.u.bg(func() func() {
		es, err := q.u.d.Inventory.EntriesForPhoto(q.u.ctx, id)
		return func() {
			switch {
			case err != nil:
				q.u.showError(i18n.T("The medicines of this photo could not be read"), err)
			case len(es) == 0:
				q.u.showInfo(r.name, i18n.T("Nothing from this photo is in the inventory now (it was not a medicine package, or it was removed)."))
			default:
				if q.u.queueOpen {
					q.u.toggleQueue()
				}
				q.u.ed.open(es[0].ID)
			}
		}
	})
}

func (q *queuePanel) retry(r *queueRow) {
	if r == nil || r.jobID == 0 || q.u.d.Queue == nil {
		return
	}
	id := r.jobID
	q.u.bg(func() func() {
		err := q.u.d.Queue.Retry(q.u.ctx, id)
		return func() {
			if err != nil {
				q.u.showError(i18n.T("This photo could not be queued again"), err)
			}
		}
	})
}

func (q *queuePanel) cancel(r *queueRow) {
	if r == nil || r.jobID == 0 || q.u.d.Queue == nil {
		return
	}
	id := r.jobID
	q.u.bg(func() func() {
		err := q.u.d.Queue.Cancel(q.u.ctx, id)
		return func() {
			if err != nil {
				q.u.showError(i18n.T("This photo could not be cancelled"), err)
			}
		}
	})
}

func finished(c jobs.Counts) int { return c.Done + c.Failed + c.Cancelled }

// setJobs replaces the rows with the jobs read from the database (skipped files stay). Jobs of
// other kinds and jobs for no photo get no row.
func (q *queuePanel) setJobs(list []jobs.JobInfo, counts jobs.Counts, photos map[int64]store.Photo) {
	for _, p := range photos {
		q.remember(p)
	}
	var skipped []*queueRow
	for _, r := range q.rows {
		if r.skipped != "" {
			skipped = append(skipped, r)
		}
	}
	rows := make([]*queueRow, 0, len(list)+len(skipped))
	old := q.byJob
	q.byJob = map[int64]*queueRow{}
	fin := 0
	for _, j := range list {
		if j.Subject == 0 { // a job about no photo: nothing to show
			continue
		}
		r := old[j.ID]
		if r == nil {
			r = newRow(queueRow{jobID: j.ID, photoID: j.Subject})
		}
		r.state, r.progress, r.err, r.reason, r.runAfter = j.State, j.Progress, j.LastError, j.WaitReason, j.RunAfter
		if r.finished() || r.state == jobs.StateFailed {
			r.finishedAt = j.UpdatedAt
		}
		q.fillPhoto(r)
		rows = append(rows, r)
		q.byJob[j.ID] = r
		switch j.State {
		case jobs.StateDone, jobs.StateFailed, jobs.StateCancelled:
			fin++
		}
	}
	q.rows = append(rows, skipped...)
	q.counts = counts
	q.base = max(finished(counts)-fin, 0)
	q.refresh()
}

func (q *queuePanel) fillPhoto(r *queueRow) {
	r.name = i18n.T("Photo %d", r.photoID)
	if p, ok := q.known(r.photoID); ok {
		if p.OriginalName != "" {
			r.name = p.OriginalName
		}
		if q.u.d.Inventory != nil {
			r.file = q.u.d.Inventory.PhotoFile(p)
		}
	}
}

// applyEvent updates (or adds) the event's row and the counts. A progress event only sets the
// row's progress binding (the bound bar redraws itself); a change of state re-sorts the list.
func (q *queuePanel) applyEvent(ev jobs.Event) {
	if q.counts.Pending() == 0 && ev.Counts.Pending() > 0 {
		q.base = finished(q.counts) // a new batch begins
	}
	q.counts = ev.Counts
	r, ok := q.byJob[ev.JobID]
	if !ok {
		if ev.Subject == 0 {
			q.refreshBatch()
			return
		}
		r = newRow(queueRow{jobID: ev.JobID, photoID: ev.Subject})
		q.fillPhoto(r)
		q.byJob[ev.JobID] = r
		q.rows = append([]*queueRow{r}, q.rows...)
		if _, known := q.known(ev.Subject); !known && q.u.d.Inventory != nil {
			q.lookupPhoto(r)
		}
	}
	changed := r.state != ev.State
	r.state = ev.State
	r.progress = ev.Progress
	r.err, r.reason = ev.Err, ev.Reason
	if ev.State == jobs.StateRetrying && r.runAfter.Before(q.u.now()) {
		r.runAfter = time.Time{}
	}
	if r.finished() || r.state == jobs.StateFailed {
		r.finishedAt = q.u.now()
	}
	if !ok || changed {
		q.refresh()
		return
	}
	r.sync(q.u.now())
	q.refreshBatch()
}

// rank orders the rows: what needs the user first, then what is being read, what waits its turn,
// skipped files, and finished photos last.
func rank(r *queueRow) int {
	if r.skipped != "" {
		return 5
	}
	switch r.state {
	case jobs.StateFailed:
		return 0
	case jobs.StateWaiting:
		return 1
	case jobs.StateRetrying:
		return 2
	case jobs.StateRunning:
		return 3
	case jobs.StateQueued:
		return 4
	case jobs.StateCancelled:
		return 6
	}
	return 7
}

// sortRows puts the rows in rank order, oldest first within a rank (the order they are read in);
// finished ones newest first.
func (q *queuePanel) sortRows() {
	sort.SliceStable(q.rows, func(i, j int) bool {
		a, b := q.rows[i], q.rows[j]
		ra, rb := rank(a), rank(b)
		if ra != rb {
			return ra < rb
		}
		if ra >= 6 {
			return a.jobID > b.jobID
		}
		return a.jobID < b.jobID
	})
}

// shown are the rows the list shows: all but the finished ones the user cleared, and at most
// maxFinishedShown finished ones (the newest).
func (q *queuePanel) shown() []*queueRow {
	out := make([]*queueRow, 0, len(q.rows))
	fin := 0
	for _, r := range q.rows {
		if r.finished() {
			if r.jobID <= q.clearedUpTo || fin >= maxFinishedShown {
				continue
			}
			fin++
		}
		out = append(out, r)
	}
	return out
}

func (q *queuePanel) lookupPhoto(r *queueRow) {
	id := r.photoID
	q.u.bg(func() func() {
		p, err := q.u.d.Inventory.Photo(q.u.ctx, id)
		if err != nil {
			return nil
		}
		q.remember(p)
		return func() {
			for _, x := range q.rows {
				if x.photoID == id && x.skipped == "" {
					q.fillPhoto(x)
				}
			}
			q.list.Refresh()
		}
	})
}

// refresh re-sorts the rows, sets their bindings and the list's, and the batch bar.
func (q *queuePanel) refresh() {
	q.sortRows()
	now := q.u.now()
	shown := q.shown()
	clearable := false
	for _, r := range shown {
		r.sync(now)
		clearable = clearable || r.finished() || r.skipped != ""
	}
	setVisible(q.clearBtn, clearable)
	_ = q.view.Set(shown)
	q.list.Refresh() // rows whose state changed are bound anew
	q.refreshBatch()
}

func (q *queuePanel) batchTotal() int { return finished(q.counts) - q.base + q.counts.Pending() }

// attention counts photos of the batch that need the user: failed or waiting.
func (q *queuePanel) attention() int {
	n := q.counts.Waiting
	for _, r := range q.rows {
		if r.state == jobs.StateFailed {
			n++
		}
	}
	return n
}

func (q *queuePanel) failed() int {
	n := 0
	for _, r := range q.rows {
		if r.state == jobs.StateFailed {
			n++
		}
	}
	return n
}

// readToday counts the photos analysed today (by any means: barcode, known product or model).
func (q *queuePanel) readToday(now time.Time) int {
	y, m, d := now.Date()
	n := 0
	for _, r := range q.rows {
		if r.state == jobs.StateDone {
			if fy, fm, fd := r.finishedAt.In(now.Location()).Date(); fy == y && fm == m && fd == d {
				n++
			}
		}
	}
	return n
}

// refreshBatch sets "12 of 40 analysed · 2 need attention" and the bar's value.
func (q *queuePanel) refreshBatch() {
	total := q.batchTotal()
	done := finished(q.counts) - q.base
	if total <= 0 {
		_ = q.batchText.Set(i18n.T("No photos in the queue"))
		_ = q.batchValue.Set(0)
		q.batchBar.Hide()
		return
	}
	q.batchBar.Show()
	text := i18n.T("%d of %d analysed", done, total)
	if q.counts.Pending() == 0 {
		text = i18n.T("All %d analysed", total)
	}
	if n := q.attention(); n > 0 {
		text += " · " + i18n.N(n, "%d needs attention", "%d need attention")
	}

	_ = q.batchText.Set(text)
	running := 0.0
	for _, r := range q.rows {
		if r.state == jobs.StateRunning {
			running += r.progress
		}
	}
	_ = q.batchValue.Set(min((float64(done)+running)/float64(total), 1))
}

func (q *queuePanel) addSkipped(path, reason string) {
	q.rows = append(q.rows, newRow(queueRow{name: filepath.Base(path), skipped: strings.TrimSuffix(reason, ".")}))
	q.refresh()
	q.u.updateMain()
}

// clearFinished removes the skipped files and the finished photos from the list (they stay in the
// inventory); the newest cleared job is remembered, so they do not come back on the next start.
func (q *queuePanel) clearFinished() {
	rows := q.rows[:0]
	for _, r := range q.rows {
		if r.finished() {
			q.clearedUpTo = max(q.clearedUpTo, r.jobID)
		}
		if r.skipped == "" {
			rows = append(rows, r)
		}
	}
	q.rows = rows
	q.u.app.Preferences().SetInt(prefClearedUpTo, int(q.clearedUpTo))
	_ = q.importB.Set("")
	q.refresh()
	q.u.updateMain()
}

// Skipped returns the names and reasons of the files listed as skipped.
func (u *UI) Skipped() []string {
	var out []string
	for _, r := range u.queue.rows {
		if r.skipped != "" {
			out = append(out, r.name+": "+r.skipped)
		}
	}
	return out
}
