package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// flags makes a command's flag set: its own flags are added by the command, the global ones are
// accepted too, and usage (then the flags) is printed for --help.
func (c *Call) flags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	c.G.register(fs)
	fs.Usage = func() {
		fmt.Fprint(c.Stderr, usage)
		fs.PrintDefaults()
	}
	return fs
}

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

// parseArgs is parseInterspersed for a command: when ok is false the command returns code
// (ExitOK after --help, ExitUsage after a bad flag, whose error the FlagSet has printed).
func parseArgs(fs *flag.FlagSet, args []string) (rest []string, code int, ok bool) {
	rest, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, ExitOK, false
	} else if err != nil {
		return nil, ExitUsage, false
	}
	return rest, ExitOK, true
}

// interruptible returns a context cancelled by SIGINT/SIGTERM/SIGHUP.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP) // SIGHUP: the terminal was closed
}

// IsTerminal reports whether w is a terminal a person is looking at.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// homeOr is the user's home folder, else def.
func homeOr(def string) string {
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return def
}
