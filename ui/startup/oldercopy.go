package startup

import (
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store"
)

// OlderCopyTitle is the title of the window ShowOlderCopy opens, in English (shown translated).
var OlderCopyTitle = i18n.Mark("Medicine Inventory: an older copy of your inventory")

// The choices ShowOlderCopy passes on.
const (
	ChoiceRestore  = "restore"  // restore the backup file given
	ChoiceContinue = "continue" // open this copy as it is (store.Options.ContinueOlderCopy)
	ChoiceQuit     = "quit"     // change nothing
)

// OlderCopy is what the older-copy window says: Open's refusal, and the newest backup known.
type OlderCopy struct {
	Err *store.IdentityError // kind store.IdentityRolledBack
	// NewestBackup is the newest backup file found ("" when none is known); BackupMade is when it
	// was made. BackupFolder is Settings → Backups' folder ("" when none is set).
	NewestBackup string
	BackupMade   time.Time
	BackupFolder string
}

// olderCopyText is the window's explanation, in plain words, with the two choices.
func olderCopyText(oc OlderCopy) string {
	e := oc.Err
	var b strings.Builder
	fewer := int(e.FolderGeneration - e.DBGeneration)
	b.WriteString(i18n.N(fewer, "The inventory database in %[2]s is an older copy of this inventory: it holds %[1]d change fewer than this folder has seen. A copied folder, a sync tool or an undo may have put it back.",
		"The inventory database in %[2]s is an older copy of this inventory: it holds %[1]d changes fewer than this folder has seen. A copied folder, a sync tool or an undo may have put it back.", fewer, e.Dir))
	if e.Photos > 0 {
		b.WriteString(" " + i18n.N(e.Photos, "%d photo in the photos folder is not in this copy.", "%d photos in the photos folder are not in this copy."))
	}
	b.WriteString(" " + i18n.T("Used as it is, the photos, entries and receipts added since it was copied would be missing. Nothing has been changed.") + "\n\n")
	b.WriteString(i18n.T("Restore the newest backup: the inventory as it was when the backup was made.") + " ")
	switch {
	case oc.NewestBackup != "":
		b.WriteString(i18n.T("The newest backup is %s, made %s.", oc.NewestBackup, whenText(oc.BackupMade.Local())) + " ")
	case oc.BackupFolder != "":
		b.WriteString(i18n.T("No backup was found in the backup folder %s; you choose the backup file.", oc.BackupFolder) + " ")
	default:
		b.WriteString(i18n.T("No backup folder is set; you choose the backup file (a .zip made by Back up now or medinventory backup).") + " ")
	}
	b.WriteString(i18n.T("What is here now is kept beside it, in a folder ending in \"before-restore\", not deleted.") + "\n\n")
	b.WriteString(i18n.T("Continue with this copy: it is used as it is. The photos added since it was copied are registered again and queued for analysis; check their entries. Nothing is deleted."))
	return b.String()
}

// ShowOlderCopy shows, in a window of its own, that the inventory database is an older copy of
// this inventory, with the two ways on: restore the newest backup, or continue with this copy.
// It never offers to start a new inventory. choice is called once, on the UI goroutine, with
// ChoiceRestore and the backup file, ChoiceContinue, or ChoiceQuit (also when the window is
// closed); the window then closes. The caller runs the app (ShowAndRun).
func ShowOlderCopy(a fyne.App, oc OlderCopy, choice func(what, file string)) fyne.Window {
	w := a.NewWindow(i18n.T(OlderCopyTitle))
	text := widget.NewLabel(olderCopyText(oc))
	text.Wrapping = fyne.TextWrapWord
	title := widget.NewLabelWithStyle(i18n.T("This is an older copy of your inventory"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	done := false
	finish := func(what, file string) {
		if done {
			return
		}
		done = true
		choice(what, file)
		w.Close()
	}
	chooseFile := func() {
		fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				return
			}
			file := r.URI().Path()
			r.Close()
			finish(ChoiceRestore, file)
		}, w)
		fd.SetFilter(storage.NewExtensionFileFilter([]string{".zip"}))
		if folder := oc.BackupFolder; folder != "" {
			if l, err := storage.ListerForURI(storage.NewFileURI(folder)); err == nil {
				fd.SetLocation(l)
			}
		}
		fd.Show()
	}
	restore := widget.NewButton(i18n.T("Restore the newest backup…"), func() {
		if oc.NewestBackup == "" {
			chooseFile()
			return
		}
		msg := i18n.T("Restore %s, made %s?\n\nMedicine Inventory puts the backup in place and opens again. What is in the data folder now is kept beside it (a folder ending in \"before-restore\"), not deleted.",
			filepath.Base(oc.NewestBackup), whenText(oc.BackupMade.Local()))
		d := dialog.NewCustomConfirm(i18n.T("Restore the newest backup?"), i18n.T("Restore"), i18n.T("Cancel"), wrapped(msg), func(ok bool) {
			if ok {
				finish(ChoiceRestore, oc.NewestBackup)
			}
		}, w)
		d.Resize(fyne.NewSize(560, 240))
		d.Show()
	})
	restore.Importance = widget.HighImportance
	other := widget.NewButton(i18n.T("Another backup…"), chooseFile)
	if oc.NewestBackup == "" {
		other.Hide() // the restore button chooses the file already
	}
	cont := widget.NewButton(i18n.T("Continue with this copy"), func() { finish(ChoiceContinue, "") })
	quit := widget.NewButton(i18n.T("Quit"), func() { finish(ChoiceQuit, "") })
	buttons := container.NewHBox(layout.NewSpacer(), quit, cont, other, restore)
	w.SetContent(container.NewPadded(container.NewBorder(title, buttons, nil, nil, container.NewVScroll(text))))
	w.SetOnClosed(func() {
		if !done {
			done = true
			choice(ChoiceQuit, "")
		}
	})
	w.Resize(fyne.NewSize(780, 420))
	return w
}

// wrapped is a label that wraps at word boundaries.
func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// whenText is a moment as the reader writes it (i18n.DateTime), and in English the "2 Jan 2006
// 15:04" this window has always shown.
func whenText(t time.Time) string {
	if i18n.Current() == "en" {
		return t.Format("2 Jan 2006 15:04")
	}
	return i18n.DateTime(t)
}
