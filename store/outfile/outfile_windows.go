package outfile

import (
	"errors"

	"golang.org/x/sys/windows"
)

// osFileInUse: Windows refuses to replace a file another program holds open, with a sharing or
// lock violation, or (MoveFileEx over a file Excel has open) plain "access denied". The export
// has already written its temporary file in the same folder, so access denied on the rename means
// the target file, not the folder.
func osFileInUse(err error) bool {
	return errors.Is(err, windows.ERROR_SHARING_VIOLATION) || errors.Is(err, windows.ERROR_LOCK_VIOLATION) ||
		errors.Is(err, windows.ERROR_ACCESS_DENIED)
}
