package main

// TestStartsShowTheWindow starts the real binary again and again under an X server (Xvfb will do)
// on a data folder of 20 medicines, then
// as often on a fresh copy of a release-0.1.0 inventory of 20 (upgraded as it opens): each start must show its window (xdotool search --pid), with
// the inventory loaded or the loading state, never the empty state ("Drop medicine photos here")
// and never a process without a window; Ctrl+Q must end it promptly. It runs only when
// MEDINVENTORY_STARTS is set (the number of starts, 20 when not a number) and DISPLAY is; the
// results and the quit times are logged (go test -v). MEDINVENTORY_WINDOW_SHOTS, when set, is
// where the screenshots go.
//
//	Xvfb :57 -screen 0 800x600x24 & DISPLAY=:57 MEDINVENTORY_STARTS=20 MEDINVENTORY_BIN=/tmp/bin \
//	  go test -tags migrated_fynedo -count=1 -v -run TestStartsShowTheWindow .

import (
	"context"
	"fmt"
	"image"
	"image/color"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"medinventory/store"
	"medinventory/ui/startup"
)

func TestStartsShowTheWindow(t *testing.T) {
	tries := os.Getenv("MEDINVENTORY_STARTS")
	if tries == "" || os.Getenv("DISPLAY") == "" {
		t.Skip("set MEDINVENTORY_STARTS (how many starts) and DISPLAY (Xvfb will do)")
	}
	n, err := strconv.Atoi(tries)
	if err != nil || n <= 0 {
		n = 20
	}
	data := t.TempDir()
	seedEntries(t, data, 20)
	env := append(cleanEnv(), startup.NoDialogEnv+"=", "DISPLAY="+os.Getenv("DISPLAY"), "HOME="+t.TempDir())
	shots := os.Getenv("MEDINVENTORY_WINDOW_SHOTS") // every start's screenshot, when set
	if shots == "" {
		shots = t.TempDir()
	}

	// The check can tell the empty state: a start on an empty folder must be seen as one.
	if r := startAndQuit(t, env, t.TempDir(), filepath.Join(shots, "empty.png"), 3*time.Second); r.problem != "" || !r.empty {
		t.Fatalf("an empty inventory's window was not seen as the empty state: %+v", r)
	}
	var bad int
	var quits []string
	run := func(what string, i int, data string) {
		shot := filepath.Join(shots, fmt.Sprintf("start-%s-%02d.png", what, i))
		r := startAndQuit(t, env, data, shot, 0)
		state := "inventory shown or loading"
		if r.empty {
			state = "EMPTY STATE over 20 medicines"
		}
		if r.problem != "" {
			state = r.problem
		}
		t.Logf("%s start %2d: window after %v, %s, %s; Ctrl+Q → window gone after %v, process ended after %v",
			what, i, r.window.Round(time.Millisecond), r.size, state, r.gone.Round(time.Millisecond), r.exit.Round(time.Millisecond))
		quits = append(quits, r.exit.Round(10*time.Millisecond).String())
		if r.problem != "" || r.empty {
			bad++
		}
	}
	for i := 1; i <= n; i++ {
		run("current", i, data)
	}
	// An inventory of release 0.1.0 is upgraded as it opens (a small upgrade: the progress window
	// may or may not show before the main window): each start on a fresh copy.
	for i := 1; i <= n; i++ {
		run("upgrade", i, releaseInventory(t, 20))
	}
	t.Logf("quit times: %s", strings.Join(quits, " "))
	if bad > 0 {
		t.Errorf("%d of %d starts went wrong (see above)", bad, 2*n)
	}
}

