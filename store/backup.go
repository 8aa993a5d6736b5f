package store

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/outfile"
)

// Backups.
//
// A backup is one ZIP file that holds a consistent copy of the inventory: the database as of one
// moment (SQLite's VACUUM INTO, which reads one snapshot while other connections keep writing), every
// stored photo file, the id file and the extra files the caller names (settings.json; never the API
// key, which is not in the data dir), and a manifest (backup.json) with each file's size and
// SHA-256. Photos are written after the database snapshot; since a photo file is never changed or
// deleted once stored, every photo the snapshot lists is in the archive (Backup checks).
//
// Restore checks the archive whole before touching anything (manifest, every checksum, the
// database's integrity and id), unpacks it into a new folder beside the data dir, and only then
// swaps folders: the current data dir is renamed to "<dir>.before-restore-<time>" (kept, never
// deleted or mixed with the backup) and the unpacked folder takes its name.

// ManifestName is the manifest's name inside a backup archive.
const ManifestName = "backup.json"

// BackupFormat names the archive format in the manifest.
const BackupFormat = "medinventory-backup/1"

// Manifest describes a backup archive.
type Manifest struct {
	Format        string         `json:"format"`
	AppVersion    string         `json:"app_version"`
	SchemaVersion int            `json:"schema_version"`
	InventoryID   string         `json:"inventory_id"`
	CreatedAt     time.Time      `json:"created_at"`
	Photos        int            `json:"photos"`
	Entries       int            `json:"entries"`
	Files         []ManifestFile `json:"files"`
	// TotalsRepaired counts the lots whose cached stock totals Backup found wrong and recomputed
	// from their movements before copying the database (the caller tells the user once).
	TotalsRepaired int `json:"totals_repaired,omitempty"`
}

// ManifestFile is one file of a backup, by its slash path inside the archive (= inside the data dir).
type ManifestFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// ErrBadBackup matches every error about an archive that is not a usable backup.
var ErrBadBackup = i18n.Err("not a usable backup")

func badBackup(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrBadBackup, fmt.Sprintf(format, a...))
}

// Backup writes a backup archive of the inventory to w. extra names files of the data dir to
// include when they exist (e.g. "settings.json"). tmpDir is a folder outside the data dir for the
// database snapshot. The window and other processes may keep writing meanwhile.
//
// A full disk while writing to w or to tmpDir is a *BackupDiskFullError naming tmpDir's disk, never
// the inventory's (*DiskFullError): the backup only reads the inventory. Snapshot folders a killed
// backup left in tmpDir are removed first (see removeSnapshotLeftovers).
func (s *Store) Backup(ctx context.Context, w io.Writer, tmpDir, appVersion string, extra []string) (Manifest, error) {
	removeSnapshotLeftovers(tmpDir)
	snapDir, err := os.MkdirTemp(tmpDir, snapshotPrefix+"*")
	if err != nil {
		return Manifest{}, i18n.Errorf("cannot make room for the database copy in %s: %w", tmpDir, err)
	}
	defer os.RemoveAll(snapDir)
	// The totals are a cache of the movements: a backup never carries wrong ones.
	repaired, err := s.RepairStockTotals(ctx)
	if err != nil && !s.readOnly {
		return Manifest{}, err
	}
	snap := filepath.Join(snapDir, DBName)
	if _, err := s.w.ExecContext(ctx, `VACUUM INTO ?`, snap); err != nil {
		return Manifest{}, backupDiskFull(tmpDir, i18n.Errorf("copy the database: %w", err))
	}
	out := &errWriter{w: w}
	// written blames the backup's disk for a failed write to w; other errors (reading a photo) pass.
	written := func(err error) error {
		if out.err != nil {
			return backupDiskFull(tmpDir, err)
		}
		return err
	}
	id, err := s.ID(ctx)
	if err != nil {
		return Manifest{}, err
	}
	m := Manifest{Format: BackupFormat, AppVersion: appVersion, SchemaVersion: SchemaVersion(), InventoryID: id,
		CreatedAt: s.now().UTC().Truncate(time.Second), TotalsRepaired: len(repaired)}
	listed, err := snapshotCounts(ctx, snap, &m)
	if err != nil {
		return Manifest{}, err
	}

	zw := zip.NewWriter(out)
	add := func(name, src string, method uint16) error {
		f, err := os.Open(src)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		hw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: st.ModTime()})
		if err != nil {
			return err
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(hw, h), &ctxReader{ctx: ctx, r: f})
		if err != nil {
			return err
		}
		m.Files = append(m.Files, ManifestFile{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))})
		return nil
	}
	if err := add(DBName, snap, zip.Deflate); err != nil {
		return Manifest{}, written(i18n.Errorf("write the backup: %w", err))
	}
	for _, name := range append([]string{MarkerName}, extra...) {
		p := filepath.Join(s.dir, name)
		if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() || st.Size() > MaxSmallFileBytes {
			continue // a settings file larger than the app writes is damaged: restore would refuse it
		}
		if err := add(name, p, zip.Deflate); err != nil {
			return Manifest{}, written(i18n.Errorf("write the backup: %w", err))
		}
	}
	files, err := storedPhotoFiles(s.dir)
	if err != nil {
		return Manifest{}, i18n.Errorf("list the photos: %w", err)
	}
	have := map[string]bool{}
	inSnap := map[string]bool{}
	for _, rel := range listed {
		inSnap[rel] = true
	}
	for _, rel := range files {
		// Photos are already compressed: stored as they are.
		err := add(rel, filepath.Join(s.dir, filepath.FromSlash(rel)), zip.Store)
		if errors.Is(err, fs.ErrNotExist) && !inSnap[rel] {
			continue // an import that failed took back the file it had placed
		}
		if err != nil {
			return Manifest{}, written(i18n.Errorf("write the backup (%s): %w", rel, err))
		}
		have[rel] = true
	}
	for _, rel := range listed {
		if !have[rel] {
			return Manifest{}, i18n.Errorf("the photo file %s that the inventory lists is missing from the photos folder; the backup was not finished", rel)
		}
	}
	mw, err := zw.Create(ManifestName)
	if err != nil {
		return Manifest{}, written(err)
	}
	enc := json.NewEncoder(mw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return Manifest{}, written(err)
	}
	if err := zw.Close(); err != nil {
		return Manifest{}, written(i18n.Errorf("write the backup: %w", err))
	}
	s.recordGeneration(ctx)
	return m, nil
}

