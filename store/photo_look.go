package store

import (
	"context"
	"fmt"

	"medinventory/assets/i18n"
	"medinventory/store/look"
)

// A photo's look is kept in photos.dhash: a BLOB, look.Signature, since the look-alike flag
// compares re-shots turned, re-framed and re-lit (issue 22); rows written before hold the 64-bit
// difference hash (an INTEGER), compared with stock.PhotosLookAlike as before. SQLite keeps a
// BLOB in a column of INTEGER affinity as it is, so no migration was needed.

// SetPhotoLook records a photo's look (look.Signature, computed by the analysis from the image it
// decodes anyway), so that a later photo that looks alike is flagged "probably the same pack".
func (s *Store) SetPhotoLook(ctx context.Context, photoID int64, sig []byte) error {
	if _, err := look.NewMatcher(sig); err != nil {
		return i18n.Errorf("save photo look: %w", err)
	}
	res, err := s.w.ExecContext(ctx, `UPDATE photos SET dhash = ? WHERE id = ?`, sig, photoID)
	if err != nil {
		return i18n.Errorf("save photo look: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrPhotoNotFound
	}
	return nil
}

// photoLook is one photo's stored look: a signature, or an older photo's 64-bit hash.
type photoLook struct {
	sig     []byte
	hash    uint64
	hasHash bool
}

func (l *photoLook) Scan(v any) error {
	switch x := v.(type) {
	case nil:
	case []byte:
		l.sig = append([]byte(nil), x...)
	case int64:
		l.hash, l.hasHash = uint64(x), true
	default:
		return fmt.Errorf("photo look: unexpected %T", v)
	}
	return nil
}

func (l *photoLook) empty() bool { return l.sig == nil && !l.hasHash }
