package startup

import (
	"errors"
	"io/fs"
	"strings"

	"medinventory/assets/i18n"
	"medinventory/store"
)

// PathAdvice adds what to do to a start-up error about a file or folder that cannot be made or
// opened (the data folder on a drive that is not connected, under a file, not writable), for which
// the system's own words are only "Path not found." or "Access is denied.".
func PathAdvice(err error) error {
	var pe *fs.PathError
	if !errors.As(err, &pe) || errors.Is(err, store.ErrLocked) {
		return err
	}
	return adviceError{err, i18n.T("Check that %s exists and that you may write in it (a USB stick or network drive must be connected), or start Medicine Inventory with --data-dir set to another folder.", pe.Path)}
}

type adviceError struct {
	error
	advice string
}

func (e adviceError) Error() string {
	return strings.TrimSuffix(e.error.Error(), ".") + ".\n\n" + e.advice
}
func (e adviceError) Unwrap() error { return e.error }
