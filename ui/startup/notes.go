package startup

import (
	"strings"

	"medinventory/assets/i18n"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
)

// NotesTitle is the title of the dialog ShowNotes opens, in English (shown translated).
var NotesTitle = i18n.Mark("While opening the inventory")

// ShowNotes tells the person, in a dialog over w, what opening the inventory found and put right
// on its own (store.OpenReport's Messages: a restore finished or undone, an older copy continued,
// stock totals recomputed). The store reports each thing once, so the dialog is shown once; with
// no messages it shows nothing and returns nil. Call it on the UI goroutine (or before the app
// runs).
func ShowNotes(w fyne.Window, msgs []string) dialog.Dialog {
	if len(msgs) == 0 {
		return nil
	}
	text := wrapped(strings.Join(msgs, "\n\n"))
	d := dialog.NewCustom(i18n.T(NotesTitle), i18n.T("OK"), container.NewVScroll(text), w)
	d.Resize(fyne.NewSize(620, 200+80*float32(len(msgs))))
	d.Show()
	return d
}