// snapshotPrefix names the folder beside the backup that holds the database copy while a backup is
// made.
const snapshotPrefix = ".medinventory-snapshot-"

// removeSnapshotLeftovers removes the snapshot folders a killed backup left in dir: only folders
// named exactly snapshotPrefix+<digits>, unchanged for outfile.StaleAfter (a backup still running
// is never disturbed), holding nothing but the database copy's files.
func removeSnapshotLeftovers(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !e.IsDir() || !outfile.IsTempName(e.Name(), snapshotPrefix) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		inner, err := os.ReadDir(p)
		if err != nil {
			continue
		}
		stale := true
		for _, f := range inner {
			info, err := f.Info()
			if err != nil || !f.Type().IsRegular() || !strings.HasPrefix(f.Name(), DBName) ||
				time.Since(info.ModTime()) < outfile.StaleAfter {
				stale = false
			}
		}
		if info, err := e.Info(); err != nil || time.Since(info.ModTime()) < outfile.StaleAfter {
			stale = false
		}
		if stale {
			os.RemoveAll(p)
		}
	}
}

// BackupDiskFullError is a backup that failed because the disk it is written to is full. The
// inventory itself was only read and is unchanged.
type BackupDiskFullError struct {
	Dir  string // the folder the backup is written to
	Free uint64 // bytes free there when the error was seen
	Err  error
}

func (e *BackupDiskFullError) Error() string {
	return i18n.T("the disk holding the backup folder %s is full (%d MB free); the inventory itself is unchanged. Make room on that disk or choose a folder on another disk (a USB stick)",
		e.Dir, e.Free>>20)
}

// Unwrap returns outfile.ErrDiskFull (the message already names the disk) and the cause.
func (e *BackupDiskFullError) Unwrap() []error { return []error{outfile.ErrDiskFull, e.Err} }

// RestoreDiskFullError is a restore refused, or stopped, because the disk it unpacks to has no room
// for the backup. The half-unpacked copy is removed; the current data is untouched.
type RestoreDiskFullError struct {
	Dir  string // the folder the backup is unpacked in (the data folder's parent)
	Need uint64 // bytes the backup unpacks to
	Free uint64 // bytes free there
	Err  error  // the write that failed, nil when refused beforehand
}

func (e *RestoreDiskFullError) Error() string {
	return i18n.T("the backup unpacks to %d MB, but the disk holding %s has %d MB free. Make room on that disk (empty the trash, move large files elsewhere), then restore again",
		(e.Need+(1<<20)-1)>>20, e.Dir, e.Free>>20)
}

func (e *RestoreDiskFullError) Unwrap() error { return e.Err }

// backupDiskFull turns a full-disk error into a *BackupDiskFullError for dir; others pass unchanged.
func backupDiskFull(dir string, err error) error {
	if !isNoSpace(err) {
		return err
	}
	free, _ := FreeSpace(dir)
	return &BackupDiskFullError{Dir: dir, Free: free, Err: err}
}

