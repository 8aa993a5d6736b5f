package cli

import (
	"fmt"

	"medinventory/assets/i18n"
	"medinventory/store"
)

// runRestore is `medinventory restore FILE`.
func runRestore(c *Call, args []string) int {
	stdout, stderr := c.Stdout, c.Stderr
	fs := c.flags("restore", i18n.T(`Usage: medinventory restore FILE

Puts a backup made by medinventory backup (or Settings → Backups) back as the inventory. The
archive is checked whole first (every file's checksum, the database's integrity); the data folder
as it is now is kept beside it as <folder>.before-restore-DATE, never deleted or mixed with the
backup. Close the window first.

Flags:
`))
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		fmt.Fprintln(stderr, i18n.T("medinventory restore: name one backup file. Example: medinventory restore /media/usb/medinventory-backup-2026-11-29-101500.zip"))
		return ExitUsage
	}
	dir, err := ResolveDataDir(c.G.DataDir)
	if err != nil {
		return c.fail(err)
	}
	ctx, stop := interruptible()
	defer stop()
	res, err := store.RestoreFile(ctx, rest[0], dir)
	if err != nil {
		return c.fail(err)
	}
	m := res.Manifest
	fmt.Fprint(stdout, i18n.T("Restored the backup of %s (%d photos, %d entries) into %s.\n",
		i18n.DateTime(m.CreatedAt.Local()), m.Photos, m.Entries, dir))
	if res.KeptAt != "" {
		fmt.Fprint(stdout, i18n.T("The data that was there before is kept in %s; delete it yourself once you have checked the restored inventory.\n", res.KeptAt))
	}
	return ExitOK
}
