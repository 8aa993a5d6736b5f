package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets"
	"medinventory/store"
)

// runGUI opens the window and blocks until it is closed (or SIGINT/SIGTERM), then shuts down:
// workers stopped, database checkpointed and closed, lock released.
func runGUI(g *globalFlags, stderr io.Writer) int {
	sess, err := openSession(g, stderr, "gui")
	if err != nil {
		plainError(stderr, err)
		return 1
	}
	defer sess.Close()
	lock, err := store.AcquireLock(sess.dir, "window")
	if err != nil {
		plainError(stderr, err)
		if errors.Is(err, store.ErrLocked) {
			return 3
		}
		return 1
	}
	defer lock.Release()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := store.Open(ctx, sess.dir, store.Options{})
	if err != nil {
		sess.log.Error("open store", "err", err)
		plainError(stderr, err)
		return 1
	}
	sess.log.Info("started", "version", version, "data_dir", sess.dir)

	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	w := a.NewWindow("Medicine Inventory")
	w.SetIcon(assets.Icon)
	w.SetContent(container.NewCenter(widget.NewLabel("Drop medicine photos here")))
	w.Resize(fyne.NewSize(1100, 720))
	w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { a.Quit() })

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-sig:
			sess.log.Info("signal, quitting", "signal", s.String())
			fyne.Do(a.Quit)
		case <-ctx.Done():
		}
	}()
	w.ShowAndRun()
	signal.Stop(sig)

	sess.log.Info("window closed, shutting down")
	code := 0
	if err := st.Close(); err != nil {
		sess.log.Error("close store", "err", err)
		fmt.Fprintln(stderr, "medinventory: the inventory was not closed cleanly:", err)
		code = 1
	}
	_ = time.Second
	return code
}
