package main

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/driver/desktop"

	"medinventory/assets"
	"medinventory/store"
	"medinventory/ui"
)

// pathAdvice adds what to do to a start-up error about a file or folder that cannot be made or
// opened (the data folder on a drive that is not connected, under a file, not writable), for which
// the system's own words are only "Path not found." or "Access is denied.".
func pathAdvice(err error) error {
	var pe *fs.PathError
	if !errors.As(err, &pe) || errors.Is(err, store.ErrLocked) {
		return err
	}
	return adviceError{err, "Check that " + pe.Path + " exists and that you may write in it (a USB stick or network drive must be connected), or start Medicine Inventory with --data-dir set to another folder."}
}

type adviceError struct {
	error
	advice string
}

func (e adviceError) Error() string {
	return strings.TrimSuffix(e.error.Error(), ".") + ".\n\n" + e.advice
}
func (e adviceError) Unwrap() error { return e.error }

// runGUI opens the window and blocks until it is closed (or SIGINT/SIGTERM), then shuts down:
// workers stopped (running analyses go back to the queue), database checkpointed and closed, lock
// released. An error that stops it from opening is shown in a window too (reportStartupError).
func runGUI(g *globalFlags, stderr io.Writer) int {
	sess, err := openSession(g, stderr, "gui")
	if err != nil {
		reportStartupError(stderr, pathAdvice(err))
		return exitFailed
	}
	defer sess.Close()
	lock, err := store.AcquireLock(sess.dir, "window")
	if err != nil {
		reportStartupError(stderr, pathAdvice(err))
		if errors.Is(err, store.ErrLocked) {
			return exitLocked
		}
		return exitFailed
	}
	defer lock.Release()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b, err := openBackend(ctx, sess, backendOptions{})
	if err != nil {
		sess.log.Error("open inventory", "err", err)
		if errors.Is(err, store.ErrNotThisInventory) && os.Getenv(noDialogEnv) == "" && !isTerminal(stderr) {
			plainError(stderr, err)
			lock.Release()
			return showStartupProblem(sess.dir, err, stderr) // restore / start fresh / quit
		}
		reportStartupError(stderr, pathAdvice(err))
		return exitFailed
	}
	sess.log.Info("started", "version", version, "data_dir", sess.dir)

	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	u := ui.New(a, ui.Deps{Inventory: b.st, Queue: newQueueView(ctx, b.pool), Importer: b, Backend: b, Stock: b.st, Log: sess.log,
		Version: version, About: assets.ThirdPartyNotices()})
	w := u.Window()
	w.SetIcon(assets.Icon)
	w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { a.Quit() })

	if err := b.start(ctx); err != nil {
		sess.log.Error("start workers", "err", err)
		reportStartupErrorInWindow(a, stderr, err)
		b.close(5 * time.Second)
		return exitFailed
	}
	b.restartWatcher()
	go b.autoBackups(ctx)
	u.Start(ctx)

	var signalled atomic.Bool
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-sig:
			sess.log.Info("signal, quitting", "signal", s.String())
			signalled.Store(true)
			fyne.Do(a.Quit)
		case <-ctx.Done():
		}
	}()
	w.ShowAndRun()
	signal.Stop(sig)

	sess.log.Info("window closed, shutting down")
	grace := 10 * time.Second
	if signalled.Load() {
		grace = time.Second // SIGINT/SIGTERM: stop within 2 s; running analyses go back to the queue
	}
	if err := b.close(grace); err != nil {
		sess.log.Error("shutdown", "err", err)
		plainError(stderr, err)
		return exitFailed
	}
	sess.log.Info("shut down cleanly")
	if f := b.pendingRestore(); f != "" {
		lock.Release()
		return restoreAndRelaunch(sess.dir, f, stderr)
	}
	return exitOK
}
