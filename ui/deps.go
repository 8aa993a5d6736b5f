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
	DeleteEntry(ctx context.Context, id int64) error
	RestoreEntry(ctx context.Context, id int64) error
	History(ctx context.Context, id int64) ([]store.Edit, error)
	AddEntry(ctx context.Context, fields map[string]string) (store.Entry, error)
	Photo(ctx context.Context, id int64) (store.Photo, error)
	PhotoFile(p store.Photo) string
	UsageToday(ctx context.Context) (store.Usage, error)
}

// Queue is the background analysis queue. *jobs.Pool satisfies it except for Jobs, which main
// adapts from Pool.List.
type Queue interface {
	// Events delivers every change of every job; it is read by one goroutine only.
	Events() <-chan jobs.Event
	Counts(ctx context.Context) (jobs.Counts, error)
	// Jobs lists the analyze queue's jobs that are not finished long ago, newest first.
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

// Backend applies settings and holds the API key.
type Backend interface {
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
}

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
