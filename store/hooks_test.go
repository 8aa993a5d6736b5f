package store

// SetRestoreHook makes Restore call f between its two renames and stop there, as a kill would,
// when f returns an error (tests of an interrupted restore).
func SetRestoreHook(f func() error) { restoreHook = f }
