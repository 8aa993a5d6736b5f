// Package localefix turns the locale names "C.UTF-8" and "POSIX.UTF-8" (what minimal Linux systems
// and containers set) into plain "C" before any other package reads them. Fyne's translation
// package parses the locale in its init function and prints "Fyne error: Error parsing user locale
// C" three times for "C.UTF-8", on every command, although the command line never opens a window.
//
// It must be initialised before fyne.io/fyne/v2/lang: it imports only syscall, so by Go's package
// initialisation order (dependencies first, then the lexically smallest ready import path) it runs
// right after syscall, before os and everything that needs os — which includes Fyne. The main
// package imports it for its side effect. Plain "C" is what the C library treats these as anyway.
package localefix

import "syscall"

func init() {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
		v, ok := syscall.Getenv(k)
		if !ok {
			continue
		}
		if hasPrefix(v, "C.") || hasPrefix(v, "POSIX.") {
			syscall.Setenv(k, "C")
		}
	}
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }
