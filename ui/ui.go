package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/analyzer/wait"
	"medinventory/jobs"
	"medinventory/store"
)

// Title is the main window's title.
const Title = "Medicine Inventory"

// refreshEvery bounds how often job events make the inventory reload from the database.
const refreshEvery = 300 * time.Millisecond

// UI is the main window and its state. Create it with New; every method must be called on Fyne's
// UI goroutine unless its doc says otherwise.
type UI struct {
	app  fyne.App
	d    Deps
	log  *slog.Logger
	win  fyne.Window
	ctx  context.Context
	sync bool // tests: run background work inline (the test driver's fyne.Do is synchronous)
	now  func() time.Time

	thumbs *thumbCache

	queue     *queuePanel
	inv       *inventoryPanel
	ed        *editor
	mainArea  *fyne.Container
	emptyView fyne.CanvasObject

	banner             *fyne.Container
	bannerText         *widget.Label
	bannerBtn          *widget.Button
	retryAllBtn        *widget.Button
	statusNet, statusQ *widget.Label
	statusUse          *widget.Label
	netIcon            *widget.Icon
	online             bool
	foreground         bool
	useThrot           throttle
	settingsOpen       *settingsForm

	stock    *stockView // the Stock tab (stockview.go)
	tabs     *container.AppTabs
	stockTab *container.TabItem
}

// New builds the window's content. Call Window to get the window and Start to load data.
func New(a fyne.App, deps Deps) *UI {
	if deps.Log == nil {
		deps.Log = slog.New(slog.DiscardHandler)
	}
	u := &UI{app: a, d: deps, log: deps.Log, ctx: context.Background(), now: time.Now,
		thumbs: newThumbCache(400), online: true, foreground: true}
	a.Settings().SetTheme(&bigTheme{})
	u.win = a.NewWindow(Title)
	u.build()
	u.win.SetContent(u.content())
	u.win.Resize(fyne.NewSize(1180, 720)) // fits a 1366×768 laptop screen
	u.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { u.HandleDrop(uris) })
	u.addShortcuts()
	a.Lifecycle().SetOnEnteredForeground(func() { u.foreground = true })
	a.Lifecycle().SetOnExitedForeground(func() { u.foreground = false })
	return u
}

// Window returns the main window (title "Medicine Inventory"), with its drop handler and shortcuts.
func (u *UI) Window() fyne.Window { return u.win }

// Start loads the queue and the inventory from the database (off the UI goroutine) and starts the
// one goroutine that applies the queue's events. It returns at once; ctx ends the goroutine.
// Call it from the UI goroutine (or before ShowAndRun).
func (u *UI) Start(ctx context.Context) {
	u.ctx = ctx
	u.reloadQueue()
	u.inv.reload()
	u.stock.reload()
	u.refreshUsage()
	if u.d.Backend != nil {
		s := LoadSettings(u.app.Preferences())
		if s != (Settings{}) {
			go func() {
				if err := u.d.Backend.ApplySettings(s); err != nil {
					u.log.Warn("apply saved settings", "err", err)
				}
			}()
		}
	}
	if u.d.Queue == nil || u.sync {
		return
	}
	go u.dispatch(ctx, u.d.Queue.Events())
}

// ResyncEvery is how often the window re-reads the database for changes made by other processes.
var ResyncEvery = 20 * time.Second

// dispatch is the one goroutine that reads the queue's events; each is applied on the UI
// goroutine. It returns when ctx ends or the channel is closed.
//
// Every ResyncEvery it also re-reads the queue, the inventory and today's usage from the database:
// the command-line tools and a watched folder in another process write to the same inventory, and
// their changes send no events here.
func (u *UI) dispatch(ctx context.Context, events <-chan jobs.Event) {
	tick := time.NewTicker(ResyncEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			fyne.Do(func() {
				u.reloadQueue()
				u.inv.reload()
				u.stock.reload()
				u.refreshUsage()
			})
		case ev, ok := <-events:
			if !ok {
				return
			}
			fyne.Do(func() { u.ApplyEvent(ev) })
		}
	}
}

// bg runs work off the UI goroutine and applies the function it returns (if any) on the UI
// goroutine.
func (u *UI) bg(work func() func()) {
	if u.sync {
		if f := work(); f != nil {
			f()
		}
		return
	}
	go func() {
		if f := work(); f != nil {
			fyne.Do(f)
		}
	}()
}

// throttle runs f on the UI goroutine at most once per period; calls in between are merged.
type throttle struct {
	mu      sync.Mutex
	pending bool
}

