package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2/app"

	"medinventory/assets"
	"medinventory/store"
	"medinventory/ui"
)

// The window's side of backups (ui.Backups) and of a data dir that cannot be opened.

// BackupSettings is Settings → Backups, from backups.json.
func (b *backend) BackupSettings() ui.BackupSettings {
	c := loadBackupConfig(b.sess.dir)
	return ui.BackupSettings{Folder: c.Folder, Auto: c.Auto, Keep: c.Keep}
}

// SaveBackupSettings checks and stores Settings → Backups.
func (b *backend) SaveBackupSettings(s ui.BackupSettings) error {
	if s.Folder != "" {
		abs, err := filepath.Abs(s.Folder)
		if err != nil {
			return fmt.Errorf("the backup folder %q cannot be used: %w", s.Folder, err)
		}
		if insideDataDir(b.sess.dir, abs) {
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
	c := loadBackupConfig(b.sess.dir)
	c.Folder, c.Auto, c.Keep = s.Folder, s.Auto, s.Keep
	if c.Keep <= 0 {
		c.Keep = defaultKeep
	}
	return saveBackupConfig(b.sess.dir, c)
}

// BackupNow writes a backup into the backup folder and keeps the last few there.
func (b *backend) BackupNow(ctx context.Context) (string, error) {
	c := loadBackupConfig(b.sess.dir)
	if c.Folder == "" {
		return "", errors.New("choose a backup folder first (another disk or a USB stick)")
	}
	if st, err := os.Stat(c.Folder); err != nil || !st.IsDir() {
		return "", fmt.Errorf("the backup folder %s is not there (is the USB stick plugged in?)", c.Folder)
	}
	path := filepath.Join(c.Folder, backupName(time.Now()))
	if _, err := writeBackup(ctx, b.st, path); err != nil {
		return "", err
	}
	if removed := pruneBackups(c.Folder, c.Keep); len(removed) > 0 {
		b.sess.log.Info("old backups removed", "folder", c.Folder, "files", removed)
	}
	b.sess.log.Info("backup written", "file", path)
	return path, nil
}

// LastBackup is when the last backup was made (zero: never).
func (b *backend) LastBackup() time.Time { return loadBackupConfig(b.sess.dir).LastBackup }

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
		c := loadBackupConfig(b.sess.dir)
		if !c.Auto || c.Folder == "" || time.Since(c.LastBackup) < 24*time.Hour {
			continue
		}
		if _, err := b.BackupNow(ctx); err != nil && ctx.Err() == nil {
			b.sess.log.Warn("automatic backup", "err", err)
		}
	}
}

// restoreAndRelaunch restores archive into the data dir (no window may hold it) and starts the
// window again; extra are flags for the new process (e.g. --start-fresh).
func restoreAndRelaunch(dir, archive string, stderr io.Writer) int {
	if archive != "" {
		ctx, stop := interruptible()
		res, err := restoreInto(ctx, archive, dir)
		stop()
		if err != nil {
			plainError(stderr, err)
			return 1
		}
		fmt.Fprintf(stderr, "medinventory: restored %s; the previous data is kept in %s\n", archive, res.KeptAt)
	}
	return relaunch(stderr, false)
}

// relaunch starts the window again with the same flags (plus --start-fresh when fresh).
func relaunch(stderr io.Writer, fresh bool) int {
	exe, err := os.Executable()
	if err != nil {
		plainError(stderr, err)
		return 1
	}
	var args []string
	for _, a := range os.Args[1:] {
		if a != "--start-fresh" && a != "-start-fresh" {
			args = append(args, a)
		}
	}
	if fresh {
		args = append([]string{"--start-fresh"}, args...)
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		plainError(stderr, err)
		return 1
	}
	return 0
}

// showStartupProblem shows why the inventory cannot be opened (in a window: a user who started
// the app from a menu sees no terminal) and carries out the user's choice.
func showStartupProblem(dir string, problem error, stderr io.Writer) int {
	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	what, file := "quit", ""
	msg := problem.Error()
	msg = strings.ToUpper(msg[:1]) + msg[1:]
	w := ui.ShowStartupProblem(a, msg, func(w, f string) { what, file = w, f })
	w.ShowAndRun()
	switch what {
	case "restore":
		return restoreAndRelaunch(dir, file, stderr)
	case "fresh":
		return relaunch(stderr, true)
	}
	return 1
}
