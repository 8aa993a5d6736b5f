package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"medinventory/assets/i18n"
)

// TempDir is the app's own temp folder, relative to the data dir: the only place whose files the
// app ever deletes on its own (CleanTempFiles).
const TempDir = "photos/tmp"

// CleanTempFiles removes files in the app's temp folder (TempDir) older than minAge milliseconds:
// copies interrupted by a crash. It never looks anywhere else. It returns how many it removed.
func (s *Store) CleanTempFiles(minAge int64) (int, error) {
	dir := filepath.Join(s.dir, filepath.FromSlash(TempDir))
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	cutoff := s.now().UnixMilli() - minAge
	removed := 0
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil || info.ModTime().UnixMilli() > cutoff {
			continue
		}
		if os.Remove(filepath.Join(dir, e.Name())) == nil {
			removed++
		}
	}
	return removed, nil
}

// Adopted is one photo file found in the photos folder that the database did not list.
type Adopted struct {
	Path  string // the file, absolute
	Photo Photo  // set when it was registered again
	Err   error  // why it was left where it is, untouched (it is then only listed)
}

// AdoptPhotoFiles finds photo files in the photos folder that no row names (the database was
// replaced by an older copy, a crash came between storing a file and its row, a backup was
// restored over newer photos) and registers each again, as a new photo named "recovered …"; then
// runs in its transaction as in AddPhoto (the caller queues its analysis there). Files younger than
// minAge milliseconds are left for the next run (an import may be about to commit their row). A
// file whose name is not its content's SHA-256 or that is not a usable image is left untouched and
// reported with Err. Nothing is ever deleted.
func (s *Store) AdoptPhotoFiles(ctx context.Context, minAge int64, then func(tx *sql.Tx, p Photo) error) ([]Adopted, error) {
	known := map[string]bool{}
	rows, err := s.r.QueryContext(ctx, `SELECT sha256 FROM photos`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var sum string
		if err := rows.Scan(&sum); err != nil {
			rows.Close()
			return nil, err
		}
		known[sum] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	root := filepath.Join(s.dir, "photos")
	subs, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	cutoff := s.now().UnixMilli() - minAge
	var out []Adopted
	for _, sub := range subs {
		if !sub.IsDir() || len(sub.Name()) != 2 {
			continue // tmp/ and anything else
		}
		files, err := os.ReadDir(filepath.Join(root, sub.Name()))
		if err != nil {
			continue
		}
		sort.Slice(files, func(i, j int) bool { return files[i].Name() < files[j].Name() })
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			name := f.Name()
			sum, _, _ := strings.Cut(name, ".")
			if !f.Type().IsRegular() || !isStoredPhotoName(name) || known[sum] {
				continue
			}
			info, err := f.Info()
			if err != nil || info.ModTime().UnixMilli() > cutoff {
				continue
			}
			p := filepath.Join(root, sub.Name(), name)
			ph, err := s.adoptOne(ctx, p, sum, then)
			out = append(out, Adopted{Path: p, Photo: ph, Err: err})
		}
	}
	return out, nil
}

func (s *Store) adoptOne(ctx context.Context, path, sum string, then func(*sql.Tx, Photo) error) (Photo, error) {
	f, st, err := OpenRegular(path)
	if err != nil || f == nil {
		return Photo{}, i18n.Errorf("cannot be read: %v", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, &ctxReader{ctx: ctx, r: f}); err != nil {
		return Photo{}, i18n.Errorf("cannot be read: %w", err)
	}
	if hex.EncodeToString(h.Sum(nil)) != sum {
		return Photo{}, i18n.Err("its content does not match its name (damaged?); left as it is")
	}
	head := make([]byte, 64)
	n, _ := f.ReadAt(head, 0)
	format, _ := Sniff(head[:n])
	if format == "" || Extension(format) != filepath.Ext(path) {
		return Photo{}, i18n.Err("not a photo this app stored; left as it is")
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Photo{}, err
	}
	cfg, err := decodeConfig(f, format)
	if err != nil {
		return Photo{}, i18n.Errorf("the photo is damaged (%v); left as it is", err)
	}
	p := Photo{SHA256: sum, StoredPath: filepath.ToSlash(filepath.Join("photos", sum[:2], sum+Extension(format))),
		OriginalName: "recovered " + sum[:8] + Extension(format), Bytes: st.Size(),
		Width: cfg.Width, Height: cfg.Height, Format: format, AddedAt: ms(st.ModTime())}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return Photo{}, s.diskFull(err)
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `INSERT INTO photos(sha256, stored_path, original_name, bytes, width, height, format, added_at)
		VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(sha256) DO NOTHING RETURNING id`,
		p.SHA256, p.StoredPath, p.OriginalName, p.Bytes, p.Width, p.Height, p.Format, p.AddedAt).Scan(&p.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return s.PhotoBySHA(ctx, sum) // added meanwhile by an import
	} else if err != nil {
		return Photo{}, s.diskFull(err)
	}
	if then != nil {
		if err := then(tx, p); err != nil {
			return Photo{}, s.diskFull(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return Photo{}, s.diskFull(err)
	}
	return p, nil
}
