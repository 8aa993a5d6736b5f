package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"medinventory/store/syncclient"
)

// TestSyncStatusScreenshots takes the screenshots of the status bar's sync words (issue 28) from
// the real binary under Xvfb: a laptop synced with the hub ("Synced just now · 2 laptops"), then
// the same laptop with the hub down ("Cannot reach the hub — will retry"). It runs only when
// MEDINVENTORY_SYNC_SHOTS names an output folder and DISPLAY is set (an X server of at least
// 1280×800). The hub runs in the test process, as in e2e_sync_test.go.
func TestSyncStatusScreenshots(t *testing.T) {
	out := os.Getenv("MEDINVENTORY_SYNC_SHOTS")
	if out == "" || os.Getenv("DISPLAY") == "" {
		t.Skip("set MEDINVENTORY_SYNC_SHOTS and DISPLAY")
	}
	e := startE2EHub(t)
	a, b := &e2eLaptop{data: t.TempDir()}, &e2eLaptop{data: t.TempDir()}
	a.mustRun(t, "receive", syncGTIN, "20", "--lot", "L1", "--expiry", "2028-06-30", "--name", "Amoxicillin 500 mg")
	a.mustRun(t, "receive", "Paracetamol 500 mg", "40", "--lot", "P7", "--expiry", "2027-11-30")
	a.join(t, e)
	b.join(t, e)
	b.mustRun(t, "dispense", syncGTIN, "3")
	b.mustRun(t, "sync")

	window := func(name string, wait time.Duration) {
		gui := exec.Command(binary(t), "--data-dir", a.data)
		gui.Env = append(cleanEnv(), syncclient.TokenEnv+"="+a.token, "DISPLAY="+os.Getenv("DISPLAY"), "HOME="+t.TempDir())
		var errs strings.Builder
		gui.Stderr = &errs
		if err := gui.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { gui.Process.Signal(os.Interrupt); gui.Wait(); t.Logf("window stderr:\n%s", errs.String()) }()
		win := waitWindow(t, "^Medicine Inventory$")
		time.Sleep(wait)
		geo := xdo("getwindowgeometry", win)
		size := "1280x800"
		if i := strings.Index(geo, "Geometry: "); i >= 0 {
			size = strings.TrimSpace(geo[i+len("Geometry: "):])
		}
		p := filepath.Join(out, name)
		if b, err := exec.Command("import", "-window", "root", "-crop", size+"+0+0", "+repage", p).CombinedOutput(); err != nil {
			t.Fatalf("import: %v %s", err, b)
		}
		t.Logf("wrote %s (%s)", p, size)
	}
	window("sync-synced.png", 18*time.Second) // the first background sync at 5 s, the words every 10 s
	e.srv.Close()
	window("sync-cannot-reach.png", 18*time.Second)
}