// seedEntries puts n medicines into a new inventory in dir.
func seedEntries(t *testing.T, dir string, n int) {
	t.Helper()
	st := openDB(t, dir)
	ctx := context.Background()
	for i := 1; i <= n; i++ {
		tx, err := st.DB().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		q := int64(i * 3)
		ne := store.NewEntry{Values: store.Values{Name: fmt.Sprintf("Medicine %02d paracetamol", i), Strength: "500 mg",
			DosageForm: "tablet", Lot: fmt.Sprintf("L%03d", i), Expiry: fmt.Sprintf("2027-%02d", i%12+1)}}
		ne.Quantity = &q
		if _, err := st.InsertEntryTx(ctx, tx, ne); err != nil {
			tx.Rollback()
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}

type startResult struct {
	window, gone, exit time.Duration // window shown after the start; after Ctrl+Q: window gone, process ended
	size               string
	empty              bool   // the screenshot shows the empty state
	problem            string // no window, no exit…
}

// startAndQuit starts the window on data, waits for it, screenshots it (after settle), presses
// Ctrl+Q and times the end.
func startAndQuit(t *testing.T, env []string, data, shot string, settle time.Duration) (r startResult) {
	t.Helper()
	xdo := func(args ...string) string {
		b, _ := exec.Command("xdotool", args...).Output()
		return strings.TrimSpace(string(b))
	}
	cmd := exec.Command(binary(t), "--data-dir", data)
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		select {
		case <-exited:
		default:
			cmd.Process.Kill()
			<-exited
		}
	}()
	pid := strconv.Itoa(cmd.Process.Pid)
	var win string
	for deadline := time.Now().Add(30 * time.Second); win == "" && time.Now().Before(deadline); {
		select {
		case err := <-exited:
			exited <- err
			r.problem = fmt.Sprintf("ended without a window (%v): %s", err, stderr.String())
			return r
		default:
		}
		if w := xdo("search", "--onlyvisible", "--pid", pid, "--name", "^Medicine Inventory$"); w != "" {
			win = strings.Fields(w)[0]
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if win == "" {
		r.problem = "NO WINDOW within 30 s; the process runs on"
		return r
	}
	r.window = time.Since(start)
	// Screenshots through the first second and a half (the empty state used to show for about a
	// second over a stored inventory); the last one is kept in shot.
	time.Sleep(settle)
	shots := 0
	var lastErr string
	for first := time.Now(); time.Since(first) < 1500*time.Millisecond || (shots == 0 && time.Since(first) < 10*time.Second); {
		// The window of that name now (after an upgrade the progress window gives way to it).
		if w := xdo("search", "--onlyvisible", "--pid", pid, "--name", "^Medicine Inventory$"); w != "" {
			f := strings.Fields(w)
			win = f[len(f)-1]
		}
		if b, err := exec.Command("import", "-window", win, shot).CombinedOutput(); err != nil {
			lastErr = fmt.Sprintf("%v %s", err, b) // a window going away under the screenshot
			time.Sleep(50 * time.Millisecond)
			continue
		}
		shots++
		empty, size := looksEmpty(t, shot)
		r.size = size
		if empty {
			r.empty = true
			break
		}
	}
	if shots == 0 {
		r.problem = "no screenshot of the window: " + lastErr
	}
	xdo("windowfocus", "--sync", win)
	quit := time.Now()
	xdo("key", "--clearmodifiers", "ctrl+q")
	for r.gone == 0 && time.Since(quit) < 20*time.Second {
		if xdo("search", "--onlyvisible", "--pid", pid, "--name", "^Medicine Inventory$") == "" {
			r.gone = time.Since(quit)
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-exited:
		exited <- err
		r.exit = time.Since(quit)
		if err != nil && r.problem == "" {
			r.problem = fmt.Sprintf("ended with %v: %s", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		if r.problem == "" {
			r.problem = "still running 20 s after Ctrl+Q"
		}
	}
	return r
}

// looksEmpty says whether the screenshot shows the empty state: its "Add photos…" button in the
// middle of the window, in the colour of the top bar's own "Add photos…" button (the commonest
// strongly coloured pixels of the top bar's left end).
func looksEmpty(t *testing.T, path string) (bool, string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	saturated := func(c color.Color) bool {
		r, g, bl, _ := c.RGBA()
		hi, lo := max(r, g, bl)>>8, min(r, g, bl)>>8
		return hi > 100 && hi-lo > 80
	}
	seen := map[color.RGBA]int{} // the top bar's saturated colours: its Add photos… button's fill the most
	var primary color.Color
	for y := b.Min.Y; y < b.Min.Y+h/8; y++ {
		for x := b.Min.X; x < b.Min.X+w/4; x++ {
			if c := img.At(x, y); saturated(c) {
				r, g, bl, _ := c.RGBA()
				k := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}
				if seen[k]++; primary == nil || seen[k] > seen[primary.(color.RGBA)] {
					primary = k
				}
			}
		}
	}
	size := fmt.Sprintf("%dx%d", w, h)
	if primary == nil {
		return false, size
	}
	pr, pg, pb, _ := primary.RGBA()
	near := func(c color.Color) bool {
		r, g, bl, _ := c.RGBA()
		d := func(a, b uint32) uint32 {
			if a > b {
				return (a - b) >> 8
			}
			return (b - a) >> 8
		}
		return d(r, pr) < 24 && d(g, pg) < 24 && d(bl, pb) < 24
	}
	count := 0
	for y := b.Min.Y + h*7/20; y < b.Min.Y+h*17/20; y++ {
		for x := b.Min.X + w/5; x < b.Max.X; x++ {
			if near(img.At(x, y)) {
				count++
			}
		}
	}
	return count > 1500, fmt.Sprintf("%s, %d button pixels", size, count)
}
