// Package pipeline is the analyze job: it turns one stored photo into stock lines. It reads the
// photo's barcode locally, looks the product up in the learned catalog, and asks the model
// (package analyzer) only for what is still unknown; the result is written through the store inside
// the job's completion transaction. It is the one place where analyzer, store and jobs meet.
package pipeline

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"medinventory/analyzer"
	"medinventory/analyzer/barcode"
	"medinventory/analyzer/wait"
	"medinventory/jobs"
	"medinventory/store"
	"medinventory/store/fields"
	"medinventory/store/look"
	"medinventory/store/photo/photomem"
)

// Payload is the analyze job's payload.
type Payload struct {
	PhotoID int64 `json:"photo_id"`
}

// Model is what the job handler needs from the OpenAI client (an *analyzer.Client).
type Model interface {
	HasKey() bool
	Config() analyzer.Config
	Analyze(ctx context.Context, up analyzer.Upload, attempt int) (analyzer.Result, analyzer.Usage, error)
}

// HandlerOptions tune the analyze job handler. The zero value is fine.
type HandlerOptions struct {
	// Offline: do only what needs no network (barcodes, the learned catalog); photos that still need
	// the model wait (reason wait.OfflineMode).
	Offline bool
	// JobTimeout bounds one analysis (default 3 minutes), so one bad file never blocks the queue.
	JobTimeout time.Duration
	// BarcodeTimeout bounds the barcode search (default 8 s).
	BarcodeTimeout time.Duration
	// OfflineRecheck is how long a job waits for the network before it is tried again (default 60 s).
	OfflineRecheck time.Duration
	// Concurrency, when > 0, is how many photos may be decoded and prepared at once and, separately,
	// how many model calls may be in flight. Run the job pool with twice as many workers: while some
	// wait for the network, others prepare the next photos, so preparation hides behind the network
	// and memory stays bounded by Concurrency full-size images.
	Concurrency int
	Logger      *slog.Logger
}

// Handler analyses one photo: it reads the photo's barcode locally, looks the product up in the
// learned catalog, and asks the model only for what is still unknown. It implements jobs.Handler.
type Handler struct {
	st    *store.Store
	model func() Model // the current client (settings may replace it)
	opt   HandlerOptions
	log   *slog.Logger
	prep  *limiter // decoding and preparing (memory-heavy, CPU)
	calls *limiter // model calls (network)
}

