package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	_ "medinventory/ui/localefix" // "C.UTF-8" → "C", as in the app: Fyne parses the locale in ApplyLanguage
)

// restartBackend is fakeBackend that can open the window again (Restarter).
type restartBackend struct {
	fakeBackend
	restarts int
}

func (b *restartBackend) RestartAtQuit() { b.restarts++ }

// inLanguage applies tag for the test, English again after it.
func inLanguage(t *testing.T, tag string) {
	t.Helper()
	if got := ApplyLanguage(tag); got != tag {
		t.Fatalf("ApplyLanguage(%q) = %q", tag, got)
	}
	t.Cleanup(func() { ApplyLanguage("en") })
}

// Fyne's own strings (its dialogs' buttons) follow the language chosen, whatever the system's,
// and come back to English.
func TestFyneStringsFollowTheLanguage(t *testing.T) {
	for _, c := range []struct{ tag, cancel, open string }{
		{"fr", "Annuler", "Ouvrir"}, {"es", "Cancelar", "Abrir"}, {"pt-BR", "Cancelar", "Abrir"},
		{"en", "Cancel", "Open"}, {"pt-PT", "Cancelar", "Abrir"},
	} {
		ApplyLanguage(c.tag)
		if got := lang.L("Cancel"); got != c.cancel {
			t.Errorf("%s: Fyne's Cancel = %q, want %q", c.tag, got, c.cancel)
		}
		if got := lang.L("Open"); got != c.open {
			t.Errorf("%s: Fyne's Open = %q, want %q", c.tag, got, c.open)
		}
	}
	ApplyLanguage("fr")
	ApplyLanguage("pt-BR") // its file lacks nothing of Fyne's English one now, but a key it lacked would say English
	if got := lang.L("friday"); got != "sexta-feira" {
		t.Errorf("pt-BR after fr: friday = %q", got)
	}
	ApplyLanguage("en")
	if got := lang.L("friday"); got != "Friday" {
		t.Errorf("en after pt-BR: friday = %q", got)
	}
}

// Settings → Language keeps the choice with the other settings and offers to restart.
func TestSettingsLanguageChoice(t *testing.T) {
	t.Cleanup(func() { ApplyLanguage("en") })
	h := newHarness(t)
	be := &restartBackend{}
	h.u.d.Backend = be
	h.start()
	h.u.ShowSettings()
	f := h.u.settingsOpen
	if f == nil {
		t.Fatal("settings did not open")
	}
	if f.language.Selected != "System" {
		t.Fatalf("language shows %q for the system's", f.language.Selected)
	}
	f.language.SetSelected("Français")
	test.Tap(findButton(h.u.Window().Canvas().Overlays().Top(), "Save"))
	if be.applied.Language != "fr" {
		t.Fatalf("the backend got language %q", be.applied.Language)
	}
	restart := findButton(h.u.Window().Canvas().Overlays().Top(), "Restart now")
	if restart == nil {
		t.Fatal("no Restart now after a new language")
	}
	test.Tap(restart)
	if be.restarts != 1 {
		t.Fatalf("restarts = %d", be.restarts)
	}
	// Saved again with the same language: no question.
	h.u.ShowSettings()
	if f := h.u.settingsOpen; f.language.Selected != "Français" {
		t.Fatalf("the dialog shows %q for fr", f.language.Selected)
	}
	test.Tap(findButton(h.u.Window().Canvas().Overlays().Top(), "Save"))
	if top := h.u.Window().Canvas().Overlays().Top(); top != nil && findButton(top, "Restart now") != nil {
		t.Fatal("asked to restart with the language unchanged")
	}
}

