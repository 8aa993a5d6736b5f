package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// inLang is the environment of a person whose system speaks lang (LANG alone decides).
func inLang(lang string) []string {
	return []string{"LANG=" + lang, "LANGUAGE=", "LC_ALL=", "LC_MESSAGES="}
}

// The command line speaks the system's language: --help, a command's help, messages and the
// stock report's PDF in French with LANG=fr_FR.UTF-8 (and Portuguese, Spanish), English with
// en_US; JSON keys stay English.
func TestCLIFollowsTheSystemLanguage(t *testing.T) {
	for _, c := range []struct {
		lang      string
		want, not []string
	}{
		{"fr_FR.UTF-8", []string{"Utilisation :", "ajouter des photos et des dossiers de photos", "Chaque commande accepte --help", "dossier qui contient l'inventaire"},
			[]string{"add photos and folders of photos", "Each command takes --help"}},
		{"pt_BR.UTF-8", []string{"Uso:", "adicionar fotos e pastas de fotos", "Cada comando aceita --help"}, []string{"add photos and folders"}},
		{"es_ES.UTF-8", []string{"Uso:", "añadir fotos y carpetas de fotos", "Cada comando acepta --help"}, []string{"add photos and folders"}},
		{"en_US.UTF-8", []string{"Usage:", "add photos and folders of photos", "Each command takes --help", "folder that holds the inventory"},
			[]string{"Utilisation", "ajouter des photos"}},
	} {
		r := runBin(t, inLang(c.lang), "--help")
		if r.code != 0 {
			t.Fatalf("%s: --help exit %d", c.lang, r.code)
		}
		for _, w := range c.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%s: --help lacks %q:\n%s", c.lang, w, r.stderr)
			}
		}
		for _, w := range c.not {
			if strings.Contains(r.stderr, w) {
				t.Errorf("%s: --help has %q:\n%s", c.lang, w, r.stderr)
			}
		}
	}

	fr := inLang("fr_FR.UTF-8")
	if r := runBin(t, fr, "stock", "--help"); !strings.Contains(r.stderr, "Affiche ce qu'il y a en rayon") ||
		!strings.Contains(r.stderr, "seulement les produits avec du stock périmé") {
		t.Errorf("stock --help in French:\n%s", r.stderr)
	}
	data, out := t.TempDir(), t.TempDir()
	r := runBin(t, fr, "--data-dir", data, "receive", "Paracétamol 500 mg", "1200", "--lot", "A1", "--expiry", "mars 2027", "--name", "Paracétamol 500 mg")
	if r.code != 0 || !strings.Contains(r.stdout, "Nouveau produit") || !strings.Contains(r.stdout, "(péremption 31/03/2027)") {
		t.Fatalf("receive in French (a French month as the expiry): exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runBin(t, fr, "--data-dir", data, "dispense", "Paracétamol 500 mg", "5000"); r.code != 1 ||
		!strings.Contains(r.stderr, "il n'y en a pas autant en stock : 5000 demandé(s), 1200 utilisable(s)") {
		t.Errorf("dispensing more than on hand, in French: exit %d\n%s", r.code, r.stderr)
	}
	r = runBin(t, fr, "--data-dir", data, "stock", "--format", "json")
	var products []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &products); err != nil || len(products) != 1 || products[0]["name"] == nil && products[0]["product"] == nil {
		t.Fatalf("stock --format json in French: %v\n%s", err, r.stdout)
	}
	if r := runBin(t, fr, "--data-dir", data, "stock"); !strings.Contains(r.stdout, "PÉREMPTION") || !strings.Contains(r.stdout, "31/03/2027") {
		t.Errorf("stock table in French:\n%s", r.stdout)
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	pdf := filepath.Join(out, "stock.pdf")
	if r := runBin(t, fr, "--data-dir", data, "export", "--report", "stock", "--format", "pdf", "-o", pdf); r.code != 0 {
		t.Fatalf("export --report stock --format pdf: exit %d\n%s", r.code, r.stderr)
	}
	text, err := exec.Command(pdftotext, "-layout", pdf, "-").CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Stock disponible par produit", "Période : Au", "Alertes", "Préparé par", "Vérifié par", "31/03/2027", "Page 1 sur 1"} {
		if !strings.Contains(string(text), w) {
			t.Errorf("the French stock report PDF lacks %q:\n%s", w, text)
		}
	}
}
