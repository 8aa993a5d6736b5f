package store

import (
	"errors"
	"path/filepath"
	"strings"
)

// ErrInsideDataDir matches (errors.Is) a file or folder that AddPaths refused because it is the
// inventory's own data folder, inside it, or reached through a link into it: the app's stored
// photos, thumbnails and temporary files are never imported as new photos.
var ErrInsideDataDir = errors.New("inside the inventory's data folder")

// InsideDir reports whether path — with symbolic links resolved, also in its parent folders — is
// dir itself or anything inside it (dir's links resolved too). A path that does not exist is
// judged by its deepest existing parent.
func InsideDir(dir, path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	target := abs
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		target = real
	} else if real, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		target = filepath.Join(real, filepath.Base(abs))
	}
	data, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	if real, err := filepath.EvalSymlinks(data); err == nil {
		data = real
	}
	rel, err := filepath.Rel(data, target)
	if err != nil {
		return false
	}
	return rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)))
}

// refuseInsideDataDir is the skip AddPaths reports for a path inside the data dir (nil otherwise).
func (s *Store) refuseInsideDataDir(path string, folder bool) error {
	if !InsideDir(s.dir, path) {
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
