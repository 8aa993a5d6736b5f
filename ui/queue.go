package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/analyzer/wait"
	"medinventory/jobs"
	"medinventory/store"
	"medinventory/store/photo"
)

// queueRow is one photo in the queue panel: a job, or a file that was skipped.
type queueRow struct {
	jobID, photoID int64
	name           string
	file           string // the stored photo's path, for the thumbnail
	state          jobs.State
	progress       float64
	err, reason    string
	runAfter       time.Time
	skipped        string // why the file was not added ("" for a job)
}

// queuePanel is the left column: batch progress, import summary and one row per photo.
type queuePanel struct {
	u          *UI
	root       fyne.CanvasObject
	list       *widget.List
	rows       []*queueRow
	byJob      map[int64]*queueRow
	counts     jobs.Counts
	base       int // jobs finished before the current batch began
	batchBar   *widget.ProgressBar
	batchLabel *widget.Label
	importText *widget.Label
	importing  int
	clearBtn   *widget.Button

	photoMu sync.Mutex
	photos  map[int64]store.Photo
}

func (u *UI) newQueuePanel() *queuePanel {
	q := &queuePanel{u: u, byJob: map[int64]*queueRow{}, photos: map[int64]store.Photo{}}
	q.batchBar = widget.NewProgressBar()
	q.batchBar.TextFormatter = func() string { return "" }
	q.batchLabel = widget.NewLabelWithStyle("No photos in the queue", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	q.batchLabel.Wrapping = fyne.TextWrapWord
	q.importText = widget.NewLabel("")
	q.importText.Wrapping = fyne.TextWrapWord
	q.importText.Hide()
	q.list = widget.NewList(func() int { return len(q.rows) }, q.createRow, q.updateRow)
	q.list.OnSelected = func(id widget.ListItemID) {
		q.list.Unselect(id)
		if id < len(q.rows) {
			q.showDetail(q.rows[id])
		}
	}
	title := widget.NewLabelWithStyle("Photos", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	q.clearBtn = widget.NewButton("Clear skipped", q.clearSkipped)
	q.clearBtn.Importance = widget.LowImportance
	q.clearBtn.Hide()
	q.root = container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, q.clearBtn, title),
		q.batchLabel, q.batchBar, q.importText), nil, nil, nil, q.list)
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
	it.status = widget.NewLabel("Waiting its turn")
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

func (q *queuePanel) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(q.rows) {
		return
	}
	it := o.(*queueItem)
	r := q.rows[id]
	it.row = r
	it.name.SetText(r.name)
	text, icon, imp := rowStatus(r, q.u.now())
	detail := ""
	if i := strings.Index(text, " — "); i > 0 && r.skipped == "" {
		text, detail = text[:i], text[i+len(" — "):]
	}
	it.detail.SetText(detail)
	it.status.SetText(text)
	it.status.Importance = imp
	it.status.Refresh()
	it.icon.SetResource(icon)
	if r.state == jobs.StateRunning {
		it.bar.SetValue(r.progress)
		it.bar.Show()
		it.detail.Hide()
	} else {
		it.bar.Hide()
		it.detail.Show()
	}
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
		return "Skipped — " + r.skipped, theme.WarningIcon(), widget.WarningImportance
	}
	withErr := func(s string) string {
		if r.err != "" {
			return s + " — " + r.err
		}
		return s
	}
	switch r.state {
	case jobs.StateQueued:
		return "Waiting its turn", theme.HistoryIcon(), widget.MediumImportance
	case jobs.StateRunning:
		return "Reading the package…", theme.SearchIcon(), widget.HighImportance
	case jobs.StateRetrying:
		when := "soon"
		if d := r.runAfter.Sub(now); d > time.Minute {
			when = fmt.Sprintf("in %d min", int(d.Minutes()+0.5))
		} else if d > 0 {
			when = fmt.Sprintf("in %d s", int(d.Seconds()+0.5))
		}
		return withErr("Will try again " + when), theme.ViewRefreshIcon(), widget.WarningImportance
	case jobs.StateWaiting:
		return wait.Reason(r.reason).Status(), theme.WarningIcon(), widget.WarningImportance
	case jobs.StateFailed:
		return withErr("Could not be read"), theme.ErrorIcon(), widget.DangerImportance
	case jobs.StateDone:
		return "Done — added to the inventory", theme.ConfirmIcon(), widget.SuccessImportance
	case jobs.StateCancelled:
		return "Cancelled", theme.CancelIcon(), widget.LowImportance
	}
	return string(r.state), theme.InfoIcon(), widget.MediumImportance
}

func (q *queuePanel) showDetail(r *queueRow) {
	text, _, _ := rowStatus(r, q.u.now())
	dialog.NewInformation(r.name, text, q.u.win).Show()
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
				q.u.showError("This photo could not be queued again", err)
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
				q.u.showError("This photo could not be cancelled", err)
			}
		}
	})
}

