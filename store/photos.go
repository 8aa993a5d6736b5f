package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // DecodeConfig for GIF
	_ "image/jpeg"
	_ "image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/gen2brain/heic" // DecodeConfig for HEIC/HEIF
	_ "golang.org/x/image/webp"

	"medinventory/store/photo"
)

// Limits on what AddPhoto accepts: package photo's.
const (
	MaxPhotoBytes = photo.MaxBytes
	MaxPixels     = photo.MaxPixels
)

// PhotoError is why a file could not be added, in words for the user: package photo's one error
// type for a file that is not a usable photo. errors.Is(err, ErrPhotoRejected) is true for every
// PhotoError.
type PhotoError = photo.Error

// The kinds of PhotoError.
const (
	PhotoUnreadable  = photo.Unreadable
	PhotoEmpty       = photo.Empty
	PhotoUnsupported = photo.Unsupported
	PhotoTooLarge    = photo.TooLarge
	PhotoCorrupt     = photo.Corrupt
)

// ErrPhotoRejected matches every PhotoError with errors.Is.
var ErrPhotoRejected = photo.ErrRejected

// Photo is a stored photo.
type Photo struct {
	ID           int64
	SHA256       string
	StoredPath   string // relative to the data dir
	OriginalName string
	Bytes        int64
	Width        int
	Height       int
	Format       string
	AddedAt      int64 // Unix ms
}

// AddResult is what AddPhoto did.
type AddResult struct {
	Photo     Photo
	Duplicate bool // the same bytes were already in the inventory; nothing was added
}

// Sniff names the image format from a file's first bytes; see photo.Sniff.
func Sniff(head []byte) (format, what string) { return photo.Sniff(head) }

// Extension is the file extension used to store a format; see photo.Extension.
func Extension(format string) string { return photo.Extension(format) }

