package ui

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/data/binding"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/analyzer/wait"
	"medinventory/assets/i18n"
	"medinventory/jobs"
	"medinventory/store"
	"medinventory/ui/undo"
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
	undo   *undo.Stack

	queue     *queuePanel
	inv       *inventoryPanel
	ed        *editor
	mainArea  *fyne.Container
	emptyView fyne.CanvasObject
	loadView  fyne.CanvasObject // "Loading the inventory…" until the first read is done
	split     *container.Split
	body      *fyne.Container // the split, or (narrow window) the list or the photos pane
	queueBtn  *widget.Button  // "Photos (3)": shows the collapsed queue pane on a small screen
	narrow    bool            // the window is too narrow for the queue pane beside the list
	queueOpen bool            // on a narrow window, the queue pane is shown instead of the list

	// The dispatcher sets these bindings; the status bar and the banner are built on them.
	netB, queueB, useB, bannerB binding.String

	banner             *fyne.Container
	bannerBtn          *widget.Button
	retryAllBtn        *widget.Button
	netIcon            *widget.Icon
	online             bool
	conn               Connection
	foreground         bool
	useThrot           throttle
	settingsOpen       *settingsForm
	backupBar          *backupStatus // backups.go
	hubBar             *hubStatus    // syncstatus.go
	syncBar            *syncChecks   // syncchecks.go
	dlg                *openDialog
	menu               *fyne.MainMenu
	shortcuts          map[string]func() // by ShortcutName: the window's own shortcuts
	undoItem, redoItem *fyne.MenuItem

	stock    *stockView         // the Stock tab (stockview.go)
	tabs     *container.AppTabs // the photos-and-entries area and the Stock tab
	stockTab *container.TabItem
	main     fyne.CanvasObject // beside the photos pane: tabs, or mainArea alone without Stock
}

// New builds the window's content. Call Window to get the window and Start to load data.
func New(a fyne.App, deps Deps) *UI {
	if deps.Log == nil {
		deps.Log = slog.New(slog.DiscardHandler)
	}
	u := &UI{app: a, d: deps, log: deps.Log, ctx: context.Background(), now: time.Now,
		thumbs: storedThumbs(newThumbCache(400)), online: true, foreground: true, undo: undo.New(100),
		netB: binding.NewString(), queueB: binding.NewString(), useB: binding.NewString(), bannerB: binding.NewString()}
	a.Settings().SetTheme(&bigTheme{})
	u.win = a.NewWindow(Title)
	u.build()
	u.win.SetContent(u.content())
	u.win.SetMainMenu(u.mainMenu())
	u.restoreWindowSize()
	u.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { u.HandleDrop(uris) })
	u.addShortcuts()
	a.Lifecycle().SetOnEnteredForeground(func() { u.foreground = true })
	a.Lifecycle().SetOnExitedForeground(func() { u.foreground = false })
	u.undo.OnChanged = func() { fyne.Do(u.updateUndoItems) }
	return u
}

// Window returns the main window (title "Medicine Inventory"), with its menu, drop handler and
// shortcuts.
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
	u.watchBackupStatus(ctx)
	u.watchHubStatus(ctx)
	if u.d.Backend != nil {
		old := legacySettings(u.app.Preferences())
		u.bg(func() func() {
			migrated := u.migrateSettings(old)
			c := u.d.Backend.Connection()
			return func() {
				if migrated {
					clearLegacySettings(u.app.Preferences())
				}
				u.setConnection(c)
			}
		})
	}
	if u.d.Queue == nil || u.sync {
		return
	}
	go u.dispatch(ctx, u.d.Queue.Events())
}

// ResyncEvery is how often the window re-reads the database for changes made by other processes.
var ResyncEvery = 20 * time.Second

// dispatch is the one goroutine that reads the queue's events; each is applied on the UI
// goroutine, where ApplyEvent sets the bindings the rows, the batch bar, the status bar and the
// banner are built on. It returns when ctx ends or the channel is closed.
//
// Every ResyncEvery it also re-reads the queue, the inventory and today's usage from the database:
// the command-line tools and a watched folder in another process write to the same inventory, and
// their changes send no events here.
func (u *UI) dispatch(ctx context.Context, events <-chan jobs.Event) {
	tick := time.NewTicker(ResyncEvery)
	defer tick.Stop()
	u.dispatchWith(ctx, events, tick.C)
}

