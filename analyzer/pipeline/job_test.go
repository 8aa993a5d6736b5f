package pipeline_test

import (
	"context"
	"database/sql"
	"image"
	"path/filepath"
	"testing"

	"medinventory/analyzer/pipeline"
	"medinventory/jobs"
	"medinventory/store"
)

// A photo's analysis is queued in the photo's own transaction, once: under the analyze kind and
// queue, about the photo (its Subject), keyed by its SHA-256.
func TestEnqueueTxQueuesEachPhotoOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "", true)
	if err := jobs.CreateSchema(ctx, f.st.DB()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "a.jpg")
	saveJPEG(t, path, image.NewRGBA(image.Rect(0, 0, 64, 48)), 90)
	var ids [2]int64
	var created [2]bool
	res, err := f.st.AddPhoto(ctx, path, func(tx *sql.Tx, p store.Photo) error {
		for i := range ids {
			var err error
			if ids[i], created[i], err = pipeline.EnqueueTx(ctx, tx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !created[0] || created[1] || ids[0] != ids[1] {
		t.Fatalf("enqueued twice: ids %v created %v; want one job, created once", ids, created)
	}
	list, err := jobs.New(f.st.DB(), jobs.Options{ReadDB: f.st.ReadDB()}).List(ctx, jobs.ListFilter{Subject: res.Photo.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != ids[0] || list[0].Kind != pipeline.Kind || list[0].Queue != pipeline.Queue || list[0].State != jobs.StateQueued {
		t.Fatalf("jobs of photo %d: %+v; want the one queued analysis", res.Photo.ID, list)
	}
}
