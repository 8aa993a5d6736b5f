package main

// The daily maintenance job.

import (
	"context"
	"time"

	"medinventory/analyzer/pipeline"
	"medinventory/jobs"
)

// The maintenance job's kind and its queue (one worker): existing inventories hold jobs under these
// names, never change them.
const (
	kindMaintenance  = "maintenance"
	queueMaintenance = "maintenance"
)

// maintenance is the daily housekeeping job (pool.Schedule, in backend.start): the app's temp files, photo files no row names
// (adopted back), thumbnails photos lack, old finished jobs, the database's statistics. Each step only logs when it fails; the job itself never fails.
func (b *backend) maintenance(ctx context.Context, job *jobs.Job, progress func(float64)) (jobs.Commit, error) {
	// The photos folder is never pruned by comparing it with the database (which may be an older
	// copy): only the app's own temp files are cleaned; a photo file no row names is adopted back.
	n, err := b.st.CleanTempFiles(int64(time.Hour / time.Millisecond))
	if err != nil {
		b.sess.log.Warn("maintenance: temp files", "err", err)
	}
	b.adoptPhotoFiles(ctx, adoptMinAge)
	// Photos analysed before thumbnails were stored get theirs, decoded under the memory budget;
	// photos still queued get theirs from their analysis.
	pending := func(photoID int64) (bool, error) { return pipeline.Pending(ctx, b.pool, photoID) }
	if made, err := b.handler.MakeMissingThumbnails(ctx, pending); err != nil {
		b.sess.log.Warn("maintenance: thumbnails", "made", made, "err", err)
	} else if made > 0 {
		b.sess.log.Info("maintenance: thumbnails made", "photos", made)
	}
	progress(0.3)
	pruned, err := b.pool.Prune(ctx, 30*24*time.Hour)
	if err != nil {
		b.sess.log.Warn("maintenance: prune", "err", err)
	}
	progress(0.6)
	if err := b.st.Optimize(ctx); err != nil {
		b.sess.log.Warn("maintenance: optimize", "err", err)
	}
	b.sess.log.Info("maintenance done", "temp_files_removed", n, "jobs_pruned", pruned)
	return nil, nil
}
