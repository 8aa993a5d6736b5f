package store

// Look-alikes: a photo whose receipt may show a pack already counted. similarPhotoTx flags a new
// photo's receipt when it looks like one added shortly before (store/look, or the older difference
// hash) and the serials do not prove other packs; clearDisprovedLookAlikesTx settles such flags once
// the earlier photo's serial is known (photos are analysed in any order).

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/look"
	"medinventory/store/stock"
)

// similarPhoto is a photo that looks like another, added ago before it.
type similarPhoto struct {
	id   int64
	name string
	ago  time.Duration
}

// similarPhotoTx finds a photo added within stock.SimilarPhotoWindow before this one that looks
// alike (look.Matcher; for photos analysed by older versions, their difference hashes); id 0 when
// none (or this photo's look is unknown). The latest such photo is named. A photo whose entries
// read other GTINs than this one's (both read one) shows another product and is not compared; a
// photo whose entries' serials prove it shows other packs than pack (stock.SerialsProveDifferent)
// is passed over.
func similarPhotoTx(ctx context.Context, tx *sql.Tx, photoID int64, pack stock.Pack) (similarPhoto, error) {
	var h photoLook
	var added int64
	if err := tx.QueryRowContext(ctx, `SELECT dhash, added_at FROM photos WHERE id = ?`, photoID).Scan(&h, &added); err != nil {
		return similarPhoto{}, i18n.Errorf("read photo: %w", err)
	}
	if h.empty() {
		return similarPhoto{}, nil
	}
	var m *look.Matcher // made at the first earlier photo with a look (it costs ~40 ms)
	// Photos whose barcodes read different GTINs show different products, however alike they look
	// (close-ups of barcodes all look alike): they are not compared.
	rows, err := tx.QueryContext(ctx, `SELECT id, original_name, dhash, added_at FROM photos p
		WHERE dhash IS NOT NULL AND id <> ?1 AND added_at >= ?2 AND (added_at < ?3 OR (added_at = ?3 AND id < ?1))
		AND NOT (EXISTS (SELECT 1 FROM entries a WHERE a.photo_id = ?1 AND a.gtin <> '' AND a.deleted_at IS NULL)
			AND EXISTS (SELECT 1 FROM entries b WHERE b.photo_id = p.id AND b.gtin <> '' AND b.deleted_at IS NULL)
			AND NOT EXISTS (SELECT 1 FROM entries a JOIN entries b ON b.gtin = a.gtin
				WHERE a.photo_id = ?1 AND b.photo_id = p.id AND a.gtin <> '' AND a.deleted_at IS NULL AND b.deleted_at IS NULL))
		ORDER BY added_at DESC, id DESC`, photoID, added-stock.SimilarPhotoWindow.Milliseconds(), added)
	if err != nil {
		return similarPhoto{}, i18n.Errorf("find similar photos: %w", err)
	}
	var alike []similarPhoto
	for rows.Next() {
		var oid, oadded int64
		var oname string
		var o photoLook
		if err := rows.Scan(&oid, &oname, &o, &oadded); err != nil {
			rows.Close()
			return similarPhoto{}, err
		}
		like := false
		switch {
		case h.sig != nil && o.sig != nil:
			if m == nil {
				if m, err = look.NewMatcher(h.sig); err != nil {
					rows.Close()
					return similarPhoto{}, nil // a look this version cannot read: no flag
				}
			}
			like = m.Like(o.sig)
		case h.hasHash && o.hasHash:
			like = stock.PhotosLookAlike(h.hash, o.hash)
		}
		if like {
			alike = append(alike, similarPhoto{oid, oname, time.Duration(added-oadded) * time.Millisecond})
			if !pack.Known() {
				break // the nearest is the one
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return similarPhoto{}, err
	}
	for _, sp := range alike {
		if pack.Known() {
			others, err := photoPacksTx(ctx, tx, sp.id)
			if err != nil {
				return similarPhoto{}, err
			}
			if stock.SerialsProveDifferent(pack, others) {
				continue
			}
		}
		return sp, nil
	}
	return similarPhoto{}, nil
}

// photoPacksTx lists the packs (GTIN and serial) a photo's entries show.
func photoPacksTx(ctx context.Context, tx *sql.Tx, photoID int64) ([]stock.Pack, error) {
	rows, err := tx.QueryContext(ctx, `SELECT gtin, serial FROM entries WHERE photo_id = ? AND deleted_at IS NULL`, photoID)
	if err != nil {
		return nil, i18n.Errorf("read the photo's packs: %w", err)
	}
	defer rows.Close()
	var out []stock.Pack
	for rows.Next() {
		var p stock.Pack
		if err := rows.Scan(&p.GTIN, &p.Serial); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// SetPhotoHash records a photo's 64-bit difference hash, as release 0.1's analysis did (the
// analysis now records the photo's look: SetPhotoLook); such photos are compared by their hashes.
func (s *Store) SetPhotoHash(ctx context.Context, photoID int64, hash uint64) error {
	res, err := s.w.ExecContext(ctx, `UPDATE photos SET dhash = ? WHERE id = ?`, int64(hash), photoID)
	if err != nil {
		return i18n.Errorf("save photo hash: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrPhotoNotFound
	}
	return nil
}

// clearDisprovedLookAlikesTx unflags the pending receipts of later photos flagged as looking like
// e's photo when the serials settle it: they prove the packs differ, or the flagged receipt's pack
// is the one e's photo shows and e's photo counts it not (one pack, one receipt: the serial rule
// already counts it once). Photos are analysed in any order: a later photo whose analysis
// committed first was compared with this photo before its serial was known.
func clearDisprovedLookAlikesTx(ctx context.Context, tx *sql.Tx, e Entry) error {
	rows, err := tx.QueryContext(ctx, `SELECT m.id, m.quantity, x.id, x.gtin, x.serial, x.review_note, p.original_name FROM movements m
		JOIN entries x ON x.receipt_id = m.id JOIN photos p ON p.id = m.similar_photo_id
		WHERE m.similar_photo_id = ? AND m.status = 'pending' AND x.deleted_at IS NULL`, e.PhotoID)
	if err != nil {
		return i18n.Errorf("find look-alikes of photo %d: %w", e.PhotoID, err)
	}
	type flagged struct {
		receipt, qty, entry int64
		pack                stock.Pack
		note, name          string
	}
	var fs []flagged
	for rows.Next() {
		var f flagged
		if err := rows.Scan(&f.receipt, &f.qty, &f.entry, &f.pack.GTIN, &f.pack.Serial, &f.note, &f.name); err != nil {
			rows.Close()
			return err
		}
		fs = append(fs, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(fs) == 0 {
		return err
	}
	// What e's photo shows: each entry's pack, and whether its receipt counts it.
	type shown struct {
		pack    stock.Pack
		counted bool
	}
	var packs []stock.Pack
	var shows []shown
	rows, err = tx.QueryContext(ctx, `SELECT e.gtin, e.serial, COALESCE(m.status IN ('pending', 'confirmed'), 0) FROM entries e
		LEFT JOIN movements m ON m.id = e.receipt_id WHERE e.photo_id = ? AND e.deleted_at IS NULL`, e.PhotoID)
	if err != nil {
		return i18n.Errorf("read the photo's packs: %w", err)
	}
	for rows.Next() {
		var sh shown
		if err := rows.Scan(&sh.pack.GTIN, &sh.pack.Serial, &sh.counted); err != nil {
			rows.Close()
			return err
		}
		shows, packs = append(shows, sh), append(packs, sh.pack)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	settled := func(f flagged) bool {
		if !f.pack.Known() {
			return false
		}
		if stock.SerialsProveDifferent(f.pack, packs) {
			return true
		}
		if f.qty > 1 { // one of its packs may be the one this photo's entry counts: a person decides
			return false
		}
		for _, sh := range shows {
			if !sh.pack.Known() || sh.counted {
				return false
			}
		}
		return true // the same pack, counted by the flagged receipt alone
	}
	for _, f := range fs {
		if !settled(f) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE movements SET similar_photo_id = NULL WHERE id = ? AND status = 'pending'`, f.receipt); err != nil {
			return i18n.Errorf("unflag receipt %d: %w", f.receipt, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE entries SET review_note = ? WHERE id = ?`, withoutLookAlikeNote(f.note, f.name), f.entry); err != nil {
			return i18n.Errorf("update review note: %w", err)
		}
	}
	return nil
}

// lookAlikeNote is the review note of a receipt flagged as looking like photo name, added ago
// before it.
func lookAlikeNote(name string, ago time.Duration) string {
	return fmt.Sprintf("This photo looks like %q, added %s before it: probably the same pack. Confirming it asks whether it is the same pack or a new one, so it is not counted twice.",
		name, agoWords(ago))
}

// withoutLookAlikeNote removes the look-alike sentence about photo name from a review note.
func withoutLookAlikeNote(note, name string) string {
	start := strings.Index(note, fmt.Sprintf("This photo looks like %q, added ", name))
	if start < 0 {
		return note
	}
	const tail = "so it is not counted twice."
	end := strings.Index(note[start:], tail)
	if end < 0 {
		return note
	}
	return strings.TrimSpace(strings.TrimSpace(note[:start]) + " " + strings.TrimSpace(note[start+end+len(tail):]))
}
