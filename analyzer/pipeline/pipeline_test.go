package pipeline_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"medinventory/analyzer"
	"medinventory/analyzer/openaitest"
	"medinventory/analyzer/pipeline"
	"medinventory/jobs"
	"medinventory/store"
	"medinventory/store/storetest"
)

// photoWithCode writes a 800×600 photo-like JPEG with the zint symbol pasted at 6 px per module
// (seed varies the background, so photos differ). The size is not what these tests are about, and a
// quarter of a phone photo's pixels makes each decode, barcode read and upload a quarter of the work;
// fullPhotoWithCode keeps the 1600×1200 case.
func photoWithCode(t *testing.T, path, symbol string, seed int64) {
	t.Helper()
	writePhoto(t, path, photoKey{symbol: symbol, seed: seed, w: 800, h: 600})
}

// fullPhotoWithCode writes the 1600×1200 photo: a phone photo's size, as the window receives it.
func fullPhotoWithCode(t *testing.T, path, symbol string, seed int64) {
	t.Helper()
	writePhoto(t, path, photoKey{symbol: symbol, seed: seed, w: 1600, h: 1200})
}

// noisyPhoto draws the noisy background of photoWithCode and pastes the symbol in its middle.
func noisyPhoto(t *testing.T, k photoKey) image.Image {
	t.Helper()
	r := rand.New(rand.NewSource(k.seed))
	img := image.NewRGBA(image.Rect(0, 0, k.w, k.h))
	for y := 0; y < k.h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+4*k.w]
		for x := 0; x < len(row); x += 4 {
			v := uint8(200 + r.Intn(40))
			row[x], row[x+1], row[x+2], row[x+3] = v, v, v-20, 255
		}
	}
	pasteCode(t, img, k.symbol, k.w*7/16, k.h*5/12)
	return img
}

// pasteCode pastes a zint symbol from ../barcode/testdata at (x0, y0), scaled to 6 px per module
// (zint --scale=1 is 2 px per module), on a white quiet zone.
func pasteCode(t *testing.T, img *image.RGBA, symbol string, x0, y0 int) {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "barcode", "testdata", symbol))
	if err != nil {
		t.Fatal(err)
	}
	sym, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	const scale = 3
	b := sym.Bounds()
	draw.Draw(img, image.Rect(x0-40, y0-40, x0+b.Dx()*scale+40, y0+b.Dy()*scale+40), image.White, image.Point{}, draw.Src)
	for y := 0; y < b.Dy()*scale; y++ {
		for x := 0; x < b.Dx()*scale; x++ {
			img.Set(x0+x, y0+y, sym.At(b.Min.X+x/scale, b.Min.Y+y/scale))
		}
	}
}