// snapshotCounts reads the snapshot's photo list and counts into m.
func snapshotCounts(ctx context.Context, snap string, m *Manifest) ([]string, error) {
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: snap}).EscapedPath()+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM entries WHERE deleted_at IS NULL`).Scan(&m.Entries); err != nil {
		return nil, i18n.Errorf("read the database copy: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT stored_path FROM photos ORDER BY id`)
	if err != nil {
		return nil, i18n.Errorf("read the database copy: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	m.Photos = len(out)
	return out, rows.Err()
}

// storedPhotoFiles lists photos/xx/<sha256>.<ext> files, slash paths relative to dir, sorted.
func storedPhotoFiles(dir string) ([]string, error) {
	var out []string
	subs, err := os.ReadDir(filepath.Join(dir, "photos"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	for _, sub := range subs {
		if !sub.IsDir() || len(sub.Name()) != 2 {
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, "photos", sub.Name()))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if f.Type().IsRegular() && isStoredPhotoName(f.Name()) {
				out = append(out, "photos/"+sub.Name()+"/"+f.Name())
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// VerifyBackup checks an archive without unpacking it to disk: the manifest, that every file it
// lists is there with the right size and SHA-256, and nothing else is. It returns the manifest.
func VerifyBackup(ctx context.Context, archive string) (Manifest, error) {
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return Manifest{}, badBackup("%s cannot be read as a backup archive (%v)", filepath.Base(archive), err)
	}
	defer zr.Close()
	return verifyZip(ctx, &zr.Reader, nil)
}

// verifyZip checks the archive; with unpackTo set, it also writes each checked file there.
func verifyZip(ctx context.Context, zr *zip.Reader, unpackTo func(name string, r io.Reader) error) (Manifest, error) {
	var m Manifest
	byName := map[string]*zip.File{}
	for _, f := range zr.File {
		byName[f.Name] = f
	}
	mf := byName[ManifestName]
	if mf == nil {
		return m, badBackup("it has no %s; it was not made by medinventory backup", ManifestName)
	}
	rc, err := mf.Open()
	if err != nil {
		return m, badBackup("its manifest cannot be read (%v)", err)
	}
	err = json.NewDecoder(io.LimitReader(rc, 16<<20)).Decode(&m)
	rc.Close()
	if err != nil || m.Format != BackupFormat {
		return m, badBackup("its manifest is not a Medicine Inventory backup manifest")
	}
	if m.SchemaVersion > SchemaVersion() {
		return m, i18n.Errorf("%w: the backup was made by a newer version of Medicine Inventory (%s); update the app first", ErrTooNew, m.AppVersion)
	}
	seen := map[string]bool{ManifestName: true}
	hasDB := false
	for _, e := range m.Files {
		if !validArchiveName(e.Name) {
			return m, badBackup("it names a file outside the inventory (%q)", e.Name)
		}
		f := byName[e.Name]
		if f == nil {
			return m, badBackup("%s is missing from the archive", e.Name)
		}
		seen[e.Name] = true
		hasDB = hasDB || e.Name == DBName
		// Limits checked before reading, on the manifest's size and the archive's header; the
		// bytes are then counted while reading (LimitReader below), so neither is trusted.
		if limit := unpackLimit(e.Name); e.Size > limit || f.UncompressedSize64 > uint64(limit) {
			size := max(e.Size, int64(min(f.UncompressedSize64, uint64(1)<<62)))
			return m, badBackup("%s would unpack to %s, more than a real backup ever holds (%s at most): the archive is damaged or was not made by Medicine Inventory",
				e.Name, sizeWords(size), sizeWords(limit))
		}
		r, err := f.Open()
		if err != nil {
			return m, badBackup("%s cannot be read (%v)", e.Name, err)
		}
		h := sha256.New()
		var n int64
		if unpackTo != nil {
			cr := &countReader{r: io.TeeReader(&ctxReader{ctx: ctx, r: io.LimitReader(r, e.Size+1)}, h)}
			err = unpackTo(e.Name, cr)
			n = cr.n
		} else {
			n, err = io.Copy(h, &ctxReader{ctx: ctx, r: io.LimitReader(r, e.Size+1)})
		}
		r.Close()
		if err != nil {
			if ctx.Err() != nil {
				return m, ctx.Err()
			}
			return m, fmt.Errorf("%s: %w", e.Name, err)
		}
		if n != e.Size || hex.EncodeToString(h.Sum(nil)) != e.SHA256 {
			return m, badBackup("%s is damaged (its checksum does not match)", e.Name)
		}
	}
	if !hasDB {
		return m, badBackup("it holds no database")
	}
	for name := range byName {
		if !seen[name] && !strings.HasSuffix(name, "/") {
			return m, badBackup("it holds a file its manifest does not list (%q)", name)
		}
	}
	return m, nil
}

// unpackLimit is the most a backup's file name may unpack to.
func unpackLimit(name string) int64 {
	switch name {
	case DBName:
		return MaxBackupDatabaseBytes
	case MarkerName, "settings.json", "backups.json":
		return MaxSmallFileBytes
	}
	return MaxPhotoBytes
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// validArchiveName accepts only the names a backup holds: inventory.db, the id file, settings.json
// and photos/xx/<sha256>.<ext> — never an absolute path or "..".
func validArchiveName(name string) bool {
	if name != path.Clean(name) || strings.HasPrefix(name, "/") || strings.Contains(name, "..") || strings.Contains(name, "\\") {
		return false
	}
	switch name {
	case DBName, MarkerName, "settings.json", "backups.json":
		return true
	}
	parts := strings.Split(name, "/")
	return len(parts) == 3 && parts[0] == "photos" && len(parts[1]) == 2 && isStoredPhotoName(parts[2]) &&
		strings.HasPrefix(parts[2], parts[1])
}

// RestoreResult says what Restore did.
type RestoreResult struct {
	Manifest Manifest
	KeptAt   string // where the data dir that was there before now is ("" if there was none)
}

// restoreHook, when set (tests), runs between Restore's two renames; an error stops Restore there
// as a kill would.
var restoreHook func() error

// Restore puts the backup archive in place of the data dir dir: see the package's notes on
// backups. The caller makes sure no process uses the data dir (the window's lock). Nothing is
// deleted: the current data dir is kept as "<dir>.before-restore-<time>".
func Restore(ctx context.Context, archive, dir string, now time.Time) (RestoreResult, error) {
	var res RestoreResult
	dir = filepath.Clean(dir)
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return res, badBackup("%s cannot be read as a backup archive (%v)", filepath.Base(archive), err)
	}
	defer zr.Close()
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return res, err
	}
	// Room for the unpacked copy, from the headers (each capped at its limit: a zip bomb is refused
	// by the limits, not for the space it claims); the bytes are counted while unpacking.
	var need uint64
	for _, f := range zr.File {
		need += min(f.UncompressedSize64, uint64(unpackLimit(f.Name)))
	}
	if free, err := FreeSpace(filepath.Dir(dir)); err == nil && need > free {
		return res, &RestoreDiskFullError{Dir: filepath.Dir(dir), Need: need, Free: free}
	}
	stage, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+restoringInfix+"*")
	if err != nil {
		return res, i18n.Errorf("cannot make a folder beside %s to unpack the backup: %w", dir, err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(stage) // only the half-unpacked copy of the backup
		}
	}()
	m, err := verifyZip(ctx, &zr.Reader, func(name string, r io.Reader) error {
		p := filepath.Join(stage, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, r); err != nil {
			f.Close()
			return err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
	res.Manifest = m
	if err != nil {
		if isNoSpace(err) {
			free, _ := FreeSpace(filepath.Dir(dir))
			return res, &RestoreDiskFullError{Dir: filepath.Dir(dir), Need: need, Free: free, Err: err}
		}
		return res, err
	}
	// The unpacked inventory must open, be intact and carry the manifest's id.
	if err := writeMarker(stage, m.InventoryID); err != nil {
		return res, err
	}
	st, err := Open(ctx, stage, Options{})
	if err != nil {
		return res, badBackup("its database cannot be opened (%v)", err)
	}
	ierr := st.IntegrityCheck(ctx)
	id, _ := st.ID(ctx)
	st.Close()
	if ierr != nil {
		return res, badBackup("its database is damaged (%v)", ierr)
	}
	if id != m.InventoryID {
		return res, badBackup("its database does not match its manifest")
	}
	for _, suf := range []string{"-wal", "-shm"} {
		os.Remove(filepath.Join(stage, DBName+suf))
	}
	// Whole and checked: named so, so that a restore stopped between the two renames below is
	// finished at the next start (recoverRestore).
	ready := filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+restoredInfix+now.Format("20060102-150405"))
	if err := os.Rename(stage, ready); err != nil {
		return res, i18n.Errorf("cannot prepare the restored folder beside %s: %w", dir, err)
	}
	stage = ready
	if _, err := os.Stat(dir); err == nil {
		res.KeptAt = dir + keptInfix + now.Format("20060102-150405")
		if err := os.Rename(dir, res.KeptAt); err != nil {
			res.KeptAt = ""
			return res, i18n.Errorf("cannot move the current data folder aside (is Medicine Inventory still open?): %w", err)
		}
	}
	if restoreHook != nil {
		if err := restoreHook(); err != nil {
			done = true // tests: stopped here as by a kill, between the two renames; nothing more runs
			return res, err
		}
	}
	if err := os.Rename(stage, dir); err != nil {
		if res.KeptAt != "" {
			os.Rename(res.KeptAt, dir) // put the current data back
		}
		return res, i18n.Errorf("cannot put the restored folder in place: %w", err)
	}
	done = true
	return res, nil
}
