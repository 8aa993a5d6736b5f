package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/photo"
	"medinventory/store/photo/photomem"
)

// The steps of AddPhoto, in the order it takes them.

// source is the file being added: opened without blocking, then checked before a byte is copied.
type source struct {
	path   string
	f      *os.File
	size   int64
	format string       // set by checkFormat
	cfg    image.Config // set by checkPixels
}

// reject is a refusal of this file, in the user's words.
func (src *source) reject(kind, msg string, err error) error {
	return &PhotoError{Path: src.path, Kind: kind, Msg: msg, Err: err}
}

// openSource opens the file only if it is a regular file (OpenRegular: a FIFO, socket or device
// is refused without being opened, so it cannot hang the import).
func openSource(path string) (*source, error) {
	src := &source{path: path}
	f, st, err := OpenRegular(path)
	switch {
	case err == nil && f == nil:
		return nil, src.reject(PhotoUnsupported, "this is a folder, not a photo.", nil)
	case errors.Is(err, errNotRegular):
		return nil, src.reject(PhotoUnsupported, "this is not a regular file (a pipe, socket or device); it was skipped.", nil)
	case errors.Is(err, fs.ErrPermission):
		return nil, src.reject(PhotoUnreadable, "this file cannot be opened (no permission to read it). Copy it somewhere you can open it and add it again.", err)
	case err != nil:
		return nil, src.reject(PhotoUnreadable, "this file cannot be opened. Check that it still exists and add it again.", err)
	}
	src.f, src.size = f, st.Size()
	return src, nil
}

// checkSize refuses an empty file and one over MaxPhotoBytes.
func (src *source) checkSize() error {
	if src.size == 0 {
		return src.reject(PhotoEmpty, "the file is empty (0 bytes). Take or copy the photo again.", nil)
	}
	if src.size > MaxPhotoBytes {
		return src.reject(PhotoTooLarge, fmt.Sprintf("the file is %d MB; the largest photo accepted is %d MB. Use a smaller photo.", src.size>>20, MaxPhotoBytes>>20), nil)
	}
	return nil
}

// checkFormat sniffs the format from the first bytes (never from the name) and refuses what is
// not a photo this app reads, naming what it is when it can.
func (src *source) checkFormat() error {
	head := make([]byte, photo.HeadBytes)
	n, err := io.ReadFull(src.f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return src.reject(PhotoUnreadable, "the file could not be read.", err)
	}
	format, what := Sniff(head[:n])
	if format == "" {
		if what == "" {
			return src.reject(PhotoUnsupported, "this file is not a photo (its content is not an image this app knows). Add "+photo.Accepted()+" photos.", nil)
		}
		return src.reject(PhotoUnsupported, "this is "+what+", not a photo this app can read. Add "+photo.Accepted()+" photos.", nil)
	}
	src.format = format
	return src.rewind()
}

// checkPixels reads the header only (DecodeConfig) and refuses a damaged photo, one with no
// pixels, one over MaxPixels, and one whose decoding would take more memory than photomem allows —
// all before anything decodes the pixels.
func (src *source) checkPixels() error {
	cfg, err := decodeConfig(src.f, src.format)
	if err != nil {
		return src.reject(PhotoCorrupt, "the photo is damaged or incomplete and cannot be opened. Copy or take it again.", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return src.reject(PhotoCorrupt, "the photo says it has no pixels; it is damaged.", nil)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return src.reject(PhotoTooLarge, fmt.Sprintf("the photo is %d×%d pixels (%.0f megapixels); the largest accepted is %d megapixels. Use a smaller photo.",
			cfg.Width, cfg.Height, float64(cfg.Width)*float64(cfg.Height)/1e6, MaxPixels/1_000_000), nil)
	}
	if cost := photomem.Cost(src.f, src.format, cfg.Width, cfg.Height); cost > photomem.Budget {
		return src.reject(PhotoTooLarge, photomem.RefusalOf(src.f, src.format, cfg.Width, cfg.Height, cost), nil)
	}
	src.cfg = cfg
	return src.rewind()
}

// rewind goes back to the file's first byte for the next step.
func (src *source) rewind() error {
	if _, err := src.f.Seek(0, io.SeekStart); err != nil {
		return src.reject(PhotoUnreadable, "the file could not be read.", err)
	}
	return nil
}

// row is the photos row for this file, stored at rel.
func (src *source) row(tmp *tempPhoto, rel string, now time.Time) Photo {
	return Photo{SHA256: tmp.sum, StoredPath: rel, OriginalName: sanitizeName(filepath.Base(src.path)), Bytes: tmp.bytes,
		Width: src.cfg.Width, Height: src.cfg.Height, Format: src.format, AddedAt: ms(now)}
}

// tempPhoto is the copy of a source in the photo store's temp folder, with its hash.
type tempPhoto struct {
	name  string
	sum   string // SHA-256, hex
	bytes int64
	moved bool // placeFile renamed it into place: nothing left to discard
}

// copyToTemp copies the source into a new temp file in the photo store while hashing it, then
// syncs it to disk. A failed write is a full disk (or another storage error), a failed read the
// photo's fault, a source whose size changed a photo still being written; ctx stops the copy. On
// error the temp file is gone.
func (s *Store) copyToTemp(ctx context.Context, src *source) (_ *tempPhoto, err error) {
	tmpDir := filepath.Join(s.dir, TempDir)
	if err := os.MkdirAll(tmpDir, 0o700); err != nil {
		return nil, s.diskFull(i18n.Errorf("cannot create the photo folder: %w", err))
	}
	f, err := s.createFile(tmpDir, "add-*")
	if err != nil {
		return nil, s.diskFull(i18n.Errorf("cannot store the photo: %w", err))
	}
	tmp := &tempPhoto{name: f.Name()}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp.name)
		}
	}()
	h := sha256.New()
	dst := &errWriter{w: f}
	tmp.bytes, err = io.Copy(io.MultiWriter(dst, h), &ctxReader{ctx: ctx, r: io.LimitReader(src.f, MaxPhotoBytes+1)})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if dst.err != nil { // the write failed, not the read: the photo is fine
			return nil, s.diskFull(i18n.Errorf("cannot store the photo: %w", dst.err))
		}
		return nil, src.reject(PhotoUnreadable, "the file could not be read to the end. Copy it again and add it again.", err)
	}
	if tmp.bytes != src.size {
		return nil, src.reject(PhotoUnreadable, "the file changed while it was being added. Wait until it is fully copied, then add it again.", nil)
	}
	if err := f.Sync(); err != nil {
		return nil, s.diskFull(i18n.Errorf("cannot store the photo: %w", err))
	}
	if err := f.Close(); err != nil {
		return nil, s.diskFull(i18n.Errorf("cannot store the photo: %w", err))
	}
	tmp.sum = hex.EncodeToString(h.Sum(nil))
	return tmp, nil
}

