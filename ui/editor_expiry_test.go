package ui

import (
	"context"
	"strings"
	"testing"

	"medinventory/assets/i18n"
	"medinventory/store"
)

// The editor shows an expiry as the reader writes it, as the list does (issue 25: it showed
// 2025-05-31 beside a list saying 31/05/2025 in French), and the box round-trips: opened and
// saved untouched, or retyped as the same day in another form, the entry keeps its day, its
// source and no edit; a new day typed day-first is stored as YYYY-MM-DD.
func TestEditorShowsExpiryAsTheReaderWritesIt(t *testing.T) {
	defer i18n.Set("en")
	ctx := context.Background()
	for _, c := range []struct{ lang, shown string }{{"en", "2025-05-31"}, {"fr", "31/05/2025"}, {"pt-BR", "31/05/2025"}, {"es", "31/05/2025"}} {
		t.Run(c.lang, func(t *testing.T) {
			i18n.Set(c.lang)
			h := newHarness(t)
			id := h.addEntry(t, "Amoxicillin", "2025-05-31", "20", map[string]string{"expiry": store.SourceBarcode})
			h.start()
			openEditor(t, h, id)
			ed := h.u.ed
			box, label := ed.fields["expiry"], ed.labels["expiry"]
			if box.Text != c.shown {
				t.Fatalf("the expiry box says %q, want %q", box.Text, c.shown)
			}
			edited := i18n.T("(edited)")
			untouched := func(when string) {
				t.Helper()
				if strings.Contains(label.Text, edited) {
					t.Errorf("%s: the label says %q", when, label.Text)
				}
				if ch, ok := ed.changes(); !ok || len(ch) != 0 {
					t.Errorf("%s: changes %v, %v", when, ch, ok)
				}
				ed.Save()
				ed.Confirm()
				e, err := h.st.Entry(ctx, id)
				if err != nil || e.Get("expiry") != "2025-05-31" || e.Sources["expiry"] != store.SourceBarcode {
					t.Errorf("%s: stored %q from %q, %v", when, e.Get("expiry"), e.Sources["expiry"], err)
				}
				hist, err := h.st.History(ctx, id)
				for _, ed := range hist {
					if ed.Field != "status" { // Confirm records the review
						t.Errorf("%s: an edit %+v", when, ed)
					}
				}
				if err != nil {
					t.Error(err)
				}
				openEditor(t, h, id)
			}
			untouched("opened and saved")
			box.SetText("2025-05-31") // the stored form, typed
			ed.markSource("expiry")
			untouched("retyped as YYYY-MM-DD")
			box.SetText("30/06/2025")
			ed.markSource("expiry")
			if !strings.Contains(label.Text, edited) {
				t.Errorf("another day: the label says %q", label.Text)
			}
			ed.Save()
			if e, _ := h.st.Entry(ctx, id); e.Get("expiry") != "2025-06-30" {
				t.Errorf("30/06/2025 was stored as %q", e.Get("expiry"))
			}
		})
	}
}
