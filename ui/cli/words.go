package cli

import (
	"errors"

	"medinventory/store"
	"medinventory/store/printable"
)

// Reason is why a file was not added, in words (a photo's problem without the path).
func Reason(err error) string {
	var pe *store.PhotoError
	if errors.As(err, &pe) {
		return pe.Msg
	}
	return err.Error()
}

// clip shortens s to n characters, ending with "…" when cut.
func clip(s string, n int) string {
	s = printable.String(s) // names come from users, files and the model: no control characters
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
