// Package sysfile knows the files and folders that Windows and macOS put beside a user's photos
// on their own (desktop.ini, Thumbs.db, .DS_Store, AppleDouble "._" files, __MACOSX in a zip,
// a drive's recycle bin…). A dropped or watched folder passes over them silently: they are not
// the user's files, so they are neither added nor listed as skipped.
package sysfile

import "strings"

// ignored are the exact names, lower case (Windows compares names without case).
var ignored = map[string]bool{
	// Windows
	"desktop.ini": true, "thumbs.db": true, "ehthumbs.db": true, "ehthumbs_vista.db": true,
	"$recycle.bin": true, "system volume information": true,
	// macOS
	".ds_store": true, "__macosx": true, ".spotlight-v100": true, ".trashes": true, ".fseventsd": true,
	".temporaryitems": true, "icon\r": true,
}

// Ignored reports whether name (a base name, file or folder) is one the operating system made.
func Ignored(name string) bool {
	return strings.HasPrefix(name, "._") || ignored[strings.ToLower(name)]
}
