package ui

import (
	"path/filepath"
	"unicode/utf16"
)

// parseMultiSelect reads the Windows Open dialog's answer (chooser_windows.go): "folder\0name\0
// name\0\0" for several files, or "full path\0\0" for one. It lives here, outside the Windows
// file, so that it is tested everywhere.
func parseMultiSelect(buf []uint16) []string {
	var parts []string
	start := 0
	for i, c := range buf {
		if c != 0 {
			continue
		}
		if i == start {
			break
		}
		parts = append(parts, string(utf16.Decode(buf[start:i])))
		start = i + 1
	}
	if len(parts) <= 1 {
		return parts
	}
	out := make([]string, 0, len(parts)-1)
	for _, n := range parts[1:] {
		out = append(out, filepath.Join(parts[0], n))
	}
	return out
}
