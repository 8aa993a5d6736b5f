package store

import (
	"context"
	"database/sql"
	"fmt"
	"image"
	_ "image/gif" // DecodeConfig for GIF
	_ "image/jpeg"
	_ "image/png"
	"io"
	"path/filepath"
	"strings"

	_ "github.com/gen2brain/heic" // registers HEIC with package image
	_ "golang.org/x/image/webp"

	"medinventory/store/photo"
	"medinventory/store/photo/heicwasm"
	"medinventory/store/photo/heif"
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
//
// The steps (photos_add.go): open the file only if it is a regular one; check its size, its
// format (from its bytes) and its pixel size (from its header); copy it into the photo store's
// temp folder while hashing; stop at a duplicate; move it into place; insert its row and run then
// in one transaction; take the file out again if that fails.
func (s *Store) AddPhoto(ctx context.Context, path string, then func(tx *sql.Tx, p Photo) error) (AddResult, error) {
	src, err := openSource(path)
	if err != nil {
		return AddResult{}, err
	}
	defer src.f.Close()
	if err := src.checkSize(); err != nil {
		return AddResult{}, err
	}
	if err := src.checkFormat(); err != nil {
		return AddResult{}, err
	}
	if err := src.checkPixels(); err != nil {
		return AddResult{}, err
	}
	tmp, err := s.copyToTemp(ctx, src)
	if err != nil {
		return AddResult{}, err
	}
	defer tmp.discard()
	if p, found, err := s.findDuplicate(ctx, tmp.sum); err != nil {
		return AddResult{}, err
	} else if found {
		return AddResult{Photo: p, Duplicate: true}, nil
	}
	placed, err := s.placeFile(tmp, src.format)
	if err != nil {
		return AddResult{}, err
	}
	res, named, err := s.insertPhoto(ctx, src.row(tmp, placed.rel, s.now()), then)
	if !named {
		placed.remove()
	}
	return res, err
}

func decodeConfig(r io.Reader, format string) (cfg image.Config, err error) {
	defer func() {
		if p := recover(); p != nil { // a decoder must never take the app down
			err = fmt.Errorf("decoder panic: %v", p)
		}
	}()
	if format == "heic" {
		// The container says the size (gen2brain/heic's DecodeConfig fails with a system libheif).
		return heif.DecodeConfig(r, heicwasm.DecodeConfig)
	}
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
