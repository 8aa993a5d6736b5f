//go:build hub

package main

import (
	"io"

	"medinventory/assets/i18n"
	"medinventory/ui/cli"
)

// runGUI in the window-less build (`make hub`: a static binary for a district server): the window
// and its files (gui.go, wiring_backups.go, wiring_settings.go, ui, Fyne) are left out; the
// commands remain.
func runGUI(_ *cli.Globals, stderr io.Writer) int {
	io.WriteString(stderr, "medinventory: "+i18n.T("this build has no window; use the full build (or run a command: medinventory --help)")+"\n")
	return cli.ExitUsage
}
