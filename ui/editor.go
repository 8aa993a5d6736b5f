package ui

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/fields"
)

// fieldLabel is a field's name for people: the field table's label (fields.All), or the name of
// one of the other things an entry's history records.
func fieldLabel(f string) string {
	switch f {
	case "status":
		return i18n.T("Status")
	case "deleted":
		return i18n.T("Removed")
	}
	return i18n.T(fields.Label(f)) // marked in the field table
}

// fieldHint is what to type in a field, shown in its empty box.
func fieldHint(f string) string {
	if fd, ok := fields.ByName(f); ok {
		return i18n.T(fd.Hint) // marked in the field table
	}
	return ""
}

// sourceMark is how a field's label says where its value came from.
func sourceMark(src string) (string, widget.Importance) {
	switch src {
	case store.SourceBarcode:
		return " " + i18n.T("(barcode)"), widget.SuccessImportance
	case store.SourceModel:
		return " " + i18n.T("(from photo)"), widget.HighImportance
	case store.SourceCatalog:
		return " " + i18n.T("(known product)"), widget.SuccessImportance
	}
	return "", widget.MediumImportance
}

// editor is the right-hand panel: the photo, the fields, Confirm, the history.
type editor struct {
	u       *UI
	root    fyne.CanvasObject
	visible bool
	entryID int64 // 0: none open, or a new entry typed by hand (isNew)
	isNew   bool
	cur     store.Entry

	title    *widget.Label
	status   *widget.Label
	note     *widget.Label
	packBar  *fyne.Container   // "looks like photo N" with the decision's button (setPack)
	fieldsSc *container.Scroll // the fields: each medicine opens scrolled to the top
	packText *widget.Label
	packQ    *store.PackDecisionError
	packsIn  *widget.Label // the receipt in units: "2 packs × 30 capsules = 60 capsules" (setPacks)
	photo    *canvas.Image
	photoBox *fyne.Container
	noPhoto  *widget.Label
	zoom     float32
	fields   map[string]*uiEntry
	labels   map[string]*widget.Label
	errs     map[string]*widget.Label
	save     *widget.Button
	confirm  *widget.Button
	del      *widget.Button
	history  *fyne.Container
	big      *thumbCache
}