// AddPhoto copies the file at path into the inventory's photo storage and records it. A file
// whose bytes are already stored is not added again: the existing photo comes back with
// Duplicate set. then, if not nil, runs inside the same transaction as the new photo's row (the
// caller enqueues its analysis there, so a photo is never stored without its job); it is not called
// for a duplicate.
//
// A file that is not a supported image, is empty, unreadable, too large or corrupt is refused
// with a *PhotoError and nothing is stored.
func (s *Store) AddPhoto(ctx context.Context, path string, then func(tx *sql.Tx, p Photo) error) (AddResult, error) {
	perr := func(kind, msg string, err error) error {
		return &PhotoError{Path: path, Kind: kind, Msg: msg, Err: err}
	}
	f, st, err := OpenRegular(path)
	switch {
	case err == nil && f == nil:
		return AddResult{}, perr(PhotoUnsupported, "this is a folder, not a photo.", nil)
	case errors.Is(err, errNotRegular):
		return AddResult{}, perr(PhotoUnsupported, "this is not a regular file (a pipe, socket or device); it was skipped.", nil)
	case errors.Is(err, fs.ErrPermission):
		return AddResult{}, perr(PhotoUnreadable, "this file cannot be opened (no permission to read it). Copy it somewhere you can open it and add it again.", err)
	case err != nil:
		return AddResult{}, perr(PhotoUnreadable, "this file cannot be opened. Check that it still exists and add it again.", err)
	}
	defer f.Close()
	if st.Size() == 0 {
		return AddResult{}, perr(PhotoEmpty, "the file is empty (0 bytes). Take or copy the photo again.", nil)
	}
	if st.Size() > MaxPhotoBytes {
		return AddResult{}, perr(PhotoTooLarge, fmt.Sprintf("the file is %d MB; the largest photo accepted is %d MB. Use a smaller photo.", st.Size()>>20, MaxPhotoBytes>>20), nil)
	}
	head := make([]byte, photo.HeadBytes)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return AddResult{}, perr(PhotoUnreadable, "the file could not be read.", err)
	}
	head = head[:n]
	format, what := Sniff(head)
	if format == "" {
		if what == "" {
			return AddResult{}, perr(PhotoUnsupported, "this file is not a photo (its content is not an image this app knows). Add "+photo.Accepted()+" photos.", nil)
		}
		return AddResult{}, perr(PhotoUnsupported, "this is "+what+", not a photo this app can read. Add "+photo.Accepted()+" photos.", nil)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return AddResult{}, perr(PhotoUnreadable, "the file could not be read.", err)
	}
	cfg, err := decodeConfig(f, format)
	if err != nil {
		return AddResult{}, perr(PhotoCorrupt, "the photo is damaged or incomplete and cannot be opened. Copy or take it again.", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return AddResult{}, perr(PhotoCorrupt, "the photo says it has no pixels; it is damaged.", nil)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return AddResult{}, perr(PhotoTooLarge, fmt.Sprintf("the photo is %d×%d pixels (%.0f megapixels); the largest accepted is %d megapixels. Use a smaller photo.",
			cfg.Width, cfg.Height, float64(cfg.Width)*float64(cfg.Height)/1e6, MaxPixels/1_000_000), nil)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return AddResult{}, perr(PhotoUnreadable, "the file could not be read.", err)
	}

	// Copy to a temp file in the photo store while hashing, then move into place.
	tmpDir := filepath.Join(s.dir, TempDir)
	if err := os.MkdirAll(tmpDir, 0o700); err != nil {
		return AddResult{}, s.diskFull(fmt.Errorf("cannot create the photo folder: %w", err))
	}
	tmp, err := s.createFile(tmpDir, "add-*")
	if err != nil {
		return AddResult{}, s.diskFull(fmt.Errorf("cannot store the photo: %w", err))
	}
	tmpName := tmp.Name()
	keep := false
	defer func() {
		if !keep {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	h := sha256.New()
	dst := &errWriter{w: tmp}
	written, err := io.Copy(io.MultiWriter(dst, h), &ctxReader{ctx: ctx, r: io.LimitReader(f, MaxPhotoBytes+1)})
	if err != nil {
		if ctx.Err() != nil {
			return AddResult{}, ctx.Err()
		}
		if dst.err != nil { // the write failed, not the read: the photo is fine
			return AddResult{}, s.diskFull(fmt.Errorf("cannot store the photo: %w", dst.err))
		}
		return AddResult{}, perr(PhotoUnreadable, "the file could not be read to the end. Copy it again and add it again.", err)
	}
	if written != st.Size() {
		return AddResult{}, perr(PhotoUnreadable, "the file changed while it was being added. Wait until it is fully copied, then add it again.", nil)
	}
	if err := tmp.Sync(); err != nil {
		return AddResult{}, s.diskFull(fmt.Errorf("cannot store the photo: %w", err))
	}
	if err := tmp.Close(); err != nil {
		return AddResult{}, s.diskFull(fmt.Errorf("cannot store the photo: %w", err))
	}
	sum := hex.EncodeToString(h.Sum(nil))

	if p, err := s.PhotoBySHA(ctx, sum); err == nil {
		return AddResult{Photo: p, Duplicate: true}, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return AddResult{}, err
	}

	rel := filepath.ToSlash(filepath.Join("photos", sum[:2], sum+Extension(format)))
	abs := filepath.Join(s.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return AddResult{}, s.diskFull(fmt.Errorf("cannot create the photo folder: %w", err))
	}
	if err := os.Chmod(tmpName, 0o600); err != nil {
		return AddResult{}, fmt.Errorf("cannot store the photo: %w", err)
	}
	// The file goes into place before its row is committed. If the commit fails, the file is
	// taken out again (unless the same bytes were stored before: then it is not ours to remove);
	// if the process dies in between, the file stays and maintenance adopts it back
	// (AdoptPhotoFiles): a photo file is never deleted because no row names it.
	_, statErr := os.Lstat(abs)
	placedNew := errors.Is(statErr, fs.ErrNotExist)
	if err := os.Rename(tmpName, abs); err != nil {
		return AddResult{}, s.diskFull(fmt.Errorf("cannot store the photo: %w", err))
	}
	keep = true
	committed := false
	defer func() {
		if !committed && placedNew {
			os.Remove(abs)
		}
	}()

	p := Photo{SHA256: sum, StoredPath: rel, OriginalName: sanitizeName(filepath.Base(path)), Bytes: written,
		Width: cfg.Width, Height: cfg.Height, Format: format, AddedAt: ms(s.now())}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return AddResult{}, s.diskFull(fmt.Errorf("save photo: %w", err))
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `INSERT INTO photos(sha256, stored_path, original_name, bytes, width, height, format, added_at)
		VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(sha256) DO NOTHING RETURNING id`,
		p.SHA256, p.StoredPath, p.OriginalName, p.Bytes, p.Width, p.Height, p.Format, p.AddedAt).Scan(&p.ID)
	if errors.Is(err, sql.ErrNoRows) {
		// Another process added the same photo between our check and now: its row names the file.
		committed = true
		tx.Rollback()
		existing, err := s.PhotoBySHA(ctx, sum)
		if err != nil {
			return AddResult{}, err
		}
		return AddResult{Photo: existing, Duplicate: true}, nil
	}
	if err != nil {
		return AddResult{}, s.diskFull(fmt.Errorf("save photo: %w", err))
	}
	if then != nil {
		if err := then(tx, p); err != nil {
			return AddResult{}, s.diskFull(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return AddResult{}, s.diskFull(fmt.Errorf("save photo: %w", err))
	}
	committed = true
	return AddResult{Photo: p}, nil
}

func decodeConfig(r io.Reader, format string) (cfg image.Config, err error) {
	defer func() {
		if p := recover(); p != nil { // a decoder must never take the app down
			err = fmt.Errorf("decoder panic: %v", p)
		}
	}()
	cfg, got, err := image.DecodeConfig(r)
	if err != nil {
		return cfg, err
	}
	if got != format {
		return cfg, fmt.Errorf("format %s decoded as %s", format, got)
	}
	return cfg, nil
}

// sanitizeName keeps a file name fit for display: no control characters, at most 200 runes.
func sanitizeName(n string) string {
	n = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, n)
	if r := []rune(n); len(r) > 200 {
		n = string(r[:200])
	}
	return n
}

const photoCols = `id, sha256, stored_path, original_name, bytes, width, height, format, added_at`

func scanPhoto(row interface{ Scan(...any) error }) (Photo, error) {
	var p Photo
	err := row.Scan(&p.ID, &p.SHA256, &p.StoredPath, &p.OriginalName, &p.Bytes, &p.Width, &p.Height, &p.Format, &p.AddedAt)
	return p, err
}

// PhotoBySHA returns the photo with these bytes, or ErrPhotoNotFound.
func (s *Store) PhotoBySHA(ctx context.Context, sum string) (Photo, error) {
	p, err := scanPhoto(s.r.QueryRowContext(ctx, `SELECT `+photoCols+` FROM photos WHERE sha256 = ?`, sum))
	return p, orNotFound(err, ErrPhotoNotFound)
}

// Photo returns one photo by id, or ErrPhotoNotFound.
func (s *Store) Photo(ctx context.Context, id int64) (Photo, error) {
	p, err := scanPhoto(s.r.QueryRowContext(ctx, `SELECT `+photoCols+` FROM photos WHERE id = ?`, id))
	return p, orNotFound(err, ErrPhotoNotFound)
}

// PhotoFile is the absolute path of a stored photo. The path comes only from the database row's
// sha256 and format, never from user input or a model's answer.
func (s *Store) PhotoFile(p Photo) string {
	return filepath.Join(s.dir, "photos", p.SHA256[:2], p.SHA256+Extension(p.Format))
}
