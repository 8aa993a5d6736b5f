package ui

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"medinventory/assets/i18n"
	"medinventory/store/photo"
)

// place is a folder the built-in chooser offers on its left: a name for people and its path.
type place struct {
	name  string
	path  string
	drive bool // a drive or mount, not a folder of the home
}

// homePlaces lists Home and, where they exist in it, Desktop, Documents, Pictures and Downloads.
// (The usual English names: a desktop in another language names them in user-dirs.dirs, read
// by xdgUserDir when it is there.)
func homePlaces(home string) []place {
	if home == "" {
		return nil
	}
	out := []place{{name: i18n.Mark("Home"), path: home}}
	for _, d := range []struct{ name, xdg string }{
		{i18n.Mark("Desktop"), "XDG_DESKTOP_DIR"}, {i18n.Mark("Documents"), "XDG_DOCUMENTS_DIR"},
		{i18n.Mark("Pictures"), "XDG_PICTURES_DIR"}, {i18n.Mark("Downloads"), "XDG_DOWNLOAD_DIR"},
	} {
		p := xdgUserDir(home, d.xdg)
		if p == "" {
			p = filepath.Join(home, d.name)
		}
		if isDir(p) && filepath.Clean(p) != filepath.Clean(home) {
			out = append(out, place{name: d.name, path: p})
		}
	}
	return out
}

// xdgUserDir reads one folder from home/.config/user-dirs.dirs (XDG_PICTURES_DIR="$HOME/Bilder"),
// or "" when it is not named there.
func xdgUserDir(home, key string) string {
	b, err := os.ReadFile(filepath.Join(home, ".config", "user-dirs.dirs"))
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(l), "=")
		if !ok || k != key {
			continue
		}
		v = strings.Trim(v, `"`)
		v = strings.Replace(v, "$HOME", home, 1)
		if filepath.IsAbs(v) {
			return v
		}
	}
	return ""
}

// mountedDrives lists the removable drives and mounts under root (normally "/"), as Linux
// desktops mount them: root/media/USER/*, root/run/media/USER/*, root/media/* (some systems mount
// there directly) and root/mnt/*; on macOS root/Volumes/*.
func mountedDrives(root, user string) []place {
	var out []place
	seen := map[string]bool{}
	add := func(dir string) {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return
		}
		for _, e := range ents {
			p := filepath.Join(dir, e.Name())
			if strings.HasPrefix(e.Name(), ".") || seen[p] || !isDir(p) {
				continue
			}
			if user != "" && p == filepath.Join(root, "media", user) {
				continue // the user's own folder of drives, listed below
			}
			seen[p] = true
			out = append(out, place{name: e.Name(), path: p, drive: true})
		}
	}
	if user != "" {
		add(filepath.Join(root, "media", user))
		add(filepath.Join(root, "run", "media", user))
	}
	add(filepath.Join(root, "media"))
	add(filepath.Join(root, "mnt"))
	if runtime.GOOS == "darwin" {
		add(filepath.Join(root, "Volumes"))
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].name) < strings.ToLower(out[j].name) })
	return out
}

// listDrives lists this computer's drives for the chooser: mountedDrives("/", user) here, the
// drive letters on Windows (chooser_windows.go).
var listDrives = func() []place {
	return mountedDrives("/", currentUserName())
}

func currentUserName() string {
	for _, k := range []string{"USER", "LOGNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return ""
}

// chooserPlaces is everything on the chooser's left: the home folders, then the drives.
func chooserPlaces() []place {
	home, _ := os.UserHomeDir()
	return append(homePlaces(home), listDrives()...)
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// resolveTypedPath reads a path typed or pasted in the chooser's path field, relative to the
// folder shown (cur): a folder gives dir; a file gives its folder and the file (photosOnly: only
// a photo the store accepts). It understands a pasted "quoted path", a file:// address and ~.
// A path it cannot use gives an error in words that says what to do.
func resolveTypedPath(text, cur, home string, photosOnly bool) (dir, file string, err error) {
	p := strings.TrimSpace(text)
	if len(p) >= 2 && (p[0] == '"' && p[len(p)-1] == '"' || p[0] == '\'' && p[len(p)-1] == '\'') {
		p = strings.TrimSpace(p[1 : len(p)-1])
	}
	if p == "" {
		return "", "", errors.New(i18n.T("type or paste the path of a folder or a photo, then press Enter"))
	}
	if strings.HasPrefix(p, "file://") {
		u, perr := url.Parse(p)
		if perr != nil || u.Path == "" {
			return "", "", errors.New(i18n.T("%q is not an address of a file on this computer", p))
		}
		p = filepath.FromSlash(u.Path)
		if runtime.GOOS == "windows" && len(p) > 2 && p[0] == '\\' && p[2] == ':' {
			p = p[1:] // file:///C:/x
		}
	}
	if p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
		p = filepath.Join(home, p[1:])
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(cur, p)
	}
	p = filepath.Clean(p)
	st, err := os.Stat(p)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "", "", errors.New(i18n.T("there is no folder or file %s: check the spelling, or choose a place on the left", p))
	case err != nil:
		return "", "", errors.New(i18n.T("%s cannot be opened: %s", p, plainError(err)))
	case st.IsDir():
		return p, "", nil
	case photosOnly && !photo.HasExt(p):
		return "", "", errors.New(i18n.T("%s is not a photo: only %s photos can be added", filepath.Base(p), photo.Accepted()))
	}
	return filepath.Dir(p), p, nil
}

// saveName checks a file name typed in the save chooser and gives it the report's extension when
// it has none (or another one): "March" → "March.pdf".
func saveName(name, ext string) (string, error) {
	n := strings.TrimSpace(name)
	switch {
	case n == "" || n == "." || n == "..":
		return "", errors.New(i18n.T("type a name for the file"))
	case strings.ContainsAny(n, `/\`):
		return "", errors.New(i18n.T("the name cannot hold / or \\: choose the folder above, then type only the name"))
	case runtime.GOOS == "windows" && strings.ContainsAny(n, `<>:"|?*`):
		return "", errors.New(i18n.T(`the name cannot hold any of < > : " | ? *`))
	}
	if ext != "" && !strings.EqualFold(filepath.Ext(n), ext) {
		n += ext
	}
	return n, nil
}

// upperFirst makes an error's text a sentence.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}
