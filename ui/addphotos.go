package ui

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/photo"
)

// HandleDrop is the window's drop handler: it imports the dropped files and folders. Files that
// are not photos are listed in the queue panel with the reason.
func (u *UI) HandleDrop(uris []fyne.URI) {
	var paths []string
	for _, uri := range uris {
		if uri.Scheme() != "file" {
			u.queue.addSkipped(uri.String(), i18n.T("only files on this computer can be added."))
			continue
		}
		paths = append(paths, uri.Path())
	}
	u.Import(paths)
}

// Import adds files and folders off the UI goroutine, reporting each file as it is done.
func (u *UI) Import(paths []string) {
	if len(paths) == 0 || u.d.Importer == nil {
		return
	}
	q := u.queue
	q.importing++
	_ = q.importB.Set(i18n.T("Adding photos… (looking at the files)"))
	// Outcomes are batched: a 200-photo drop must not queue 200 separate UI updates.
	var mu sync.Mutex
	var pending []store.AddOutcome
	seen := 0
	flush := func() {
		mu.Lock()
		batch := pending
		pending = nil
		mu.Unlock()
		added := false
		for _, o := range batch {
			seen++
			if o.Err != nil {
				q.addSkipped(o.Path, plainError(o.Err))
			} else if o.Photo.ID != 0 {
				q.remember(o.Photo)
				added = added || !o.Duplicate
			}
		}
		if len(batch) > 0 {
			_ = q.importB.Set(i18n.N(seen, "Adding photos… %d file looked at so far", "Adding photos… %d files looked at so far"))
		}
		if added && !u.sync {
			u.reloadQueue() // new photos show up while a big drop is still being added
		}
	}
	var t throttle
	u.bg(func() func() {
		sum, err := u.d.Importer.Import(u.ctx, paths, func(o store.AddOutcome) {
			mu.Lock()
			pending = append(pending, o)
			mu.Unlock()
			if !u.sync {
				u.throttled(&t, 200*time.Millisecond, flush)
			}
		})
		return func() {
			flush()
			q.importing--
			text := importSummary(sum)
			if q.importing == 0 && sum.Added+sum.Duplicates+sum.Skipped == 0 && err == nil {
				text = ""
			}
			_ = q.importB.Set(text)
			if err != nil && !errors.Is(err, context.Canceled) {
				u.showError(i18n.T("Not everything could be added"), err)
			}
			u.reloadQueue()
			u.updateMain()
		}
	})
}

func importSummary(s store.AddSummary) string {
	var parts []string
	if s.Added > 0 {
		parts = append(parts, i18n.N(s.Added, "%d new photo added", "%d new photos added"))
	}
	if s.Duplicates > 0 {
		parts = append(parts, i18n.N(s.Duplicates, "%d photo was already in the inventory", "%d photos were already in the inventory"))
	}
	if s.Skipped > 0 {
		parts = append(parts, i18n.N(s.Skipped, "%d file skipped (see the list)", "%d files skipped (see the list)"))
	}
	if len(parts) == 0 {
		return i18n.T("Nothing was added: no files were found.")
	}
	return strings.Join(parts, " · ")
}

// errNoNativeChooser means the desktop's own file chooser is not available here.
var errNoNativeChooser = errors.New("no desktop file chooser")

// nativeOpenFiles, when set, opens the desktop's own multi-file chooser and blocks until the user
// is done: it returns the chosen files (none when cancelled) or errNoNativeChooser. It is set per
// platform: chooser_linux.go (the XDG desktop portal), chooser_windows.go (the common Open
// dialog), chooser_darwin.go (AppleScript's choose file).
var nativeOpenFiles func(title string) ([]string, error)

// ShowAddPhotos lets the user choose photos: the desktop's own file chooser where there is one
// (several files at once), else this app's chooser with thumbnails and Select all.
func (u *UI) ShowAddPhotos() {
	if nativeOpenFiles == nil || u.sync {
		u.showPhotoChooser(u.lastFolder())
		return
	}
	go func() {
		files, err := nativeOpenFiles(i18n.T("Add photos of medicine packages"))
		fyne.Do(func() {
			if err != nil {
				u.log.Info("desktop file chooser not available; using the built-in one", "err", err)
				u.showPhotoChooser(u.lastFolder())
				return
			}
			if len(files) > 0 {
				u.app.Preferences().SetString(prefLastFolder, filepath.Dir(files[0]))
			}
			u.Import(files)
		})
	}()
}

