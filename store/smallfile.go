package store

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"medinventory/assets/i18n"
)

// Size limits on what the app reads whole.
var (
	// MaxSmallFileBytes is the largest settings.json, backups.json or id file the app reads (each
	// is a few hundred bytes), and the largest such file a backup may unpack.
	MaxSmallFileBytes int64 = 1 << 20
	// MaxBackupDatabaseBytes is the largest database a backup may unpack (a clinic's inventory of
	// years is tens of MB).
	MaxBackupDatabaseBytes int64 = 16 << 30
)

// FileTooLargeError is a small file that is far larger than the app ever writes it: damaged, or
// not the app's. It is refused before it is read.
type FileTooLargeError struct {
	Path   string
	Size   int64
	Max    int64
	Advice string // what to do, in words
}

func (e *FileTooLargeError) Error() string {
	return i18n.T("%s is %s, but the app never writes it larger than %s: it is damaged or not Medicine Inventory's. %s",
		e.Path, sizeWords(e.Size), sizeWords(e.Max), e.Advice)
}

func sizeWords(n int64) string {
	if n >= 10<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	if n >= 10<<10 {
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// ReadSmallFile reads path whole if it is a regular file of at most MaxSmallFileBytes: the size is
// checked before reading and counted while reading (the file may grow meanwhile). It never blocks
// on a FIFO (OpenRegular). advice says what to do when the file is too large. A missing file is
// an error matching fs.ErrNotExist.
func ReadSmallFile(path, advice string) ([]byte, error) {
	f, st, err := OpenRegular(path)
	if err != nil {
		if errors.Is(err, errNotRegular) {
			return nil, i18n.Errorf("%s is not a regular file: %s", path, advice)
		}
		return nil, err
	}
	if f == nil {
		return nil, i18n.Errorf("%s is a folder, not a file: %s", path, advice)
	}
	defer f.Close()
	max := MaxSmallFileBytes
	if st.Size() > max {
		return nil, &FileTooLargeError{Path: path, Size: st.Size(), Max: max, Advice: advice}
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, i18n.Errorf("cannot read %s: %w", path, err)
	}
	if int64(len(b)) > max {
		return nil, &FileTooLargeError{Path: path, Size: int64(len(b)), Max: max, Advice: advice}
	}
	return b, nil
}

// SettingsAdvice is what to do about a damaged settings file named name in the data dir.
func SettingsAdvice(name string) string {
	return "Move " + filepath.Base(name) + " out of the data folder (or delete it): the app then starts with default settings, which you can set again"
}
