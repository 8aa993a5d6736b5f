package store

import (
	"medinventory/assets/i18n"
	"medinventory/store/outfile"
)

// ErrInsideDataDir matches (errors.Is) a file or folder that AddPaths refused because it is the
// inventory's own data folder, inside it, or reached through a link into it: the app's stored
// photos, thumbnails and temporary files are never imported as new photos.
var ErrInsideDataDir = i18n.Err("inside the inventory's data folder")

// refuseInsideDataDir is the skip AddPaths reports for a path inside the data dir (nil otherwise).
func (s *Store) refuseInsideDataDir(path string, folder bool) error {
	if !outfile.Inside(s.dir, path) { // the same test as for output files: links resolved, also in parents
		return nil
	}
	msg := "this file is in the inventory's own data folder " + s.dir + " (or reached through a link into it): " +
		"the app's own photos, thumbnails and temporary files are never imported again. Add the photo from where you saved it."
	if folder {
		msg = "this is the inventory's own data folder " + s.dir + ", a folder inside it, or a link into it: " +
			"the app's own photos, thumbnails and temporary files are never imported again. Choose the folder where your photos are."
	}
	return &PhotoError{Path: path, Kind: PhotoUnsupported, Msg: msg, Err: ErrInsideDataDir}
}
