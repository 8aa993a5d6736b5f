package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"medinventory/assets/i18n"
)

// The data folder's "language" setting decides the command line's language over the system's;
// without it the system's stays.
func TestLanguageSetting(t *testing.T) {
	t.Cleanup(func() { i18n.Set("en") })
	i18n.Set("en")
	dir := t.TempDir()
	help := func(args ...string) string {
		var out, errb bytes.Buffer
		Main(append(args, "--help"), &out, &errb, Env{Version: "test"})
		return errb.String()
	}
	if h := help("--data-dir", dir); !strings.Contains(h, "add photos and folders of photos") {
		t.Fatalf("no setting: not English:\n%s", h)
	}
	if err := os.WriteFile(filepath.Join(dir, "settings.json"), []byte(`{"language": "fr", "model": "x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if h := help("--data-dir", dir); !strings.Contains(h, "ajouter des photos et des dossiers de photos") {
		t.Fatalf("language fr in settings.json: not French:\n%s", h)
	}
	i18n.Set("en")
	if h := help("--data-dir=" + dir); !strings.Contains(h, "ajouter des photos") {
		t.Fatalf("--data-dir=DIR: the setting was not read:\n%s", h)
	}
	i18n.Set("en")
	os.WriteFile(filepath.Join(dir, "settings.json"), []byte(`{"language": 3`), 0o600)
	if h := help("--data-dir", dir); !strings.Contains(h, "add photos and folders of photos") {
		t.Fatalf("a damaged settings.json changed the language:\n%s", h)
	}
}
