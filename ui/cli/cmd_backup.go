package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/outfile"
	"medinventory/store/settings"
)

// runBackup is `medinventory backup`.
func runBackup(c *Call, args []string) int {
	stdout, stderr := c.Stdout, c.Stderr
	fs := c.flags("backup", i18n.T(`Usage: medinventory backup [-o FILE]

Writes one archive (ZIP) with everything needed to get the inventory back: the database, every
photo, the settings (never the OpenAI key). It can run while the window is open. Keep it on another
disk or a USB stick. Without -o it is written to the backup folder of Settings → Backups, else to
the current folder, as medinventory-backup-DATE.zip. Put it back with: medinventory restore FILE

Flags:
`))
	out := fs.String("o", "", i18n.T("the archive to write (default: medinventory-backup-DATE.zip)"))
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		fmt.Fprint(stderr, i18n.T("medinventory backup: unexpected %q; use -o FILE to name the archive\n", rest[0]))
		return ExitUsage
	}
	ctx, stop := interruptible()
	defer stop()
	o, code := c.open(ctx, "backup", need{store: true})
	if o == nil {
		return code
	}
	defer o.Close()
	sess, st := o.Sess, o.St
	target := *out
	if target == "" {
		folder := settings.LoadBackups(sess.Dir).Folder
		if folder == "" {
			folder = "."
		}
		target = filepath.Join(folder, store.BackupName(time.Now()))
	} else if fi, err := os.Stat(target); err == nil && fi.IsDir() {
		target = filepath.Join(target, store.BackupName(time.Now()))
	}
	if outfile.Inside(sess.Dir, target) {
		fmt.Fprint(stderr, i18n.T("medinventory backup: will not write %s inside the inventory's own data folder %s (a backup there is lost with it). Choose another folder, ideally a USB stick: -o /media/usb/inventory.zip\n", target, sess.Dir))
		return ExitUsage
	}
	m, err := st.WriteBackupFile(ctx, target, c.env.Version)
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, i18n.T("medinventory: stopped; no backup was written."))
			return ExitFailed
		}
		return c.fail(err)
	}
	size := int64(0)
	if fi, err := os.Stat(target); err == nil {
		size = fi.Size()
	}
	fmt.Fprint(stdout, i18n.T("Backup written: %s (%d photos, %d entries, %.1f MB). Keep it on another disk; restore it with: medinventory restore %s\n",
		target, m.Photos, m.Entries, float64(size)/(1<<20), target))
	return ExitOK
}