func (u *UI) newEditor() *editor {
	e := &editor{u: u, fields: map[string]*uiEntry{}, labels: map[string]*widget.Label{}, errs: map[string]*widget.Label{},
		zoom: 1, big: newThumbCache(4)}
	e.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	e.title.SizeName = theme.SizeNameSubHeadingText
	e.title.Truncation = fyne.TextTruncateEllipsis
	e.status = widget.NewLabel("")
	e.note = widget.NewLabel("")
	e.note.Wrapping = fyne.TextWrapWord
	e.note.Importance = widget.WarningImportance
	e.photo = canvas.NewImageFromResource(theme.MediaPhotoIcon())
	e.photo.FillMode = canvas.ImageFillContain
	e.photo.ScaleMode = canvas.ImageScaleFastest
	e.noPhoto = widget.NewLabelWithStyle(i18n.T("No photo — typed by hand"), fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	e.noPhoto.Hide()
	e.photoBox = container.NewStack(e.photo, container.NewCenter(e.noPhoto))
	scroll := container.NewScroll(e.photoBox)
	scroll.SetMinSize(fyne.NewSize(150, 160))
	zoomIn := widget.NewButtonWithIcon("", theme.ZoomInIcon(), func() { e.setZoom(e.zoom * 1.5) })
	zoomOut := widget.NewButtonWithIcon("", theme.ZoomOutIcon(), func() { e.setZoom(e.zoom / 1.5) })
	zoomFit := widget.NewButtonWithIcon("", theme.ZoomFitIcon(), func() { e.setZoom(1) })
	photoArea := container.NewBorder(nil, nil, nil, container.NewVBox(zoomIn, zoomOut, zoomFit), scroll)

	form := container.New(layout.NewFormLayout())
	for i, f := range store.EntryFields {
		f := f
		en := u.newEntry()
		en.SetPlaceHolder(fieldHint(f))
		if i < len(store.EntryFields)-1 {
			// No scroller inside the field: the mouse wheel over a field scrolls the form.
			en.Wrapping, en.Scroll = fyne.TextWrapOff, fyne.ScrollNone
			en.maxMinWidth = 160
		}
		en.OnChanged = func(s string) {
			e.validate(f, s)
			e.markSource(f)
		}
		last := i == len(store.EntryFields)-1
		en.OnSubmitted = func(string) { // Enter: the next field; on the last one, confirm
			if last {
				e.confirmAndNext()
				return
			}
			e.u.win.Canvas().Focus(e.fields[store.EntryFields[i+1]])
		}
		lbl := widget.NewLabelWithStyle(fieldLabel(f), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		er := widget.NewLabel("")
		er.Importance = widget.DangerImportance
		er.Wrapping = fyne.TextWrapWord
		er.Hide()
		e.fields[f], e.labels[f], e.errs[f] = en, lbl, er
		form.Add(lbl)
		form.Add(container.NewVBox(en, er))
	}
	e.save = widget.NewButtonWithIcon(i18n.T("Save"), theme.DocumentSaveIcon(), func() { e.Save() })
	e.confirm = widget.NewButtonWithIcon(i18n.T("Confirm"), theme.ConfirmIcon(), func() { e.confirmAndNext() })
	e.confirm.Importance = widget.HighImportance
	e.del = widget.NewButtonWithIcon(i18n.T("Remove…"), theme.DeleteIcon(), func() { e.askDelete() })
	e.del.Importance = widget.DangerImportance
	back := widget.NewButtonWithIcon(i18n.T("Back"), theme.NavigateBackIcon(), func() { e.close() })
	e.history = container.NewVBox()
	histTitle := boldLabel(i18n.T("History"))
	hint := widget.NewLabel(i18n.T("Ctrl+Enter confirms and opens the next medicine to review · Esc goes back"))
	hint.SizeName = theme.SizeNameCaptionText
	hint.Wrapping = fyne.TextWrapWord
	e.packText = widget.NewLabel("")
	e.packText.Wrapping = fyne.TextWrapWord
	e.packText.Importance = widget.WarningImportance
	packBtn := widget.NewButtonWithIcon(i18n.T("Same pack or a new one?…"), theme.ContentCopyIcon(), func() {
		if e.packQ != nil && e.visible {
			e.decidePack(e.packQ, e.entryID, true, entryName(&e.cur))
		}
	})
	e.packBar = container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), packBtn, e.packText)
	e.packBar.Hide()
	e.packsIn = newPacksLine()
	fieldsCol := container.NewVBox(e.packBar, e.note, e.packsIn, form, hint,
		widget.NewSeparator(), histTitle, e.history)
	e.status.Truncation = fyne.TextTruncateEllipsis
	// The buttons sit in the head, above the fields: never below the fold.
	head := container.NewBorder(nil, nil, back, container.NewHBox(e.confirm, e.save, e.del), container.NewVBox(e.title, e.status))
	e.fieldsSc = container.NewVScroll(container.NewPadded(fieldsCol))
	split := container.NewHSplit(photoArea, e.fieldsSc)
	split.Offset = 0.4
	e.root = container.NewBorder(container.NewVBox(head, widget.NewSeparator()), nil, nil, nil, split)
	return e
}

// markSource sets a field's label: where its value came from, or "(edited)" once the user changed
// it, so a mark never claims a value the user has replaced.
func (e *editor) markSource(f string) {
	lbl := e.labels[f]
	if lbl == nil {
		return
	}
	mark, imp := sourceMark(e.cur.Sources[f])
	if !unchanged(f, e.fields[f].Text, e.cur.Get(f)) {
		mark, imp = " "+i18n.T("(edited)"), widget.MediumImportance
	}
	if t := fieldLabel(f) + mark; lbl.Text != t || lbl.Importance != imp {
		lbl.Text, lbl.Importance = t, imp
		lbl.Refresh()
	}
}

func (e *editor) setZoom(z float32) {
	e.zoom = min(max(z, 1), 8)
	base := fyne.NewSize(300, 360)
	e.photo.SetMinSize(fyne.NewSize(base.Width*e.zoom, base.Height*e.zoom))
	e.photoBox.Refresh()
}

// validate checks a field as the user types (store.ValidateField is pure).
func (e *editor) validate(f, s string) bool {
	_, err := store.ValidateField(f, s)
	e.setFieldError(f, err)
	return err == nil
}

func (e *editor) setFieldError(f string, err error) {
	l := e.errs[f]
	if l == nil {
		return
	}
	if err == nil {
		l.Hide()
		return
	}
	l.SetText(err.Error())
	l.Show()
}

