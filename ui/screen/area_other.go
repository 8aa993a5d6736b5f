//go:build ci || android || ios || mobile || js || wasm || tamago || noos || tinygo

package screen

import "fyne.io/fyne/v2"

// Area: on drivers other than GLFW's the screen's size is not known here (mobile windows
// fill the screen anyway); the window keeps its saved or default size.
func Area(float32) (fyne.Size, bool) { return fyne.Size{}, false }
