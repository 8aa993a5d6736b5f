package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/fields"
)

// Analysis is the record of one look at a photo: a model's answer, a barcode read, or a catalog hit.
type Analysis struct {
	ID            int64
	PhotoID       int64
	JobID         int64 // 0: not from a job
	Source        string
	Model         string
	PromptVersion string
	TokensIn      int64
	TokensOut     int64
	CostUSD       float64
	LatencyMS     int64
	RawAnswer     string
	ResultJSON    string
	Error         string
	CreatedAt     int64
}

// NewEntry is a stock line found in a photo, before it is saved. Empty strings are "not known".
type NewEntry struct {
	ProductID  int64
	PhotoID    int64
	AnalysisID int64
	Values                       // the medicine fields (fields.All); Get and Set reach them by name
	Sources    map[string]string // field -> barcode|model|catalog|user
	ReviewNote string
}

// InsertEntryTx adds a stock line inside the caller's transaction, with status "needs review".
func (s *Store) InsertEntryTx(ctx context.Context, tx *sql.Tx, n NewEntry) (int64, error) {
	if n.Sources == nil {
		n.Sources = map[string]string{}
	}
	src, _ := json.Marshal(n.Sources)
	now := ms(s.now())
	args := append([]any{nullID(n.ProductID), nullID(n.PhotoID), nullID(n.AnalysisID)}, fieldArgs(&n.Values, nil)...)
	args = append(args, string(src), n.ReviewNote, now, now)
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO entries(product_id, photo_id, analysis_id, `+fieldCols("", nil, "")+`,
		status, field_sources, review_note, created_at, updated_at)
		VALUES (?,?,?,`+placeholders(len(fields.All))+`,'needs_review',?,?,?,?) RETURNING id`, args...).Scan(&id)
	if err != nil {
		return 0, i18n.Errorf("save entry: %w", err)
	}
	return id, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// SaveAnalysisTx records an analysis of a photo and the stock lines found in it, inside the
// caller's transaction (the jobs package commits it together with the job's completion, so a crash
// leaves either both or neither).
//
// When the photo already has entries (for instance from an earlier barcode-only pass made
// offline), the new findings are merged into them instead of adding duplicates:
//   - a value typed by the user is never overwritten;
//   - a value read from the barcode is never replaced by a model's reading (a disagreement is noted
//     in the entry's review note);
//   - an empty value never blanks one already there.
//
// Every change made by a merge is recorded in the entry's history.
func (s *Store) SaveAnalysisTx(ctx context.Context, tx *sql.Tx, a Analysis, found []NewEntry) (analysisID int64, entryIDs []int64, err error) {
	if a.CreatedAt == 0 {
		a.CreatedAt = ms(s.now())
	}
	if a.Source == "" {
		a.Source = SourceModel
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO analyses(photo_id, job_id, source, model, prompt_version, tokens_in, tokens_out,
		cost_usd, latency_ms, raw_answer, result_json, error, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id`,
		a.PhotoID, nullID(a.JobID), a.Source, a.Model, a.PromptVersion, a.TokensIn, a.TokensOut, a.CostUSD, a.LatencyMS,
		a.RawAnswer, a.ResultJSON, a.Error, a.CreatedAt).Scan(&analysisID)
	if err != nil {
		return 0, nil, i18n.Errorf("save analysis: %w", err)
	}
	existing, err := entriesForPhotoTx(ctx, tx, a.PhotoID)
	if err != nil {
		return 0, nil, err
	}
	used := map[int64]bool{}
	for _, n := range found {
		n.PhotoID = a.PhotoID
		n.AnalysisID = analysisID
		if n.Sources == nil {
			n.Sources = map[string]string{}
		}
		if match := matchEntry(existing, used, n, len(found)); match != nil {
			used[match.ID] = true
			if err := s.mergeTx(ctx, tx, *match, n); err != nil {
				return 0, nil, err
			}
			entryIDs = append(entryIDs, match.ID)
			continue
		}
		id, err := s.InsertEntryTx(ctx, tx, n)
		if err != nil {
			return 0, nil, err
		}
		entryIDs = append(entryIDs, id)
	}
	for _, id := range entryIDs {
		if err := s.syncEntryStockAfterAnalysisTx(ctx, tx, id); err != nil {
			return 0, nil, err
		}
	}
	return analysisID, entryIDs, nil
}

// matchEntry picks the existing entry of the photo that a new finding describes: the one with the
// same GTIN, else (when the photo has one entry and one finding) that entry.
func matchEntry(existing []Entry, used map[int64]bool, n NewEntry, nFound int) *Entry {
	for i := range existing {
		e := &existing[i]
		if !used[e.ID] && e.GTIN != "" && e.GTIN == n.GTIN {
			return e
		}
	}
	if len(existing) == 1 && nFound == 1 && !used[existing[0].ID] {
		e := &existing[0]
		if e.GTIN == "" || n.GTIN == "" || e.GTIN == n.GTIN {
			return e
		}
	}
	return nil
}

