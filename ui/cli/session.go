package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/logfile"
)

// Session is what every command (and the window) opens first: the data dir, the log and the
// secret redactor.
type Session struct {
	Dir        string
	StartFresh bool // --start-fresh: see store.Options.StartFresh
	// ContinueCopy: --continue-with-this-copy, see store.Options.ContinueOlderCopy.
	ContinueCopy bool
	Stderr       io.Writer // where what Open put right on its own is said (store.OpenReport)
	Log          *slog.Logger
	Redact       *logfile.Redactor
	closer       io.Closer

	// OnMigrate, when set, is also given every progress report of an upgrade of an older inventory
	// (OpenStore; the window shows them), on the opening goroutine.
	OnMigrate func(store.MigrationProgress)
	// Restored is the restore that had been stopped half-way and that OpenSession finished or
	// undid (nil: none); OpenMessages says it once.
	Restored *store.InterruptedRestore
}

// OpenMessages is what opening found and put right on its own, in plain words, to be said once:
// the interrupted restore OpenSession dealt with, then st's OpenReport.
func (s *Session) OpenMessages(st *store.Store) []string {
	var out []string
	if s.Restored != nil {
		out = append(out, s.Restored.Message())
	}
	return append(out, st.OpenReport().Messages()...)
}

// OpenSession resolves the data dir (making it), reads --log-level and opens the log file; a
// data dir whose log cannot be written sends warnings to stderr instead.
func OpenSession(g *Globals, stderr io.Writer, component string) (*Session, error) {
	dir, err := ResolveDataDir(g.DataDir)
	if err != nil {
		return nil, err
	}
	level, err := logfile.ParseLevel(g.LogLevel)
	if err != nil {
		return nil, err
	}
	// A restore stopped between its two renames left no folder named dir: it is finished or undone
	// before the folder is made here (store.Open would then no longer see it).
	restored, err := store.RecoverRestore(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, i18n.Errorf("cannot create the data folder %s: %w", dir, err)
	}
	var logw io.Writer
	var closer io.Closer = io.NopCloser(nil)
	rf, err := logfile.Open(filepath.Join(dir, "logs"), 5<<20, 3)
	if err != nil {
		// A read-only data dir (a USB stick, a restored backup): commands that only read must still
		// work. Warnings and errors go to the screen instead.
		fmt.Fprint(stderr, i18n.T("medinventory: note: the log file cannot be written in %s (%v); warnings go to the screen instead.\n", dir, err))
		logw = stderr
		if level < slog.LevelWarn {
			level = slog.LevelWarn
		}
	} else {
		logw, closer = rf, rf
	}
	red := &logfile.Redactor{W: logw}
	log := slog.New(slog.NewTextHandler(red, &slog.HandlerOptions{Level: level})).With("component", component, "pid", os.Getpid())
	return &Session{Dir: dir, StartFresh: g.StartFresh, ContinueCopy: g.ContinueCopy, Stderr: stderr, Log: log, Redact: red, closer: closer,
		Restored: restored}, nil
}

// stderr is where a session speaks to the person outside a command's own output.
func (s *Session) stderr() io.Writer {
	if s.Stderr == nil {
		return os.Stderr
	}
	return s.Stderr
}

// Close closes the log file.
func (s *Session) Close() error { return s.closer.Close() }

// ResolveDataDir picks the data dir: flag, then $MEDINVENTORY_DATA_DIR, then the OS's per-user
// data folder.
func ResolveDataDir(flagValue string) (string, error) {
	if flagValue != "" {
		return filepath.Abs(flagValue)
	}
	if v := os.Getenv("MEDINVENTORY_DATA_DIR"); v != "" {
		return filepath.Abs(v)
	}
	return defaultDataDir()
}

func defaultDataDir() (string, error) {
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "MedicineInventory"), nil
		}
	case "darwin":
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, "Library", "Application Support", "Medicine Inventory"), nil
		}
	default:
		if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "medinventory"), nil
		}
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, ".local", "share", "medinventory"), nil
		}
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", i18n.Errorf("cannot find a folder for the inventory; give one with --data-dir: %w", err)
	}
	return filepath.Join(d, "medinventory"), nil
}

// PlainError prints an error for a person: one line, no Go jargon prefix.
func PlainError(w io.Writer, err error) {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "medinventory: ")
	fmt.Fprintln(w, "medinventory: "+msg)
}