// open loads an entry (off the UI goroutine) and shows it.
func (e *editor) open(id int64) {
	inv := e.u.d.Inventory
	e.u.bg(func() func() {
		en, err := inv.Entry(e.u.ctx, id)
		if err != nil {
			return func() { e.u.showError(i18n.T("This medicine could not be opened"), err) }
		}
		hist, herr := inv.History(e.u.ctx, id)
		if herr != nil {
			e.u.log.Warn("history", "err", herr)
		}
		file := ""
		if en.PhotoID != 0 {
			if p, err := inv.Photo(e.u.ctx, en.PhotoID); err == nil {
				file = inv.PhotoFile(p)
			}
		}
		q, qerr := inv.PackQuestion(e.u.ctx, id)
		if qerr != nil {
			e.u.log.Warn("pack question", "err", qerr)
		}
		rc, hasRc := e.u.receiptOf(id)
		return func() {
			e.show(en, false)
			e.setPack(q)
			e.setPacks(rc, hasRc)
			e.setHistory(hist)
			e.loadPhoto(file)
		}
	})
}

// openNew opens an empty editor to type an entry by hand.
func (e *editor) openNew() {
	e.show(store.Entry{Status: store.StatusNeedsReview, Sources: map[string]string{}}, true)
	e.setHistory(nil)
	e.loadPhoto("")
	e.u.win.Canvas().Focus(e.fields["name"])
}

func (e *editor) show(en store.Entry, isNew bool) {
	if c := e.u.win.Canvas(); c.Focused() == e.u.inv.list {
		c.Unfocus() // the list is out of sight: Escape, Delete go to the editor now
	}
	if isNew || en.ID != e.entryID {
		e.u.inv.note.clear() // another medicine: a line about the last one would mislead
	}
	e.cur, e.entryID, e.isNew = en, en.ID, isNew
	e.setPack(nil) // open sets it again for an entry that waits for a pack decision
	e.setPacks(noReceipt, false)
	if isNew {
		e.title.SetText(i18n.T("New medicine (typed by hand)"))
	} else {
		e.title.SetText(entryTitle(&en))
	}
	e.updateStatus()
	for _, f := range store.EntryFields {
		e.fields[f].SetText(shownValue(f, en.Get(f)))
		e.setFieldError(f, nil)
		e.markSource(f)
	}
	if en.ShowsReviewNote() {
		e.note.SetText(plainNote(en.ReviewNote))
		e.note.Show()
	} else {
		e.note.Hide()
	}
	setVisible(e.del, !isNew)
	if isNew {
		e.confirm.SetText(i18n.T("Add"))
	} else {
		e.confirm.SetText(i18n.T("Confirm"))
	}
	setVisible(e.save, !isNew)
	e.visible = true
	e.u.updateMain()
	// The scroller keeps its offset between medicines: without this one opened where the last was
	// left, its name out of sight.
	e.fieldsSc.ScrollToTop()
}

// plainNote is a review note in plain words: notes written before the wording changed said
// "the model was not sure", which means nothing to a nurse.
//
// The notes are stored as the analysis wrote them, in English; the fixed sentences among them
// (reviewNotes) are shown in the reader's language. Sentences that quote what was read (a photo
// and a barcode that disagree) and the reading service's own notes stay as written.
func plainNote(note string) string {
	note = strings.ReplaceAll(note, ": the model was not sure.", " against the package: the photo was hard to read there.")
	note = unsureNote.ReplaceAllStringFunc(note, func(m string) string {
		var names []string
		for _, f := range strings.Split(unsureNote.FindStringSubmatch(m)[1], ", ") {
			names = append(names, strings.ToLower(fieldLabel(f)))
		}
		return i18n.T("Check %s against the package: the photo was hard to read there.", strings.Join(names, ", "))
	})
	for _, s := range reviewNotes {
		note = strings.ReplaceAll(note, s, i18n.T(s))
	}
	return note
}

// reviewNotes are the fixed sentences analyzer/pipeline writes in review notes, translated where
// the editor shows them.
var reviewNotes = []string{
	i18n.Mark("Read from the barcode only; the name and strength will be filled in when the photo is analysed."),
	i18n.Mark("Recognised from its barcode (a product you confirmed before); no online analysis was needed."),
	i18n.Mark("A barcode in this photo matches none of the medicines read from it."),
	i18n.Mark("Only the barcode could be read in this photo."),
}

