package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// badge is a small coloured tag ("Low stock", "Out of stock", "Expiring", "Expired") shown in a
// product or lot row.
type badge struct {
	widget.BaseWidget
	bg   *canvas.Rectangle
	text *canvas.Text
	imp  widget.Importance
}

func newBadge(text string, imp widget.Importance) *badge {
	b := &badge{bg: canvas.NewRectangle(color.Transparent), text: canvas.NewText(text, color.Black)}
	b.bg.CornerRadius = 5
	b.text.TextStyle.Bold = true
	b.text.TextSize = theme.CaptionTextSize() + 1
	b.setImportance(imp)
	b.ExtendBaseWidget(b)
	return b
}

// setImportance colours the badge: the theme's danger, warning or success colour, faint behind
// readable text.
func (b *badge) setImportance(imp widget.Importance) {
	b.imp = imp
	name := theme.ColorNamePrimary
	switch imp {
	case widget.DangerImportance:
		name = theme.ColorNameError
	case widget.WarningImportance:
		name = theme.ColorNameWarning
	case widget.SuccessImportance:
		name = theme.ColorNameSuccess
	}
	c := theme.Color(name)
	b.bg.FillColor = withAlpha(c, 60)
	b.bg.StrokeColor = c
	b.bg.StrokeWidth = 1
	b.text.Color = theme.Color(theme.ColorNameForeground)
}

func (b *badge) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(b.bg,
		container.New(&badgePad{}, b.text)))
}

// badgePad centres the text with a little room around it.
type badgePad struct{}

func (*badgePad) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		ms := o.MinSize()
		o.Resize(ms)
		o.Move(fyne.NewPos((size.Width-ms.Width)/2, (size.Height-ms.Height)/2))
	}
}

func (*badgePad) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(0, 0)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s.AddWidthHeight(12, 6)
}

// colsLayout places a row's cells side by side: each width is fixed, except 0, which shares the
// space left over. Every cell gets the row's height, vertically centred. Header and rows use the same widths so columns
// line up.
type colsLayout []float32

func newCols(widths []float32, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(colsLayout(widths), objs...)
}

func (l colsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	fixed, flexN := float32(0), 0
	for _, w := range l {
		if w == 0 {
			flexN++
		}
		fixed += w
	}
	flex := float32(0)
	if flexN > 0 {
		flex = max(size.Width-fixed, 60*float32(flexN)) / float32(flexN)
	}
	// One height for every cell (the tallest), so that labels line up whatever their text.
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	h = min(h, size.Height)
	x := float32(0)
	for i, o := range objs {
		if i >= len(l) {
			o.Hide()
			continue
		}
		w := l[i]
		if w == 0 {
			w = flex
		}
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos(x, (size.Height-h)/2))
		x += w
	}
}

func (l colsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w, h := float32(0), float32(0)
	for i, o := range objs {
		switch {
		case i >= len(l):
		case l[i] == 0:
			w += 60
		default:
			w += l[i]
		}
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(w, h)
}

// fitCols is widths with each fixed column at least as wide as its cell in objs (a header's
// words, a label before a box, a button): French and Portuguese run 20-30% longer than the
// English the widths were chosen for. A flexible column (0) stays flexible.
func fitCols(widths []float32, objs ...fyne.CanvasObject) []float32 {
	out := append([]float32(nil), widths...)
	for i, o := range objs {
		if i < len(out) && out[i] > 0 {
			out[i] = max(out[i], o.MinSize().Width)
		}
	}
	return out
}