// discard removes the temp file unless it was moved into place.
func (tmp *tempPhoto) discard() {
	if !tmp.moved {
		os.Remove(tmp.name)
	}
}

// findDuplicate looks for a photo with the same bytes already in the inventory.
func (s *Store) findDuplicate(ctx context.Context, sum string) (Photo, bool, error) {
	p, err := s.PhotoBySHA(ctx, sum)
	switch {
	case err == nil:
		return p, true, nil
	case errors.Is(err, sql.ErrNoRows):
		return Photo{}, false, nil
	}
	return Photo{}, false, err
}

// placedFile is a photo file moved into the photo store: rel is the path its row names.
type placedFile struct {
	rel, abs string
	isNew    bool // nothing was at abs before: the file is ours to take out again
}

// placeFile moves the temp file into place, at photos/ab/<sha256>.<ext> (0600, folders 0700), by a
// rename: the file appears whole or not at all.
//
// The file goes into place before its row is committed. If the commit fails, the file is taken
// out again (unless the same bytes were stored before: then it is not ours to remove); if the
// process dies in between, the file stays and maintenance adopts it back (AdoptPhotoFiles): a photo
// file is never deleted because no row names it.
func (s *Store) placeFile(tmp *tempPhoto, format string) (placedFile, error) {
	rel := filepath.ToSlash(filepath.Join("photos", tmp.sum[:2], tmp.sum+Extension(format)))
	abs := filepath.Join(s.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return placedFile{}, s.diskFull(i18n.Errorf("cannot create the photo folder: %w", err))
	}
	if err := os.Chmod(tmp.name, 0o600); err != nil {
		return placedFile{}, i18n.Errorf("cannot store the photo: %w", err)
	}
	_, statErr := os.Lstat(abs)
	placed := placedFile{rel: rel, abs: abs, isNew: errors.Is(statErr, fs.ErrNotExist)}
	if err := os.Rename(tmp.name, abs); err != nil {
		return placedFile{}, s.diskFull(i18n.Errorf("cannot store the photo: %w", err))
	}
	tmp.moved = true
	return placed, nil
}

// remove takes a file placed by this AddPhoto out again, when no row names it.
func (pf placedFile) remove() {
	if pf.isNew {
		os.Remove(pf.abs)
	}
}

// insertPhoto inserts the photo's row and runs then in the same immediate transaction. named
// reports whether a committed row names the placed file: this one, or that of another process
// that added the same bytes since findDuplicate looked (AddPhoto then returns that photo as a
// duplicate, and then does not run).
func (s *Store) insertPhoto(ctx context.Context, p Photo, then func(tx *sql.Tx, p Photo) error) (_ AddResult, named bool, _ error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return AddResult{}, false, s.diskFull(i18n.Errorf("save photo: %w", err))
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `INSERT INTO photos(sha256, stored_path, original_name, bytes, width, height, format, added_at)
		VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(sha256) DO NOTHING RETURNING id`,
		p.SHA256, p.StoredPath, p.OriginalName, p.Bytes, p.Width, p.Height, p.Format, p.AddedAt).Scan(&p.ID)
	if errors.Is(err, sql.ErrNoRows) {
		// Another process added the same photo between our check and now: its row names the file.
		tx.Rollback()
		existing, err := s.PhotoBySHA(ctx, p.SHA256)
		if err != nil {
			return AddResult{}, true, err
		}
		return AddResult{Photo: existing, Duplicate: true}, true, nil
	}
	if err != nil {
		return AddResult{}, false, s.diskFull(i18n.Errorf("save photo: %w", err))
	}
	if then != nil {
		if err := then(tx, p); err != nil {
			return AddResult{}, false, s.diskFull(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return AddResult{}, false, s.diskFull(i18n.Errorf("save photo: %w", err))
	}
	return AddResult{Photo: p}, true, nil
}