// dispatchWith is dispatch with the re-read ticks coming from resync (tests send their own).
func (u *UI) dispatchWith(ctx context.Context, events <-chan jobs.Event, resync <-chan time.Time) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-resync:
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

	bannerText := widget.NewLabelWithData(u.bannerB)
	bannerText.Wrapping = fyne.TextWrapWord
	bannerText.TextStyle.Bold = true
	u.bannerBtn = widget.NewButton(i18n.T("Open Settings"), u.ShowSettings)
	u.bannerBtn.Importance = widget.HighImportance
	bg := canvas.NewRectangle(withAlpha(theme.Color(theme.ColorNameWarning), 70))
	bg.CornerRadius = 6
	u.banner = container.NewStack(bg, container.NewPadded(container.NewBorder(nil, nil,
		widget.NewIcon(theme.WarningIcon()), container.NewCenter(u.bannerBtn), bannerText)))
	u.banner.Hide()
	u.bannerB.AddListener(binding.NewDataListener(func() {
		msg, _ := u.bannerB.Get()
		setVisible(u.banner, msg != "")
	}))

	u.netIcon = widget.NewIcon(theme.ConfirmIcon())
	_ = u.netB.Set(i18n.T("Online"))
	_ = u.queueB.Set(i18n.T("No photos waiting"))
	_ = u.useB.Set(i18n.T("Loading…")) // refreshUsage says what was read today once it has looked

	big := widget.NewLabelWithStyle(i18n.T("Drop medicine photos here"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	big.SizeName = theme.SizeNameHeadingText
	hint := widget.NewLabelWithStyle(i18n.T("or press Add photos… (Ctrl+O)"), fyne.TextAlignCenter, fyne.TextStyle{})
	add := widget.NewButtonWithIcon(i18n.T("Add photos…"), theme.FolderOpenIcon(), u.ShowAddPhotos)
	add.Importance = widget.HighImportance
	cam := canvas.NewImageFromResource(theme.MediaPhotoIcon())
	cam.FillMode = canvas.ImageFillContain
	cam.SetMinSize(fyne.NewSize(72, 72))
	u.emptyView = container.NewCenter(container.NewVBox(
		container.NewCenter(cam), big, hint, container.NewCenter(add)))
	loading := widget.NewLabelWithStyle(i18n.T("Loading the inventory…"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	loading.SizeName = theme.SizeNameHeadingText
	u.loadView = container.NewCenter(loading)
	u.mainArea = container.NewStack()
	u.updateMain()
}

func (u *UI) content() fyne.CanvasObject {
	add := widget.NewButtonWithIcon(i18n.T("Add photos…"), theme.FolderOpenIcon(), u.ShowAddPhotos)
	add.Importance = widget.HighImportance
	manual := widget.NewButtonWithIcon(i18n.T("Add by hand"), theme.ContentAddIcon(), u.ed.openNew)
	u.retryAllBtn = widget.NewButtonWithIcon(i18n.T("Try failed photos again"), theme.ViewRefreshIcon(), u.RetryAllFailed)
	u.retryAllBtn.Hide()
	settings := widget.NewButtonWithIcon(i18n.T("Settings"), theme.SettingsIcon(), u.ShowSettings)
	u.queueBtn = widget.NewButtonWithIcon(i18n.T("Photos"), theme.MediaPhotoIcon(), u.toggleQueue)
	u.queueBtn.Hide()
	top := container.NewVBox(
		container.NewHBox(add, manual, u.queueBtn, layout.NewSpacer(), u.retryAllBtn, settings),
		u.banner,
	)
	statusNet := widget.NewLabelWithData(u.netB)
	statusQ := widget.NewLabelWithData(u.queueB)
	statusUse := widget.NewLabelWithData(u.useB)
	statusUse.Truncation = fyne.TextTruncateEllipsis
	status := container.NewBorder(nil, nil, container.NewHBox(u.netIcon, statusNet, widget.NewSeparator(), statusQ), container.NewHBox(u.hubStatusObject(), u.backupStatusObject()),
		u.syncChecksBeside(container.New(layout.NewCustomPaddedLayout(0, 0, 0, 0), statusUse)))
	u.main = u.mainTabs(u.mainArea)
	u.split = container.NewHSplit(u.queue.root, u.main)
	u.split.Offset = 0.27
	u.body = container.New(&responsive{u: u}, u.split)
	return container.NewBorder(container.NewPadded(top), container.NewVBox(widget.NewSeparator(), status), nil, nil, u.body)
}

// updateMain shows the empty state, the inventory, or the inventory and the editor.
func (u *UI) updateMain() {
	var obj fyne.CanvasObject
	switch {
	case u.ed.visible:
		obj = u.ed.root
	case !u.inv.loaded && u.d.Inventory != nil:
		obj = u.loadView // not the empty state's words over an inventory not read yet
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

// showError shows a dialog in plain words. Technical detail goes to the log only.
func (u *UI) showError(title string, err error) {
	u.log.Warn(title, "err", err)
	u.showInfo(title, plainError(err))
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
		return i18n.T("This medicine is no longer in the inventory (it may have been removed).")
	case errors.Is(err, context.DeadlineExceeded):
		return i18n.T("This took too long. Please try again.")
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

// setConnection records which server and key are in use and updates the status bar and banner.
func (u *UI) setConnection(c Connection) {
	u.conn = c
	u.updateNet()
	u.updateBanner()
}

// updateNet sets the status bar's connection words: no key, offline, server down, or online.
func (u *UI) updateNet() {
	text, icon := i18n.T("Online"), theme.ConfirmIcon()
	switch {
	case u.conn.NeedsKey():
		text, icon = i18n.T("No OpenAI key — open Settings"), theme.WarningIcon()
	case !u.online && u.conn.BaseURL != "" && !u.conn.OpenAI:
		text, icon = i18n.T("Model server not reachable — photos will wait"), theme.WarningIcon()
	case !u.online:
		text, icon = i18n.T("Offline — photos will wait"), theme.WarningIcon()
	case u.conn.BaseURL != "" && !u.conn.OpenAI:
		text = i18n.T("Model server: %s", shortURL(u.conn.BaseURL))
	}
	_ = u.netB.Set(text)
	u.netIcon.SetResource(icon)
}

// setOnline updates the status bar's network state.
func (u *UI) setOnline(on bool) {
	if on == u.online {
		return
	}
	u.online = on
	u.updateNet()
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
			return func() { _ = u.useB.Set(usageText(us, u.queue.readToday(u.now()))) }
		})
	})
}

// usageText is the status bar's day summary: photos read today (by any means) and what was sent to
// the reading service, with what it cost.
func usageText(us store.Usage, read int) string {
	if us.Requests == 0 {
		if read == 0 {
			return i18n.T("Today: no photos read yet")
		}
		return i18n.N(read, "Today: %d photo read · none sent for reading online", "Today: %d photos read · none sent for reading online")
	}
	cost := i18n.T("about $%.2f", us.CostUSD)
	switch {
	case us.CostUSD == 0:
		cost = i18n.T("cost unknown")
	case us.CostUSD < 0.01:
		cost = i18n.T("less than $0.01")
	}
	sent := i18n.N(int(us.Requests), "%d photo read online", "%d photos read online")
	if read > int(us.Requests) {
		sent = i18n.N(read, "%d photo read · %d of them online", "%d photos read · %d of them online", read, us.Requests)
	}
	return i18n.T("Today: %s · %s", sent, cost) // what it costs, not the service's "tokens"
}

// ApplyEvent applies one queue event: it sets the bindings of the photo's row, the batch bar, the
// status bar and the banner, and (debounced) reloads the inventory. It must run on the UI
// goroutine; Start's dispatcher calls it inside fyne.Do, tests call it directly. The events are
// those of the queue the window shows (see Queue); an event whose job names no photo (Subject 0)
// adds no row.
func (u *UI) ApplyEvent(ev jobs.Event) {
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
		msg := i18n.T("The photo has been analysed.")
		if n := u.queue.batchTotal(); n != 1 {
			msg = i18n.T("All %d photos have been analysed.", n)
		}
		if n := u.queue.attention(); n > 0 {
			msg += " " + i18n.N(n, "%d photo needs your attention.", "%d photos need your attention.")
		}
		u.notify(msg)
	} else if ev.State == jobs.StateFailed || (ev.State == jobs.StateWaiting && wait.Reason(ev.Reason) != wait.Offline) {
		u.notify(u.bannerMessage())
	}
	u.updateMain()
}

// bannerMessage is the most important thing the user can act on, or "": what the photos wait for
// (wait.Banner's words), said of the actual server when a server other than OpenAI's is down; with
// no photo waiting, a missing key; else failed photos.
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
	if n := waiting[wait.Offline]; n > 0 && u.conn.BaseURL != "" && !u.conn.OpenAI && wait.Banner(map[wait.Reason]int{wait.Offline: n}) == wait.Banner(waiting) {
		return i18n.N(n, "The model server at %[2]s cannot be reached — check that it is running. %[1]d photo will be analysed then.",
			"The model server at %[2]s cannot be reached — check that it is running. %[1]d photos will be analysed then.", n, shortURL(u.conn.BaseURL))
	}
	if msg := wait.Banner(waiting); msg != "" {
		return msg
	}
	switch {
	case u.conn.NeedsKey():
		return i18n.T("No OpenAI key is set — open Settings to add one. Barcodes are still read on this computer; the rest waits for the key.")
	case failed > 0:
		return i18n.N(failed, "%d photo could not be analysed — press “Try failed photos again”, or look at each one in the list.",
			"%d photos could not be analysed — press “Try failed photos again”, or look at each one in the list.")
	}
	return ""
}