func finished(c jobs.Counts) int { return c.Done + c.Failed + c.Cancelled }

// setJobs replaces the rows with the jobs read from the database (skipped files stay).
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
	q.byJob = map[int64]*queueRow{}
	fin := 0
	for _, j := range list {
		if j.Kind != "" && j.Kind != jobs.KindAnalyze {
			continue
		}
		r := &queueRow{jobID: j.ID, photoID: j.PhotoID, state: j.State, progress: j.Progress,
			err: j.LastError, reason: j.WaitReason, runAfter: j.RunAfter}
		q.fillPhoto(r)
		rows = append(rows, r)
		q.byJob[j.ID] = r
		switch j.State {
		case jobs.StateDone, jobs.StateFailed, jobs.StateCancelled:
			fin++
		}
	}
	q.rows = append(rows, skipped...)
	q.sortRows()
	q.counts = counts
	q.base = max(finished(counts)-fin, 0)
	q.refresh()
}

func (q *queuePanel) fillPhoto(r *queueRow) {
	r.name = fmt.Sprintf("Photo %d", r.photoID)
	if p, ok := q.known(r.photoID); ok {
		if p.OriginalName != "" {
			r.name = p.OriginalName
		}
		if q.u.d.Inventory != nil {
			r.file = q.u.d.Inventory.PhotoFile(p)
		}
	}
}

