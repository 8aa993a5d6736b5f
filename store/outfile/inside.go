package outfile

import (
	"path/filepath"
	"strings"
)

// Inside reports whether writing the file path would write inside the data dir (the data dir
// itself, inventory.db, the photos, any file there), with symbolic links resolved. Only the store
// writes there: a command's output file never may (an export named inventory.db would replace the
// live database).
func Inside(dataDir, path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	// Resolve the deepest existing parent, so that a link to the data dir is seen through.
	parent, name := filepath.Dir(abs), filepath.Base(abs)
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		parent, name = filepath.Dir(real), filepath.Base(real)
	} else if real, err := filepath.EvalSymlinks(parent); err == nil {
		parent = real
	}
	target := filepath.Join(parent, name)
	data := dataDir
	if real, err := filepath.EvalSymlinks(dataDir); err == nil {
		data = real
	}
	rel, err := filepath.Rel(data, target)
	if err != nil {
		return false
	}
	return rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)))
}
