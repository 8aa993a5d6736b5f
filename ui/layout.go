package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
)

// narrowWidth is the window width below which the photos pane collapses behind a button: below it
// the list would be squeezed to a few characters of each medicine's name.
const narrowWidth = 1000

// responsive shows the photos pane beside the list on a wide window, and on a narrow one only the
// list (or the editor), or only the photos pane while the user has it open.
type responsive struct{ u *UI }

func (r *responsive) current() fyne.CanvasObject {
	u := r.u
	switch {
	case !u.narrow:
		return u.split
	case u.queueOpen:
		return u.queue.root
	}
	return u.main
}

func (r *responsive) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	u := r.u
	narrow := size.Width < narrowWidth
	if narrow != u.narrow {
		u.narrow = narrow
		if !narrow {
			u.queueOpen = false
			u.split.Leading, u.split.Trailing = u.queue.root, u.main
		}
		u.updateQueueButton()
	}
	want := r.current()
	if len(objs) != 1 || objs[0] != want {
		u.body.Objects = []fyne.CanvasObject{want}
		objs = u.body.Objects
	}
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(size)
	if want == u.split {
		u.split.Refresh()
	}
}

func (r *responsive) MinSize([]fyne.CanvasObject) fyne.Size {
	u := r.u
	m := u.main.MinSize().Max(u.queue.root.MinSize())
	return fyne.NewSize(min(m.Width, 760), m.Height)
}

// toggleQueue shows or hides the photos pane on a narrow window (Ctrl+P, the Photos button).
func (u *UI) toggleQueue() {
	if !u.narrow {
		if u.split.Offset < 0.05 {
			u.split.SetOffset(0.27)
		} else {
			u.split.SetOffset(0)
		}
		return
	}
	u.queueOpen = !u.queueOpen
	u.updateQueueButton()
	u.body.Refresh()
}

// updateQueueButton shows "Photos (3 waiting)" on a narrow window.
func (u *UI) updateQueueButton() {
	if u.queueBtn == nil {
		return
	}
	if !u.narrow {
		u.queueBtn.Hide()
		return
	}
	text := i18n.T("Photos")
	if n := u.queue.counts.Pending(); n > 0 {
		text = i18n.T("Photos (%d waiting)", n)
	}
	if u.queueOpen {
		text = i18n.T("Back to the list")
	}
	u.queueBtn.SetText(text)
	u.queueBtn.Show()
}

const (
	prefWinW = "window.width"
	prefWinH = "window.height"
)

// defaultWindowSize is the first size when the screen's size is not known (a driver that does not
// say): it fits a 1366×768 laptop screen.
var defaultWindowSize = fyne.NewSize(1180, 720)

// windowFrame is the room kept around the window for its title bar and borders, which the window
// manager adds outside the size the app asks for.
var windowFrame = fyne.NewSize(16, 48)

// firstWindowSize is the size of the window on its first start on a screen of the given usable
// area (a zero size: unknown): most of the screen, up to 1600×1000, never more than it.
func firstWindowSize(screen fyne.Size) fyne.Size {
	if screen.Width <= 0 || screen.Height <= 0 {
		return defaultWindowSize
	}
	want := fyne.NewSize(min(screen.Width*0.94, 1600), min(screen.Height*0.94, 1000))
	return fitSize(want, screen)
}

// fitSize is want made to fit inside a screen whose usable area is screen (a zero size: unknown,
// want is kept), with room for the window's frame. It never grows want.
func fitSize(want, screen fyne.Size) fyne.Size {
	if screen.Width <= 0 || screen.Height <= 0 {
		return want
	}
	room := fyne.NewSize(max(screen.Width-windowFrame.Width, 1), max(screen.Height-windowFrame.Height, 1))
	return fyne.NewSize(min(want.Width, room.Width), min(want.Height, room.Height))
}

