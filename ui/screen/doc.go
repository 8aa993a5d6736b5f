// Package screen tells the usable size of the screen the window opens on (without task bars and
// docks), so that the window can be sized to fit it: GLFW's work area of the primary monitor on
// the desktop driver (Fyne v2.7 has no API for it), nothing on other drivers.
package screen
