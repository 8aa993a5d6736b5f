package store

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"medinventory/assets/i18n"
)

// An interrupted restore.
//
// Restore unpacks and checks the backup in a hidden folder beside the data dir
// (".<name>.restoring-…"), renames it ".<name>.restored-<time>" once it is whole and checked, and
// then makes two renames: the data dir to "<name>.before-restore-<time>", and the restored folder
// to the data dir's name. Stopped between those two (a kill, a power cut), no folder has the data
// dir's name; the next Open must not start a new, empty inventory there. recoverRestore, run by
// Open before anything else, finds that state and
//   - finishes the restore when the checked copy is there (".<name>.restored-…"), or
//   - undoes it (puts "<name>.before-restore-…" back) when only a half-unpacked copy is (what a
//     restore by an earlier version leaves: its copy was never marked as checked),
// and says which in OpenReport.Restore. Nothing is deleted.

// InterruptedRestore is what Open did about a restore that had been stopped between its renames.
type InterruptedRestore struct {
	Finished bool   // true: the checked backup was put in place; false: the restore was undone
	Dir      string // the data dir
	KeptAt   string // finished: where the data from before the restore is kept ("" if none)
	Leftover string // undone: the half-unpacked copy of the backup, left for the user to delete
}

// Message says what happened and what to do, in plain words.
func (r *InterruptedRestore) Message() string {
	if r.Finished {
		msg := fmt.Sprintf("A restore had been stopped before it finished; it has now been finished: the restored backup is in %s.", r.Dir)
		if r.KeptAt != "" {
			msg += fmt.Sprintf(" The data that was there before is kept in %s; delete it yourself once you have checked the restored inventory.", r.KeptAt)
		}
		return msg
	}
	msg := fmt.Sprintf("A restore had been stopped before it finished; it has been undone: the data that was there before it is back in %s. "+
		"Run the restore again if you still want it.", r.Dir)
	if r.Leftover != "" {
		msg += fmt.Sprintf(" The half-done copy of the backup is left in %s; delete it yourself.", r.Leftover)
	}
	return msg
}

const (
	restoringInfix = ".restoring-"      // hidden: being unpacked and checked
	restoredInfix  = ".restored-"       // hidden: unpacked and checked, about to take the data dir's name
	keptInfix      = ".before-restore-" // the data dir as it was before a restore
)

// restoreSiblings lists the folders beside dir whose names start with prefix, newest last (their
// names end in a sortable time, or a random suffix for the half-unpacked ones).
func restoreSiblings(dir, prefix string) []string {
	ents, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() && strings.HasPrefix(e.Name(), prefix) {
			out = append(out, filepath.Join(filepath.Dir(dir), e.Name()))
		}
	}
	sort.Strings(out)
	return out
}

// recoverRestore finishes or undoes a restore stopped between its two renames (see above). It does
// nothing when dir exists or no restore left folders beside it.
func recoverRestore(dir string) (*InterruptedRestore, error) {
	dir = filepath.Clean(dir)
	if _, err := os.Lstat(dir); err == nil || !os.IsNotExist(err) {
		return nil, nil
	}
	base := filepath.Base(dir)
	kept := restoreSiblings(dir, base+keptInfix)
	if ready := restoreSiblings(dir, "."+base+restoredInfix); len(ready) > 0 {
		from := ready[len(ready)-1]
		if err := os.Rename(from, dir); err != nil {
			return nil, i18n.Errorf("a restore was stopped before it finished, and its restored copy %s cannot be put in place as %s: %w; move it there yourself", from, dir, err)
		}
		r := &InterruptedRestore{Finished: true, Dir: dir}
		if len(kept) > 0 {
			r.KeptAt = kept[len(kept)-1]
		}
		slog.Warn("finished an interrupted restore", "dir", dir, "from", from, "kept_at", r.KeptAt)
		return r, nil
	}
	half := restoreSiblings(dir, "."+base+restoringInfix)
	if len(half) == 0 || len(kept) == 0 {
		return nil, nil // no sign of a restore stopped half-way: the folder is new, or was removed on purpose
	}
	from := kept[len(kept)-1]
	if err := os.Rename(from, dir); err != nil {
		return nil, i18n.Errorf("a restore was stopped before it finished, and the data from before it, in %s, cannot be put back as %s: %w; move it there yourself", from, dir, err)
	}
	r := &InterruptedRestore{Dir: dir, Leftover: half[len(half)-1]}
	slog.Warn("undid an interrupted restore", "dir", dir, "from", from, "leftover", r.Leftover)
	return r, nil
}

// RecoverRestore is what Open does first about a restore stopped between its two renames (see
// above), for a caller that must create the data dir before it opens the store (the log file and
// the window's lock live in it): it must run first, since once a folder has the data dir's name
// the restore is no longer seen. Open then finds nothing to do and does not report it: the caller
// says the result's Message.
func RecoverRestore(dir string) (*InterruptedRestore, error) { return recoverRestore(dir) }