// applyEvent updates (or adds) the event's row and the counts.
func (q *queuePanel) applyEvent(ev jobs.Event) {
	if q.counts.Pending() == 0 && ev.Counts.Pending() > 0 {
		q.base = finished(q.counts) // a new batch begins
	}
	q.counts = ev.Counts
	r, ok := q.byJob[ev.JobID]
	if !ok {
		r = &queueRow{jobID: ev.JobID, photoID: ev.PhotoID}
		q.fillPhoto(r)
		q.byJob[ev.JobID] = r
		q.rows = append([]*queueRow{r}, q.rows...)
		if _, known := q.known(ev.PhotoID); !known && ev.PhotoID != 0 && q.u.d.Inventory != nil {
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
	if !ok || changed {
		q.sortRows()
		q.refresh()
		return
	}
	for i, x := range q.rows {
		if x == r {
			q.list.RefreshItem(i)
			break
		}
	}
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

func (q *queuePanel) refresh() {
	q.list.Refresh()
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

// refreshBatch updates "12 of 40 analysed · 2 need attention" and the bar.
func (q *queuePanel) refreshBatch() {
	total := q.batchTotal()
	done := finished(q.counts) - q.base
	if total <= 0 {
		q.batchLabel.SetText("No photos in the queue")
		q.batchBar.SetValue(0)
		q.batchBar.Hide()
		return
	}
	q.batchBar.Show()
	text := fmt.Sprintf("%d of %d analysed", done, total)
	if q.counts.Pending() == 0 {
		text = fmt.Sprintf("All %d analysed", total)
	}
	if n := q.attention(); n > 0 {
		text += " · " + plural(n, "needs", "need") + " attention"
	}
	q.batchLabel.SetText(text)
	running := 0.0
	for _, r := range q.rows {
		if r.state == jobs.StateRunning {
			running += r.progress
		}
	}
	q.batchBar.SetValue(min((float64(done)+running)/float64(total), 1))
}

// HandleDrop is the window's drop handler: it imports the dropped files and folders. Files that
// are not photos are listed in the queue panel with the reason.
func (u *UI) HandleDrop(uris []fyne.URI) {
	var paths []string
	for _, uri := range uris {
		if uri.Scheme() != "file" {
			u.queue.addSkipped(uri.String(), "only files on this computer can be added.")
			continue
		}
		paths = append(paths, uri.Path())
	}
	u.Import(paths)
}

// Import adds files and folders off the UI goroutine, reporting each file as it is done.
func (u *UI) Import(paths []string) {
	if len(paths) == 0 || u.d.Importer == nil {
		return
	}
	q := u.queue
	q.importing++
	q.importText.SetText(fmt.Sprintf("Adding %s…", plural(len(paths), "item", "items")))
	q.importText.Show()
	// Outcomes are batched: a 200-photo drop must not queue 200 separate UI updates.
	var mu sync.Mutex
	var pending []store.AddOutcome
	flush := func() {
		mu.Lock()
		batch := pending
		pending = nil
		mu.Unlock()
		added := false
		for _, o := range batch {
			if o.Err != nil {
				q.addSkipped(o.Path, plainError(o.Err))
			} else if o.Photo.ID != 0 {
				q.remember(o.Photo)
				added = added || !o.Duplicate
			}
		}
		if added && !u.sync {
			u.reloadQueue() // new photos show up while a big drop is still being added
		}
	}
	var t throttle
	u.bg(func() func() {
		sum, err := u.d.Importer.Import(u.ctx, paths, func(o store.AddOutcome) {
			mu.Lock()
			pending = append(pending, o)
			mu.Unlock()
			if !u.sync {
				u.throttled(&t, 200*time.Millisecond, flush)
			}
		})
		return func() {
			flush()
			q.importing--
			q.importText.SetText(importSummary(sum))
			if q.importing == 0 && sum.Added+sum.Duplicates+sum.Skipped == 0 && err == nil {
				q.importText.Hide()
			}
			if err != nil && !errors.Is(err, context.Canceled) {
				u.showError("Not everything could be added", err)
			}
			u.reloadQueue()
			u.updateMain()
		}
	})
}

func importSummary(s store.AddSummary) string {
	var parts []string
	if s.Added > 0 {
		parts = append(parts, plural(s.Added, "new photo", "new photos")+" added")
	}
	if s.Duplicates > 0 {
		parts = append(parts, plural(s.Duplicates, "photo was", "photos were")+" already in the inventory")
	}
	if s.Skipped > 0 {
		parts = append(parts, plural(s.Skipped, "file", "files")+" skipped (see the list)")
	}
	if len(parts) == 0 {
		return "Nothing was added: no files were found."
	}
	return strings.Join(parts, " · ")
}

func (q *queuePanel) addSkipped(path, reason string) {
	q.rows = append(q.rows, &queueRow{name: filepath.Base(path), skipped: strings.TrimSuffix(reason, ".")})
	q.clearBtn.Show()
	q.list.Refresh()
	q.u.updateMain()
}

// clearSkipped removes the skipped files from the list.
func (q *queuePanel) clearSkipped() {
	rows := q.rows[:0]
	for _, r := range q.rows {
		if r.skipped == "" {
			rows = append(rows, r)
		}
	}
	q.rows = rows
	q.clearBtn.Hide()
	q.importText.Hide()
	q.list.Refresh()
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

// ShowAddPhotos asks for a folder, then lets the user tick the photos to add (all by default).
func (u *UI) ShowAddPhotos() {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			u.showError("The folder could not be opened", err)
			return
		}
		if dir == nil {
			return
		}
		u.pickFiles(dir.Path())
	}, u.win)
	if home, err := os.UserHomeDir(); err == nil {
		if l, err := storage.ListerForURI(storage.NewFileURI(home)); err == nil {
			d.SetLocation(l)
		}
	}
	d.SetConfirmText("Use this folder")
	d.SetTitleText("Choose the folder with the photos")
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// pickFiles lists a folder's files with a tick box each and adds the ticked ones.
func (u *UI) pickFiles(dir string) {
	u.bg(func() func() {
		ents, err := os.ReadDir(dir)
		return func() {
			if err != nil {
				u.showError("The folder could not be read", err)
				return
			}
			var names []string
			subdirs := 0
			for _, e := range ents {
				if strings.HasPrefix(e.Name(), ".") {
					continue
				}
				if e.IsDir() {
					subdirs++
					continue
				}
				names = append(names, e.Name())
			}
			sort.Strings(names)
			ticked := map[string]bool{}
			for _, n := range names {
				ticked[n] = photo.HasExt(n) // only what the store accepts is ticked
			}
			list := widget.NewList(func() int { return len(names) },
				func() fyne.CanvasObject { return widget.NewCheck("", nil) },
				func(i widget.ListItemID, o fyne.CanvasObject) {
					c := o.(*widget.Check)
					n := names[i]
					c.OnChanged = nil
					c.Text = n
					c.SetChecked(ticked[n])
					c.OnChanged = func(v bool) { ticked[n] = v }
				})
			sub := widget.NewCheck(fmt.Sprintf("Also add the photos in its %s", plural(subdirs, "subfolder", "subfolders")), nil)
			if subdirs == 0 {
				sub.Hide()
			}
			sub.SetChecked(len(names) == 0 && subdirs > 0)
			info := widget.NewLabel(fmt.Sprintf("%s in “%s”. Untick the ones you do not want.", plural(len(names), "file", "files"), filepath.Base(dir)))
			if len(names) == 0 {
				info.SetText(fmt.Sprintf("There are no files directly in “%s”.", filepath.Base(dir)))
			}
			content := container.NewBorder(info, sub, nil, nil, list)
			d := dialog.NewCustomConfirm("Add photos", "Add the ticked photos", "Cancel", content, func(ok bool) {
				if !ok {
					return
				}
				var paths []string
				for _, n := range names {
					if ticked[n] {
						paths = append(paths, filepath.Join(dir, n))
					}
				}
				if sub.Checked {
					for _, e := range ents {
						if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
							paths = append(paths, filepath.Join(dir, e.Name()))
						}
					}
				}
				u.Import(paths)
			}, u.win)
			d.Resize(fyne.NewSize(640, 520))
			d.Show()
		}
	})
}

var _ = layout.NewSpacer
