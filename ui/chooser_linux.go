package ui

import (
	"fmt"

	"github.com/rymdport/portal/filechooser"
)

// On Linux the desktop's own file chooser is reached through the XDG desktop portal (D-Bus): the
// one GNOME, KDE and others show to every app, with several files selectable at once. Without a
// session bus or a portal (a bare X server, some minimal desktops) the call fails at once and the
// built-in chooser is used.
func init() {
	nativeOpenFiles = func(title string) ([]string, error) {
		uris, err := filechooser.OpenFile("", title, &filechooser.OpenFileOptions{
			AcceptLabel: "Add",
			Multiple:    true,
			Filters: []*filechooser.Filter{{Name: "Photos", Rules: []filechooser.Rule{
				{Type: filechooser.MIMEType, Pattern: "image/*"}}}},
		})
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errNoNativeChooser, err)
		}
		return filesFromURIs(uris), nil
	}
}