// restoreWindowSize opens the window at the size it had when it was last closed (defaultWindowSize
// the first time) until FitToScreen knows the screen, and remembers the size on close.
func (u *UI) restoreWindowSize() {
	u.win.Resize(u.wantedWindowSize(fyne.Size{}))
	u.win.SetOnClosed(u.saveWindowSize)
}

// wantedWindowSize is the size saved when the window was last closed, or the first size for the
// screen; then fitted to the screen (zero: unknown).
func (u *UI) wantedWindowSize(screen fyne.Size) fyne.Size {
	p := u.app.Preferences()
	w, h := p.Float(prefWinW), p.Float(prefWinH)
	if w <= 0 || h <= 0 {
		return firstWindowSize(screen)
	}
	return fitSize(fyne.NewSize(float32(max(w, 640)), float32(max(h, 480))), screen)
}

// FitToScreen sizes the window for a screen whose usable area (without task bars) is screen, in
// Fyne's units: the size saved when the window was last closed, made smaller where the screen is
// smaller, or on a first start most of the screen. Call it on the UI goroutine once the driver
// knows the screen (gui.go asks GLFW when the app has started).
func (u *UI) FitToScreen(screen fyne.Size) {
	size := u.wantedWindowSize(screen)
	u.log.Info("window size", "screen", fmt.Sprintf("%.0fx%.0f", screen.Width, screen.Height),
		"window", fmt.Sprintf("%.0fx%.0f", size.Width, size.Height))
	u.win.Resize(size)
}

func (u *UI) saveWindowSize() {
	s := u.win.Canvas().Size()
	if s.Width < 100 || s.Height < 100 {
		return
	}
	p := u.app.Preferences()
	p.SetFloat(prefWinW, float64(s.Width))
	p.SetFloat(prefWinH, float64(s.Height))
}

// ShowAbout shows the version and the third-party notices, rendered (their tables as lists: Fyne's
// Markdown has no tables).
func (u *UI) ShowAbout() {
	text := "## Medicine Inventory " + u.d.Version + "\n\n" + i18n.T("Photos of medicine packages in, a checked inventory out.") + "\n\n" +
		markdownTables(demoteHeadings(u.d.About))
	rt := widget.NewRichTextFromMarkdown(text)
	rt.Wrapping = fyne.TextWrapWord
	sc := container.NewVScroll(rt)
	size := u.win.Canvas().Size()
	sc.SetMinSize(fyne.NewSize(min(640, size.Width-80), min(420, size.Height-160)))
	d := dialog.NewCustom(i18n.T("About Medicine Inventory"), i18n.T("Close"), sc, u.win)
	u.track(d, nil, nil)
	d.Show()
}

// demoteHeadings makes the notices' headings smaller than the dialog's own title.
func demoteHeadings(md string) string {
	lines := strings.Split(md, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "#") {
			lines[i] = "##" + l
		}
	}
	return strings.Join(lines, "\n")
}

// markdownTables rewrites Markdown tables as bullet lists ("- **first cell** — other cells"), the
// header row and the separator row dropped; everything else is left as it is.
func markdownTables(md string) string {
	lines := strings.Split(md, "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		isRow := strings.HasPrefix(l, "|") && strings.HasSuffix(l, "|") && len(l) > 1
		if !isRow {
			out = append(out, lines[i])
			continue
		}
		if i+1 < len(lines) && isSeparatorRow(lines[i+1]) {
			i++ // header + separator
			continue
		}
		cells := strings.Split(strings.Trim(l, "|"), "|")
		for j := range cells {
			cells[j] = strings.TrimSpace(cells[j])
		}
		item := "- **" + cells[0] + "**"
		if rest := strings.Join(cells[1:], " · "); rest != "" {
			item += " — " + rest
		}
		out = append(out, item)
	}
	return strings.Join(out, "\n")
}

func isSeparatorRow(l string) bool {
	l = strings.TrimSpace(l)
	return strings.HasPrefix(l, "|") && strings.Trim(l, "|-: ") == ""
}
