package store

// A backup as a file: its name, writing it beside the folder it goes to, keeping the last few, and
// restoring one into a data folder no window holds. The window (Settings → Backups) and the
// backup / restore commands share these.

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/outfile"
	"medinventory/store/settings"
)

// BackupName is the file name of a backup made at t.
func BackupName(t time.Time) string {
	return "medinventory-backup-" + t.Format("2006-01-02-150405") + ".zip"
}

// WriteBackupFile writes a backup of s to out (a file outside the data dir), with the settings
// files: to a temp file beside it, renamed into place only when complete, so a failure never
// leaves half an archive under the name. The last backup's time and file are kept in Settings →
// Backups. appVersion is written into the archive's manifest.
func (s *Store) WriteBackupFile(ctx context.Context, out, appVersion string) (Manifest, error) {
	if outfile.Inside(s.Dir(), out) {
		return Manifest{}, i18n.Errorf("will not write the backup %s inside the inventory's own data folder %s (a backup there is lost with the folder); choose another folder, ideally another disk or a USB stick", out, s.Dir())
	}
	dir := filepath.Dir(out)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Manifest{}, i18n.Errorf("cannot create the backup folder %s: %w", dir, err)
	}
	var m Manifest
	err := outfile.Write(out, "backup", func(w io.Writer) (err error) {
		m, err = s.Backup(ctx, w, dir, appVersion, settings.Files)
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return m, ctx.Err()
		}
		return m, i18n.Errorf("the backup was not written: %w", err)
	}
	c := settings.LoadBackups(s.Dir())
	c.LastBackup, c.LastFile = m.CreatedAt, out
	_ = settings.SaveBackups(s.Dir(), c)
	return m, nil
}

// PruneBackups keeps the newest keep automatic backups in folder and removes older ones, returning
// the names removed. Only files named like BackupName are ever touched.
func PruneBackups(folder string, keep int) []string {
	ents, err := os.ReadDir(folder)
	if err != nil || keep <= 0 {
		return nil
	}
	var names []string
	for _, e := range ents {
		n := e.Name()
		if e.Type().IsRegular() && strings.HasPrefix(n, "medinventory-backup-") && strings.HasSuffix(n, ".zip") {
			names = append(names, n)
		}
	}
	sort.Strings(names) // the names sort by time
	var removed []string
	for len(names) > keep {
		if os.Remove(filepath.Join(folder, names[0])) == nil {
			removed = append(removed, names[0])
		}
		names = names[1:]
	}
	return removed
}

// RestoreFile checks the archive whole and restores it into the data dir dir, which no window may
// have open (its lock is checked). On any failure nothing was changed, and the error says so.
func RestoreFile(ctx context.Context, archive, dir string) (RestoreResult, error) {
	if _, err := VerifyBackup(ctx, archive); err != nil {
		return RestoreResult{}, i18n.Errorf("%s was not restored: %w. Nothing was changed", archive, err)
	}
	if _, err := os.Stat(dir); err == nil {
		lock, err := AcquireLock(dir, "window")
		if err != nil && !errors.Is(err, ErrLocked) {
			return RestoreResult{}, i18n.Errorf("%s was not restored: the data folder %s cannot be written (%w). Nothing was changed. Restore into a folder you can write to (--data-dir FOLDER), or make this one writable", archive, dir, err)
		} else if err != nil {
			return RestoreResult{}, i18n.Errorf("close the Medicine Inventory window first, then restore again: %w", err)
		}
		lock.Release()
		os.Remove(filepath.Join(dir, "window.lock"))
	}
	res, err := Restore(ctx, archive, dir, time.Now())
	if err != nil {
		return res, i18n.Errorf("%s was not restored: %w. Nothing was changed", archive, err)
	}
	return res, nil
}
