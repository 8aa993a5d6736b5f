//go:build !hub

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/driver/desktop"

	"medinventory/assets"
	"medinventory/store"
	"medinventory/store/settings"
	"medinventory/ui"
	"medinventory/ui/cli"
	"medinventory/ui/screen"
	"medinventory/ui/startup"
)

// runGUI opens the window and blocks until it is closed (or SIGINT/SIGTERM), then shuts down:
// workers stopped (running analyses go back to the queue), database checkpointed and closed, lock
// released. An error that stops it from opening is shown in a window too (reportStartupError).
func runGUI(g *cli.Globals, stderr io.Writer) int {
	sess, err := cli.OpenSession(g, stderr, "gui")
	if err != nil {
		startup.Report(stderr, startup.PathAdvice(err))
		return cli.ExitFailed
	}
	defer sess.Close()
	// The language chosen in Settings (else the system's), before any window is built: the app's
	// strings and Fyne's own (ui.ApplyLanguage).
	ui.ApplyLanguage(settings.Load(sess.Dir).Language)
	lock, err := store.AcquireLock(sess.Dir, "window")
	if err != nil {
		startup.Report(stderr, startup.PathAdvice(err))
		if errors.Is(err, store.ErrLocked) {
			return cli.ExitLocked
		}
		return cli.ExitFailed
	}
	defer lock.Release()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The inventory opens on a goroutine of its own so that an upgrade of an older inventory, which
	// can take minutes, shows its progress in a window (runUpgrading) instead of nothing at all.
	progress := make(chan store.MigrationProgress, 1) // the latest report not yet shown
	sess.OnMigrate = func(p store.MigrationProgress) {
		if p.Total == 0 {
			return // a new inventory: nothing to upgrade, no window to flash
		}
		select {
		case <-progress: // not shown yet: the newer one replaces it
		default:
		}
		progress <- p
	}
	opened := make(chan openResult, 1)
	go func() {
		b, err := openBackend(ctx, sess, cli.BackendOptions{})
		opened <- openResult{b, err}
	}()
	var r openResult
	select {
	case r = <-opened:
	case p := <-progress:
		select {
		case r = <-opened: // a small upgrade, done already: no progress window to flash
		default:
			return runUpgrading(ctx, cancel, sess, lock, p, progress, opened, stderr)
		}
	}
	b, err := r.b, r.err
	if err != nil {
		sess.Log.Error("open inventory", "err", err)
		if errors.Is(err, store.ErrNotThisInventory) && os.Getenv(startup.NoDialogEnv) == "" && !cli.IsTerminal(stderr) {
			cli.PlainError(stderr, err)
			lock.Release()
			var older *store.IdentityError
			if errors.Is(err, store.ErrOlderCopy) && errors.As(err, &older) {
				return showOlderCopy(sess.Dir, older, stderr) // restore the newest backup / continue with this copy / quit
			}
			return showStartupProblem(sess.Dir, err, stderr) // restore / start fresh / quit
		}
		startup.Report(stderr, startup.PathAdvice(err))
		return cli.ExitFailed
	}
	sess.Log.Info("started", "version", version, "data_dir", sess.Dir)

	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	w, err := buildWindow(ctx, a, sess, b, false)
	if err != nil {
		startup.ReportInWindow(a, stderr, err)
		b.Close(5 * time.Second)
		return cli.ExitFailed
	}
	signalled, stopSignals := quitOnSignal(ctx, a, sess)
	w.ShowAndRun()
	stopSignals()
	return shutDown(sess, b, lock, signalled.Load(), stderr)
}

// openResult is what opening the inventory gave.
type openResult struct {
	b   *backend
	err error
}

