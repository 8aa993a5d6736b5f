package ui

import (
	"fmt"
	"strings"

	"medinventory/assets/i18n"

	"github.com/rymdport/portal/filechooser"
)

// On Linux the desktop's own file chooser is reached through the XDG desktop portal (D-Bus): the
// one GNOME, KDE and others show to every app, with several files selectable at once. Without a
// session bus or a portal (a bare X server, some minimal desktops) the call fails at once and the
// built-in chooser is used.
func init() {
	nativeOpenFiles = func(title string) ([]string, error) {
		uris, err := filechooser.OpenFile("", title, &filechooser.OpenFileOptions{
			AcceptLabel: i18n.T("Add"),
			Multiple:    true,
			Filters: []*filechooser.Filter{{Name: i18n.T("Photos"), Rules: []filechooser.Rule{
				{Type: filechooser.MIMEType, Pattern: "image/*"}}}},
		})
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errNoNativeChooser, err)
		}
		return filesFromURIs(uris), nil
	}
	// The portal's Save dialog only returns the name: the file is written later, whole, through
	// store/outfile (nothing is emptied before the report is made). It asks before replacing.
	nativeSaveFile = func(title, folder, name, ext string) (string, error) {
		opts := &filechooser.SaveFileOptions{AcceptLabel: i18n.T("Save"), CurrentName: name, CurrentFolder: folder}
		if ext != "" {
			f := &filechooser.Filter{Name: i18n.T("%s file", strings.ToUpper(strings.TrimPrefix(ext, "."))),
				Rules: []filechooser.Rule{{Type: filechooser.GlobPattern, Pattern: "*" + ext}}}
			opts.Filters, opts.CurrentFilter = []*filechooser.Filter{f}, f
		}
		uris, err := filechooser.SaveFile("", title, opts)
		if err != nil {
			return "", fmt.Errorf("%w: %w", errNoNativeChooser, err)
		}
		if files := filesFromURIs(uris); len(files) > 0 {
			return files[0], nil
		}
		return "", nil // cancelled
	}
	nativePickOne = func(title, start, ext string, folder bool) (string, error) {
		opts := &filechooser.OpenFileOptions{Directory: folder, CurrentFolder: start}
		if !folder && ext != "" {
			f := &filechooser.Filter{Name: i18n.T("%s file", strings.ToUpper(strings.TrimPrefix(ext, "."))),
				Rules: []filechooser.Rule{{Type: filechooser.GlobPattern, Pattern: "*" + ext}}}
			opts.Filters, opts.CurrentFilter = []*filechooser.Filter{f}, f
		}
		uris, err := filechooser.OpenFile("", title, opts)
		if err != nil {
			return "", fmt.Errorf("%w: %w", errNoNativeChooser, err)
		}
		if files := filesFromURIs(uris); len(files) > 0 {
			return files[0], nil
		}
		return "", nil // cancelled
	}
}
