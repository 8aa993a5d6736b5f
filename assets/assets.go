// Package assets holds the resources embedded in the binary: the app icon and the third-party
// licence notices shown in the About dialog.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

//go:embed THIRD_PARTY.md
var thirdParty string

// Icon is the app and window icon (512×512 PNG).
var Icon = fyne.NewStaticResource("icon.png", iconPNG)

// ThirdPartyNotices lists the third-party software built into the binary and its licences.
func ThirdPartyNotices() string { return thirdParty }
