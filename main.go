// Command medinventory is Medicine Inventory: a desktop app in which a clinic worker drops photos
// of medicine packages; each photo is stored, queued and analysed in the background (barcodes read
// locally, an OpenAI vision model or a compatible local server for the rest), and the medicines
// found appear in the window for review.
//
// With no arguments it opens the window. Subcommands use the same data:
//
//	medinventory [--data-dir DIR] [--log-level LEVEL]            open the window
//	medinventory import [--wait] [--offline] PATH...               add photos and folders
//	medinventory run [--offline]                                   analyse what waits in the queue
//	medinventory backup [-o FILE]                                  write a backup archive
//	medinventory restore FILE                                      restore a backup archive
//	medinventory export --format csv|xlsx|json [-o FILE]           write the inventory
//	medinventory jobs [--failed] [--retry-failed]                  show the analysis queue
//	medinventory --version
//
// The data dir is, in order: --data-dir, $MEDINVENTORY_DATA_DIR, else the operating system's
// per-user data folder (for example ~/.local/share/medinventory on Linux).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	_ "medinventory/ui/localefix" // first of all: "C.UTF-8" → "C", before Fyne parses it
)

// version is the app's version; it matches FyneApp.toml (a test checks).
const version = "0.1.0"

const appID = "org.medinventory.app"

// globalFlags are accepted before or after a subcommand.
type globalFlags struct {
	dataDir    string
	logLevel   string
	version    bool
	startFresh bool
	// continueCopy: --continue-with-this-copy, see store.Options.ContinueOlderCopy.
	continueCopy bool
}

func (g *globalFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&g.dataDir, "data-dir", g.dataDir, "folder that holds the inventory (default: $MEDINVENTORY_DATA_DIR, else the per-user data folder)")
	fs.StringVar(&g.logLevel, "log-level", g.logLevel, "how much to write to the log file: debug, info, warn or error")
	fs.BoolVar(&g.version, "version", false, "print the version and exit")
	fs.BoolVar(&g.startFresh, "start-fresh", g.startFresh, "start a new, empty inventory although the data folder's database is missing or does not match its photos (the old database is moved aside, the photos are kept)")
	fs.BoolVar(&g.continueCopy, "continue-with-this-copy", g.continueCopy, "use an older copy of this inventory's database that was put back, as it is (the photos added since are registered again and queued; nothing is deleted)")
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without os.Exit, for tests. It returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	g := &globalFlags{logLevel: "info"}
	fs := flag.NewFlagSet("medinventory", flag.ContinueOnError)
	fs.SetOutput(stderr)
	g.register(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Medicine Inventory `+version+`: photos of medicine packages in, a checked inventory out.

Usage:
  medinventory [flags]                                   open the window
  medinventory import [--wait] [--offline] PATH...       add photos and folders of photos
  medinventory run [--offline]                           analyse the photos that wait in the queue
  medinventory backup [-o FILE]                          write a backup of the whole inventory
  medinventory restore FILE                              put a backup back (the current data is kept aside)
  medinventory export --format csv|xlsx|json [-o FILE]   write the inventory (to the screen without -o)
  medinventory jobs [--failed] [--retry-failed]          show the analysis queue
  medinventory scan [--format json] PHOTO...             read the barcodes in photos (nothing is stored)
  medinventory stock [--format table|csv|json] [--low] [--expiring DAYS]   what is on the shelf

Each command takes --help. Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if g.version {
		fmt.Fprintf(stdout, "medinventory %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return exitOK
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return runGUI(g, stderr)
	}
	cmd, cargs := rest[0], rest[1:]
	switch cmd {
	case "import":
		return cmdImport(g, cargs, stdout, stderr)
	case "export":
		return cmdExport(g, cargs, stdout, stderr)
	case "run":
		return cmdRun(g, cargs, stdout, stderr)
	case "backup":
		return cmdBackup(g, cargs, stdout, stderr)
	case "restore":
		return cmdRestore(g, cargs, stdout, stderr)
	case "jobs":
		return cmdJobs(g, cargs, stdout, stderr)
	case "scan":
		return cmdScan(g, cargs, stdout, stderr)
	case "stock":
		return cmdStock(g, cargs, stdout, stderr)
	case "version":
		fmt.Fprintf(stdout, "medinventory %s\n", version)
		return exitOK
	case "help":
		fs.Usage()
		return exitOK
	}
	fmt.Fprintf(stderr, "medinventory: unknown command %q. Run medinventory --help to see the commands.\n", cmd)
	return exitUsage
}

// resolveDataDir picks the data dir: flag, then $MEDINVENTORY_DATA_DIR, then the OS's per-user
// data folder.
func resolveDataDir(flagValue string) (string, error) {
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
		return "", fmt.Errorf("cannot find a folder for the inventory; give one with --data-dir: %w", err)
	}
	return filepath.Join(d, "medinventory"), nil
}

// session is what every command opens: the data dir, the log and the secret redactor.
type session struct {
	dir        string
	startFresh bool // --start-fresh: see store.Options.StartFresh
	// continueCopy: --continue-with-this-copy, see store.Options.ContinueOlderCopy.
	continueCopy bool
	stderr       io.Writer // where what Open put right on its own is said (store.OpenReport)
	log          *slog.Logger
	redact       *redactingWriter
	closer       io.Closer
}

func openSession(g *globalFlags, stderr io.Writer, component string) (*session, error) {
	dir, err := resolveDataDir(g.dataDir)
	if err != nil {
		return nil, err
	}
	level, err := parseLevel(g.logLevel)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the data folder %s: %w", dir, err)
	}
	var logw io.Writer
	var closer io.Closer = io.NopCloser(nil)
	rf, err := openRotating(filepath.Join(dir, "logs"), 5<<20, 3)
	if err != nil {
		// A read-only data dir (a USB stick, a restored backup): commands that only read must still
		// work. Warnings and errors go to the screen instead.
		fmt.Fprintf(stderr, "medinventory: note: the log file cannot be written in %s (%v); warnings go to the screen instead.\n", dir, err)
		logw = stderr
		if level < slog.LevelWarn {
			level = slog.LevelWarn
		}
	} else {
		logw, closer = rf, rf
	}
	red := &redactingWriter{w: logw}
	log := slog.New(slog.NewTextHandler(red, &slog.HandlerOptions{Level: level})).With("component", component, "pid", os.Getpid())
	return &session{dir: dir, startFresh: g.startFresh, continueCopy: g.continueCopy, stderr: stderr, log: log, redact: red, closer: closer}, nil
}

func (s *session) Close() error { return s.closer.Close() }

// plainError prints an error for a person: one line, no Go jargon prefix.
func plainError(w io.Writer, err error) {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "medinventory: ")
	fmt.Fprintln(w, "medinventory: "+msg)
}
