// Package startup tells the person why the window did not open: on standard error and, since a
// packaged app has no console, in a dialog (Windows' own message box, osascript on macOS, zenity or
// kdialog on Linux) before Fyne runs (Report), or in a small Fyne window once it runs
// (ReportInWindow).
package startup

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/ui/cli"
)

// NoDialogEnv, when set, keeps start-up errors on standard error only (scripts, tests).
const NoDialogEnv = "MEDINVENTORY_NO_DIALOG"

// startupMessage is a start-up error as a window shows it: a title, and the plain message with what
// to do next.
func startupMessage(err error) (title, text string) {
	title = i18n.T("Medicine Inventory cannot start")
	if errors.Is(err, store.ErrLocked) {
		title = i18n.T("Medicine Inventory is already open")
	}
	return title, strings.TrimPrefix(err.Error(), "medinventory: ")
}

// startupDialog is how this OS shows a message before Fyne has started: Windows' own message box
// (messageBox), or a program (argv: macOS osascript, Linux zenity or kdialog). Neither means standard
// error only.
type startupDialog struct {
	messageBox bool
	argv       []string
}

// chooseStartupDialog picks the start-up dialog for goos; lookPath is exec.LookPath.
func chooseStartupDialog(goos string, lookPath func(string) (string, error), title, text string) startupDialog {
	switch goos {
	case "windows":
		return startupDialog{messageBox: true}
	case "darwin":
		// The text goes as arguments, not inside the script, so no quoting can break it.
		return startupDialog{argv: []string{"osascript", "-e", "on run argv",
			"-e", `display alert (item 1 of argv) message (item 2 of argv) as critical buttons {"OK"} default button "OK"`,
			"-e", "end run", title, text}}
	}
	if p, err := lookPath("zenity"); err == nil {
		return startupDialog{argv: []string{p, "--error", "--no-markup", "--width=420", "--title", title, "--text", text}}
	}
	if p, err := lookPath("kdialog"); err == nil {
		return startupDialog{argv: []string{p, "--title", title, "--error", text}}
	}
	return startupDialog{}
}

// Report tells the person why the window did not open. A packaged app has no console
// (a Windows .exe built for the GUI subsystem, a macOS .app, a desktop launcher), so beside standard
// error the message goes in a window that waits for OK — unless standard error is a terminal the
// person is looking at, or MEDINVENTORY_NO_DIALOG is set.
func Report(stderr io.Writer, err error) {
	cli.PlainError(stderr, err)
	if os.Getenv(NoDialogEnv) != "" || cli.IsTerminal(stderr) {
		return
	}
	title, text := startupMessage(err)
	d := chooseStartupDialog(runtime.GOOS, exec.LookPath, title, text)
	switch {
	case d.messageBox:
		showMessageBox(title, text)
	case len(d.argv) > 0:
		_ = exec.Command(d.argv[0], d.argv[1:]...).Run()
	}
}

// ReportInWindow is Report once Fyne runs: the message in a small window of
// its own, which quits the app when closed.
func ReportInWindow(a fyne.App, stderr io.Writer, err error) {
	cli.PlainError(stderr, err)
	if os.Getenv(NoDialogEnv) != "" {
		return
	}
	title, text := startupMessage(err)
	w := a.NewWindow(title)
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	w.SetContent(container.NewBorder(nil, container.NewCenter(widget.NewButton(i18n.T("Close"), a.Quit)), nil, nil, msg))
	w.Resize(fyne.NewSize(460, 180))
	w.SetOnClosed(a.Quit)
	w.ShowAndRun()
}