// unsureNote is the sentence naming the fields (by their names: "name, lot") the photo reader was
// unsure of.
var unsureNote = regexp.MustCompile(`Check ([a-z_]+(?:, [a-z_]+)*) against the package: the photo was hard to read there\.`)

func (e *editor) updateStatus() {
	switch {
	case e.isNew:
		e.status.SetText(i18n.T("Fill in what is printed on the package, then press Add."))
		e.status.Importance = widget.MediumImportance
	case e.cur.Status == store.StatusConfirmed:
		e.status.SetText("✓ " + i18n.T("Confirmed"))
		e.status.Importance = widget.SuccessImportance
	case e.cur.PhotoID == 0:
		e.status.SetText(i18n.T("Needs review — check each field, then Confirm"))
		e.status.Importance = widget.WarningImportance
	default:
		e.status.SetText(i18n.T("Needs review — check each field against the photo, then Confirm"))
		e.status.Importance = widget.WarningImportance
	}
	e.status.Refresh()
}

func (e *editor) loadPhoto(file string) {
	e.photo.Image, e.photo.Resource = nil, theme.MediaPhotoIcon()
	e.setZoom(1)
	e.photo.Refresh()
	setVisible(e.noPhoto, file == "" && e.cur.PhotoID == 0)
	setVisible(e.photo, file != "")
	if file == "" {
		return
	}
	id := e.entryID
	e.u.bg(func() func() {
		img := e.big.load(file, 1600)
		return func() {
			if e.entryID == id && img != nil {
				e.photo.Image, e.photo.Resource = img, nil
				e.photo.Refresh()
			}
		}
	})
}

func (e *editor) setHistory(hist []store.Edit) {
	e.history.Objects = nil
	if len(hist) == 0 {
		e.history.Add(widget.NewLabel(i18n.T("No changes yet.")))
	}
	for i := len(hist) - 1; i >= 0; i-- { // newest first
		l := widget.NewLabel(historyLine(hist[i]))
		l.Wrapping = fyne.TextWrapWord
		e.history.Add(l)
	}
	e.history.Refresh()
}

func historyLine(h store.Edit) string {
	when := whenText(time.UnixMilli(h.At))
	who := map[string]string{store.SourceUser: i18n.T("you"), store.SourceBarcode: i18n.T("barcode"), store.SourceModel: i18n.T("photo analysis"),
		store.SourceCatalog: i18n.T("catalog")}[h.Source]
	if who == "" {
		who = h.Source
	}
	old, nv := h.OldValue, h.NewValue
	switch h.Field {
	case "status":
		old, nv = statusWord(old), statusWord(nv)
	case "deleted":
		if nv == "deleted" {
			return i18n.T("%s — removed from the inventory (by %s)", when, who)
		}
		return i18n.T("%s — put back into the inventory (by %s)", when, who)
	}
	return i18n.T("%s — %s: %s → %s (by %s)", when, fieldLabel(h.Field), dash(old), dash(nv), who)
}

func statusWord(s string) string {
	switch s {
	case store.StatusConfirmed:
		return i18n.T("Confirmed")
	case store.StatusNeedsReview:
		return i18n.T("Needs review")
	}
	return s
}

// HistoryLines returns the open entry's history as shown, newest first.
func (u *UI) HistoryLines() []string {
	var out []string
	for _, o := range u.ed.history.Objects {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	}
	return out
}

// changes are the fields the user changed; ok is false (and errors are shown) if one is invalid.
func (e *editor) changes() (map[string]string, bool) {
	ch := map[string]string{}
	ok := true
	for _, f := range store.EntryFields {
		v := e.fields[f].Text
		if unchanged(f, v, e.cur.Get(f)) {
			continue
		}
		if !e.validate(f, v) {
			ok = false
		}
		ch[f] = v
	}
	return ch, ok
}

// Save writes the changed fields (each change goes into the history).
func (e *editor) Save() { e.commit(false, false) }

// Confirm saves the changes and marks the entry as reviewed (or adds a new entry, confirmed).
func (e *editor) Confirm() { e.commit(true, false) }

// confirmAndNext is Ctrl+Enter (and the Confirm button): confirm, then open the next medicine in
// the list that needs review, or go back to the list when none is left.
func (e *editor) confirmAndNext() { e.commit(true, true) }