// windowTexts are the texts of the buttons, labels and menus of a window built in the language
// chosen, with one medicine in the list and its editor opened.
func windowTexts(t *testing.T, tag string) map[string]bool {
	t.Helper()
	inLanguage(t, tag)
	h := newHarness(t)
	id := h.addEntry(t, "Paracetamol", "2027-03-31", "20", nil)
	h.start()
	texts := map[string]bool{}
	collect := func() {
		c := h.u.Window().Canvas().Content()
		walkLabels(c, func(s string) { texts[s] = true })
		walk(c, func(x fyne.CanvasObject) {
			if b, ok := x.(*widget.Button); ok {
				texts[b.Text] = true
			}
		})
	}
	collect()
	for _, m := range h.u.Window().MainMenu().Items {
		texts[m.Label] = true
		for _, it := range m.Items {
			texts[it.Label] = true
		}
	}
	if h.u.tabs != nil {
		for _, it := range h.u.tabs.Items {
			texts[it.Text] = true
		}
	}
	openEditor(t, h, id)
	collect()
	return texts
}

// The window built in French shows French: the list, the menus, the editor's buttons and its
// field labels (from the field table), the status line.
func TestWindowInFrench(t *testing.T) {
	texts := windowTexts(t, "fr")
	for _, want := range []string{
		"Ajouter des photos…", "Saisir à la main", "Paramètres", "Médicament", "Péremption", "Qté", // the list
		"Fichier", "Édition", "Affichage", "Aide", "Tous les médicaments", // menus, the filter
		"Valider", "Enregistrer", "Retirer…", "Retour", "Historique", "Lot", "Nom", "Quantité", // the editor
		"À vérifier : relisez les champs, puis Valider",
		"Photos et fiches", // the tabs
	} {
		if !texts[want] {
			t.Errorf("no %q in the French window", want)
		}
	}
	for _, english := range []string{"Add photos…", "Medicine", "Expiry", "Confirm", "Save", "History", "Quantity", "File"} {
		if texts[english] {
			t.Errorf("the French window still shows %q", english)
		}
	}
}

// English stays English: the same window chosen in English shows the English words.
func TestWindowInEnglish(t *testing.T) {
	texts := windowTexts(t, "en")
	for _, want := range []string{"Add photos…", "Add by hand", "Settings", "Medicine", "Expiry", "Qty", "File", "Edit",
		"Confirm", "Save", "Remove…", "Back", "History", "Lot", "Name", "Quantity", "All medicines", "Photos and entries", "Stock"} {
		if !texts[want] {
			t.Errorf("no %q in the English window", want)
		}
	}
	if texts["Valider"] || texts["Médicament"] {
		t.Error("French in the English window")
	}
}

// The fixed sentences of a review note are shown in the reader's language, the unsure fields by
// their labels; what the note quotes stays as written.
func TestReviewNoteInFrench(t *testing.T) {
	inLanguage(t, "fr")
	got := plainNote("Only the barcode could be read in this photo. Check strength, lot: the model was not sure.")
	want := "Seul le code-barres a pu être lu sur cette photo. Vérifiez dosage, lot sur l'emballage : la photo y était difficile à lire."
	if got != want {
		t.Errorf("plainNote in French = %q, want %q", got, want)
	}
}

// The Stock tab in French: its filters, its buttons, a product's count in boxes, and the filter
// chosen still filters (the choice is read back from its translated words).
func TestStockTabInFrench(t *testing.T) {
	inLanguage(t, "fr")
	h := newHarness(t)
	h.pack(t, "Amoxicillin", "A1", "2027-03-31", "6", "", true)
	h.pack(t, "Ibuprofen", "I1", "2026-08-01", "10", "", true) // expires within 90 days of testToday
	h.start()
	s := h.openStock(t)
	p := s.products
	if got := strings.Join(p.show.Options, ","); got != "Tous,Stock bas,Rupture,À périmer,Périmé" {
		t.Errorf("filters in French: %s", got)
	}
	if s.receiptsBtn.Text != "Aucune réception à vérifier" {
		t.Errorf("receipts button: %q", s.receiptsBtn.Text)
	}
	p.show.SetSelected("À périmer")
	if p.showing() != showExpiring || len(p.shown) != 1 || p.shown[0].Name != "Ibuprofen" {
		t.Fatalf("the French 'expiring' filter shows %d products", len(p.shown))
	}
	if got := onHandText(&p.shown[0].ProductSummary); got != "10 boîtes" {
		t.Errorf("on hand in French: %q", got)
	}
}
