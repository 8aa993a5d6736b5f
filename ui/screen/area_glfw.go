//go:build !ci && !android && !ios && !mobile && !js && !wasm && !tamago && !noos && !tinygo

package screen

import (
	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// Area is the usable area (without task bars and docks) of the primary screen in Fyne's
// units at the window's scale, from GLFW, which Fyne's desktop driver runs on. Fyne v2.7 has no
// API for it. Call it on the main goroutine once the app has started (GLFW is initialised then:
// before, GLFW panics); false when GLFW does not say.
func Area(scale float32) (fyne.Size, bool) {
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return fyne.Size{}, false
	}
	_, _, w, h := m.GetWorkarea()
	if w <= 0 || h <= 0 {
		if mode := m.GetVideoMode(); mode != nil {
			w, h = mode.Width, mode.Height
		}
	}
	if w <= 0 || h <= 0 {
		return fyne.Size{}, false
	}
	// Fyne scales by the monitor's DPI or the user's setting; before the window exists its canvas
	// says 1, so the monitor's own content scale is the floor.
	if cx, _ := m.GetContentScale(); cx > scale {
		scale = cx
	}
	if scale <= 0 {
		scale = 1
	}
	return fyne.NewSize(float32(w)/scale, float32(h)/scale), true
}
