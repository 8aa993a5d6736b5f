package main

// TestREADMEScreenshots takes the README's screenshots from the real binary under Xvfb. It runs only
// when MEDINVENTORY_SCREENSHOTS names an output folder and DISPLAY is set (scripts/screenshots.sh
// does both); photos come from MEDINVENTORY_SCREENSHOT_PHOTOS.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"medinventory/analyzer/openaitest"
)

func TestREADMEScreenshots(t *testing.T) {
	out := os.Getenv("MEDINVENTORY_SCREENSHOTS")
	photos := os.Getenv("MEDINVENTORY_SCREENSHOT_PHOTOS")
	if out == "" || photos == "" || os.Getenv("DISPLAY") == "" {
		t.Skip("set MEDINVENTORY_SCREENSHOTS, MEDINVENTORY_SCREENSHOT_PHOTOS and DISPLAY (scripts/screenshots.sh)")
	}
	srv := openaitest.NewServer(t)
	names := []struct{ brand, generic, strength, form, lot, exp string }{
		{"Panadol", "paracetamol", "500 mg", "tablet", "LP2341", "03/2027"},
		{"Amoxil", "amoxicillin", "250 mg", "capsule", "AX9912", "11/2026"},
		{"Glucophage", "metformin", "850 mg", "tablet", "MF0042", "05/2028"},
		{"Brufen", "ibuprofen", "400 mg", "tablet", "IB7731", "09/2027"},
		{"ORS", "oral rehydration salts", "20.5 g", "powder", "OR1102", "01/2029"},
	}
	for _, n := range names {
		conf := map[string]float64{}
		for _, f := range []string{"name", "generic_name", "strength", "dosage_form", "manufacturer", "gtin", "lot", "expiry", "quantity", "pack_size"} {
			conf[f] = 0.92
		}
		r := openaitest.AnswerJSON(map[string]any{"not_medicine": false, "note": nil, "medicines": []any{map[string]any{
			"name": n.brand, "generic_name": n.generic, "strength": n.strength, "dosage_form": n.form,
			"manufacturer": "Medico Ltd", "gtin": nil, "lot": n.lot, "expiry": n.exp, "quantity": 3,
			"pack_size": "20 " + n.form + "s", "confidence": conf}}})
		r.Delay = 3 * time.Second
		srv.Enqueue(r)
	}
	data := t.TempDir()
	os.WriteFile(filepath.Join(data, "settings.json"), []byte(`{"concurrency": 1}`), 0o600)
	env := append(cleanEnv(), "OPENAI_API_KEY="+srv.Key(), "OPENAI_BASE_URL="+srv.URL(), "OPENAI_MODEL=gpt-4.1-mini",
		"DISPLAY="+os.Getenv("DISPLAY"))
	shot := func(name string) {
		p := filepath.Join(out, name)
		if b, err := exec.Command("import", "-window", "root", "-crop", "1180x720+0+0", "+repage", p).CombinedOutput(); err != nil {
			t.Fatalf("import: %v %s", err, b)
		}
		t.Logf("wrote %s", p)
	}
	xdo := func(args ...string) string {
		b, _ := exec.Command("xdotool", args...).CombinedOutput()
		return strings.TrimSpace(string(b))
	}

	// The empty window.
	gui := exec.Command(binary(t), "--data-dir", data)
	gui.Env = env
	if err := gui.Start(); err != nil {
		t.Fatal(err)
	}
	first := gui.Process
	defer first.Kill() // a failed shot must not leave the window open
	time.Sleep(4 * time.Second)
	shot("empty.png")
	gui.Process.Signal(os.Interrupt)
	gui.Wait()

	// A batch: queued by the command line, analysed by the window.
	imp := exec.Command(binary(t), "--data-dir", data, "import", photos)
	imp.Env = env
	if b, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, b)
	}
	gui = exec.Command(binary(t), "--data-dir", data)
	gui.Env = env
	if err := gui.Start(); err != nil {
		t.Fatal(err)
	}
	defer gui.Process.Kill()
	time.Sleep(8 * time.Second)
	shot("batch.png")
	time.Sleep(15 * time.Second)
	shot("inventory.png")
	// Open the first entry.
	win := xdo("search", "--name", "^Medicine Inventory$")
	if i := strings.IndexByte(win, '\n'); i > 0 {
		win = win[:i]
	}
	x, y := os.Getenv("MEDINVENTORY_SCREENSHOT_CLICK_X"), os.Getenv("MEDINVENTORY_SCREENSHOT_CLICK_Y")
	if x == "" {
		x, y = "600", "230" // the first row of the list
	}
	xdo("mousemove", "--window", win, x, y, "click", "1")
	time.Sleep(3 * time.Second)
	shot("editor.png")
	gui.Process.Signal(os.Interrupt)
	gui.Wait()
	fmt.Println("screenshots in", out)
}
