package ui

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// On macOS the desktop's own file chooser is reached through AppleScript's "choose file", with
// several files selectable at once (osascript ships with every macOS).
func init() {
	nativeOpenFiles = func(title string) ([]string, error) {
		script := []string{
			fmt.Sprintf(`set fs to choose file with prompt %q of type {"public.image"} with multiple selections allowed`, title),
			`set out to ""`,
			`repeat with f in fs`,
			`set out to out & POSIX path of f & linefeed`,
			`end repeat`,
			`return out`,
		}
		var args []string
		for _, l := range script {
			args = append(args, "-e", l)
		}
		out, err := exec.Command("osascript", args...).Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) && strings.Contains(string(ee.Stderr), "-128") {
				return nil, nil // the user cancelled
			}
			return nil, fmt.Errorf("%w: %w", errNoNativeChooser, err)
		}
		var files []string
		for _, l := range strings.Split(string(out), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				files = append(files, l)
			}
		}
		return files, nil
	}
	// AppleScript's "choose file name" only returns the name (the file is written later, whole);
	// it asks before replacing an existing file.
	nativeSaveFile = func(title, folder, name, ext string) (string, error) {
		line := fmt.Sprintf(`POSIX path of (choose file name with prompt %q default name %q`, title, name)
		if folder != "" {
			line += fmt.Sprintf(` default location (POSIX file %q)`, folder)
		}
		out, err := exec.Command("osascript", "-e", line+")").Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) && strings.Contains(string(ee.Stderr), "-128") {
				return "", nil // the user cancelled
			}
			return "", fmt.Errorf("%w: %w", errNoNativeChooser, err)
		}
		return strings.TrimSpace(string(out)), nil
	}
	nativePickOne = func(title, start, ext string, folder bool) (string, error) {
		line := fmt.Sprintf(`POSIX path of (choose file with prompt %q`, title)
		if folder {
			line = fmt.Sprintf(`POSIX path of (choose folder with prompt %q`, title)
		} else if ext != "" {
			line += fmt.Sprintf(` of type {%q}`, strings.TrimPrefix(ext, "."))
		}
		if start != "" {
			line += fmt.Sprintf(` default location (POSIX file %q)`, start)
		}
		out, err := exec.Command("osascript", "-e", line+")").Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) && strings.Contains(string(ee.Stderr), "-128") {
				return "", nil // the user cancelled
			}
			return "", fmt.Errorf("%w: %w", errNoNativeChooser, err)
		}
		return strings.TrimSpace(string(out)), nil
	}
}
