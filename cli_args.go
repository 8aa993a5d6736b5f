package main

import (
	"errors"
	"flag"
)

// parseInterspersed parses flags that come before, between or after the positional arguments
// (`import a.jpg --wait b.jpg`), as users expect; "--" ends the flags. The standard library's
// FlagSet stops at the first positional argument, so this parses again after each one.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// flag.Parse consumed a "--" if that is what stopped it: everything after is positional.
		if len(args) >= len(rest)+1 && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// parseArgs is parseInterspersed for a subcommand: when ok is false the command returns code
// (exitOK after --help, exitUsage after a bad flag, whose error the FlagSet has printed).
func parseArgs(fs *flag.FlagSet, args []string) (rest []string, code int, ok bool) {
	rest, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, exitOK, false
	} else if err != nil {
		return nil, exitUsage, false
	}
	return rest, exitOK, true
}
