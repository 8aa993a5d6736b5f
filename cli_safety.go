package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"medinventory/store"
)

// refuseInsideDataDir says why export will not write outPath and returns true when outPath is
// inside the data dir (see insideDataDir); example names a file elsewhere, e.g. "inventory.csv".
func refuseInsideDataDir(stderr io.Writer, dataDir, outPath, example string) bool {
	if outPath == "" || !insideDataDir(dataDir, outPath) {
		return false
	}
	fmt.Fprintf(stderr, "medinventory export: will not write %s: it is inside the inventory's data folder %s, where a file could replace the inventory itself. Choose a file elsewhere, for example: -o %s\n",
		outPath, dataDir, filepath.Join(homeOr("."), example))
	return true
}

// writeOutput hands write the command's output: standard output (buffered) when outPath is "",
// else outPath, replaced whole or not at all (writeAtomically). A failure is reported on stderr.
func writeOutput(outPath string, stdout, stderr io.Writer, write func(io.Writer) error) bool {
	if outPath != "" {
		if err := writeAtomically(outPath, write); err != nil {
			plainError(stderr, err)
			return false
		}
		return true
	}
	bw := bufio.NewWriter(stdout)
	err := write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		plainError(stderr, err)
		return false
	}
	return true
}

// insideDataDir reports whether writing the file path would write inside the data dir (the data
// dir itself, inventory.db, the photos, any file there), with symbolic links resolved. Only the
// store writes there: a command's output file never may (an export named inventory.db would
// replace the live database).
func insideDataDir(dataDir, path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	// Resolve the deepest existing parent, so that a link to the data dir is seen through.
	parent, name := filepath.Dir(abs), filepath.Base(abs)
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		parent, name = filepath.Dir(real), filepath.Base(real)
	} else if real, err := filepath.EvalSymlinks(parent); err == nil {
		parent = real
	}
	target := filepath.Join(parent, name)
	data := dataDir
	if real, err := filepath.EvalSymlinks(dataDir); err == nil {
		data = real
	}
	rel, err := filepath.Rel(data, target)
	if err != nil {
		return false
	}
	return rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)))
}

// isReadOnlyErr reports whether err says the data dir or database cannot be written.
func isReadOnlyErr(err error) bool {
	return errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission) ||
		(err != nil && strings.Contains(err.Error(), "readonly database"))
}

// openStore opens the inventory; when readOK and the data dir cannot be written (a USB stick, a
// restored backup on a read-only disk) it opens it read-only instead.
func openStore(ctx context.Context, sess *session, readOK bool) (*store.Store, error) {
	var last time.Time
	progress := func(p store.MigrationProgress) { // an upgrade of an older inventory: a line every 2 s
		if p.Done == 0 || p.Done == p.Total || time.Since(last) >= 2*time.Second {
			last = time.Now()
			fmt.Fprintln(sess.stderr, "medinventory: "+p.String())
		}
	}
	st, err := store.Open(ctx, sess.dir, store.Options{StartFresh: sess.startFresh, ContinueOlderCopy: sess.continueCopy, OnMigrate: progress})
	if err != nil && readOK && isReadOnlyErr(err) {
		ro, rerr := store.Open(ctx, sess.dir, store.Options{ReadOnly: true})
		if rerr == nil {
			sess.log.Warn("the data folder cannot be written; opened read-only", "err", err)
			st, err = ro, nil
		}
	}
	if err == nil {
		for _, m := range st.OpenReport().Messages() { // said once: the next open finds nothing to say
			sess.log.Warn(m)
			fmt.Fprintln(sess.stderr, "medinventory: note: "+m)
		}
	}
	return st, err
}

func homeOr(def string) string {
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return def
}

// adoptMinAge: a photo file younger than this may be an import about to commit its row.
const adoptMinAge = int64(10 * time.Minute / time.Millisecond)

// adoptPhotoFiles registers again, and queues for analysis, every photo file that the database
// does not list (see store.AdoptPhotoFiles); files it cannot adopt are left untouched and logged.
func (b *backend) adoptPhotoFiles(ctx context.Context, minAge int64) {
	ad, err := b.st.AdoptPhotoFiles(ctx, minAge, b.enqueueTx)
	if err != nil {
		b.sess.log.Warn("maintenance: adopt photo files", "err", err)
	}
	for _, a := range ad {
		if a.Err != nil {
			b.sess.log.Warn("a file in the photos folder was left as it is", "file", a.Path, "reason", a.Err)
		} else {
			b.sess.log.Info("a photo the database did not list was registered again and queued", "file", a.Path, "photo_id", a.Photo.ID)
		}
	}
	if len(ad) > 0 {
		b.pool.Notify()
	}
}
