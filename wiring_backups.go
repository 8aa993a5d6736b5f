//go:build !hub

package main

// The window's side of backups (ui.Backups): Settings → Backups, backing up now, the daily
// automatic backup, and a restore once the window has closed.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"medinventory/store"
	"medinventory/store/outfile"
	"medinventory/store/settings"
	"medinventory/ui"
)

// BackupSettings is Settings → Backups, from backups.json.
func (b *backend) BackupSettings() ui.BackupSettings {
	c := settings.LoadBackups(b.sess.Dir)
	return ui.BackupSettings{Folder: c.Folder, Auto: c.Auto, Keep: c.Keep}
}

// SaveBackupSettings checks and stores Settings → Backups.
func (b *backend) SaveBackupSettings(s ui.BackupSettings) error {
	if s.Folder != "" {
		abs, err := filepath.Abs(s.Folder)
		if err != nil {
			return fmt.Errorf("the backup folder %q cannot be used: %w", s.Folder, err)
		}
		if outfile.Inside(b.sess.Dir, abs) {
			return errors.New("the backup folder cannot be inside the inventory's own data folder (a backup there is lost with it); choose another disk or a USB stick")
		}
		if st, err := os.Stat(abs); err != nil || !st.IsDir() {
			return fmt.Errorf("the backup folder %s does not exist (is the USB stick plugged in?)", abs)
		}
		s.Folder = abs
	}
	if s.Auto && s.Folder == "" {
		return errors.New("choose a backup folder for the automatic backups")
	}
	c := settings.LoadBackups(b.sess.Dir)
	c.Folder, c.Auto, c.Keep = s.Folder, s.Auto, s.Keep
	if c.Keep <= 0 {
		c.Keep = settings.DefaultKeep
	}
	return settings.SaveBackups(b.sess.Dir, c)
}

// BackupNow writes a backup into the backup folder and keeps the last few there.
func (b *backend) BackupNow(ctx context.Context) (string, error) {
	c := settings.LoadBackups(b.sess.Dir)
	if c.Folder == "" {
		return "", errors.New("choose a backup folder first (another disk or a USB stick)")
	}
	if st, err := os.Stat(c.Folder); err != nil || !st.IsDir() {
		return "", fmt.Errorf("the backup folder %s is not there (is the USB stick plugged in?)", c.Folder)
	}
	path := filepath.Join(c.Folder, store.BackupName(time.Now()))
	if _, err := b.st.WriteBackupFile(ctx, path, version); err != nil {
		return "", err
	}
	if removed := store.PruneBackups(c.Folder, c.Keep); len(removed) > 0 {
		b.sess.Log.Info("old backups removed", "folder", c.Folder, "files", removed)
	}
	b.sess.Log.Info("backup written", "file", path)
	return path, nil
}

// LastBackup is when the last backup was made (zero: never).
func (b *backend) LastBackup() time.Time { return settings.LoadBackups(b.sess.Dir).LastBackup }

// CheckBackup checks an archive whole without changing anything.
func (b *backend) CheckBackup(ctx context.Context, file string) (ui.BackupInfo, error) {
	m, err := store.VerifyBackup(ctx, file)
	if err != nil {
		return ui.BackupInfo{}, err
	}
	return ui.BackupInfo{Created: m.CreatedAt, Photos: m.Photos, Entries: m.Entries}, nil
}

// RestoreAtQuit makes runGUI restore file once the window has closed, then open the window again.
func (b *backend) RestoreAtQuit(file string) {
	b.mu.Lock()
	b.restoreFile = file
	b.mu.Unlock()
}

func (b *backend) pendingRestore() string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.restoreFile
}

// DiskSpace is the free space on the disk holding the inventory and whether it is low.
func (b *backend) DiskSpace() (uint64, bool) { return b.st.LowSpace() }

// autoBackups makes the daily automatic backup while the window is open: a few minutes after the
// start, then checked every hour.
func (b *backend) autoBackups(ctx context.Context) {
	t := time.NewTimer(3 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		t.Reset(time.Hour)
		c := settings.LoadBackups(b.sess.Dir)
		if !c.Auto || c.Folder == "" || time.Since(c.LastBackup) < 24*time.Hour {
			continue
		}
		if _, err := b.BackupNow(ctx); err != nil && ctx.Err() == nil {
			b.sess.Log.Warn("automatic backup", "err", err)
		}
	}
}