func (u *UI) updateBanner() {
	failed := u.queue.failed()
	if failed > 0 {
		u.retryAllBtn.SetText(i18n.N(failed, "Try %d failed photo again", "Try %d failed photos again"))
		u.retryAllBtn.Show()
	} else {
		u.retryAllBtn.Hide()
	}
	needsSettings := u.conn.NeedsKey()
	for _, r := range u.queue.rows {
		if r.state == jobs.StateWaiting && wait.Reason(r.reason).NeedsSettings() {
			needsSettings = true
		}
	}
	setVisible(u.bannerBtn, needsSettings)
	_ = u.bannerB.Set(u.bannerMessage())
}

func (u *UI) updateStatusQueue() {
	u.updateQueueButton()
	c := u.queue.counts
	switch {
	case c.Pending() == 0 && c.Failed == 0:
		_ = u.queueB.Set(i18n.T("No photos waiting"))
	default:
		parts := i18n.T("%d waiting · %d being read", c.Queued+c.Retrying+c.Waiting, c.Running)
		if c.Failed > 0 {
			parts += " · " + i18n.N(c.Failed, "%d needs attention", "%d need attention")
		}
		_ = u.queueB.Set(parts)
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
				u.showError(i18n.T("The photos could not be queued again"), err)
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
			return func() { u.showError(i18n.T("The list of photos could not be read"), err) }

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
		if j.Subject == 0 {
			continue
		}
		if _, ok := u.queue.known(j.Subject); ok {
			continue
		}
		p, err := u.d.Inventory.Photo(u.ctx, j.Subject)
		if err == nil {
			out[j.Subject] = p
		}
	}
	return out
}

func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }

// migrateSettings hands settings an earlier version kept in Fyne's preferences (old) to the
// backend, their one owner, unless it holds settings already (its own win: they may come from a
// restored backup). It reports whether old may now be cleared. It runs off the UI goroutine.
func (u *UI) migrateSettings(old Settings) bool {
	if old == (Settings{}) {
		return false
	}
	if u.d.Backend.Settings() != (Settings{}) {
		return true
	}
	if err := u.d.Backend.ApplySettings(old); err != nil {
		u.log.Warn("move the settings out of the window's preferences", "err", err)
		return false
	}
	return true
}
