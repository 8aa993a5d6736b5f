package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"medinventory/store"
	"medinventory/store/outfile"
)

// backupConfig is Settings → Backups, kept in <data dir>/backups.json (beside settings.json, and
// like it never holding the API key): where automatic backups go, how many are kept, and when the
// last backup was made (for "last backup: N days ago").
type backupConfig struct {
	Folder     string    `json:"folder,omitempty"`
	Auto       bool      `json:"auto,omitempty"`
	Keep       int       `json:"keep,omitempty"`
	LastBackup time.Time `json:"last_backup,omitempty"`
	LastFile   string    `json:"last_file,omitempty"`
}

// defaultKeep is how many automatic backups are kept in the folder.
const defaultKeep = 7

const backupsFile = "backups.json"

func loadBackupConfig(dir string) backupConfig {
	var c backupConfig
	if b, err := store.ReadSmallFile(filepath.Join(dir, backupsFile), store.SettingsAdvice(backupsFile)); err == nil {
		_ = json.Unmarshal(b, &c)
	} else if !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintln(os.Stderr, "medinventory: the default backup settings are used:", err)
	}
	if c.Keep <= 0 {
		c.Keep = defaultKeep
	}
	return c
}

func saveBackupConfig(dir string, c backupConfig) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, backupsFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, backupsFile))
}

// backupName is the file name of a backup made at t.
func backupName(t time.Time) string {
	return "medinventory-backup-" + t.Format("2006-01-02-150405") + ".zip"
}

// writeBackup writes a backup of st to out (a file outside the data dir): to a temp file beside it,
// renamed into place only when complete, so a failure never leaves half an archive under the name.
func writeBackup(ctx context.Context, st *store.Store, out string) (store.Manifest, error) {
	if insideDataDir(st.Dir(), out) {
		return store.Manifest{}, fmt.Errorf("will not write the backup %s inside the inventory's own data folder %s (a backup there is lost with the folder); choose another folder, ideally another disk or a USB stick", out, st.Dir())
	}
	dir := filepath.Dir(out)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return store.Manifest{}, fmt.Errorf("cannot create the backup folder %s: %w", dir, err)
	}
	var m store.Manifest
	err := outfile.Write(out, "backup", func(w io.Writer) (err error) {
		m, err = st.Backup(ctx, w, dir, version, []string{"settings.json", backupsFile})
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return m, ctx.Err()
		}
		return m, fmt.Errorf("the backup was not written: %w", err)
	}
	c := loadBackupConfig(st.Dir())
	c.LastBackup, c.LastFile = m.CreatedAt, out
	_ = saveBackupConfig(st.Dir(), c)
	return m, nil
}

// pruneBackups keeps the newest keep automatic backups in folder and removes older ones. Only
// files named like backupName are ever touched.
func pruneBackups(folder string, keep int) []string {
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

func cmdBackup(g *globalFlags, args []string, stdout, stderr io.Writer) int {
	fs := subFlags("backup", g, stderr, `Usage: medinventory backup [-o FILE]

Writes one archive (ZIP) with everything needed to get the inventory back: the database, every
photo, the settings (never the OpenAI key). It can run while the window is open. Keep it on another
disk or a USB stick. Without -o it is written to the backup folder of Settings → Backups, else to
the current folder, as medinventory-backup-DATE.zip. Put it back with: medinventory restore FILE

Flags:
`)
	out := fs.String("o", "", "the archive to write (default: medinventory-backup-DATE.zip)")
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		fmt.Fprintf(stderr, "medinventory backup: unexpected %q; use -o FILE to name the archive\n", rest[0])
		return exitUsage
	}
	sess, err := openSession(g, stderr, "backup")
	if err != nil {
		plainError(stderr, err)
		return exitFailed
	}
	defer sess.Close()
	ctx, stop := interruptible()
	defer stop()
	st, err := openStore(ctx, sess, false)
	if err != nil {
		plainError(stderr, err)
		return exitFailed
	}
	defer st.Close()
	target := *out
	if target == "" {
		folder := loadBackupConfig(sess.dir).Folder
		if folder == "" {
			folder = "."
		}
		target = filepath.Join(folder, backupName(time.Now()))
	} else if fi, err := os.Stat(target); err == nil && fi.IsDir() {
		target = filepath.Join(target, backupName(time.Now()))
	}
	if insideDataDir(sess.dir, target) {
		fmt.Fprintf(stderr, "medinventory backup: will not write %s inside the inventory's own data folder %s (a backup there is lost with it). Choose another folder, ideally a USB stick: -o /media/usb/inventory.zip\n", target, sess.dir)
		return exitUsage
	}
	m, err := writeBackup(ctx, st, target)
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "medinventory: stopped; no backup was written.")
			return exitFailed
		}
		plainError(stderr, err)
		return exitFailed
	}
	size := int64(0)
	if fi, err := os.Stat(target); err == nil {
		size = fi.Size()
	}
	fmt.Fprintf(stdout, "Backup written: %s (%d photos, %d entries, %.1f MB). Keep it on another disk; restore it with: medinventory restore %s\n",
		target, m.Photos, m.Entries, float64(size)/(1<<20), target)
	return exitOK
}

