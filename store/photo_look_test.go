package store_test

import (
	"context"
	"image"
	"image/color"
	"testing"
	"time"

	"medinventory/store"
	"medinventory/store/look"
)

func lookOf(k int) []byte {
	img := image.NewGray(image.Rect(0, 0, 320, 240))
	for y := 0; y < 240; y++ {
		for x := 0; x < 320; x++ {
			v := uint8(200)
			if (x/(20+10*k)+y/30)%2 == 0 {
				v = 40
			}
			img.SetGray(x, y, color.Gray{v})
		}
	}
	return look.Signature(img)
}

// Photos whose looks (look.Signature) match are flagged; another look, or a photo from before
// looks were kept (a 64-bit hash), is not compared with them.
func TestPhotoLookFlagsAlikePhotos(t *testing.T) {
	ctx := context.Background()
	c := &clock{day0}
	st := openAt(t, c)
	var ps []store.Photo
	for i := 0; i < 4; i++ {
		ps = append(ps, addPhoto(t, st, uint8(10+i)))
		c.t = c.t.Add(time.Minute)
	}
	for i, sig := range [][]byte{lookOf(0), lookOf(2), lookOf(0)} {
		if err := st.SetPhotoLook(ctx, ps[i].ID, sig); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SetPhotoHash(ctx, ps[3].ID, 0xF0F0); err != nil {
		t.Fatal(err)
	}
	if err := st.SetPhotoLook(ctx, ps[0].ID, []byte("junk")); err == nil {
		t.Error("a bad look was saved")
	}
	if err := st.SetPhotoLook(ctx, 999, lookOf(0)); !store.IsNotFound(err) {
		t.Errorf("look of a missing photo: %v", err)
	}
	var es []int64
	for _, p := range ps {
		es = append(es, photoEntry(t, st, p.ID, store.NewEntry{Values: store.Values{Name: "Amoxil", GTIN: gtinA, Lot: "AB12", Expiry: "2028-01-31"}}))
	}
	want := []int64{0, 0, ps[0].ID, 0}
	for i, e := range es {
		r, err := st.ReceiptForEntry(ctx, e)
		if err != nil || r.SimilarPhotoID != want[i] {
			t.Errorf("photo %d flagged like photo %d (%v), want %d", i, r.SimilarPhotoID, err, want[i])
		}
	}
}

// Photos that look alike but whose barcodes read different GTINs are other products: not flagged.
func TestPhotoLookNotComparedAcrossGTINs(t *testing.T) {
	ctx := context.Background()
	c := &clock{day0}
	st := openAt(t, c)
	const gtinB = "05000456012348"
	gtins := []string{gtinA, gtinB, "", gtinA}
	var ps []store.Photo
	for i := range gtins {
		ps = append(ps, addPhoto(t, st, uint8(20+i)))
		if err := st.SetPhotoLook(ctx, ps[i].ID, lookOf(0)); err != nil {
			t.Fatal(err)
		}
		c.t = c.t.Add(time.Minute)
	}
	var es []int64
	for i, p := range ps {
		es = append(es, photoEntry(t, st, p.ID, store.NewEntry{Values: store.Values{Name: "Amoxil", GTIN: gtins[i], Lot: "AB12", Expiry: "2028-01-31"}}))
	}
	// photo 1 (other GTIN) is not like photo 0; photo 2 (no GTIN read) is like the latest, photo 1;
	// photo 3 (photo 0's GTIN) skips photo 1 and is like photo 2 (no GTIN: may be anything).
	want := []int64{0, 0, ps[1].ID, ps[2].ID}
	for i, e := range es {
		r, err := st.ReceiptForEntry(ctx, e)
		if err != nil || r.SimilarPhotoID != want[i] {
			t.Errorf("photo %d (GTIN %q) flagged like photo %d (%v), want %d", i, gtins[i], r.SimilarPhotoID, err, want[i])
		}
	}
}
