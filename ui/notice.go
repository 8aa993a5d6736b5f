package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
)

// noticeLife is how long a notice stays when the person stays where it was made.
const noticeLife = 20 * time.Second

// notice is the one-line message about what was just done ("Took 1 pack off lot A.  Undo"). It
// belongs to the place it was made (a page, a product, a list and its search): it goes when the
// person moves to another place and after noticeLife. Its area keeps the same height whether it
// shows a message or not, so the rows under it never move under the pointer. The action it
// offers to undo stays on Edit → Undo and Ctrl+Z after it has gone.
type notice struct {
	root    *fyne.Container // the fixed-height area
	content *fyne.Container
	text    *widget.Label
	undoBtn *widget.Button
	place   string // where the shown message was made; "" when none shows
	gen     int    // counts messages: a timer drops only its own one
	life    time.Duration
	// after runs f on the UI goroutine once d has passed. In the tests' synchronous mode no real
	// timer runs (Fyne's test driver would run f on the timer's goroutine, in a later test); a
	// test of the timing puts a hand-driven clock here.
	after func(d time.Duration, f func())
}

func newNotice(u *UI, onUndo func()) *notice {
	n := &notice{life: noticeLife, after: func(d time.Duration, f func()) {
		if !u.sync {
			time.AfterFunc(d, func() { fyne.Do(f) })
		}
	}}
	n.text = widget.NewLabel("")
	// Two lines show; a longer message scrolls inside the area rather than growing it. (Fyne's
	// ellipsis on a wrapped label panics at some sizes, so no ellipsis.)
	n.text.Wrapping = fyne.TextWrapWord
	n.undoBtn = widget.NewButtonWithIcon(i18n.T("Undo"), theme.ContentUndoIcon(), onUndo)
	closeBtn := widget.NewButtonWithIcon("", theme.CancelIcon(), n.clear)
	closeBtn.Importance = widget.LowImportance
	n.content = container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), container.NewHBox(n.undoBtn, closeBtn),
		container.NewVScroll(container.NewVBox(layout.NewSpacer(), n.text, layout.NewSpacer()))) // one line: centred
	n.content.Hide()
	n.root = container.New(&fixedHeight{ref: n.undoBtn}, n.content)
	return n
}

// show puts up msg, made at place, with Undo when canUndo.
func (n *notice) show(msg, place string, canUndo bool) {
	n.gen++
	n.place = place
	n.text.SetText(msg)
	setVisible(n.undoBtn, canUndo)
	n.content.Show()
	if n.life <= 0 {
		return
	}
	mine := n.gen
	n.after(n.life, func() {
		if n.gen == mine {
			n.clear()
		}
	})
}

// clear takes the message away.
func (n *notice) clear() {
	n.gen++
	n.place = ""
	n.text.SetText("")
	n.content.Hide()
}

// moveTo tells the notice the person is now at place: a message made elsewhere goes.
func (n *notice) moveTo(place string) {
	if n.place != "" && n.place != place {
		n.clear()
	}
}

// message is the text shown ("" when none), for tests.
func (n *notice) message() string {
	if !n.content.Visible() {
		return ""
	}
	return n.text.Text
}

// fixedHeight lays its objects over each other at a height that does not change: two lines of
// text, or ref's height if taller, whether they show or not.
type fixedHeight struct{ ref fyne.CanvasObject }

func (l *fixedHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w float32
	line := fyne.MeasureText("Ag", theme.TextSize(), fyne.TextStyle{}).Height
	h := max(l.ref.MinSize().Height, 2*line+2*theme.InnerPadding())
	for _, o := range objs {
		if o.Visible() {
			w = max(w, o.MinSize().Width)
		}
	}
	return fyne.NewSize(w, h)
}

func (l *fixedHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}
