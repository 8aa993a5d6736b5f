// Package cli is the command-line face of Medicine Inventory, beside the window: the global flags,
// what a command opens (Session: the data folder and the log; the store or the backend), and the
// commands, one file each (cmd_*.go), listed in one table (commands.go) from which the usage text
// is made. A test checks this list and README.md's against the table:
//
//	medinventory import [--wait] [--offline] PATH...       add photos and folders of photos
//	medinventory run [--offline]                           analyse the photos that wait in the queue
//	medinventory backup [-o FILE]                          write a backup of the whole inventory
//	medinventory restore FILE                              put a backup back (the current data is kept aside)
//	medinventory export --format csv|xlsx|json [-o FILE]   write the inventory (to the screen without -o)
//	medinventory jobs [--failed] [--retry-failed]          show the analysis queue
//	medinventory scan [--format json] PHOTO...             read the barcodes in photos (nothing is stored)
//	medinventory stock [--format table|csv|json] [--low] [--expiring DAYS]   what is on the shelf
//	medinventory receipts [--format json] [--confirm-all]   the receipts from photos waiting for review; confirm them
//	medinventory receive GTIN-OR-NAME QUANTITY [--packs] [--pack-size N] --lot LOT --expiry DATE [--date DATE] [--name NAME]   a delivery without photos
//	medinventory dispense GTIN-OR-NAME QUANTITY [--packs] [--lot LOT] [--date DATE] [--note TEXT]   units given out (first expiry first out)
//	medinventory adjust GTIN-OR-NAME CHANGE --reason REASON [--lot LOT] [--date DATE]   correct a lot's stock (count_correction, damaged, lost, returned)
//	medinventory dispose GTIN-OR-NAME QUANTITY --reason expired|damaged [--lot LOT] [--date DATE]   units destroyed
//	medinventory count GTIN-OR-NAME COUNTED [--reason REASON] [--lot LOT] [--date DATE]   what was counted on the shelf for one lot
//	medinventory product set|changes|undo GTIN-OR-NAME [--unit UNIT] [--pack-size N] [--lot LOT]   a product's dispensing unit and pack sizes (stock is converted, recorded, undoable)
//	medinventory report monthly [--month YYYY-MM] [--format table|csv|xlsx|json|pdf] [-o FILE]   the monthly report and requisition: consumption, months of stock, what to order
//	medinventory settings [list | get KEY | set KEY VALUE]   the clinic's name and other settings a script may need (never the API key)
//	medinventory sync [--hub URL --code CODE] [--conflicts]   send this laptop's stock to the district hub, bring back the other laptops'
//	medinventory hub --database URL --listen ADDR [--cert F --key F] [--insecure-http]   run the district hub the clinics' laptops sync through (PostgreSQL)
//	medinventory hub enrol --database URL --clinic NAME    a one-time code that joins one laptop to a clinic
//	medinventory hub user --database URL --name NAME [--password-stdin]   a district user for the hub's web pages
//	medinventory hub stock --database URL [--clinic NAME] [--format table|csv|json]   every clinic's stock, per product and lot
//	medinventory hub devices --database URL [--clinic NAME] [--format table|json]   each clinic's laptops: id, name, last sync, movements sent
//	medinventory hub remove --database URL --device ID     remove a stolen or broken laptop (what it sent stays)
//
// With no command the program opens the window (Env.Window, given by package main, which also
// wires the backend the commands use: Env.OpenBackend). The data dir is, in order: --data-dir,
// $MEDINVENTORY_DATA_DIR, else the operating system's per-user data folder (for example
// ~/.local/share/medinventory on Linux).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"medinventory/assets/i18n"
	"medinventory/jobs"
	"medinventory/store"
)

// Exit codes of the program: the window and the commands.
const (
	ExitOK      = 0
	ExitFailed  = 1 // something failed (an analysis, a file, the command itself, opening the window)
	ExitUsage   = 2
	ExitLocked  = 3 // the window: another window already has this inventory open
	ExitWaiting = 4 // import --wait: nothing failed, but some photos still wait (offline / no key)
)

// Env is what package main gives the commands: the app's version, the window, and the backend.
type Env struct {
	Version string
	// Window opens the window and blocks until it is closed; it returns the exit code.
	Window func(g *Globals, stderr io.Writer) int
	// OpenBackend opens the store, the job pool and the analysis client, wired together.
	OpenBackend func(ctx context.Context, s *Session, opt BackendOptions) (Backend, error)
}

