package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"medinventory/assets/i18n"
)

// applyLanguage chooses the language of the command line before anything is printed: the
// "language" of the data folder's settings.json when set (Settings → Language in the window, or
// medinventory settings set language fr), else the system's (LANGUAGE, LC_ALL, LC_MESSAGES, LANG;
// i18n chose it at start). The data folder is the one args name with --data-dir, else the usual
// one; nothing is created, and a missing, unreadable or odd file changes nothing.
func applyLanguage(args []string) {
	dir := ""
	for i, a := range args {
		if a == "--" {
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "data-dir" {
			continue
		}
		if !hasVal && i+1 < len(args) {
			val = args[i+1]
		}
		dir = val
		break
	}
	dir, err := ResolveDataDir(dir)
	if err != nil {
		return
	}
	path := filepath.Join(dir, "settings.json")
	if st, err := os.Lstat(path); err != nil || !st.Mode().IsRegular() || st.Size() > 1<<20 {
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	var s struct {
		Language string `json:"language"`
	}
	if json.Unmarshal(b, &s) == nil && strings.TrimSpace(s.Language) != "" {
		i18n.Set(strings.TrimSpace(s.Language))
	}
}