// filesFromURIs turns the portal's file:// URIs into paths.
func filesFromURIs(uris []string) []string {
	var out []string
	for _, s := range uris {
		if p, err := url.Parse(s); err == nil && p.Scheme == "file" {
			out = append(out, p.Path)
		}
	}
	return out
}

const prefLastFolder = "add_photos.folder"

func (u *UI) lastFolder() string {
	if d := u.app.Preferences().String(prefLastFolder); d != "" {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		return home
	}
	return "."
}

// chooser is the built-in chooser, used where the desktop has none of its own (a plain X
// session, a test): places on the left (Home, Desktop, Documents, Pictures, Downloads, the
// drives), a field where a path can be typed or pasted, and the folder's subfolders and files as
// tiles. To add photos (save nil): photos with thumbnails, a click selects one, a folder opens;
// Select all / none; Add this folder. To save a report (save set): the folder's files of that kind,
// a name field and Save; it only gives the path (the caller writes the file whole).
type chooser struct {
	u        *UI
	dir      string
	folders  []string
	photos   []string        // the files shown: photos, or (save) files of the report's kind
	selected map[string]bool // full paths, kept across folders
	grid     *widget.GridWrap
	path     *uiEntry // the folder shown; a path typed or pasted here is opened with Enter
	msg      *widget.Label
	count    *widget.Label
	add      *widget.Button
	d        dialog.Dialog
	save     *saveTarget
	name     *uiEntry // save: the file's name
	// thumbs decodes the photos themselves: the window's cache (u.thumbs) only loads the
	// thumbnails the analysis stored, which photos not yet added do not have.
	thumbs *thumbCache
}

// saveTarget is what the chooser is for when it is not adding photos: saving a file with
// extension ext (pickSave), choosing a folder (pickFolder) or one file with extension ext
// (pickOpen); done gets the chosen path.
type saveTarget struct {
	mode pickMode
	ext  string
	done func(path string)
}

type pickMode int

const (
	pickSave pickMode = iota
	pickFolder
	pickOpen
)

type chooserTile struct {
	widget.BaseWidget
	img   *canvas.Image
	name  *widget.Label
	check *widget.Icon
	bg    *canvas.Rectangle
	box   fyne.CanvasObject
	file  string
	tap   func()
}

func (t *chooserTile) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.box) }
func (t *chooserTile) Tapped(*fyne.PointEvent) {
	if t.tap != nil {
		t.tap()
	}
}

func (c *chooser) createTile() fyne.CanvasObject {
	t := &chooserTile{img: canvas.NewImageFromResource(theme.MediaPhotoIcon()), name: widget.NewLabel(""),
		check: widget.NewIcon(theme.CheckButtonIcon()), bg: canvas.NewRectangle(theme.Color(theme.ColorNameSelection))}
	t.img.FillMode = canvas.ImageFillContain
	t.img.SetMinSize(fyne.NewSize(120, 96))
	t.name.Truncation = fyne.TextTruncateEllipsis
	t.name.Alignment = fyne.TextAlignCenter
	t.box = container.NewStack(t.bg, container.NewBorder(nil, container.NewBorder(nil, nil, t.check, nil, t.name), nil, nil, t.img))
	t.ExtendBaseWidget(t)
	return t
}

func (c *chooser) updateTile(id widget.GridWrapItemID, o fyne.CanvasObject) {
	t := o.(*chooserTile)
	if id < len(c.folders) {
		name := c.folders[id]
		t.name.SetText(name)
		t.file = ""
		t.img.Image, t.img.Resource = nil, theme.FolderIcon()
		t.img.Refresh()
		t.check.Hide()
		t.bg.Hide()
		t.tap = func() { c.open(filepath.Join(c.dir, name)) }
		return
	}
	p := filepath.Join(c.dir, c.photos[id-len(c.folders)])
	t.name.SetText(filepath.Base(p))
	if c.save != nil { // a report already there: a click takes its name
		t.file = ""
		t.img.Image, t.img.Resource = nil, theme.FileIcon()
		t.img.Refresh()
		t.check.Hide()
		t.bg.Hide()
		t.tap = func() { c.name.SetText(filepath.Base(p)) }
		if c.save.mode == pickOpen {
			t.tap = func() { c.pick(p) }
		}
		return
	}
	t.check.Show()
	sel := c.selected[p]
	if sel {
		t.check.SetResource(theme.CheckButtonCheckedIcon())
		t.bg.Show()
	} else {
		t.check.SetResource(theme.CheckButtonIcon())
		t.bg.Hide()
	}
	t.tap = func() {
		c.selected[p] = !c.selected[p]
		if !c.selected[p] {
			delete(c.selected, p)
		}
		c.grid.RefreshItem(id)
		c.updateCount()
	}
	if t.file != p {
		t.file = p
		t.img.Image, t.img.Resource = nil, theme.MediaPhotoIcon()
		t.img.Refresh()
		c.u.bg(func() func() {
			img := c.thumbs.load(p, 192)
			return func() {
				if t.file == p && img != nil {
					t.img.Image, t.img.Resource = img, nil
					t.img.Refresh()
				}
			}
		})
	}
}

