package startup

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store"
)

// ProgressTitle is the title of the window an upgrade's progress is shown in, in English (shown
// translated).
var ProgressTitle = i18n.Mark("Medicine Inventory: upgrading the inventory")

// Progress is a small window of its own that shows how far the upgrade of an older inventory has
// got while the inventory opens (store.Options.OnMigrate), before the main window can be built.
// Its methods are called on the UI goroutine.
type Progress struct {
	w     fyne.Window
	label *widget.Label
	bar   *widget.ProgressBar
}

// NewProgress makes the progress window (not shown yet). The person cannot close it: the upgrade
// runs in one transaction and the main window replaces this one when it is done.
func NewProgress(a fyne.App) *Progress {
	p := &Progress{w: a.NewWindow(i18n.T(ProgressTitle)), label: widget.NewLabel(i18n.T("Upgrading the inventory…")), bar: widget.NewProgressBar()}
	p.label.Wrapping = fyne.TextWrapWord
	note := wrapped(i18n.T("A newer version is opening this inventory for the first time and brings it up to date. This is done once; a large inventory takes a few minutes. The inventory opens by itself when it is done."))
	title := widget.NewLabelWithStyle(i18n.T("Upgrading the inventory"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.w.SetContent(container.NewPadded(container.NewVBox(title, p.label, p.bar, note)))
	p.w.SetCloseIntercept(func() {}) // closed by the app once the inventory is open
	p.w.Resize(fyne.NewSize(560, 220))
	return p
}

// Window is the progress window.
func (p *Progress) Window() fyne.Window { return p.w }

// Set shows m: the line and the bar.
func (p *Progress) Set(m store.MigrationProgress) {
	p.label.SetText(ProgressText(m))
	if m.Total > 0 {
		p.bar.SetValue(float64(m.Done) / float64(m.Total))
	}
}

// ProgressText is an upgrade's progress as the window says it:
// "Upgrading the inventory… 12,000 of 60,000 entries".
func ProgressText(m store.MigrationProgress) string {
	return i18n.T("Upgrading the inventory… %s of %s entries", thousands(m.Done), thousands(m.Total))
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
