package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store"
)

// Texts of the pack decision, the same on every path (in English: shown translated).
var (
	newPackText    = i18n.Mark("Confirm as a new pack")
	packLaterText  = i18n.Mark("Decide later")
	packKeysHint   = i18n.Mark("Keys: S same pack · N new pack · Tab and Space choose a button · Esc decides later")
	packDialogName = i18n.Mark("Is this the same pack?")
)

func samePackText(photoID int64) string { return i18n.T("Same pack as photo %d", photoID) }

// packQuestionText says what the reviewer decides, in plain words.
func packQuestionText(q *store.PackDecisionError) string {
	return i18n.T("Photo %d%s looks like photo %d%s, added shortly before it: probably the same pack photographed again.\n\nIf it is the same pack, choose “%s”: it is not counted twice. If it is another pack (another box of the same medicine), choose “%s”: it is counted.",
		q.PhotoID, nameIn(q.PhotoName), q.SimilarPhotoID, nameIn(q.SimilarPhotoName), samePackText(q.SimilarPhotoID), i18n.T(newPackText))
}

// askPack is the one place a receipt that looks like an earlier photo's pack is decided, whatever
// path tried to confirm it (the editor's Confirm and Ctrl+Enter, the receipts screen): the two
// photos side by side, "Confirm as a new pack" and "Same pack as photo N". By keyboard S and N
// choose, Tab and Space too; Escape (and "Decide later") leaves it waiting. Enter alone decides
// nothing, so a reflex Ctrl+Enter never counts a pack twice. decided runs on the UI goroutine once
// the answer is saved (decide saves it); the caller then goes on (confirms a new pack).
func (u *UI) askPack(q *store.PackDecisionError, decide func(context.Context, int64, store.PackDecision) error, decided func(store.PackDecision)) {
	msg := widget.NewLabel(packQuestionText(q))
	msg.Wrapping = fyne.TextWrapWord
	hint := widget.NewLabel(i18n.T(packKeysHint))
	hint.SizeName = theme.SizeNameCaptionText
	hint.Wrapping = fyne.TextWrapWord
	var d *dialog.CustomDialog
	busy := false
	choose := func(c store.PackDecision) {
		if busy {
			return
		}
		busy = true
		d.Hide()
		u.bg(func() func() {
			err := decide(u.ctx, q.ReceiptID, c)
			return func() {
				if err != nil {
					u.showError(i18n.T("The decision was not saved"), err)
					return
				}
				decided(c)
			}
		})
	}
	newBtn := widget.NewButtonWithIcon(i18n.T(newPackText), theme.ContentAddIcon(), func() { choose(store.NewPack) })
	sameBtn := widget.NewButtonWithIcon(samePackText(q.SimilarPhotoID), theme.ContentCopyIcon(), func() { choose(store.SamePack) })
	sameBtn.Importance = widget.HighImportance
	later := widget.NewButton(i18n.T(packLaterText), func() { d.Hide() })
	photos := container.NewGridWithColumns(2, u.packPhoto(q.PhotoID, q.PhotoName, i18n.T("This photo")),
		u.packPhoto(q.SimilarPhotoID, q.SimilarPhotoName, i18n.T("The earlier photo")))
	content := container.NewVBox(photos, msg, hint)
	d = dialog.NewCustomWithoutButtons(i18n.T(packDialogName), content, u.win)
	d.SetButtons([]fyne.CanvasObject{later, newBtn, sameBtn})
	u.track(d, func() {
		if b, ok := u.win.Canvas().Focused().(*widget.Button); ok && b.OnTapped != nil {
			b.OnTapped() // Enter presses the button Tab chose; with none chosen it decides nothing
		}
	}, nil)
	u.dlg.keys = map[fyne.KeyName]func(){
		fyne.KeyS: func() { choose(store.SamePack) },
		fyne.KeyN: func() { choose(store.NewPack) },
	}
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
}

// packPhoto is one photo of the pack decision, with its caption; the picture loads in the background.
func (u *UI) packPhoto(id int64, name, caption string) fyne.CanvasObject {
	img := canvas.NewImageFromResource(theme.MediaPhotoIcon())
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(240, 180))
	lbl := widget.NewLabel(i18n.T("%s: photo %d%s", caption, id, nameIn(name)))
	lbl.Truncation = fyne.TextTruncateEllipsis
	if id != 0 && u.d.Inventory != nil {
		u.bg(func() func() {
			p, err := u.d.Inventory.Photo(u.ctx, id)
			if err != nil {
				return nil
			}
			pic := u.thumbs.load(u.d.Inventory.PhotoFile(p), 480)
			if pic == nil {
				return nil
			}
			return func() { img.Image, img.Resource = pic, nil; img.Refresh() }
		})
	}
	return container.NewBorder(nil, lbl, nil, nil, img)
}

// Pack decision dialog, for tests: whether it is open.
func (u *UI) packDialogOpen() bool {
	return u.dlg != nil && u.dlg.keys != nil && u.dlg.keys[fyne.KeyS] != nil
}
