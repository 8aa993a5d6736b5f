package photo

import "strings"

// systemFiles are the exact names, lower case (Windows compares names without case).
var systemFiles = map[string]bool{
	// Windows
	"desktop.ini": true, "thumbs.db": true, "ehthumbs.db": true, "ehthumbs_vista.db": true,
	"$recycle.bin": true, "system volume information": true,
	// macOS
	".ds_store": true, "__macosx": true, ".spotlight-v100": true, ".trashes": true, ".fseventsd": true,
	".temporaryitems": true, "icon\r": true,
}

// SystemFile reports whether name (a base name, file or folder) is one Windows or macOS put beside
// the user's photos on their own (desktop.ini, Thumbs.db, .DS_Store, AppleDouble "._" files,
// __MACOSX in a zip, a drive's recycle bin…). A dropped or watched folder passes over them silently:
// they are not the user's files, so they are neither added nor listed as skipped.
func SystemFile(name string) bool {
	return strings.HasPrefix(name, "._") || systemFiles[strings.ToLower(name)]
}
