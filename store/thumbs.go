package store

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"medinventory/assets/i18n"
)

// ThumbSize is the longer side, in pixels, of a stored thumbnail (twice the window's 112 px rows,
// for high-density screens).
const ThumbSize = 224

// ThumbFile is where the thumbnail of the stored photo at photoFile (photos/ab/<sha256>.<ext>) is
// kept: photos/thumbs/<sha256>.<ext>.jpg, a folder of its own, so that nothing that looks after
// the photos themselves (recovering unlisted photo files, the data dir's identity checks) ever
// takes a thumbnail for a photo. The window reads only this, never the full photo, for its lists.
func ThumbFile(photoFile string) string {
	root := filepath.Dir(filepath.Dir(photoFile))
	return filepath.Join(root, "thumbs", filepath.Base(photoFile)+".jpg")
}

// SaveThumbnail stores a photo's thumbnail (a JPEG the analysis made from its own decode of the
// photo) in ThumbFile, replacing any earlier one; a reader never sees half a file.
func (s *Store) SaveThumbnail(p Photo, jpeg []byte) error {
	tmpDir := filepath.Join(s.dir, "photos", "tmp")
	if err := os.MkdirAll(tmpDir, 0o700); err != nil {
		return i18n.Errorf("save thumbnail: %w", err)
	}
	tmp, err := os.CreateTemp(tmpDir, "thumb-*")
	if err != nil {
		return i18n.Errorf("save thumbnail: %w", err)
	}
	_, err = tmp.Write(jpeg)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	dst := ThumbFile(s.PhotoFile(p))
	if err == nil {
		err = os.MkdirAll(filepath.Dir(dst), 0o700)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), dst)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return i18n.Errorf("save thumbnail: %w", err)
	}
	return nil
}

// PhotosWithoutThumbnail returns up to limit photos, in id order after afterID, that have no
// thumbnail in ThumbFile (photos analysed before thumbnails were stored, or whose thumbnail was
// lost): the caller makes theirs and asks again after the last id it got.
func (s *Store) PhotosWithoutThumbnail(ctx context.Context, afterID int64, limit int) ([]Photo, error) {
	var out []Photo
	for len(out) < limit {
		rows, err := s.r.QueryContext(ctx, `SELECT `+photoCols+` FROM photos WHERE id > ? ORDER BY id LIMIT ?`, afterID, limit)
		if err != nil {
			return out, i18n.Errorf("list photos: %w", err)
		}
		n := 0
		for rows.Next() {
			p, err := scanPhoto(rows)
			if err != nil {
				rows.Close()
				return out, i18n.Errorf("list photos: %w", err)
			}
			n++
			afterID = p.ID
			if _, err := os.Stat(ThumbFile(s.PhotoFile(p))); errors.Is(err, fs.ErrNotExist) && len(out) < limit {
				out = append(out, p)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return out, i18n.Errorf("list photos: %w", err)
		}
		if n < limit {
			break // no more photos
		}
	}
	return out, nil
}
