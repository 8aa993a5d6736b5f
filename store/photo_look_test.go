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
