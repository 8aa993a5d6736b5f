package ui

import (
	"errors"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"

	"medinventory/assets/i18n"
)

// nativeSaveFile, when set, opens the desktop's own Save dialog in folder with name filled in and
// blocks until the user is done: it returns the chosen path ("" when cancelled) or
// errNoNativeChooser. Like the built-in save chooser it only names the file: nothing is created
// or emptied until the caller writes the file whole. Set per platform (chooser_linux.go: the
// desktop portal; chooser_windows.go: GetSaveFileName; chooser_darwin.go: choose file name).
var nativeSaveFile func(title, folder, name, ext string) (string, error)

const prefSaveFolder = "save.folder"

// chooseSaveFile asks where to save a file first named name (with extension ext): the desktop's
// own Save dialog where there is one, else the built-in chooser in the same style as Add photos.
// done gets the chosen path on the UI goroutine, never when the user cancels. Nothing is written
// here: the caller writes the file (store/outfile), so an existing file chosen is left as it is
// until the new one is ready.
func (u *UI) chooseSaveFile(title, name, ext string, done func(path string)) {
	folder := u.saveFolder()
	remember := func(path string) {
		u.app.Preferences().SetString(prefSaveFolder, filepath.Dir(path))
		done(path)
	}
	builtin := func() {
		u.showChooser(title, folder, &saveTarget{mode: pickSave, ext: ext, done: remember}, name)
	}
	if nativeSaveFile == nil || u.sync {
		builtin()
		return
	}
	go func() {
		path, err := nativeSaveFile(title, folder, name, ext)
		fyne.Do(func() {
			switch {
			case errors.Is(err, errNoNativeChooser):
				u.log.Info("desktop save dialog not available; using the built-in one", "err", err)
				builtin()
			case err != nil:
				u.showError(i18n.T("The file could not be chosen"), err)
			case path != "":
				remember(path)
			}
		})
	}()
}

// saveFolder is the folder the last file was saved in, else Documents, else the home folder.
func (u *UI) saveFolder() string {
	if d := u.app.Preferences().String(prefSaveFolder); d != "" && isDir(d) {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "."
	}
	if d := filepath.Join(home, "Documents"); isDir(d) {
		return d
	}
	return home
}

// saveHere checks the typed name and gives the caller the path; a file already there is
// replaced only when the user says so.
func (c *chooser) saveHere() {
	n, err := saveName(c.name.Text, c.save.ext)
	if err != nil {
		c.showMsg(upperFirst(err.Error()) + ".")
		return
	}
	path := filepath.Join(c.dir, n)
	finish := func() {
		c.d.Hide()
		c.save.done(path)
	}
	st, err := os.Stat(path)
	switch {
	case err == nil && st.IsDir():
		c.showMsg(i18n.T("%s is a folder here: type another name.", n))
	case err == nil:
		c.u.confirmDialog(i18n.T("Replace %s?", n), i18n.T("%s is already in %s. Replace it with the new report?\n(It is replaced only once the new one is made whole.)", n, c.dir), i18n.T("Replace"), i18n.T("Cancel"), finish)
	default:
		finish()
	}
}

// nativePickOne, when set, opens the desktop's own chooser for one folder (folder true) or one
// file with extension ext, starting in start, and blocks until the user is done: the chosen path
// ("" when cancelled) or errNoNativeChooser. Set in chooser_linux.go (the desktop portal),
// chooser_windows.go (files only: GetOpenFileName) and chooser_darwin.go.
var nativePickOne func(title, start, ext string, folder bool) (string, error)

// chooseOne asks for one folder (folder true) or one file with extension ext: the desktop's own
// chooser where there is one, else the built-in chooser, in the same style as Add photos. done
// gets the path on the UI goroutine, never when the user cancels. It returns the built-in
// chooser when that is shown at once (nil when the desktop's is asked).
func (u *UI) chooseOne(title, start, ext string, folder bool, done func(path string)) *chooser {
	if start == "" || !isDir(start) {
		start = u.lastFolder()
	}
	builtin := func() *chooser {
		mode := pickOpen
		if folder {
			mode = pickFolder
		}
		return u.showChooser(title, start, &saveTarget{mode: mode, ext: ext, done: done}, "")
	}
	if nativePickOne == nil || u.sync {
		return builtin()
	}
	go func() {
		path, err := nativePickOne(title, start, ext, folder)
		fyne.Do(func() {
			switch {
			case errors.Is(err, errNoNativeChooser):
				u.log.Info("desktop file chooser not available; using the built-in one", "err", err)
				builtin()
			case err != nil:
				u.showError(i18n.T("The file could not be chosen"), err)
			case path != "":
				done(path)
			}
		})
	}()
	return nil
}
