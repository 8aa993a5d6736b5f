package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
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

	"medinventory/store"
	"medinventory/store/photo"
)

// HandleDrop is the window's drop handler: it imports the dropped files and folders. Files that
// are not photos are listed in the queue panel with the reason.
func (u *UI) HandleDrop(uris []fyne.URI) {
	var paths []string
	for _, uri := range uris {
		if uri.Scheme() != "file" {
			u.queue.addSkipped(uri.String(), "only files on this computer can be added.")
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
	_ = q.importB.Set("Adding photos… (looking at the files)")
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
			_ = q.importB.Set(fmt.Sprintf("Adding photos… %s looked at so far", plural(seen, "file", "files")))
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
				u.showError("Not everything could be added", err)
			}
			u.reloadQueue()
			u.updateMain()
		}
	})
}

func importSummary(s store.AddSummary) string {
	var parts []string
	if s.Added > 0 {
		parts = append(parts, plural(s.Added, "new photo", "new photos")+" added")
	}
	if s.Duplicates > 0 {
		parts = append(parts, plural(s.Duplicates, "photo was", "photos were")+" already in the inventory")
	}
	if s.Skipped > 0 {
		parts = append(parts, plural(s.Skipped, "file", "files")+" skipped (see the list)")
	}
	if len(parts) == 0 {
		return "Nothing was added: no files were found."
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
		files, err := nativeOpenFiles("Add photos of medicine packages")
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

// chooser is the built-in photo chooser: a folder's subfolders and photos as tiles with
// thumbnails; a click on a photo selects it, on a folder opens it; Select all / Select none.
type chooser struct {
	u        *UI
	dir      string
	folders  []string
	photos   []string
	selected map[string]bool // full paths, kept across folders
	grid     *widget.GridWrap
	where    *widget.Label
	count    *widget.Label
	add      *widget.Button
	d        dialog.Dialog
}

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
		c.u.loadThumb(p, 192, func(img image.Image) {
			if t.file == p && img != nil {
				t.img.Image, t.img.Resource = img, nil
				t.img.Refresh()
			}
		})
	}
}

// showPhotoChooser opens the built-in chooser in dir.
func (u *UI) showPhotoChooser(dir string) {
	c := &chooser{u: u, selected: map[string]bool{}}
	c.grid = widget.NewGridWrap(func() int { return len(c.folders) + len(c.photos) }, c.createTile, c.updateTile)
	c.where = widget.NewLabel("")
	c.where.Truncation = fyne.TextTruncateEllipsis
	c.count = widget.NewLabel("")
	up := widget.NewButtonWithIcon("Up", theme.MoveUpIcon(), func() { c.open(filepath.Dir(c.dir)) })
	home := widget.NewButtonWithIcon("Home", theme.HomeIcon(), func() {
		if h, err := os.UserHomeDir(); err == nil {
			c.open(h)
		}
	})
	all := widget.NewButton("Select all", func() { c.selectAll(true) })
	none := widget.NewButton("Select none", func() { c.selectAll(false) })
	cancel := widget.NewButton("Cancel", func() { c.d.Hide() })
	c.add = widget.NewButtonWithIcon("Add", theme.ContentAddIcon(), c.done)
	c.add.Importance = widget.HighImportance
	top := container.NewBorder(nil, nil, container.NewHBox(up, home), nil, c.where)
	bottom := container.NewHBox(all, none, c.count, layoutSpacer(), cancel, c.add)
	c.d = dialog.NewCustomWithoutButtons("Add photos", container.NewBorder(top, bottom, nil, nil, c.grid), u.win)
	size := u.win.Canvas().Size()
	c.d.Resize(fyne.NewSize(min(900, size.Width-20), min(640, size.Height-20)))
	u.track(c.d, c.done, nil)
	c.open(dir)
	c.d.Show()
}

// open lists a folder (hidden files left out; folders first, then photos, by name).
func (c *chooser) open(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		c.where.SetText("This folder cannot be opened: " + plainError(err))
		return
	}
	c.dir, c.folders, c.photos = dir, nil, nil
	for _, e := range ents {
		n := e.Name()
		if strings.HasPrefix(n, ".") {
			continue
		}
		if e.IsDir() {
			c.folders = append(c.folders, n)
		} else if photo.HasExt(n) { // only what the store accepts
			c.photos = append(c.photos, n)
		}
	}
	sort.Strings(c.folders)
	sort.Strings(c.photos)
	c.where.SetText(dir)
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
	n := len(c.selected)
	switch {
	case n == 0 && len(c.photos) == 0:
		c.count.SetText("No photos in this folder")
	case n == 0:
		c.count.SetText(fmt.Sprintf("%s here — click to select", plural(len(c.photos), "photo", "photos")))
	default:
		c.count.SetText(plural(n, "photo", "photos") + " selected")
	}
	if n == 0 {
		c.add.SetText("Add")
		c.add.Disable()
	} else {
		c.add.SetText("Add " + plural(n, "photo", "photos"))
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