func (e *editor) commit(confirm, next bool) {
	if !e.visible {
		return
	}
	ch, ok := e.changes()
	if !ok {
		return
	}
	if !e.isNew && len(ch) == 0 && !confirm {
		return
	}
	inv := e.u.d.Inventory
	id, isNew, cur := e.entryID, e.isNew, e.cur
	if isNew {
		ch = map[string]string{}
		for _, f := range store.EntryFields {
			if v := e.fields[f].Text; v != "" {
				ch[f] = v
			}
		}
		if ch["name"] == "" && ch["generic_name"] == "" {
			e.setFieldError("name", errors.New(i18n.T("type the medicine's name")))
			return
		}
	}
	old := map[string]string{}
	for f := range ch {
		old[f] = cur.Get(f)
	}
	wasReview := cur.NeedsReview()
	e.save.Disable()
	e.confirm.Disable()
	e.u.bg(func() func() {
		var en store.Entry
		var err error
		switch {
		case isNew:
			en, err = inv.AddConfirmedEntry(e.u.ctx, ch)
			if err == nil {
				id = en.ID
			}
		case len(ch) > 0:
			en, err = inv.UpdateEntry(e.u.ctx, id, ch)
		default:
			en = cur
		}
		edited := err == nil && !isNew && len(ch) > 0
		if err == nil && confirm && !isNew {
			en, err = inv.ConfirmEntry(e.u.ctx, id)
		}
		var hist []store.Edit
		if err == nil {
			hist, _ = inv.History(e.u.ctx, id)
		}
		return func() {
			e.save.Enable()
			e.confirm.Enable()
			if edited || (err == nil && (isNew || (confirm && wasReview))) {
				e.recordUndo(id, isNew, edited, err == nil && confirm && wasReview && !isNew, old, ch, entryName(&en))
			}
			var fe *store.FieldError
			if errors.As(err, &fe) {
				e.setFieldError(fe.Field, fe.Err)
				return
			}
			var pe *store.PackDecisionError
			if errors.As(err, &pe) {
				// Not confirmed: the photo looks like an earlier one's pack; the reviewer decides.
				e.decidePack(pe, id, next, entryName(&cur))
				return
			}
			if err != nil {
				e.u.showError(i18n.T("The changes were not saved"), err)
				return
			}
			if e.entryID != id && !isNew {
				return // the user moved on
			}
			if next && !isNew {
				e.openNext(id, i18n.T("Confirmed “%s”. Nothing else in the list needs review.", entryName(&en)))
				return
			}
			e.show(en, false)
			e.setHistory(hist)
			e.u.inv.reload()
		}
	})
}

// decidePack asks whether the open entry's photo shows the same pack as an earlier photo (askPack,
// the dialog of every path), then goes on: a new pack is confirmed (and, with next, the next
// medicine to review opens), the same pack is not counted.
func (e *editor) decidePack(q *store.PackDecisionError, id int64, next bool, name string) {
	e.u.askPack(q, e.u.d.Inventory.DecidePack, func(d store.PackDecision) {
		if d == store.SamePack {
			e.afterSamePack(id, next, name)
			return
		}
		if e.entryID == id {
			e.commit(true, next) // a new pack: confirm it now
		}
	})
}

// setPack shows, above the fields, that the open entry's photo looks like an earlier photo's pack,
// with the button that asks the decision; q nil hides it.
func (e *editor) setPack(q *store.PackDecisionError) {
	e.packQ = q
	if q == nil || e.isNew {
		e.packBar.Hide()
		return
	}
	e.packText.SetText(i18n.T("This photo looks like photo %d%s: probably the same pack. Confirming asks whether it is another pack.",
		q.SimilarPhotoID, nameIn(q.SimilarPhotoName)))
	e.packBar.Show()
}

// openNext opens the next medicine in the list that needs review after id, or goes back to the
// list saying done when none is left.
func (e *editor) openNext(id int64, done string) {
	if nid := e.u.inv.nextNeedingReview(id); nid != 0 {
		e.u.inv.reload()
		e.u.inv.moveCursor(e.u.inv.indexOf(nid))
		e.open(nid)
		return
	}
	e.close()
	e.u.inv.sayUndo(done, true)
	e.u.inv.reload()
}