func saveJPEG(t *testing.T, path string, img image.Image, quality int) {
	t.Helper()
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := jpeg.Encode(out, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
}

type fixture struct {
	st  *store.Store
	srv *openaitest.Server
	h   *pipeline.Handler
	cl  *analyzer.Client
}

func newFixture(t *testing.T, key string, offline bool) *fixture {
	t.Helper()
	st := storetest.Open(t, store.Options{})
	srv := openaitest.NewServer(t)
	if key != "" {
		key = srv.Key()
	}
	cl := analyzer.NewClient(analyzer.Config{APIKey: key, BaseURL: srv.URL(), Model: "gpt-4.1-mini"})
	f := &fixture{st: st, srv: srv, cl: cl}
	f.h = pipeline.NewHandler(st, func() pipeline.Model { return f.cl }, pipeline.HandlerOptions{Offline: offline})
	return f
}

// run adds the photo and runs the handler once, committing its result like the pool does.
func (f *fixture) run(t *testing.T, path string) (store.Photo, error) {
	t.Helper()
	ctx := context.Background()
	res, err := f.st.AddPhoto(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(pipeline.Payload{PhotoID: res.Photo.ID})
	commit, err := f.h.Work(ctx, &jobs.Job{ID: 0, Kind: pipeline.Kind, Payload: payload, Subject: res.Photo.ID, Attempt: 1}, func(float64) {})
	if err != nil {
		return res.Photo, err
	}
	tx, err := f.st.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if commit != nil {
		if err := commit(ctx, tx); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return res.Photo, nil
}

func answer(name, gtin, lot, expiry string, unsure ...string) openaitest.Reply {
	conf := map[string]float64{}
	for _, f := range analyzer.MedicineFields {
		conf[f] = 0.9
	}
	for _, f := range unsure {
		conf[f] = 0.2
	}
	var g, l any
	if gtin != "" {
		g = gtin
	}
	if lot != "" {
		l = lot
	}
	return openaitest.AnswerJSON(map[string]any{"not_medicine": false, "note": nil, "medicines": []any{map[string]any{
		"name": name, "generic_name": "paracetamol", "strength": "500 mg", "dosage_form": "tablet", "manufacturer": "Acme",
		"gtin": g, "lot": l, "expiry": expiry, "quantity": 1, "pack_size": "20 tablets", "confidence": conf}}})
}

func TestBarcodeWinsAndDisagreementNoted(t *testing.T) {
	f := newFixture(t, "sk-test-key-123456", false)
	// The symbol says GTIN 09506000134352, expiry 2027-12-31, lot AB-1234; the model misreads the lot.
	f.srv.Enqueue(answer("Panadol", "", "A8-1234", "12/2027"))
	p := filepath.Join(t.TempDir(), "pack.jpg")
	fullPhotoWithCode(t, p, "dm_full.png", 1) // the one phone-sized photo: the barcode is read at full size
	photo, err := f.run(t, p)
	if err != nil {
		t.Fatal(err)
	}
	es, _ := f.st.EntriesForPhoto(context.Background(), photo.ID)
	if len(es) != 1 {
		t.Fatalf("%d entries", len(es))
	}
	e := es[0]
	if e.GTIN != "09506000134352" || e.Lot != "AB-1234" || e.Expiry != "2027-12-31" || e.Name != "Panadol" {
		t.Fatalf("entry %+v", e)
	}
	if e.Sources["lot"] != store.SourceBarcode || e.Sources["name"] != store.SourceModel {
		t.Fatalf("sources %v", e.Sources)
	}
	if !strings.Contains(e.ReviewNote, "A8-1234") || !strings.Contains(e.ReviewNote, "barcode") {
		t.Fatalf("review note %q", e.ReviewNote)
	}
	if e.Serial != "SN00012345" || e.Sources["serial"] != store.SourceBarcode || e.Notes != "" {
		t.Fatalf("serial %q (source %q), notes %q; want the barcode's serial in its own field", e.Serial, e.Sources["serial"], e.Notes)
	}
}

// The model is unsure of the lot, the expiry and the strength; the barcode gave the lot and the
// expiry, so only the strength is left for the reviewer to check.
func TestUnsureNoteLeavesOutBarcodeValues(t *testing.T) {
	f := newFixture(t, "sk-test-key-123456", false)
	f.srv.Enqueue(answer("Panadol", "", "AB-1234", "12/2027", "lot", "expiry", "strength"))
	p := filepath.Join(t.TempDir(), "pack.jpg")
	photoWithCode(t, p, "dm_full.png", 1)
	photo, err := f.run(t, p)
	if err != nil {
		t.Fatal(err)
	}
	es, _ := f.st.EntriesForPhoto(context.Background(), photo.ID)
	if len(es) != 1 || es[0].Sources["lot"] != store.SourceBarcode {
		t.Fatalf("entries %+v", es)
	}
	if note := es[0].ReviewNote; note != "Check strength against the package: the photo was hard to read there." {
		t.Fatalf("review note %q", note)
	}
}

func TestKnownProductNeedsNoModel(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "sk-test-key-123456", false)
	f.srv.Enqueue(answer("Panadol", "09506000134352", "AB-1234", "12/2027"))
	dir := t.TempDir()
	p1 := filepath.Join(dir, "first.jpg")
	photoWithCode(t, p1, "dm_full.png", 1)
	photo, err := f.run(t, p1)
	if err != nil {
		t.Fatal(err)
	}
	es, _ := f.st.EntriesForPhoto(ctx, photo.ID)
	if _, err := f.st.ConfirmEntry(ctx, es[0].ID); err != nil {
		t.Fatal(err)
	}
	before := f.srv.Count()
	p2 := filepath.Join(dir, "second.jpg")
	photoWithCode(t, p2, "dm_full.png", 2) // the same product, another photo
	photo2, err := f.run(t, p2)
	if err != nil {
		t.Fatal(err)
	}
	if f.srv.Count() != before {
		t.Fatalf("a known product was sent to the model (%d → %d requests)", before, f.srv.Count())
	}
	es2, _ := f.st.EntriesForPhoto(ctx, photo2.ID)
	if len(es2) != 1 || es2[0].Name != "Panadol" || es2[0].Sources["name"] != store.SourceCatalog || es2[0].Status != store.StatusNeedsReview {
		t.Fatalf("catalog entry %+v", es2)
	}
	as, _ := f.st.Analyses(ctx, photo2.ID)
	if len(as) != 1 || as[0].Source != store.SourceCatalog || as[0].TokensIn != 0 {
		t.Fatalf("analyses %+v", as)
	}
}

func TestNoKeyBarcodeEntryAtOnceThenModelFillsIn(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", false)
	// A local server needs no key, so aim the keyless client at OpenAI's address: it must not send anything.
	f.cl = analyzer.NewClient(analyzer.Config{APIKey: "", BaseURL: "https://api.openai.com/v1", Model: "gpt-4.1-mini"})
	p := filepath.Join(t.TempDir(), "pack.jpg")
	photoWithCode(t, p, "dm_full.png", 3)
	photo, err := f.run(t, p)
	var je *jobs.Error
	if !errors.As(err, &je) || je.Kind != jobs.Waiting || je.Reason != "no_key" {
		t.Fatalf("err = %v; want waiting no_key", err)
	}
	es, _ := f.st.EntriesForPhoto(ctx, photo.ID)
	if len(es) != 1 || es[0].GTIN != "09506000134352" || es[0].Expiry != "2027-12-31" || es[0].Name != "" {
		t.Fatalf("barcode-only entry %+v", es)
	}
	// The user types the name meanwhile; it must survive the model's later answer.
	if _, err := f.st.UpdateEntry(ctx, es[0].ID, map[string]string{"name": "My name", "location": "Cupboard 3"}); err != nil {
		t.Fatal(err)
	}
	// A second waiting attempt does not add another entry.
	payload, _ := json.Marshal(pipeline.Payload{PhotoID: photo.ID})
	if _, err := f.h.Work(ctx, &jobs.Job{Kind: pipeline.Kind, Payload: payload, Subject: photo.ID, Attempt: 1}, func(float64) {}); err == nil {
		t.Fatal("no error without a key")
	}
	if es, _ := f.st.EntriesForPhoto(ctx, photo.ID); len(es) != 1 {
		t.Fatalf("%d entries after a second attempt", len(es))
	}
	// The key arrives: the model fills in what is missing, merged into the same entry.
	f.cl = analyzer.NewClient(analyzer.Config{APIKey: f.srv.Key(), BaseURL: f.srv.URL(), Model: "gpt-4.1-mini"})
	f.srv.Enqueue(answer("Panadol", "", "", "12/2027"))
	commit, err := f.h.Work(ctx, &jobs.Job{Kind: pipeline.Kind, Payload: payload, Subject: photo.ID, Attempt: 1}, func(float64) {})
	if err != nil {
		t.Fatal(err)
	}
	tx, _ := f.st.DB().BeginTx(ctx, nil)
	if err := commit(ctx, tx); err != nil {
		t.Fatal(err)
	}
	tx.Commit()
	es, _ = f.st.EntriesForPhoto(ctx, photo.ID)
	if len(es) != 1 {
		t.Fatalf("%d entries after the model's pass", len(es))
	}
	e := es[0]
	if e.Name != "My name" || e.Location != "Cupboard 3" || e.Strength != "500 mg" || e.Lot != "AB-1234" {
		t.Fatalf("merged %+v", e)
	}
}

func TestOfflineModeWaits(t *testing.T) {
	f := newFixture(t, "sk-test-key-123456", true)
	p := filepath.Join(t.TempDir(), "plain.jpg")
	photoWithCode(t, p, "dm_plain.png", 4) // a DataMatrix that is not GS1: nothing to go on
	photo, err := f.run(t, p)
	var je *jobs.Error
	if !errors.As(err, &je) || je.Kind != jobs.Waiting || je.Reason != "offline_mode" {
		t.Fatalf("err = %v", err)
	}
	if f.srv.Count() != 0 {
		t.Fatal("offline mode sent a request")
	}
	if es, _ := f.st.EntriesForPhoto(context.Background(), photo.ID); len(es) != 0 {
		t.Fatalf("entries %+v", es)
	}
}

func TestNotMedicineRecorded(t *testing.T) {
	f := newFixture(t, "sk-test-key-123456", false)
	f.srv.Enqueue(openaitest.AnswerJSON(map[string]any{"not_medicine": true, "medicines": []any{}, "note": nil}))
	p := filepath.Join(t.TempDir(), "cat.jpg")
	photoWithCode(t, p, "dm_plain.png", 5)
	photo, err := f.run(t, p)
	if err != nil {
		t.Fatal(err)
	}
	as, _ := f.st.Analyses(context.Background(), photo.ID)
	if len(as) != 1 || !strings.Contains(as[0].Error, "No medicine") || as[0].TokensIn == 0 {
		t.Fatalf("analyses %+v", as)
	}
	_ = sql.ErrNoRows
}