// runUpgrading is runGUI while the inventory being opened is upgraded (first the progress p):
// Fyne runs once per process, so the app starts now with a small progress window, which the main
// window replaces once the inventory is open. A failure to open is said as before the window
// (startup.Report): Open refuses a database that does not belong before it upgrades anything.
func runUpgrading(ctx context.Context, cancel context.CancelFunc, sess *cli.Session, lock *store.Lock, p store.MigrationProgress,
	progress <-chan store.MigrationProgress, opened <-chan openResult, stderr io.Writer) int {
	sess.Log.Info("upgrading the inventory", "entries", p.Total)
	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	pw := startup.NewProgress(a)
	pw.Set(p)
	pw.Window().Show()
	signalled, stopSignals := quitOnSignal(ctx, a, sess)
	result := make(chan openResult, 1) // what opening gave, whether or not the window was built
	// UI work from the opening goroutine, only while the app runs: once Fyne's driver has stopped
	// (a signal ends it on its own), fyne.Do runs the function at once on the calling goroutine,
	// and a window's Show or Close then panics.
	var mu sync.Mutex
	ended := false // the app has stopped running
	built := false // the main window is up
	var buildErr error
	onUI := func(f func()) {
		mu.Lock()
		defer mu.Unlock()
		if !ended && !signalled.Load() {
			fyne.Do(f)
		}
	}
	go func() {
		for {
			select {
			case p := <-progress:
				onUI(func() { pw.Set(p) })
			case r := <-opened:
				result <- r
				onUI(func() {
					if r.err == nil {
						sess.Log.Info("started", "version", version, "data_dir", sess.Dir)
						w, err := buildWindow(ctx, a, sess, r.b, true)
						if err == nil {
							built = true
							w.Show()
						}
						buildErr = err
					}
					// Hidden now, closed a little later: Fyne v2.7.1 crashes (a nil GLFW window in
					// processMouseMoved) when the pointer moves over a window in the frame it closes,
					// which the main window appearing under the pointer makes likely.
					pw.Window().Hide()
					time.AfterFunc(300*time.Millisecond, func() {
						onUI(pw.Window().Close) // the last window closed (on failure) ends the app
					})
				})
				return
			}
		}
	}()
	a.Run()
	stopSignals()
	mu.Lock()
	ended = true
	mu.Unlock()
	if !built {
		cancel() // stopped (a signal) while upgrading, or failed: the open in progress ends too
	}
	r := <-result
	switch {
	case r.err != nil && signalled.Load() && errors.Is(r.err, context.Canceled):
		sess.Log.Info("stopped while upgrading the inventory", "err", r.err)
		fmt.Fprintln(stderr, "medinventory: stopped before the upgrade of the inventory had finished; nothing of it was kept. It starts again the next time Medicine Inventory opens.")
		return cli.ExitFailed
	case r.err != nil:
		sess.Log.Error("open inventory", "err", r.err)
		startup.Report(stderr, r.err)
		return cli.ExitFailed
	case buildErr != nil || !built:
		if buildErr != nil {
			startup.Report(stderr, buildErr)
		}
		r.b.Close(5 * time.Second)
		return cli.ExitFailed
	}
	return shutDown(sess, r.b, lock, signalled.Load(), stderr)
}

// buildWindow makes the main window over b, starts the workers and loads the window's data. On
// the UI goroutine while the app runs (running), or before the app runs.
func buildWindow(ctx context.Context, a fyne.App, sess *cli.Session, b *backend, running bool) (fyne.Window, error) {
	u := ui.New(a, ui.Deps{Inventory: b.st, Queue: newQueueView(ctx, b.pool), Importer: b, Backend: b, Stock: b.st, Log: sess.Log,
		Version: version, About: assets.ThirdPartyNotices()})
	w := u.Window()
	// The window's size fits the screen, which the driver knows once the app has started.
	fit := func() {
		if s, ok := screen.Area(w.Canvas().Scale()); ok {
			u.FitToScreen(s)
		}
	}
	if running {
		fit()
	} else {
		a.Lifecycle().SetOnStarted(fit)
	}
	w.SetIcon(assets.Icon)
	w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { a.Quit() })
	// What opening found and put right on its own (a restore finished or undone, an older copy
	// continued, stock totals recomputed) is said once, in the window; cli.OpenStore has logged it.
	// (OpenSession finishes or undoes an interrupted restore before the store opens.)
	startup.ShowNotes(w, sess.OpenMessages(b.st))

	if err := b.Start(ctx); err != nil {
		sess.Log.Error("start workers", "err", err)
		return nil, err
	}
	b.restartWatcher()
	go b.autoBackups(ctx)
	u.Start(ctx)
	return w, nil
}

// quitOnSignal quits the app on SIGINT or SIGTERM until stop is called (once the app has stopped
// running: a second signal during the shut-down ends the process); signalled says whether one
// came. Fyne's driver quits the app on these signals too, but only once it has started listening
// (in Run): quitting here as well raced with it, and a Quit after the driver had ended panicked
// ("The GLFW library is not initialized"). So the app quits it only when the driver has not
// within a second (the signal came before it listened).
func quitOnSignal(ctx context.Context, a fyne.App, sess *cli.Session) (signalled *atomic.Bool, stop func()) {
	signalled = new(atomic.Bool)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	stopped, done := make(chan struct{}), make(chan struct{})
	note := func(s os.Signal) {
		signalled.Store(true)
		sess.Log.Info("signal, quitting", "signal", s.String())
	}
	go func() {
		defer close(done)
		select {
		case s := <-sig:
			note(s)
			select {
			case <-stopped: // the driver quit on the same signal
			case <-ctx.Done():
			case <-time.After(time.Second):
				fyne.Do(a.Quit)
			}
		case <-ctx.Done():
		case <-stopped:
			select { // the signal that ended the app is in sig already
			case s := <-sig:
				note(s)
			default:
			}
		}
	}()
	var once sync.Once
	return signalled, func() {
		once.Do(func() {
			signal.Stop(sig)
			close(stopped)
			<-done
		})
	}
}

