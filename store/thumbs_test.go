package store_test

import (
	"context"
	"testing"
)

// PhotosWithoutThumbnail pages through the photos that have no thumbnail, skipping those that do.
func TestPhotosWithoutThumbnail(t *testing.T) {
	st := open(t, t.TempDir())
	ctx := context.Background()
	var ids []int64
	for i := uint8(0); i < 4; i++ {
		p := addPhoto(t, st, 10+i)
		ids = append(ids, p.ID)
		if i == 0 || i == 2 {
			if err := st.SaveThumbnail(p, []byte("a thumbnail")); err != nil {
				t.Fatal(err)
			}
		}
	}
	var got []int64
	var after int64
	for {
		page, err := st.PhotosWithoutThumbnail(ctx, after, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		if len(page) != 1 {
			t.Fatalf("page of %d with limit 1", len(page))
		}
		got = append(got, page[0].ID)
		after = page[0].ID
	}
	if len(got) != 2 || got[0] != ids[1] || got[1] != ids[3] {
		t.Fatalf("photos without a thumbnail: %v; want %v", got, []int64{ids[1], ids[3]})
	}
	all, err := st.PhotosWithoutThumbnail(ctx, 0, 10)
	if err != nil || len(all) != 2 || all[0].SHA256 == "" || st.PhotoFile(all[0]) == "" {
		t.Fatalf("%+v, %v", all, err)
	}
}
