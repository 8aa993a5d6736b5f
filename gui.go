package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
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
	"medinventory/ui/cli"
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
	b, err := openBackend(ctx, sess, cli.BackendOptions{})
	if err != nil {
		sess.Log.Error("open inventory", "err", err)
		if errors.Is(err, store.ErrNotThisInventory) && os.Getenv(startup.NoDialogEnv) == "" && !cli.IsTerminal(stderr) {
			cli.PlainError(stderr, err)
			lock.Release()
			return showStartupProblem(sess.Dir, err, stderr) // restore / start fresh / quit
		}
		startup.Report(stderr, startup.PathAdvice(err))
		return cli.ExitFailed
	}
	sess.Log.Info("started", "version", version, "data_dir", sess.Dir)

	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	u := ui.New(a, ui.Deps{Inventory: b.st, Queue: newQueueView(ctx, b.pool), Importer: b, Backend: b, Stock: b.st, Log: sess.Log,
		Version: version, About: assets.ThirdPartyNotices()})
	w := u.Window()
	w.SetIcon(assets.Icon)
	w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { a.Quit() })

	if err := b.Start(ctx); err != nil {
		sess.Log.Error("start workers", "err", err)
		startup.ReportInWindow(a, stderr, err)
		b.Close(5 * time.Second)
		return cli.ExitFailed
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
			sess.Log.Info("signal, quitting", "signal", s.String())
			signalled.Store(true)
			fyne.Do(a.Quit)
		case <-ctx.Done():
		}
	}()
	w.ShowAndRun()
	signal.Stop(sig)

	sess.Log.Info("window closed, shutting down")
	grace := 10 * time.Second
	if signalled.Load() {
		grace = time.Second // SIGINT/SIGTERM: stop within 2 s; running analyses go back to the queue
	}
	if err := b.Close(grace); err != nil {
		sess.Log.Error("shutdown", "err", err)
		cli.PlainError(stderr, err)
		return cli.ExitFailed
	}
	sess.Log.Info("shut down cleanly")
	if f := b.pendingRestore(); f != "" {
		lock.Release()
		return restoreAndRelaunch(sess.Dir, f, stderr)
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
	return relaunch(stderr, false)
}

// relaunch starts the window again with the same flags (plus --start-fresh when fresh).
func relaunch(stderr io.Writer, fresh bool) int {
	exe, err := os.Executable()
	if err != nil {
		cli.PlainError(stderr, err)
		return 1
	}
	var args []string
	for _, a := range os.Args[1:] {
		if a != "--start-fresh" && a != "-start-fresh" {
			args = append(args, a)
		}
	}
	if fresh {
		args = append([]string{"--start-fresh"}, args...)
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
		return relaunch(stderr, true)
	}
	return 1
}