func (u *UI) throttled(t *throttle, period time.Duration, f func()) {
	if u.sync {
		f()
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.pending {
		return
	}
	t.pending = true
	time.AfterFunc(period, func() {
		t.mu.Lock()
		t.pending = false
		t.mu.Unlock()
		fyne.Do(f)
	})
}

func (u *UI) build() {
	u.queue = u.newQueuePanel()
	u.inv = u.newInventoryPanel()
	u.ed = u.newEditor()
	u.stock = u.newStockView()

	u.bannerText = widget.NewLabel("")
	u.bannerText.Wrapping = fyne.TextWrapWord
	u.bannerText.TextStyle.Bold = true
	u.bannerBtn = widget.NewButton("Open Settings", u.ShowSettings)
	u.bannerBtn.Importance = widget.HighImportance
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameWarning))
	bg.CornerRadius = 6
	bg.FillColor = withAlpha(theme.Color(theme.ColorNameWarning), 70)
	u.banner = container.NewStack(bg, container.NewPadded(container.NewBorder(nil, nil,
		widget.NewIcon(theme.WarningIcon()), container.NewCenter(u.bannerBtn), u.bannerText)))
	u.banner.Hide()

	u.netIcon = widget.NewIcon(theme.ConfirmIcon())
	u.statusNet = widget.NewLabel("Online")
	u.statusQ = widget.NewLabel("No photos waiting")
	u.statusUse = widget.NewLabel("Today: nothing analysed yet")

	big := widget.NewLabelWithStyle("Drop medicine photos here", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	big.SizeName = theme.SizeNameHeadingText
	hint := widget.NewLabelWithStyle("or press Add photos… (Ctrl+O)", fyne.TextAlignCenter, fyne.TextStyle{})
	add := widget.NewButtonWithIcon("Add photos…", theme.FolderOpenIcon(), u.ShowAddPhotos)
	add.Importance = widget.HighImportance
	cam := canvas.NewImageFromResource(theme.MediaPhotoIcon())
	cam.FillMode = canvas.ImageFillContain
	cam.SetMinSize(fyne.NewSize(72, 72))
	u.emptyView = container.NewCenter(container.NewVBox(
		container.NewCenter(cam), big, hint, container.NewCenter(add)))
	u.mainArea = container.NewStack()
	u.updateMain()
}

func (u *UI) content() fyne.CanvasObject {
	add := widget.NewButtonWithIcon("Add photos…", theme.FolderOpenIcon(), u.ShowAddPhotos)
	add.Importance = widget.HighImportance
	manual := widget.NewButtonWithIcon("Add by hand", theme.ContentAddIcon(), u.ed.openNew)
	u.retryAllBtn = widget.NewButtonWithIcon("Try failed photos again", theme.ViewRefreshIcon(), u.RetryAllFailed)
	u.retryAllBtn.Hide()
	settings := widget.NewButtonWithIcon("Settings", theme.SettingsIcon(), u.ShowSettings)
	about := widget.NewButtonWithIcon("", theme.InfoIcon(), u.ShowAbout)
	top := container.NewVBox(
		container.NewHBox(add, manual, layout.NewSpacer(), u.retryAllBtn, settings, about),
		u.banner,
	)
	status := container.NewHBox(u.netIcon, u.statusNet, widget.NewSeparator(), u.statusQ,
		layout.NewSpacer(), u.statusUse)
	split := container.NewHSplit(u.queue.root, u.mainTabs(u.mainArea))
	split.Offset = 0.27
	return container.NewBorder(container.NewPadded(top), container.NewVBox(widget.NewSeparator(), status), nil, nil, split)
}

// ShowAbout shows the version and the third-party notices.
func (u *UI) ShowAbout() {
	text := "## Medicine Inventory " + u.d.Version + "\n\nPhotos of medicine packages in, a checked inventory out.\n\n" + u.d.About
	rt := widget.NewRichTextFromMarkdown(text)
	rt.Wrapping = fyne.TextWrapWord
	sc := container.NewVScroll(rt)
	sc.SetMinSize(fyne.NewSize(640, 420))
	dialog.ShowCustom("About Medicine Inventory", "Close", sc, u.win)
}

// updateMain shows the empty state, the inventory, or the inventory and the editor.
func (u *UI) updateMain() {
	var obj fyne.CanvasObject
	switch {
	case u.ed.visible:
		obj = u.ed.root
	case u.inv.total == 0 && len(u.queue.rows) == 0 && !u.inv.filtering():
		obj = u.emptyView
	default:
		obj = u.inv.root
	}
	if len(u.mainArea.Objects) == 1 && u.mainArea.Objects[0] == obj {
		return
	}
	u.mainArea.Objects = []fyne.CanvasObject{obj}
	u.mainArea.Refresh()
}

