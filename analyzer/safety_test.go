package analyzer

import (
	"context"
	"strings"
	"testing"

	"medinventory/analyzer/openaitest"
)

// Issue 13 case 7: an answer far too long (the issue saw 20 MB; 2 MB here) that has both keys fails because it is too long, not because
// "it has neither medicines nor not_medicine" (a fragment cut from it was validated instead).
func TestHugeAnswerFailsForItsLength(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.SetDefault(openaitest.Answer(`{"medicines": [{"name": "Panadol"}], "not_medicine": false, "note": "` +
		strings.Repeat("a", 2<<20) + `"}`))
	c, _ := newClient(t, srv, nil)
	_, _, err := c.Analyze(context.Background(), testUpload(t), 2)
	je := jobErr(t, err)
	if je.Kind != Permanent || !strings.Contains(je.Msg, "too long") || strings.Contains(je.Msg, "neither") {
		t.Fatalf("%v: %s; want a permanent error saying the answer is too long", je.Kind, je.Msg)
	}
}