func (s *Store) mergeTx(ctx context.Context, tx *sql.Tx, cur Entry, n NewEntry) error {
	now := ms(s.now())
	var notes []string
	if cur.ReviewNote != "" {
		notes = append(notes, cur.ReviewNote)
	}
	if n.ReviewNote != "" && !strings.Contains(cur.ReviewNote, n.ReviewNote) {
		notes = append(notes, n.ReviewNote)
	}
	changed := false
	for _, f := range EntryFields {
		nv := n.Get(f)
		if nv == "" {
			continue // never blank a value
		}
		old := cur.Get(f)
		if old == nv {
			continue
		}
		curSrc, newSrc := cur.Sources[f], n.Sources[f]
		if curSrc == SourceUser {
			continue // the user's word stands
		}
		if old != "" && curSrc == SourceBarcode && newSrc != SourceBarcode {
			notes = append(notes, fmt.Sprintf("The photo reads %s as %q but the barcode says %q; the barcode's value is kept.", strings.ReplaceAll(f, "_", " "), nv, old))
			continue
		}
		fd, _ := fields.ByName(f)
		if _, err := tx.ExecContext(ctx, "UPDATE entries SET "+f+" = ? WHERE id = ?", fd.SQL(nv), cur.ID); err != nil {
			return err
		}
		src := newSrc
		if src == "" {
			src = SourceModel
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO edits(entry_id, field, old_value, new_value, source, at) VALUES (?,?,?,?,?,?)`,
			cur.ID, f, old, nv, src, now); err != nil {
			return err
		}
		cur.Sources[f] = src
		changed = true
	}
	note := strings.Join(notes, " ")
	if changed || note != cur.ReviewNote {
		srcJSON, _ := json.Marshal(cur.Sources)
		if _, err := tx.ExecContext(ctx, `UPDATE entries SET field_sources = ?, review_note = ?, analysis_id = COALESCE(?, analysis_id),
			product_id = COALESCE(product_id, ?), updated_at = ? WHERE id = ?`,
			string(srcJSON), note, nullID(n.AnalysisID), nullID(n.ProductID), now, cur.ID); err != nil {
			return err
		}
	}
	return nil
}

func entriesForPhotoTx(ctx context.Context, tx *sql.Tx, photoID int64) ([]Entry, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+entryCols+entryFrom+" WHERE e.photo_id = ? AND e.deleted_at IS NULL ORDER BY e.id", photoID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Analyses returns the analyses of a photo, oldest first.
func (s *Store) Analyses(ctx context.Context, photoID int64) ([]Analysis, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, photo_id, COALESCE(job_id,0), source, model, prompt_version, tokens_in, tokens_out,
		cost_usd, latency_ms, raw_answer, result_json, error, created_at FROM analyses WHERE photo_id = ? ORDER BY id`, photoID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Analysis
	for rows.Next() {
		var a Analysis
		if err := rows.Scan(&a.ID, &a.PhotoID, &a.JobID, &a.Source, &a.Model, &a.PromptVersion, &a.TokensIn, &a.TokensOut,
			&a.CostUSD, &a.LatencyMS, &a.RawAnswer, &a.ResultJSON, &a.Error, &a.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Product is a product in the learned catalog. Of its Values, only the fields marked Catalog in the
// field table (fields.All) are kept.
type Product struct {
	ID int64
	Values
	Confirmed bool
}

// ProductByGTIN returns the catalog's product for a GTIN (14 digits) that a user has confirmed,
// or an error matching ErrNotFound.
func (s *Store) ProductByGTIN(ctx context.Context, gtin string) (Product, error) {
	var p Product
	vals, setVals := fieldScan(&p.Values, catalogFields)
	err := s.r.QueryRowContext(ctx, `SELECT id, `+fieldCols("", catalogFields, "COALESCE(%s,'')")+`, confirmed
		FROM products WHERE gtin = ? AND confirmed = 1`, gtin).Scan(append(append([]any{&p.ID}, vals...), &p.Confirmed)...)
	if err == nil {
		setVals()
	}
	return p, orNotFound(err, errNoCatalogProduct)
}

// Usage is what analyses cost over a period.
type Usage struct {
	Requests  int64 // model analyses (barcode and catalog ones cost nothing)
	TokensIn  int64
	TokensOut int64
	CostUSD   float64
}

// UsageBetween totals the model analyses made in [from, to).
func (s *Store) UsageBetween(ctx context.Context, from, to time.Time) (Usage, error) {
	var u Usage
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(tokens_in),0), COALESCE(SUM(tokens_out),0), COALESCE(SUM(cost_usd),0)
		FROM analyses WHERE source = 'model' AND created_at >= ? AND created_at < ?`, ms(from), ms(to)).Scan(&u.Requests, &u.TokensIn, &u.TokensOut, &u.CostUSD)
	return u, err
}

// UsageToday totals today's model analyses (local time).
func (s *Store) UsageToday(ctx context.Context) (Usage, error) {
	now := s.now()
	start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	return s.UsageBetween(ctx, start, start.AddDate(0, 0, 1))
}