func (u *UI) addShortcuts() {
	c := u.win.Canvas()
	for _, k := range []fyne.KeyName{fyne.KeyO, fyne.KeyF, fyne.KeyComma} {
		sc := &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
		c.AddShortcut(sc, func(s fyne.Shortcut) { u.handleShortcut(s) })
	}
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		switch {
		case ev.Name == fyne.KeyDelete && u.ed.visible && u.ed.entryID != 0:
			u.ed.askDelete()
		case ev.Name == fyne.KeyEscape && u.ed.visible:
			u.ed.close()
		}
	})
}

// handleShortcut runs one of the window's shortcuts; it reports whether s was one.
func (u *UI) handleShortcut(s fyne.Shortcut) bool {
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok || cs.Modifier != fyne.KeyModifierShortcutDefault {
		return false
	}
	switch cs.KeyName {
	case fyne.KeyO:
		u.ShowAddPhotos()
	case fyne.KeyF:
		if u.stockShown() {
			u.stock.showProducts()
			break
		}
		if u.ed.visible {
			u.ed.close() // the search box is on the list
		}
		u.win.Canvas().Focus(u.inv.search)
	case fyne.KeyComma:
		u.ShowSettings()
	default:
		return false
	}
	return true
}

// uiEntry is a widget.Entry that lets the window's shortcuts (Ctrl+O, Ctrl+F) through while it
// has the focus.
type uiEntry struct {
	widget.Entry
	u *UI
}

func (u *UI) newEntry() *uiEntry {
	e := &uiEntry{u: u}
	e.ExtendBaseWidget(e)
	return e
}

