package ui

import (
	"context"
	"log/slog"

	"medinventory/jobs"
	"medinventory/store"
)

// Inventory is the stock the window shows and edits. *store.Store satisfies it.
type Inventory interface {
	ListEntries(ctx context.Context, f store.Filter) ([]store.Entry, error)
	Entry(ctx context.Context, id int64) (store.Entry, error)
	// UpdateEntry returns a *store.FieldError for a value that is not valid.
	UpdateEntry(ctx context.Context, id int64, changes map[string]string) (store.Entry, error)
	ConfirmEntry(ctx context.Context, id int64) (store.Entry, error)
	// ReopenEntry puts a confirmed entry back to "needs review" (Undo of Confirm).
	ReopenEntry(ctx context.Context, id int64) (store.Entry, error)
	// ConfirmEntry returns a *store.PackDecisionError (errors.Is store.ErrPackDecision) and
	// changes nothing while the entry's receipt looks like an earlier photo's pack: PackQuestion
	// says which, DecidePack answers it, UndoSamePack undoes a "same pack" answer.
	PackQuestion(ctx context.Context, entryID int64) (*store.PackDecisionError, error)
	DecidePack(ctx context.Context, receiptID int64, d store.PackDecision) error
	UndoSamePack(ctx context.Context, entryID int64) error
	// EntriesForPhoto lists the entries read from one photo.
	EntriesForPhoto(ctx context.Context, photoID int64) ([]store.Entry, error)
	DeleteEntry(ctx context.Context, id int64) error
	RestoreEntry(ctx context.Context, id int64) error
	History(ctx context.Context, id int64) ([]store.Edit, error)
	AddEntry(ctx context.Context, fields map[string]string) (store.Entry, error)
	// AddConfirmedEntry adds an entry typed by hand, confirmed (there is no photo to check it against).
	AddConfirmedEntry(ctx context.Context, fields map[string]string) (store.Entry, error)
	Photo(ctx context.Context, id int64) (store.Photo, error)
	PhotoFile(p store.Photo) string
	UsageToday(ctx context.Context) (store.Usage, error)
}

// Queue is the background analysis queue: main adapts the job pool (*jobs.Pool) to it, keeping
// only the queue of photo analyses. Each job's Subject is its photo's id.
type Queue interface {
	// Events delivers every change of every job of the queue; it is read by one goroutine only.
	Events() <-chan jobs.Event
	// Counts is the queue's totals per state.
	Counts(ctx context.Context) (jobs.Counts, error)
	// Jobs lists the queue's jobs that are not finished long ago, newest first.
	Jobs(ctx context.Context) ([]jobs.JobInfo, error)
	Retry(ctx context.Context, id int64) error
	RetryAllFailed(ctx context.Context) (int, error)
	Cancel(ctx context.Context, id int64) error
}

// Importer adds dropped or chosen files and folders (recursively) and queues each new photo's
// analysis. It blocks and does file I/O; report is called from the same goroutine, once per file.
type Importer interface {
	Import(ctx context.Context, paths []string, report func(store.AddOutcome)) (store.AddSummary, error)
}

// Backend owns the settings (the window asks it and keeps no copy), applies them, and holds the
// API key.
type Backend interface {
	// Settings are the settings in use.
	Settings() Settings
	// ApplySettings makes new settings take effect (client, concurrency, watched folder).
	ApplySettings(s Settings) error
	// TestConnection tries the settings with key ("" means the current key) and returns an error
	// in plain words when something is wrong.
	TestConnection(ctx context.Context, s Settings, key string) error
	// APIKeySource says where the current key comes from: "keyring", "environment" or "" (none).
	APIKeySource() string
	// SaveAPIKey stores the key in the OS keyring; its error explains what to do when there is no
	// keyring (set OPENAI_API_KEY).
	SaveAPIKey(key string) error
	// Connection describes the server and key actually in use (after settings and environment).
	Connection() Connection
}

// Connection is the analysis connection in use, for the status bar, the banner and Settings.
type Connection struct {
	BaseURL     string // the server address in use
	BaseURLFrom string // "settings", "environment" (OPENAI_BASE_URL) or "default"
	Model       string
	KeySource   string // "keyring", "environment" or "" (none)
	OpenAI      bool   // the server is OpenAI's own (it needs a key)
}

// NeedsKey reports whether photos cannot be analysed until a key is set.
func (c Connection) NeedsKey() bool { return c.OpenAI && c.KeySource == "" }

// Deps are what the window needs. Backend may be nil (the Settings button then only explains).
type Deps struct {
	Inventory Inventory
	Queue     Queue
	Importer  Importer
	Backend   Backend
	Log       *slog.Logger
	// Version and About (Markdown: the third-party notices) fill the About dialog.
	Version string
	About   string
	// Stock fills the Stock tab and its reports; without it the window has no Stock tab.
	Stock Stock
}
