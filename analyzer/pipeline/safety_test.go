package pipeline_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"medinventory/analyzer/openaitest"
)

// Issue 13 case 7: after an answer that cannot be read, the barcode's data is kept as an entry,
// as it is after a refused key (401) or a server error.
func TestFailedAnswerKeepsBarcodeEntry(t *testing.T) {
	for name, reply := range map[string]openaitest.Reply{
		"malformed":              openaitest.Malformed(),
		"huge, with both keys":   hugeAnswer(),
		"not the expected JSON":  openaitest.Answer(`{"hello": "world"}`),
		"server error (control)": openaitest.ServerError(),
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, "key", false)
			f.srv.SetDefault(reply)
			p := filepath.Join(t.TempDir(), "pack.jpg")
			photoWithCode(t, p, "dm_full.png", 5)
			photo, err := f.run(t, p)
			if err == nil {
				t.Fatal("no error for an answer that cannot be used")
			}
			es, _ := f.st.EntriesForPhoto(ctx, photo.ID)
			if len(es) != 1 || es[0].GTIN != "09506000134352" {
				t.Fatalf("entries after a failed answer: %+v; want the barcode's entry", es)
			}
		})
	}
}

// hugeAnswer is a 2 MB answer (the issue saw 20 MB) that has both keys (a model that never stops writing notes).
func hugeAnswer() openaitest.Reply {
	return openaitest.Answer(`{"medicines": [{"name": "Panadol"}], "not_medicine": false, "note": "` +
		strings.Repeat("a", 2<<20) + `"}`)
}
