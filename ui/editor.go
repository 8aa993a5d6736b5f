package ui

import (
	"errors"
	"fmt"
	"image"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/store"
	"medinventory/store/fields"
)

// fieldLabel is a field's name for people: the field table's label (fields.All), or the name of
// one of the other things an entry's history records.
func fieldLabel(f string) string {
	switch f {
	case "status":
		return "Status"
	case "deleted":
		return "Removed"
	}
	return fields.Label(f)
}

// fieldHint is what to type in a field, shown in its empty box.
func fieldHint(f string) string {
	if fd, ok := fields.ByName(f); ok {
		return fd.Hint
	}
	return ""
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
	e.noPhoto = widget.NewLabelWithStyle("No photo — typed by hand", fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	e.noPhoto.Hide()
	e.photoBox = container.NewStack(e.photo, container.NewCenter(e.noPhoto))
	scroll := container.NewScroll(e.photoBox)
	scroll.SetMinSize(fyne.NewSize(220, 200))
	zoomIn := widget.NewButtonWithIcon("", theme.ZoomInIcon(), func() { e.setZoom(e.zoom * 1.5) })
	zoomOut := widget.NewButtonWithIcon("", theme.ZoomOutIcon(), func() { e.setZoom(e.zoom / 1.5) })
	zoomFit := widget.NewButtonWithIcon("", theme.ZoomFitIcon(), func() { e.setZoom(1) })
	photoArea := container.NewBorder(nil, nil, nil, container.NewVBox(zoomIn, zoomOut, zoomFit), scroll)

	form := container.New(layout.NewFormLayout())
	for _, f := range store.EntryFields {
		f := f
		en := u.newEntry()
		en.SetPlaceHolder(fieldHint(f))
		en.OnChanged = func(s string) { e.validate(f, s) }
		en.OnSubmitted = func(string) { e.Confirm() }
		lbl := widget.NewLabelWithStyle(fieldLabel(f), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		er := widget.NewLabel("")
		er.Importance = widget.DangerImportance
		er.Wrapping = fyne.TextWrapWord
		er.Hide()
		e.fields[f], e.labels[f], e.errs[f] = en, lbl, er
		form.Add(lbl)
		form.Add(container.NewVBox(en, er))
	}
	e.save = widget.NewButtonWithIcon("Save changes", theme.DocumentSaveIcon(), func() { e.Save() })
	e.confirm = widget.NewButtonWithIcon("Confirm (Enter)", theme.ConfirmIcon(), func() { e.Confirm() })
	e.confirm.Importance = widget.HighImportance
	e.del = widget.NewButtonWithIcon("Remove…", theme.DeleteIcon(), func() { e.askDelete() })
	e.del.Importance = widget.DangerImportance
	back := widget.NewButtonWithIcon("Back to the list", theme.NavigateBackIcon(), func() { e.close() })
	e.history = container.NewVBox()
	histTitle := boldLabel("History")
	fieldsCol := container.NewVBox(e.note, form,
		container.NewHBox(e.confirm, e.save, layout.NewSpacer(), e.del),
		widget.NewSeparator(), histTitle, e.history)
	head := container.NewBorder(nil, nil, container.NewVBox(back), nil, container.NewVBox(e.title, e.status))
	split := container.NewHSplit(photoArea, container.NewVScroll(container.NewPadded(fieldsCol)))
	split.Offset = 0.42
	e.root = container.NewBorder(container.NewVBox(head, widget.NewSeparator()), nil, nil, nil, split)
	return e
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
			return func() { e.u.showError("This medicine could not be opened", err) }
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
		return func() {
			e.show(en, false)
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
	e.cur, e.entryID, e.isNew = en, en.ID, isNew
	if isNew {
		e.title.SetText("New medicine (typed by hand)")
	} else {
		e.title.SetText(entryTitle(&en))
	}
	e.updateStatus()
	for _, f := range store.EntryFields {
		e.fields[f].SetText(en.Get(f))
		e.setFieldError(f, nil)
		lbl := e.labels[f]
		if en.Sources[f] == store.SourceBarcode {
			lbl.SetText(fieldLabel(f) + " (barcode)")
			lbl.Importance = widget.SuccessImportance
		} else {
			lbl.SetText(fieldLabel(f))
			lbl.Importance = widget.MediumImportance
		}
		lbl.Refresh()
	}
	if en.ReviewNote != "" {
		e.note.SetText(en.ReviewNote)
		e.note.Show()
	} else {
		e.note.Hide()
	}
	setVisible(e.del, !isNew)
	if isNew {
		e.confirm.SetText("Add to the inventory (Enter)")
	} else {
		e.confirm.SetText("Confirm (Enter)")
	}
	setVisible(e.save, !isNew)
	e.visible = true
	e.u.updateMain()
}

func (e *editor) updateStatus() {
	switch {
	case e.isNew:
		e.status.SetText("Fill in what is printed on the package, then press Add.")
		e.status.Importance = widget.MediumImportance
	case e.cur.Status == store.StatusConfirmed:
		e.status.SetText("✓ Confirmed")
		e.status.Importance = widget.SuccessImportance
	default:
		e.status.SetText("Needs review — check each field against the photo, then Confirm")
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
		e.history.Add(widget.NewLabel("No changes yet."))
	}
	for i := len(hist) - 1; i >= 0; i-- { // newest first
		l := widget.NewLabel(historyLine(hist[i]))
		l.Wrapping = fyne.TextWrapWord
		e.history.Add(l)
	}
	e.history.Refresh()
}

func historyLine(h store.Edit) string {
	when := time.UnixMilli(h.At).Format("2 Jan 2006 15:04")
	who := map[string]string{store.SourceUser: "you", store.SourceBarcode: "barcode", store.SourceModel: "photo analysis",
		store.SourceCatalog: "catalog"}[h.Source]
	if who == "" {
		who = h.Source
	}
	old, nv := h.OldValue, h.NewValue
	switch h.Field {
	case "status":
		old, nv = statusWord(old), statusWord(nv)
	case "deleted":
		if nv == "deleted" {
			return fmt.Sprintf("%s — removed from the inventory (by %s)", when, who)
		}
		return fmt.Sprintf("%s — put back into the inventory (by %s)", when, who)
	}
	return fmt.Sprintf("%s — %s: %s → %s (by %s)", when, fieldLabel(h.Field), dash(old), dash(nv), who)
}

func statusWord(s string) string {
	switch s {
	case store.StatusConfirmed:
		return "Confirmed"
	case store.StatusNeedsReview:
		return "Needs review"
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
		if v == e.cur.Get(f) {
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
func (e *editor) Save() { e.commit(false) }

// Confirm saves the changes and marks the entry as reviewed (or adds a new entry).
func (e *editor) Confirm() { e.commit(true) }

func (e *editor) commit(confirm bool) {
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
			e.setFieldError("name", errors.New("type the medicine's name"))
			return
		}
	}
	e.save.Disable()
	e.confirm.Disable()
	e.u.bg(func() func() {
		var en store.Entry
		var err error
		switch {
		case isNew:
			en, err = inv.AddEntry(e.u.ctx, ch)
			if err == nil {
				id = en.ID
			}
		case len(ch) > 0:
			en, err = inv.UpdateEntry(e.u.ctx, id, ch)
		default:
			en = cur
		}
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
			var fe *store.FieldError
			if errors.As(err, &fe) {
				e.setFieldError(fe.Field, fe.Err)
				return
			}
			if err != nil {
				e.u.showError("The changes were not saved", err)
				return
			}
			if e.entryID != id && !isNew {
				return // the user moved on
			}
			e.show(en, false)
			e.setHistory(hist)
			e.u.inv.reload()
		}
	})
}

func (e *editor) close() {
	e.visible = false
	e.entryID, e.isNew = 0, false
	e.u.inv.list.UnselectAll()
	e.u.updateMain()
}

// askDelete asks before removing the open entry; the removal can be undone.
func (e *editor) askDelete() {
	if e.entryID == 0 || e.isNew {
		return
	}
	id, name := e.entryID, entryTitle(&e.cur)
	d := dialog.NewConfirm("Remove this medicine?",
		fmt.Sprintf("“%s” will be removed from the inventory.\nYou can undo this, and it stays in the history.", name),
		func(ok bool) {
			if ok {
				e.remove(id, name)
			}
		}, e.u.win)
	d.SetConfirmText("Remove")
	d.SetDismissText("Keep it")
	d.Show()
}

func (e *editor) remove(id int64, name string) {
	e.u.bg(func() func() {
		err := e.u.d.Inventory.DeleteEntry(e.u.ctx, id)
		return func() {
			if err != nil {
				e.u.showError("The medicine could not be removed", err)
				return
			}
			if e.entryID == id {
				e.close()
			}
			e.u.inv.deleted(id, name)
			e.u.inv.reload()
		}
	})
}

var _ image.Image
