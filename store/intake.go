package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"medinventory/store/photo"
)

// AddOutcome is what happened to one file given to AddPaths.
type AddOutcome struct {
	Path      string // the file as found (inside a dropped folder, its full path)
	Photo     Photo  // set when added or duplicate
	Duplicate bool   // already in the inventory: nothing added, nothing queued
	Err       error  // why the file was skipped (a *PhotoError for a file that is not a usable photo)
}

// Added reports whether the file became a new photo.
func (o AddOutcome) Added() bool { return o.Err == nil && !o.Duplicate }

// AddSummary counts AddPaths' outcomes.
type AddSummary struct {
	Added, Duplicates, Skipped int
}

// MaxFolderFiles bounds how many files one AddPaths call looks at, so a mistaken drop of a whole
// disk cannot run for hours; the rest is reported as skipped.
const MaxFolderFiles = 20_000

// AddPaths adds files and folders (recursively, following no symbolic link to a folder twice) the
// way a drop or an import does: each file is added with AddPhoto (then runs in each new photo's
// transaction) and reported through report, in order, as soon as it is done. A file that is not a
// photo is reported as skipped with the reason, never silently dropped; only hidden files and the
// operating system's own (photo.SystemFile) inside a folder are passed over without a word. Only a
// cancelled ctx or a full disk stops it early; the error is then ctx.Err() or the *DiskFullError.
// Nothing is opened that is not a regular file (see OpenRegular): a FIFO or device is skipped, never
// waited on. The data dir itself, anything inside it and any link into it are refused
// (ErrInsideDataDir), so the app's own files never come back as new photos.
func (s *Store) AddPaths(ctx context.Context, paths []string, then func(*sql.Tx, Photo) error, report func(AddOutcome)) (AddSummary, error) {
	var sum AddSummary
	if report == nil {
		report = func(AddOutcome) {}
	}
	seen := map[string]bool{} // real paths of folders visited
	count := 0
	var visit func(p string, depth int) error
	emit := func(o AddOutcome) {
		switch {
		case o.Err != nil:
			sum.Skipped++
		case o.Duplicate:
			sum.Duplicates++
		default:
			sum.Added++
		}
		report(o)
	}
	visit = func(p string, depth int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		st, err := os.Stat(p) // follows links
		if err != nil {
			msg := "this file or folder cannot be opened."
			if errors.Is(err, fs.ErrNotExist) {
				msg = "this file or folder does not exist (or is a broken link)."
			} else if errors.Is(err, fs.ErrPermission) {
				msg = "there is no permission to open this file or folder."
			} else if strings.Contains(err.Error(), "too many levels of symbolic links") {
				msg = "this is a link that points to itself (a link loop); it was skipped."
			}
			emit(AddOutcome{Path: p, Err: &PhotoError{Path: p, Kind: PhotoUnreadable, Msg: msg, Err: err}})
			return nil
		}
		if err := s.refuseInsideDataDir(p, st.IsDir()); err != nil {
			emit(AddOutcome{Path: p, Err: err}) // nothing in it is looked at
			return nil
		}
		if !st.IsDir() {
			count++
			if count > MaxFolderFiles {
				emit(AddOutcome{Path: p, Err: &PhotoError{Path: p, Kind: PhotoUnsupported,
					Msg: fmt.Sprintf("more than %d files were given at once; add the rest in another batch.", MaxFolderFiles)}})
				return nil
			}
			res, err := s.AddPhoto(ctx, p, then)
			if err != nil && ctx.Err() != nil {
				return ctx.Err()
			}
			if errors.Is(err, ErrDiskFull) {
				return err // every file after this one would fail the same way: stop and say why
			}
			emit(AddOutcome{Path: p, Photo: res.Photo, Duplicate: res.Duplicate, Err: err})
			return nil
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			real = p
		}
		if seen[real] {
			return nil // a link back to a folder already visited
		}
		seen[real] = true
		if depth > 32 {
			emit(AddOutcome{Path: p, Err: &PhotoError{Path: p, Kind: PhotoUnsupported, Msg: "folders are nested too deeply; this one was skipped."}})
			return nil
		}
		ents, err := os.ReadDir(p)
		if err != nil {
			emit(AddOutcome{Path: p, Err: &PhotoError{Path: p, Kind: PhotoUnreadable, Msg: "this folder cannot be read.", Err: err}})
			return nil
		}
		sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".") || photo.SystemFile(e.Name()) {
				continue // hidden files, and those Windows and macOS make (desktop.ini, Thumbs.db, __MACOSX)
			}
			if err := visit(filepath.Join(p, e.Name()), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	for _, p := range paths {
		if err := visit(p, 0); err != nil {
			return sum, err
		}
	}
	return sum, nil
}