// Backend is the app's non-UI half (the store, the job pool and the analysis client, wired by
// package main) as the commands use it.
type Backend interface {
	Store() *store.Store
	Pool() *jobs.Pool
	// Import adds files and folders and queues each new photo's analysis.
	Import(ctx context.Context, paths []string, report func(store.AddOutcome)) (store.AddSummary, error)
	// Start runs the workers; Close stops them (running jobs get grace, then go back to the queue)
	// and closes the store.
	Start(ctx context.Context) error
	Close(grace time.Duration) error
	// HasKey says whether an API key is set; ServerURL is the model's server.
	HasKey() bool
	ServerURL() string
}

// BackendOptions are what a command asks of the backend.
type BackendOptions struct {
	Offline     bool
	Concurrency int  // overrides the settings when > 0
	ReadOK      bool // only reads: a read-only data dir is opened read-only
}

// Globals are the flags accepted before or after a command.
type Globals struct {
	DataDir    string
	LogLevel   string
	Version    bool
	StartFresh bool
	// ContinueCopy: --continue-with-this-copy, see store.Options.ContinueOlderCopy.
	ContinueCopy bool
}

func (g *Globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.DataDir, "data-dir", g.DataDir, i18n.T("folder that holds the inventory (default: $MEDINVENTORY_DATA_DIR, else the per-user data folder)"))
	fs.StringVar(&g.LogLevel, "log-level", g.LogLevel, i18n.T("how much to write to the log file: debug, info, warn or error"))
	fs.BoolVar(&g.Version, "version", false, i18n.T("print the version and exit"))
	fs.BoolVar(&g.StartFresh, "start-fresh", g.StartFresh, i18n.T("start a new, empty inventory although the data folder's database is missing or does not match its photos (the old database is moved aside, the photos are kept)"))
	fs.BoolVar(&g.ContinueCopy, "continue-with-this-copy", g.ContinueCopy, i18n.T("use an older copy of this inventory's database that was put back, as it is (the photos added since are registered again and queued; nothing is deleted)"))
}

// Call is one command being run: the global flags, where its output goes, and the app.
type Call struct {
	G              *Globals
	Stdout, Stderr io.Writer
	env            Env
}

// Main runs the program with args (without the program's name) and returns the exit code: the
// window without a command, else the command.
func Main(args []string, stdout, stderr io.Writer, env Env) int {
	applyLanguage(args)
	g := &Globals{LogLevel: "info"}
	fs := flag.NewFlagSet("medinventory", flag.ContinueOnError)
	fs.SetOutput(stderr)
	g.register(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, i18n.T("Medicine Inventory %s: photos of medicine packages in, a checked inventory out.\n\nUsage:\n", env.Version)+
			usageLine("[flags]", i18n.T("open the window"))+usageLines()+i18n.T("\nEach command takes --help. Flags:\n"))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if g.Version {
		fmt.Fprintf(stdout, "medinventory %s (%s, %s/%s)\n", env.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return ExitOK
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return env.Window(g, stderr)
	}
	name, cargs := rest[0], rest[1:]
	switch name {
	case "version":
		fmt.Fprintf(stdout, "medinventory %s\n", env.Version)
		return ExitOK
	case "help":
		fs.Usage()
		return ExitOK
	}
	if cmd, ok := lookup(name); ok {
		return cmd.Run(&Call{G: g, Stdout: stdout, Stderr: stderr, env: env}, cargs)
	}
	fmt.Fprint(stderr, i18n.T("medinventory: unknown command %q. Run medinventory --help to see the commands.\n", name))
	return ExitUsage
}

// usageLine is one line of the usage text: "  medinventory SYNOPSIS   HELP", the help aligned.
func usageLine(synopsis, help string) string {
	return fmt.Sprintf("  medinventory %-39s   %s\n", synopsis, help)
}

// usageLines is the commands' part of the usage text, made from the table.
func usageLines() string {
	var b strings.Builder
	for _, c := range commands {
		b.WriteString(usageLine(c.Synopsis, i18n.T(c.Help)))
	}
	return b.String()
}
