package pipeline

// The analyze job as the job pool sees it: its kind, its queue, how many workers it takes and how
// a photo's analysis is queued. The pool (package jobs) knows none of this; main's wiring registers
// Handler under Kind in Queue with Workers(n) workers.

import (
	"context"
	"database/sql"
	"encoding/json"

	"medinventory/jobs"
	"medinventory/store"
)

// The analyze job's kind and queue. Existing inventories hold jobs under these names: never change
// them.
const (
	Kind  = "analyze" // one photo's analysis: payload Payload, subject the photo's id, unique key its SHA-256
	Queue = "analyze" // the queue the window and `medinventory run` show
)

// Workers is how many pool workers the analyze queue needs when the handler runs n photos at once
// (HandlerOptions.Concurrency): twice n, so that while some wait for the network, others prepare
// the next photos.
func Workers(n int) int { return 2 * n }

// EnqueueTx queues the analysis of photo p inside tx, the transaction that stores the photo (so
// both commit together). A photo already queued once (same SHA-256) is not queued again; created
// says whether a job was added. Call the pool's Notify after committing.
func EnqueueTx(ctx context.Context, tx *sql.Tx, p store.Photo) (id int64, created bool, err error) {
	payload, err := json.Marshal(Payload{PhotoID: p.ID})
	if err != nil {
		return 0, false, err
	}
	return jobs.EnqueueTx(ctx, tx, Kind, payload, jobs.EnqueueOpts{Queue: Queue, UniqueKey: p.SHA256, Subject: p.ID})
}

// Pending says whether photo photoID's analysis is still to run in pool: queued, running, or to
// be tried again. That analysis makes the photo's thumbnail from its own decode, so nothing else
// should decode the photo for it.
func Pending(ctx context.Context, pool *jobs.Pool, photoID int64) (bool, error) {
	l, err := pool.List(ctx, jobs.ListFilter{Kind: Kind, Queue: Queue, Subject: photoID, Limit: 1,
		States: []jobs.State{jobs.StateQueued, jobs.StateRunning, jobs.StateRetrying}})
	return len(l) > 0, err
}