func cmdRestore(g *globalFlags, args []string, stdout, stderr io.Writer) int {
	fs := subFlags("restore", g, stderr, `Usage: medinventory restore FILE

Puts a backup made by medinventory backup (or Settings → Backups) back as the inventory. The
archive is checked whole first (every file's checksum, the database's integrity); the data folder
as it is now is kept beside it as <folder>.before-restore-DATE, never deleted or mixed with the
backup. Close the window first.

Flags:
`)
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		fmt.Fprintln(stderr, "medinventory restore: name one backup file. Example: medinventory restore /media/usb/medinventory-backup-2026-11-29-101500.zip")
		return exitUsage
	}
	dir, err := resolveDataDir(g.dataDir)
	if err != nil {
		plainError(stderr, err)
		return exitFailed
	}
	ctx, stop := interruptible()
	defer stop()
	res, err := restoreInto(ctx, rest[0], dir)
	if err != nil {
		plainError(stderr, err)
		return exitFailed
	}
	m := res.Manifest
	fmt.Fprintf(stdout, "Restored the backup of %s (%d photos, %d entries) into %s.\n",
		m.CreatedAt.Local().Format("2006-01-02 15:04"), m.Photos, m.Entries, dir)
	if res.KeptAt != "" {
		fmt.Fprintf(stdout, "The data that was there before is kept in %s; delete it yourself once you have checked the restored inventory.\n", res.KeptAt)
	}
	return exitOK
}

// restoreInto checks the archive and restores it into the data dir dir, which no window may have
// open (its lock is checked).
func restoreInto(ctx context.Context, archive, dir string) (store.RestoreResult, error) {
	if _, err := store.VerifyBackup(ctx, archive); err != nil {
		return store.RestoreResult{}, fmt.Errorf("%s was not restored: %w. Nothing was changed", archive, err)
	}
	if _, err := os.Stat(dir); err == nil {
		lock, err := store.AcquireLock(dir, "window")
		if err != nil && !errors.Is(err, store.ErrLocked) {
			return store.RestoreResult{}, fmt.Errorf("%s was not restored: the data folder %s cannot be written (%w). Nothing was changed. Restore into a folder you can write to (--data-dir FOLDER), or make this one writable", archive, dir, err)
		} else if err != nil {
			return store.RestoreResult{}, fmt.Errorf("close the Medicine Inventory window first, then restore again: %w", err)
		}
		lock.Release()
		os.Remove(filepath.Join(dir, "window.lock"))
	}
	res, err := store.Restore(ctx, archive, dir, time.Now())
	if err != nil {
		return res, fmt.Errorf("%s was not restored: %w. Nothing was changed", archive, err)
	}
	return res, nil
}