// NewHandler makes the analyze job handler. model returns the client to use now (it may change
// when the user edits settings).
func NewHandler(st *store.Store, model func() Model, opt HandlerOptions) *Handler {
	if opt.JobTimeout <= 0 {
		opt.JobTimeout = 3 * time.Minute
	}
	if opt.BarcodeTimeout <= 0 {
		opt.BarcodeTimeout = 8 * time.Second
	}
	if opt.OfflineRecheck <= 0 {
		opt.OfflineRecheck = 60 * time.Second
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{st: st, model: model, opt: opt, log: opt.Logger,
		prep: newLimiter(opt.Concurrency, photomem.Budget), calls: newLimiter(opt.Concurrency, 0)}
}

// decodeCost is the memory decoding and searching the stored photo takes (photomem.Cost); a file
// that cannot be read costs the whole budget (it will fail on its own when opened).
func (h *Handler) decodeCost(p store.Photo) int64 {
	f, err := os.Open(h.st.PhotoFile(p))
	if err != nil {
		return photomem.Budget
	}
	defer f.Close()
	return photomem.Cost(f, p.Format, p.Width, p.Height)
}

// admitDecode waits until photo p's decode fits the memory budget beside the decodes in flight
// (or runs alone), then makes room for it in Go's heap (photomem.MakeRoom). The returned func
// releases its share; ctx ending while it waits returns ctx's error.
func (h *Handler) admitDecode(ctx context.Context, p store.Photo) (release func(), err error) {
	cost := h.decodeCost(p)
	release, err = h.prep.acquire(ctx, cost)
	if err == nil {
		photomem.MakeRoom(cost)
	}
	return release, err
}

// saveThumbnail stores the window's thumbnail of the photo, made from this decode (the one decode
// a photo gets), unless it has one; it says whether it stored one. A failure only costs the window
// its picture: it is logged.
func (h *Handler) saveThumbnail(p store.Photo, img image.Image) bool {
	if _, err := os.Stat(store.ThumbFile(h.st.PhotoFile(p))); err == nil {
		return false
	}
	th, err := analyzer.Thumbnail(img, store.ThumbSize)
	if err == nil {
		err = h.st.SaveThumbnail(p, th)
	}
	if err != nil {
		h.log.Warn("thumbnail not saved", "photo", p.ID, "err", err)
		return false
	}
	return true
}

// SetDecodeBudget changes how much memory the photos being decoded may take together (at start:
// photomem.Budget): the app lowers it when the process holds more memory outside the photos, such
// as the window's (photomem.Govern). A photo that alone needs more still runs, alone.
func (h *Handler) SetDecodeBudget(b int64) { h.prep.setBudget(b) }

// SetConcurrency changes Concurrency at run time.
func (h *Handler) SetConcurrency(n int) {
	h.prep.resize(n)
	h.calls.resize(n)
}

// Work implements jobs.Handler. It reads as the steps of one analysis: find the photo, decode it
// (remember how it looks, store its thumbnail), read its barcode, look the product up in the catalog, check that the model can be asked, prepare
// the upload, ask, and record what was found.
func (h *Handler) Work(ctx context.Context, job *jobs.Job, progress func(float64)) (jobs.Commit, error) {
	ctx, cancel := context.WithTimeout(ctx, h.opt.JobTimeout)
	defer cancel()
	r := &run{h: h, job: job}
	if err := r.findPhoto(ctx); err != nil {
		return nil, err
	}
	progress(0.05)
	// Admitted by decoded size: photos decode together only while their pixels fit the budget.
	releasePrep, err := h.admitDecode(ctx, r.photo)
	if err != nil {
		return nil, jobs.RetryableError("The analysis was interrupted; it will be tried again.", 0, err)
	}
	defer releasePrep()
	img, err := r.decode()
	if err != nil {
		return nil, err
	}
	r.saveLook(ctx, img)
	h.saveThumbnail(r.photo, img)
	progress(0.25)
	r.readBarcode(ctx, img)
	progress(0.45)
	if commit, err := r.fromCatalog(ctx); commit != nil || err != nil {
		return commit, err
	}
	m, err := r.model(ctx)
	if err != nil {
		return nil, err
	}
	up, err := analyzer.PrepareUpload(img, m.Config().Detail)
	if err != nil {
		return nil, jobs.PermanentError("The photo could not be prepared for analysis: "+err.Error(), err)
	}
	img = nil // let the full-size image go before the slow network call
	releasePrep()
	progress(0.55)
	res, usage, err := r.ask(ctx, m, up)
	if err != nil {
		return nil, err
	}
	progress(0.9)
	return r.record(res, usage), nil
}

// run is one attempt of the analyze job: what its steps found so far.
type run struct {
	h        *Handler
	job      *jobs.Job
	photo    store.Photo
	code     barcode.GS1
	haveCode bool // the barcode gave a GTIN
}

// findPhoto finds the job's photo in the store.
func (r *run) findPhoto(ctx context.Context) error {
	photoID := r.job.Subject
	if photoID == 0 {
		var p Payload
		if err := json.Unmarshal(r.job.Payload, &p); err != nil || p.PhotoID == 0 {
			return jobs.PermanentError("This task does not name a photo; it cannot run.", err)
		}
		photoID = p.PhotoID
	}
	photo, err := r.h.st.Photo(ctx, photoID)
	if err != nil {
		if store.IsNotFound(err) {
			return jobs.PermanentError("The photo is no longer in the inventory.", err)
		}
		return jobs.RetryableError("The inventory could not be read; trying again.", 0, err)
	}
	r.photo = photo
	return nil
}

// decode opens the stored photo, upright.
func (r *run) decode() (image.Image, error) {
	img, _, err := analyzer.LoadImageFile(r.h.st.PhotoFile(r.photo))
	if err != nil {
		var ie *analyzer.ImageError
		if errors.As(err, &ie) {
			return nil, jobs.PermanentError(ie.Msg, err)
		}
		return nil, jobs.PermanentError("The stored photo cannot be opened: "+err.Error(), err)
	}
	return img, nil
}

// saveLook records the photo's look (look.Signature), so a later photo that looks alike is flagged.
func (r *run) saveLook(ctx context.Context, img image.Image) {
	if err := r.h.st.SetPhotoLook(ctx, r.photo.ID, look.Signature(img)); err != nil {
		r.h.log.Warn("save photo hash", "photo", r.photo.ID, "err", err) // only the look-alike flag is lost
	}
}

// readBarcode reads the photo's barcode locally, within BarcodeTimeout.
func (r *run) readBarcode(ctx context.Context, img image.Image) {
	bctx, bcancel := context.WithTimeout(ctx, r.h.opt.BarcodeTimeout)
	codes, _ := barcode.Read(bctx, img)
	bcancel()
	r.code, r.haveCode = barcode.Best(codes)
	if r.haveCode && r.code.GTIN == "" {
		r.haveCode = false
	}
}

// fromCatalog returns the commit for a product the user already confirmed (no model call), or
// nothing when the barcode names no such product.
func (r *run) fromCatalog(ctx context.Context) (jobs.Commit, error) {
	if !r.haveCode {
		return nil, nil
	}
	prod, err := r.h.st.ProductByGTIN(ctx, r.code.GTIN)
	if store.IsNotFound(err) {
		return nil, nil
	} else if err != nil {
		return nil, jobs.RetryableError("The inventory could not be read; trying again.", 0, err)
	}
	ne := catalogEntry(prod, r.code)
	return r.h.commit(store.Analysis{PhotoID: r.photo.ID, JobID: r.job.ID, Source: store.SourceCatalog,
		ResultJSON: mustJSON(r.code)}, []store.NewEntry{ne}), nil
}

// model returns the client to ask, or the wait error when it cannot be asked now (offline mode, no
// key): then what the barcode says is saved as an entry at once.
func (r *run) model(ctx context.Context) (Model, error) {
	m := r.h.model()
	var waitErr *jobs.Error
	switch {
	case r.h.opt.Offline:
		waitErr = waiting(wait.OfflineMode)
	case m == nil || !m.HasKey():
		waitErr = waiting(wait.NoKey)
	}
	if waitErr == nil {
		return m, nil
	}
	if r.haveCode {
		if err := r.h.saveBarcodeOnly(ctx, r.photo, r.job, r.code); err != nil {
			return nil, jobs.RetryableError("The barcode result could not be saved; trying again.", 0, err)
		}
	}
	return nil, waitErr
}

// ask sends the prepared photo to the model, at most Concurrency calls at once.
func (r *run) ask(ctx context.Context, m Model, up analyzer.Upload) (analyzer.Result, analyzer.Usage, error) {
	releaseCall, err := r.h.calls.acquire(ctx, 0)
	if err != nil {
		return analyzer.Result{}, analyzer.Usage{}, jobs.RetryableError("The analysis was interrupted; it will be tried again.", 0, err)
	}
	res, usage, err := m.Analyze(ctx, up, r.job.Attempt)
	releaseCall()
	if err == nil {
		return res, usage, nil
	}
	err = jobError(err)
	// Whatever went wrong with the model (no key, a refused key, a server error, an answer that
	// cannot be read), what the barcode says is kept as an entry now: the user sees it, and a
	// later answer merges into it.
	if r.haveCode && ctx.Err() == nil {
		if serr := r.h.saveBarcodeOnly(ctx, r.photo, r.job, r.code); serr != nil {
			r.h.log.Warn("save barcode-only entry", "photo", r.photo.ID, "err", serr)
		}
	}
	var je *jobs.Error
	if errors.As(err, &je) && je.Kind == jobs.Waiting {
		if je.RetryAfter == 0 && wait.Reason(je.Reason).Rechecks() {
			je.RetryAfter = r.h.opt.OfflineRecheck
		}
		return res, usage, je
	}
	if ctx.Err() != nil && !errors.As(err, &je) {
		return res, usage, jobs.RetryableError("The analysis took too long; it will be tried again.", 0, err)
	}
	return res, usage, err
}

// record is the commit that saves the model's answer and the stock lines found, merged with the
// barcode's values.
func (r *run) record(res analyzer.Result, usage analyzer.Usage) jobs.Commit {
	found := mergeFindings(res, r.code, r.haveCode)
	resJSON, _ := json.Marshal(res)
	a := store.Analysis{PhotoID: r.photo.ID, JobID: r.job.ID, Source: store.SourceModel, Model: usage.Model,
		PromptVersion: usage.PromptVersion, TokensIn: usage.TokensIn, TokensOut: usage.TokensOut, CostUSD: usage.CostUSD,
		LatencyMS: usage.Latency.Milliseconds(), RawAnswer: usage.RawAnswer, ResultJSON: string(resJSON)}
	if len(found) == 0 {
		switch {
		case res.Refused:
			a.Error = "The model declined to read this photo."
		case res.NotMedicine:
			a.Error = "No medicine was found in this photo."
		default:
			a.Error = "No medicine could be read in this photo."
		}
	}
	return r.h.commit(a, found)
}

// jobError translates the analyzer's verdict (*analyzer.Error: retry, wait, give up) into the job
// queue's (*jobs.Error). Other errors pass unchanged (the queue retries them).
func jobError(err error) error {
	var ae *analyzer.Error
	if !errors.As(err, &ae) {
		return err
	}
	switch ae.Kind {
	case analyzer.Waiting:
		return jobs.WaitingError(string(ae.Reason), ae.Msg, ae.RetryAfter, ae.Err)
	case analyzer.Permanent:
		return jobs.PermanentError(ae.Msg, ae.Err)
	}
	return jobs.RetryableError(ae.Msg, ae.RetryAfter, ae.Err)
}

// waiting is the error for a job that waits for r, in r's own words.
func waiting(r wait.Reason) *jobs.Error {
	return jobs.WaitingError(string(r), r.Message(), 0, nil)
}

func (h *Handler) commit(a store.Analysis, found []store.NewEntry) jobs.Commit {
	return func(ctx context.Context, tx *sql.Tx) error {
		_, _, err := h.st.SaveAnalysisTx(ctx, tx, a, found)
		return err
	}
}

// saveBarcodeOnly records what the barcode says as an entry right away (once per photo), so the
// user sees it while the photo waits for the model.
func (h *Handler) saveBarcodeOnly(ctx context.Context, photo store.Photo, job *jobs.Job, code barcode.GS1) error {
	existing, err := h.st.Analyses(ctx, photo.ID)
	if err != nil {
		return err
	}
	for _, a := range existing {
		if a.Source == store.SourceBarcode || a.Source == store.SourceCatalog {
			return nil // already done on an earlier attempt
		}
	}
	tx, err := h.st.DB().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ne := barcodeEntry(code)
	ne.ReviewNote = joinNotes("Read from the barcode only; the name and strength will be filled in when the photo is analysed.", ne.ReviewNote)
	if _, _, err := h.st.SaveAnalysisTx(ctx, tx, store.Analysis{PhotoID: photo.ID, Source: store.SourceBarcode,
		ResultJSON: mustJSON(code)}, []store.NewEntry{ne}); err != nil {
		return err
	}
	return tx.Commit()
}

func barcodeEntry(code barcode.GS1) store.NewEntry {
	ne := store.NewEntry{Sources: map[string]string{}}
	set := func(f, v string, dst *string) {
		if v != "" {
			*dst = v
			ne.Sources[f] = store.SourceBarcode
		}
	}
	set("gtin", code.GTIN, &ne.GTIN)
	set("lot", code.Lot, &ne.Lot)
	set("expiry", code.Expiry, &ne.Expiry)
	set("serial", code.Serial, &ne.Serial)
	set("unit", countText(code), &ne.Unit)
	ne.ReviewNote = codeNotes(code)
	return ne
}

// countText is the barcode's GS1 count of items, (30) or (37), as a pack's contents ("30"): the
// store reads it as the pack size when the model read none (issue 27); "" when there is none.
func countText(code barcode.GS1) string {
	if code.Count == nil || *code.Count < 1 {
		return ""
	}
	return strconv.FormatInt(*code.Count, 10)
}

// codeNotes is what the barcode's reading asks the reviewer to check (a date that is not a date).
func codeNotes(code barcode.GS1) string {
	var out []string
	for _, n := range code.Notes {
		out = append(out, "Check the pack: "+n+".")
	}
	return strings.Join(out, " ")
}

// joinNotes joins review notes with a space, leaving out empty ones.
func joinNotes(notes ...string) string {
	var out []string
	for _, n := range notes {
		if n != "" {
			out = append(out, n)
		}
	}
	return strings.Join(out, " ")
}

func catalogEntry(p store.Product, code barcode.GS1) store.NewEntry {
	ne := barcodeEntry(code)
	ne.ProductID = p.ID
	for i := range fields.All {
		f := &fields.All[i]
		if v := f.Get(&p.Values); f.Catalog && f.Name != "gtin" && v != "" {
			f.Set(&ne.Values, v)
			ne.Sources[f.Name] = store.SourceCatalog
		}
	}
	ne.ReviewNote = joinNotes("Recognised from its barcode (a product you confirmed before); no online analysis was needed.", ne.ReviewNote)
	return ne
}

// mergeFindings turns the model's medicines into entries, with the barcode's values winning for
// GTIN, lot and expiry on the medicine the barcode belongs to. A disagreement is kept as a review
// note, since it is itself something a reviewer needs to see.
func mergeFindings(res analyzer.Result, code barcode.GS1, haveCode bool) []store.NewEntry {
	var out []store.NewEntry
	target := -1
	if haveCode {
		for i, m := range res.Medicines {
			if m.GTIN != "" && m.GTIN == code.GTIN {
				target = i
			}
		}
		if target < 0 && len(res.Medicines) == 1 {
			target = 0
		}
	}
	for i, m := range res.Medicines {
		ne := store.NewEntry{Values: m.Values, Sources: map[string]string{}}
		for _, f := range store.EntryFields {
			if v := ne.Get(f); v != "" {
				ne.Sources[f] = store.SourceModel
			}
		}
		var notes []string
		if i == target {
			for _, fv := range []struct {
				field, label, model, code string
				dst                       *string
			}{
				{"gtin", "GTIN", m.GTIN, code.GTIN, &ne.GTIN},
				{"lot", "lot", m.Lot, code.Lot, &ne.Lot},
				{"expiry", "expiry", m.Expiry, code.Expiry, &ne.Expiry},
				{"serial", "serial", m.Serial, code.Serial, &ne.Serial},
			} {
				if fv.code == "" {
					continue // a value the barcode lacks never blanks the model's
				}
				if fv.model != "" && !strings.EqualFold(fv.model, fv.code) {
					notes = append(notes, fmt.Sprintf("The photo reads the %s as %q but the barcode says %q; the barcode's value is kept.", fv.label, fv.model, fv.code))
				}
				*fv.dst = fv.code
				ne.Sources[fv.field] = store.SourceBarcode
			}
			if c := countText(code); c != "" && m.Unit == "" { // the pack's count when the model read no contents
				ne.Unit, ne.Sources["unit"] = c, store.SourceBarcode
			}
			if n := codeNotes(code); n != "" {
				notes = append(notes, n)
			}
		}
		if low := lowConfidence(m, ne.Sources); low != "" {
			notes = append(notes, "Check "+low+noteUnsure)
		}
		ne.ReviewNote = strings.Join(notes, " ")
		out = append(out, ne)
	}
	if haveCode && target < 0 {
		// The barcode matches none of the medicines the model saw (or it saw none): keep it as its own line.
		ne := barcodeEntry(code)
		if len(res.Medicines) > 0 {
			ne.ReviewNote = joinNotes("A barcode in this photo matches none of the medicines read from it.", ne.ReviewNote)
		} else {
			ne.ReviewNote = joinNotes("Only the barcode could be read in this photo.", ne.ReviewNote)
		}
		out = append(out, ne)
	}
	if len(res.Notes) > 0 && len(out) > 0 {
		extra := strings.Join(res.Notes, " ")
		if out[0].ReviewNote != "" {
			extra = out[0].ReviewNote + " " + extra
		}
		out[0].ReviewNote = extra
	}
	return out
}

// lowConfidence lists the fields the model was unsure of, leaving out those whose value came from
// the barcode (what the model thought of them no longer matters).
// noteUnsure ends the review note about fields the photo reader was unsure of, in plain words.
const noteUnsure = " against the package: the photo was hard to read there."

func lowConfidence(m analyzer.Medicine, sources map[string]string) string {
	var low []string
	for _, f := range []string{"name", "strength", "lot", "expiry"} {
		if sources[f] == store.SourceBarcode {
			continue
		}
		if c, ok := m.Confidence[f]; ok && c < 0.5 {
			low = append(low, f)
		}
	}
	return strings.Join(low, ", ")
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