func (e *uiEntry) TypedShortcut(s fyne.Shortcut) {
	if e.u.handleShortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

// showError shows a dialog in plain words. Technical detail goes to the log only.
func (u *UI) showError(title string, err error) {
	u.log.Warn(title, "err", err)
	msg := plainError(err)
	dialog.NewInformation(title, msg, u.win).Show()
}

// plainError turns an error into words for the user.
func plainError(err error) string {
	var fe *store.FieldError
	var pe *store.PhotoError
	switch {
	case errors.As(err, &fe):
		return fieldLabel(fe.Field) + ": " + fe.Err.Error()
	case errors.As(err, &pe):
		return pe.Msg
	case errors.Is(err, store.ErrEntryNotFound):
		return "This medicine is no longer in the inventory (it may have been removed)."
	case errors.Is(err, context.DeadlineExceeded):
		return "This took too long. Please try again."
	}
	return err.Error()
}

// notify sends a desktop notification when the window is not in front.
func (u *UI) notify(msg string) {
	if u.foreground {
		return
	}
	u.app.SendNotification(fyne.NewNotification(Title, msg))
}

// setOnline updates the status bar's network state.
func (u *UI) setOnline(on bool) {
	if on == u.online {
		return
	}
	u.online = on
	if on {
		u.statusNet.SetText("Online")
		u.netIcon.SetResource(theme.ConfirmIcon())
	} else {
		u.statusNet.SetText("Offline — photos will wait")
		u.netIcon.SetResource(theme.WarningIcon())
	}
}

// refreshUsage reloads today's token use and cost (throttled, off the UI goroutine).
func (u *UI) refreshUsage() {
	if u.d.Inventory == nil {
		return
	}
	u.throttled(&u.useThrot, 2*time.Second, func() {
		u.bg(func() func() {
			us, err := u.d.Inventory.UsageToday(u.ctx)
			if err != nil {
				u.log.Warn("usage today", "err", err)
				return nil
			}
			return func() { u.statusUse.SetText(usageText(us)) }
		})
	})
}

func usageText(us store.Usage) string {
	if us.Requests == 0 {
		return "Today: nothing sent for analysis"
	}
	cost := fmt.Sprintf("about $%.2f", us.CostUSD)
	switch {
	case us.CostUSD == 0:
		cost = "cost unknown"
	case us.CostUSD < 0.01:
		cost = "less than $0.01"
	}
	return fmt.Sprintf("Today: %s sent · %s tokens · %s", plural(int(us.Requests), "photo", "photos"),
		thousands(us.TokensIn+us.TokensOut), cost)
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	out := []byte{}
	for i, c := range []byte(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, c)
	}
	return string(out)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// ApplyEvent applies one queue event: the photo's row, the batch progress, the status bar, the
// banner, and (debounced) the inventory. It must run on the UI goroutine; Start's dispatcher calls
// it inside fyne.Do, tests call it directly.
func (u *UI) ApplyEvent(ev jobs.Event) {
	if ev.Kind != "" && ev.Kind != jobs.KindAnalyze {
		return
	}
	wasPending := u.queue.counts.Pending()
	u.queue.applyEvent(ev)
	switch {
	case ev.State == jobs.StateWaiting && wait.Reason(ev.Reason) == wait.Offline:
		u.setOnline(false)
	case ev.State == jobs.StateDone:
		u.setOnline(true)
	}
	u.updateBanner()
	u.updateStatusQueue()
	if ev.State == jobs.StateDone {
		u.inv.reloadSoon()
		u.stock.reloadSoon()
		u.refreshUsage()
	}
	c := u.queue.counts
	if wasPending > 0 && c.Pending() == 0 {
		msg := "The photo has been analysed."
		if n := u.queue.batchTotal(); n != 1 {
			msg = fmt.Sprintf("All %d photos have been analysed.", n)
		}
		if n := u.queue.attention(); n > 0 {
			msg += " " + plural(n, "photo needs", "photos need") + " your attention."
		}
		u.notify(msg)
	} else if ev.State == jobs.StateFailed || (ev.State == jobs.StateWaiting && wait.Reason(ev.Reason) != wait.Offline) {
		u.notify(u.bannerMessage())
	}
	u.updateMain()
}

// bannerMessage is the most important thing the user can act on, or "".
func (u *UI) bannerMessage() string {
	waiting := map[wait.Reason]int{}
	failed := 0
	for _, r := range u.queue.rows {
		switch r.state {
		case jobs.StateWaiting:
			waiting[wait.Reason(r.reason)]++
		case jobs.StateFailed:
			failed++
		}
	}
	if msg := wait.Banner(waiting); msg != "" {
		return msg
	}
	switch {
	case failed > 0:
		return plural(failed, "photo", "photos") + " could not be analysed — press “Try failed photos again”, or look at each one in the list."
	}
	return ""
}

func (u *UI) updateBanner() {
	msg := u.bannerMessage()
	failed := u.queue.failed()
	if failed > 0 {
		u.retryAllBtn.SetText(fmt.Sprintf("Try %s again", plural(failed, "failed photo", "failed photos")))
		u.retryAllBtn.Show()
	} else {
		u.retryAllBtn.Hide()
	}
	if msg == "" {
		u.banner.Hide()
		return
	}
	u.bannerText.SetText(msg)
	needsSettings := false
	for _, r := range u.queue.rows {
		if r.state == jobs.StateWaiting && wait.Reason(r.reason).NeedsSettings() {
			needsSettings = true
		}
	}
	if needsSettings {
		u.bannerBtn.Show()
	} else {
		u.bannerBtn.Hide()
	}
	u.banner.Show()
}

func (u *UI) updateStatusQueue() {
	c := u.queue.counts
	switch {
	case c.Pending() == 0 && c.Failed == 0:
		u.statusQ.SetText("No photos waiting")
	default:
		parts := fmt.Sprintf("%d waiting · %d being read", c.Queued+c.Retrying+c.Waiting, c.Running)
		if c.Failed > 0 {
			parts += " · " + plural(c.Failed, "needs", "need") + " attention"
		}
		u.statusQ.SetText(parts)
	}
}

// RetryAllFailed queues every failed photo again.
func (u *UI) RetryAllFailed() {
	if u.d.Queue == nil {
		return
	}
	u.bg(func() func() {
		n, err := u.d.Queue.RetryAllFailed(u.ctx)
		return func() {
			if err != nil {
				u.showError("The photos could not be queued again", err)
				return
			}
			u.log.Info("retry all failed", "n", n)
			u.reloadQueue()
		}
	})
}

// reloadQueue reads the queue's state from the database (off the UI goroutine).
func (u *UI) reloadQueue() {
	if u.d.Queue == nil {
		return
	}
	u.bg(func() func() {
		counts, err := u.d.Queue.Counts(u.ctx)
		if err != nil {
			u.log.Warn("queue counts", "err", err)
		}
		list, err := u.d.Queue.Jobs(u.ctx)
		if err != nil {
			u.log.Warn("queue list", "err", err)
			return func() { u.showError("The list of photos could not be read", err) }
		}
		names := u.photoNames(list)
		return func() {
			u.queue.setJobs(list, counts, names)
			u.updateBanner()
			u.updateStatusQueue()
			for _, j := range list {
				if j.State == jobs.StateWaiting && wait.Reason(j.WaitReason) == wait.Offline {
					u.setOnline(false)
					break
				}
			}
			u.updateMain()
		}
	})
}

// photoNames looks up the photos of jobs (off the UI goroutine).
func (u *UI) photoNames(list []jobs.JobInfo) map[int64]store.Photo {
	out := map[int64]store.Photo{}
	if u.d.Inventory == nil {
		return out
	}
	for _, j := range list {
		if j.PhotoID == 0 {
			continue
		}
		if _, ok := u.queue.known(j.PhotoID); ok {
			continue
		}
		p, err := u.d.Inventory.Photo(u.ctx, j.PhotoID)
		if err == nil {
			out[j.PhotoID] = p
		}
	}
	return out
}

func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }
