// Command gen makes the release-0.1.0 fixture (see ../make.sh). It is built inside a checkout of
// that release (commit 6bba701), so it uses the old store package:
//
//	gen photos DIR   writes photo-like JPEGs with GS1 codes (and one without) into DIR
//	gen edit DATA    edits, confirms and deletes entries the way a reviewer would in the window
package main

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math/rand"
	"os"
	"path/filepath"

	"medinventory/store"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gen photos DIR | gen edit DATADIR")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "photos":
		err = photos(os.Args[2])
	case "edit":
		err = edit(os.Args[2])
	default:
		err = fmt.Errorf("unknown %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// scene pastes a symbol (scaled up, with a quiet zone) onto a cluttered background.
func scene(symbol string, seed int64, out string) error {
	bg := image.NewRGBA(image.Rect(0, 0, 640, 480))
	r := rand.New(rand.NewSource(seed))
	base := color.RGBA{uint8(150 + r.Intn(90)), uint8(150 + r.Intn(90)), uint8(150 + r.Intn(90)), 255}
	draw.Draw(bg, bg.Bounds(), &image.Uniform{base}, image.Point{}, draw.Src)
	for i := 0; i < 40; i++ { // clutter: printed blocks of a pack
		x, y := r.Intn(600), r.Intn(440)
		c := color.RGBA{uint8(r.Intn(256)), uint8(r.Intn(256)), uint8(r.Intn(256)), 255}
		draw.Draw(bg, image.Rect(x, y, x+10+r.Intn(60), y+4+r.Intn(20)), &image.Uniform{c}, image.Point{}, draw.Src)
	}
	if symbol != "" {
		f, err := os.Open(symbol)
		if err != nil {
			return err
		}
		sym, err := png.Decode(f)
		f.Close()
		if err != nil {
			return err
		}
		const k, quiet = 3, 12
		b := sym.Bounds()
		w, h := b.Dx()*k+2*quiet, b.Dy()*k+2*quiet
		x0, y0 := 180+r.Intn(120), 120+r.Intn(100)
		draw.Draw(bg, image.Rect(x0, y0, x0+w, y0+h), &image.Uniform{color.White}, image.Point{}, draw.Src)
		for y := 0; y < b.Dy()*k; y++ {
			for x := 0; x < b.Dx()*k; x++ {
				bg.Set(x0+quiet+x, y0+quiet+y, sym.At(b.Min.X+x/k, b.Min.Y+y/k))
			}
		}
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	return jpeg.Encode(f, bg, &jpeg.Options{Quality: 88})
}

func photos(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	sym := func(n string) string { return filepath.Join("analyzer", "barcode", "testdata", n) }
	for _, p := range []struct {
		name, symbol string
		seed         int64
	}{
		{"amox-lot-ab1234-a.jpg", sym("dm_full.png"), 1}, // two photos of one lot
		{"amox-lot-ab1234-b.jpg", sym("dm_full.png"), 2},
		{"amox-lot-qr7.jpg", sym("qr_gs1.png"), 3}, // another lot of the same product
		{"lot2024x7q.jpg", sym("dm_long.png"), 4},  // another product, count (30) 24
		{"no-lot.jpg", sym("dm_short.png"), 5},     // GTIN and expiry, no lot
		{"no-code.jpg", "", 6},                     // nothing readable offline: waits
	} {
		if err := scene(p.symbol, p.seed, filepath.Join(dir, p.name)); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
	}
	return nil
}

func edit(data string) error {
	ctx := context.Background()
	st, err := store.Open(ctx, data, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	es, err := st.ListEntries(ctx, store.Filter{})
	if err != nil {
		return err
	}
	byPhoto := map[string]store.Entry{}
	for _, e := range es {
		byPhoto[e.PhotoName] = e
	}
	need := func(n string) (store.Entry, error) {
		e, ok := byPhoto[n]
		if !ok {
			return e, fmt.Errorf("no entry was made from %s (entries: %d)", n, len(es))
		}
		return e, nil
	}
	steps := []struct {
		photo   string
		changes map[string]string
		confirm bool
		del     bool
	}{
		{"amox-lot-ab1234-a.jpg", map[string]string{"name": "Amoxil", "generic_name": "amoxicillin", "strength": "500 mg", "quantity": "3"}, true, false},
		{"amox-lot-ab1234-b.jpg", map[string]string{"name": "Amoxil", "quantity": "2"}, false, false}, // still needs review
		{"amox-lot-qr7.jpg", map[string]string{"name": "Amoxil", "strength": "500 mg", "quantity": "5", "location": "Shelf B"}, true, false},
		{"lot2024x7q.jpg", nil, true, false}, // confirmed with no quantity: counts as 1
		{"no-lot.jpg", map[string]string{"name": "Vitamin A"}, false, true},
	}
	for _, s := range steps {
		e, err := need(s.photo)
		if err != nil {
			return err
		}
		if s.changes != nil {
			if _, err := st.UpdateEntry(ctx, e.ID, s.changes); err != nil {
				return fmt.Errorf("%s: %w", s.photo, err)
			}
		}
		if s.confirm {
			if _, err := st.ConfirmEntry(ctx, e.ID); err != nil {
				return err
			}
		}
		if s.del {
			if err := st.DeleteEntry(ctx, e.ID); err != nil {
				return err
			}
		}
	}
	// One typed by hand, and one typed and confirmed with no GTIN.
	if _, err := st.AddEntry(ctx, map[string]string{"name": "ORS sachets", "lot": "O-77", "expiry": "2026-10-31", "quantity": "10"}); err != nil {
		return err
	}
	e, err := st.AddEntry(ctx, map[string]string{"name": "Paracetamol", "strength": "500 mg", "dosage_form": "tablet", "lot": "P9", "expiry": "05/2028", "quantity": "100"})
	if err != nil {
		return err
	}
	if _, err := st.UpdateEntry(ctx, e.ID, map[string]string{"quantity": "90"}); err != nil {
		return err
	}
	_, err = st.ConfirmEntry(ctx, e.ID)
	return err
}
