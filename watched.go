package main

// The watched folder: photos that arrive in it are imported.

import (
	"path/filepath"

	"medinventory/store"
	"medinventory/store/watch"
)

// restartWatcher (re)starts the watched folder, if one is set.
func (b *backend) restartWatcher() {
	b.mu.Lock()
	old := b.watcher
	b.watcher = nil
	dir := b.settings.WatchFolder
	b.mu.Unlock()
	if old != nil {
		old.Close()
	}
	if dir == "" || b.ctx == nil {
		return
	}
	w, err := watch.New(dir, watch.Options{Logger: b.sess.log}, func(path string) {
		_, err := b.Import(b.ctx, []string{path}, func(o store.AddOutcome) {
			if o.Err != nil {
				b.sess.log.Warn("watched folder: file skipped", "file", filepath.Base(o.Path), "reason", reason(o.Err))
			} else if o.Added() {
				b.sess.log.Info("watched folder: photo added", "file", filepath.Base(o.Path))
			}
		})
		if err != nil && b.ctx.Err() == nil {
			b.sess.log.Warn("watched folder: import", "err", err)
		}
	})
	if err != nil {
		b.sess.log.Warn("watched folder", "dir", dir, "err", err)
		return
	}
	if err := w.Start(b.ctx); err != nil {
		b.sess.log.Warn("watched folder start", "dir", dir, "err", err)
		return
	}
	b.mu.Lock()
	b.watcher = w
	b.mu.Unlock()
}