// afterSamePack goes on once the reviewer said the open entry's photo shows the same pack as an
// earlier one (nothing counted, the entry reviewed); Undo asks the question again.
func (e *editor) afterSamePack(id int64, next bool, name string) {
	inv := e.u.d.Inventory
	e.u.pushUndo(i18n.T("Same pack “%s”", name),
		func(ctx context.Context) error { return inv.UndoSamePack(ctx, id) },
		func(ctx context.Context) error {
			q, err := inv.PackQuestion(ctx, id)
			if err != nil {
				return err
			}
			if q == nil {
				return errors.New(i18n.T("this photo no longer waits for a same-pack decision: open it to check it"))
			}
			return inv.DecidePack(ctx, q.ReceiptID, store.SamePack)
		})
	if e.entryID != id {
		e.u.inv.reload()
		return // the user moved on
	}
	done := i18n.T("“%s”: the same pack as an earlier photo, not counted twice. Nothing else in the list needs review.", name)
	if next {
		e.openNext(id, done)
		return
	}
	e.u.inv.reload()
	e.open(id)
}

// recordUndo puts what commit did on the undo stack: the edits (old values back), the
// confirmation (back to needs review), or the new entry (removed).
func (e *editor) recordUndo(id int64, isNew, edited, confirmed bool, old, changed map[string]string, name string) {
	inv := e.u.d.Inventory
	switch {
	case isNew:
		e.u.pushUndo(i18n.T("Add “%s”", name),
			func(ctx context.Context) error { return inv.DeleteEntry(ctx, id) },
			func(ctx context.Context) error { return inv.RestoreEntry(ctx, id) })
	case edited && confirmed:
		e.u.pushUndo(i18n.T("Edit and confirm “%s”", name),
			func(ctx context.Context) error {
				if _, err := inv.ReopenEntry(ctx, id); err != nil {
					return err
				}
				_, err := inv.UpdateEntry(ctx, id, old)
				return err
			},
			func(ctx context.Context) error {
				if _, err := inv.UpdateEntry(ctx, id, changed); err != nil {
					return err
				}
				_, err := inv.ConfirmEntry(ctx, id)
				return err
			})
	case edited:
		e.u.pushUndo(i18n.T("Edit “%s”", name),
			func(ctx context.Context) error { _, err := inv.UpdateEntry(ctx, id, old); return err },
			func(ctx context.Context) error { _, err := inv.UpdateEntry(ctx, id, changed); return err })
	case confirmed:
		e.u.pushUndo(i18n.T("Confirm “%s”", name),
			func(ctx context.Context) error { _, err := inv.ReopenEntry(ctx, id); return err },
			func(ctx context.Context) error { _, err := inv.ConfirmEntry(ctx, id); return err })
	}
}

func (e *editor) close() {
	e.visible = false
	e.entryID, e.isNew = 0, false
	e.u.win.Canvas().Unfocus()
	e.u.updateMain()
	if !e.u.narrow || !e.u.queueOpen {
		e.u.win.Canvas().Focus(e.u.inv.list) // back on the list, where the keyboard left it
	}
}

// askDelete asks before removing the open entry; the removal can be undone.
func (e *editor) askDelete() {
	if e.entryID == 0 || e.isNew || !e.visible {
		return
	}
	e.askDeleteEntry(e.cur)
}

// askDeleteEntry asks before removing an entry, naming it with its lot; Enter removes, Escape keeps.
func (e *editor) askDeleteEntry(en store.Entry) {
	id, name := en.ID, entryName(&en)
	e.u.confirmDialog(i18n.T("Remove this medicine?"),
		i18n.T("“%s” will be removed from the inventory.\nYou can undo this (Ctrl+Z), and it stays in the history.", name),
		i18n.T("Remove"), i18n.T("Keep it"), func() { e.remove(id, name) })
}

func (e *editor) remove(id int64, name string) {
	inv := e.u.d.Inventory
	e.u.bg(func() func() {
		err := inv.DeleteEntry(e.u.ctx, id)
		return func() {
			if err != nil {
				e.u.showError(i18n.T("The medicine could not be removed"), err)
				return
			}
			e.u.pushUndo(i18n.T("Remove “%s”", name),

				func(ctx context.Context) error { return inv.RestoreEntry(ctx, id) },
				func(ctx context.Context) error { return inv.DeleteEntry(ctx, id) })
			if e.entryID == id {
				e.close()
			}
			e.u.inv.deleted(name)
			e.u.inv.reload()
		}
	})
}