// showPhotoChooser opens the built-in chooser in dir, to add photos.
func (u *UI) showPhotoChooser(dir string) {
	u.showChooser(i18n.T("Add photos"), dir, nil, "")
}

// showChooser builds and shows the built-in chooser (save nil: add photos; else save a file
// first named name).
func (u *UI) showChooser(title, dir string, save *saveTarget, name string) *chooser {
	c := &chooser{u: u, selected: map[string]bool{}, save: save, thumbs: newThumbCache(120)}
	c.grid = widget.NewGridWrap(func() int { return len(c.folders) + len(c.photos) }, c.createTile, c.updateTile)
	c.path = u.newEntry()
	c.path.SetPlaceHolder(i18n.T("Type or paste a folder's path and press Enter"))
	c.path.OnSubmitted = c.goTo
	c.msg = widget.NewLabel("")
	c.msg.Importance = widget.DangerImportance
	c.msg.Wrapping = fyne.TextWrapWord
	c.msg.Hide()
	c.count = widget.NewLabel("")
	up := widget.NewButtonWithIcon(i18n.T("Up"), theme.MoveUpIcon(), func() { c.open(filepath.Dir(c.dir)) })
	goB := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { c.goTo(c.path.Text) })
	cancel := widget.NewButton(i18n.T("Cancel"), func() { c.d.Hide() })
	top := container.NewVBox(container.NewBorder(nil, nil, up, goB, c.path), c.msg)
	var bottom fyne.CanvasObject
	onOK := c.done
	if save == nil {
		all := widget.NewButton(i18n.T("Select all"), func() { c.selectAll(true) })
		none := widget.NewButton(i18n.T("Select none"), func() { c.selectAll(false) })
		folder := widget.NewButtonWithIcon(i18n.T("Add this whole folder"), theme.FolderIcon(), c.addFolder)
		c.add = widget.NewButtonWithIcon(i18n.T("Add"), theme.ContentAddIcon(), c.done)
		c.add.Importance = widget.HighImportance
		bottom = container.NewHBox(all, none, c.count, layoutSpacer(), folder, cancel, c.add)
	} else if save.mode == pickFolder {
		c.add = widget.NewButtonWithIcon(i18n.T("Use this folder"), theme.ConfirmIcon(), func() { c.pick(c.dir) })
		c.add.Importance = widget.HighImportance
		bottom = container.NewHBox(widget.NewLabel(i18n.T("Open the folder, then press Use this folder.")), layoutSpacer(), cancel, c.add)
		onOK = func() { c.pick(c.dir) }
	} else if save.mode == pickOpen {
		bottom = container.NewHBox(widget.NewLabel(i18n.T("Click the file to choose it.")), layoutSpacer(), cancel)
		onOK = func() {}
	} else {
		c.name = u.newEntry()
		c.name.SetText(name)
		c.name.OnSubmitted = func(string) { c.saveHere() }
		c.add = widget.NewButtonWithIcon(i18n.T("Save"), theme.DocumentSaveIcon(), c.saveHere)
		c.add.Importance = widget.HighImportance
		bottom = container.NewBorder(nil, nil, widget.NewLabel(i18n.T("File name:")), container.NewHBox(cancel, c.add), c.name)
		onOK = c.saveHere
	}
	places := container.NewVBox(widget.NewLabelWithStyle(i18n.T("Places"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, p := range chooserPlaces() {
		p := p
		icon := theme.FolderIcon()
		if p.name == "Home" {
			icon = theme.HomeIcon()
		} else if p.drive {
			icon = theme.StorageIcon()
		}
		name := p.name
		if !p.drive {
			name = i18n.T(name) // a place's name is marked where it is listed; a drive's is its own
		}
		b := widget.NewButtonWithIcon(name, icon, func() { c.open(p.path) })
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		places.Add(b)
	}
	body := container.NewBorder(top, bottom, container.NewVScroll(places), nil, c.grid)
	c.d = dialog.NewCustomWithoutButtons(title, body, u.win)
	size := u.win.Canvas().Size()
	c.d.Resize(fyne.NewSize(min(960, size.Width-20), min(660, size.Height-20)))
	u.track(c.d, onOK, nil)
	c.open(dir)
	c.d.Show()
	if c.name != nil {
		u.win.Canvas().Focus(c.name)
	}
	return c
}

// goTo opens the path typed or pasted in the path field: a folder opens; a photo opens its
// folder with the photo selected; anything else is said in words and nothing changes.
func (c *chooser) goTo(text string) {
	home, _ := os.UserHomeDir()
	dir, file, err := resolveTypedPath(text, c.dir, home, c.save == nil)
	if err != nil {
		c.showMsg(upperFirst(err.Error()) + ".")
		return
	}
	c.open(dir)
	if file == "" {
		return
	}
	if c.save != nil {
		switch {
		case c.save.mode == pickSave:
			c.name.SetText(filepath.Base(file))
		case c.save.mode == pickOpen && strings.EqualFold(filepath.Ext(file), c.save.ext):
			c.pick(file)
		case c.save.mode == pickOpen:
			c.showMsg(i18n.T("%s is not a %s file: choose one that ends in %s.", filepath.Base(file), strings.TrimPrefix(c.save.ext, "."), c.save.ext))
		}
		return
	}
	c.selected[file] = true
	c.grid.Refresh()
	c.updateCount()
}

func (c *chooser) showMsg(s string) {
	c.msg.SetText(s)
	setVisible(c.msg, s != "")
}

// pick closes the chooser and gives the chosen folder or file.
func (c *chooser) pick(path string) {
	c.d.Hide()
	c.save.done(path)
}

// addFolder adds the folder shown, photos in its subfolders too.
func (c *chooser) addFolder() {
	c.d.Hide()
	c.u.app.Preferences().SetString(prefLastFolder, c.dir)
	c.u.Import([]string{c.dir})
}

// open lists a folder (hidden files left out; folders first, then photos, by name).
func (c *chooser) open(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		c.showMsg(i18n.T("%s cannot be opened: %s. Choose another folder.", dir, plainError(err)))
		return
	}
	c.showMsg("")
	c.dir, c.folders, c.photos = dir, nil, nil
	for _, e := range ents {
		n := e.Name()
		if strings.HasPrefix(n, ".") {
			continue
		}
		if e.IsDir() {
			c.folders = append(c.folders, n)
		} else if c.save != nil && c.save.mode != pickFolder && strings.EqualFold(filepath.Ext(n), c.save.ext) {
			c.photos = append(c.photos, n)
		} else if c.save == nil && photo.HasExt(n) { // only what the store accepts
			c.photos = append(c.photos, n)
		}
	}
	sort.Strings(c.folders)
	sort.Strings(c.photos)
	c.path.SetText(dir)
	c.grid.Refresh()
	c.grid.ScrollToTop()
	c.updateCount()
}

func (c *chooser) selectAll(on bool) {
	for _, n := range c.photos {
		p := filepath.Join(c.dir, n)
		if on {
			c.selected[p] = true
		} else {
			delete(c.selected, p)
		}
	}
	c.grid.Refresh()
	c.updateCount()
}

func (c *chooser) updateCount() {
	if c.save != nil {
		return
	}
	n := len(c.selected)
	switch {
	case n == 0 && len(c.photos) == 0:
		c.count.SetText(i18n.T("No photos in this folder"))
	case n == 0:
		c.count.SetText(i18n.N(len(c.photos), "%d photo here — click to select", "%d photos here — click to select"))
	default:
		c.count.SetText(i18n.N(n, "%d photo selected", "%d photos selected"))
	}
	if n == 0 {
		c.add.SetText(i18n.T("Add"))
		c.add.Disable()
	} else {
		c.add.SetText(i18n.N(n, "Add %d photo", "Add %d photos"))

		c.add.Enable()
	}
}

func (c *chooser) done() {
	if len(c.selected) == 0 {
		return
	}
	var paths []string
	for p := range c.selected {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	c.d.Hide()
	c.u.app.Preferences().SetString(prefLastFolder, c.dir)
	c.u.Import(paths)
}
