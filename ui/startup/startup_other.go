//go:build !windows

package startup

// showMessageBox is Windows only; elsewhere chooseStartupDialog picks a program instead.
func showMessageBox(title, text string) {}