// shutDown stops the backend once the window has closed — workers stopped (running analyses go
// back to the queue), database checkpointed and closed — and carries out a restore asked for.
func shutDown(sess *cli.Session, b *backend, lock *store.Lock, signalled bool, stderr io.Writer) int {
	sess.Log.Info("window closed, shutting down")
	grace := 10 * time.Second
	if signalled {
		grace = time.Second // SIGINT/SIGTERM: stop within 2 s; running analyses go back to the queue
	}
	began := time.Now()
	if err := b.Close(grace); err != nil {
		sess.Log.Error("shutdown", "err", err, "took", time.Since(began))
		cli.PlainError(stderr, err)
		return cli.ExitFailed
	}
	sess.Log.Info("shut down cleanly", "took", time.Since(began)) // workers' grace and the checkpoint: what a slow quit waited for
	if f := b.pendingRestore(); f != "" || restartRequested.Load() {
		lock.Release()
		return restoreAndRelaunch(sess.Dir, f, stderr) // with no archive: opens the window again
	}
	return cli.ExitOK
}

// restoreAndRelaunch restores archive into the data dir (no window may hold it) and starts the
// window again; extra are flags for the new process (e.g. --start-fresh).
func restoreAndRelaunch(dir, archive string, stderr io.Writer) int {
	if archive != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		res, err := store.RestoreFile(ctx, archive, dir)
		stop()
		if err != nil {
			cli.PlainError(stderr, err)
			return 1
		}
		fmt.Fprintf(stderr, "medinventory: restored %s; the previous data is kept in %s\n", archive, res.KeptAt)
	}
	return relaunch(stderr, "")
}

// relaunch starts the window again with the same flags, plus flag ("--start-fresh",
// "--continue-with-this-copy"; "" for none): these two are only ever given by the choice just made.
func relaunch(stderr io.Writer, flag string) int {
	exe, err := os.Executable()
	if err != nil {
		cli.PlainError(stderr, err)
		return 1
	}
	var args []string
	for _, a := range os.Args[1:] {
		switch strings.TrimLeft(a, "-") {
		case "start-fresh", "continue-with-this-copy":
			continue
		}
		args = append(args, a)
	}
	if flag != "" {
		args = append([]string{flag}, args...)
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		cli.PlainError(stderr, err)
		return 1
	}
	return 0
}

// showStartupProblem shows why the inventory cannot be opened (in a window: a user who started
// the app from a menu sees no terminal) and carries out the user's choice.
func showStartupProblem(dir string, problem error, stderr io.Writer) int {
	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	what, file := "quit", ""
	msg := problem.Error()
	msg = strings.ToUpper(msg[:1]) + msg[1:]
	w := ui.ShowStartupProblem(a, msg, func(w, f string) { what, file = w, f })
	w.ShowAndRun()
	switch what {
	case "restore":
		return restoreAndRelaunch(dir, file, stderr)
	case "fresh":
		return relaunch(stderr, "--start-fresh")
	}
	return 1
}

// showOlderCopy shows that the database is an older copy of this inventory, in a window of its
// own, and carries out the choice: restore the newest backup, or continue with this copy (the
// window opens again with --continue-with-this-copy). Never a new inventory.
func showOlderCopy(dir string, older *store.IdentityError, stderr io.Writer) int {
	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	oc := startup.OlderCopy{Err: older}
	oc.NewestBackup, oc.BackupMade, oc.BackupFolder = newestBackup(dir)
	what, file := startup.ChoiceQuit, ""
	w := startup.ShowOlderCopy(a, oc, func(w, f string) { what, file = w, f })
	w.ShowAndRun()
	switch what {
	case startup.ChoiceRestore:
		return restoreAndRelaunch(dir, file, stderr)
	case startup.ChoiceContinue:
		return relaunch(stderr, "--continue-with-this-copy")
	}
	return 1
}

// newestBackup is the newest backup of the inventory in dir that can be found: the newest
// archive named like a backup in Settings → Backups' folder, or the last one written anywhere
// (settings' LastFile); "" when neither is there. folder is Settings → Backups' folder.
func newestBackup(dir string) (file string, made time.Time, folder string) {
	c := settings.LoadBackups(dir)
	folder = c.Folder
	consider := func(p string) {
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() {
			return
		}
		t := st.ModTime()
		if filepath.Clean(p) == filepath.Clean(c.LastFile) && !c.LastBackup.IsZero() {
			t = c.LastBackup
		}
		if file == "" || t.After(made) {
			file, made = p, t
		}
	}
	if filepath.IsAbs(c.LastFile) { // the backup command records -o as given: a relative name says nothing here
		consider(c.LastFile)
	}
	if folder != "" {
		if names, err := filepath.Glob(filepath.Join(folder, "medinventory-backup-*.zip")); err == nil && len(names) > 0 {
			sort.Strings(names) // the names sort by time (store.BackupName)
			consider(names[len(names)-1])
		}
	}
	return file, made, folder
}
