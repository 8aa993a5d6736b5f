//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"medinventory/analyzer/openaitest"
)

// TestMemoryPeakWindow measures the window's peak RSS (the kernel's VmHWM) while it analyses the
// mixed batch of TestMemoryPeakMix (8 × 12 MP HEIC and 8 × 16-bit RGBA PNGs of 4000×3000), queued
// by `import` and then worked through by the open window at concurrency 8
// (MEDINVENTORY_MEMORY_CONCURRENCY) against the fake OpenAI server: the window's own memory
// (Fyne, the OpenGL driver, Mesa's software renderer under Xvfb, the rows' thumbnails) comes on
// top of the photos' decodes, and the goal is ≤ 400 MB for both together. It starts its own Xvfb
// (Debian: xvfb). scripts/memory.sh runs it. MEDINVENTORY_MEMORY_DUMP=DIR keeps, for a look at
// what holds the memory: the window's smaps and goroutines at the end, its log, the queue, and a
// timeline of its resident memory every 100 ms (with GODEBUG=gctrace=1, the collector's trace).
func TestMemoryPeakWindow(t *testing.T) {
	if !soakMode() {
		t.Skip("long: set MEDINVENTORY_SOAK=1 (scripts/memory.sh does)")
	}
	xvfb, err := exec.LookPath("Xvfb")
	if err != nil {
		t.Skip("Xvfb is needed (Debian: apt-get install xvfb)")
	}
	conc := envInt("MEDINVENTORY_MEMORY_CONCURRENCY", 8)
	in := t.TempDir()
	accepted := writeMixed(t, in)

	srv := openaitest.NewServer(t)
	a := medicineAnswer("Memorol")
	a.Delay = 300 * time.Millisecond
	srv.SetDefault(a)
	home, data := t.TempDir(), t.TempDir()
	display := fmt.Sprintf(":%d", 40+os.Getpid()%50)
	env := append(cleanEnv(), "OPENAI_API_KEY="+srv.Key(), "OPENAI_BASE_URL="+srv.URL(),
		"HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "DISPLAY="+display, "GODEBUG="+os.Getenv("GODEBUG"))

	// The Settings dialog's concurrency, as Fyne keeps it.
	prefs := filepath.Join(home, ".config", "fyne", "org.medinventory.app")
	if err := os.MkdirAll(prefs, 0o755); err != nil {
		t.Fatal(err)
	}
	p, _ := json.Marshal(map[string]any{"settings.concurrency": conc})
	if err := os.WriteFile(filepath.Join(prefs, "preferences.json"), p, 0o644); err != nil {
		t.Fatal(err)
	}

	imp := exec.Command(binary(t), "--data-dir", data, "import", in)
	imp.Env = env
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}

	x := exec.Command(xvfb, display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { x.Process.Kill(); x.Wait() }()
	time.Sleep(time.Second)

	gui := exec.Command(binary(t), "--data-dir", data)
	gui.Env = env
	var logb strings.Builder
	gui.Stdout, gui.Stderr = &logb, &logb
	if err := gui.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { gui.Process.Kill(); gui.Wait() }()

	status := filepath.Join("/proc", strconv.Itoa(gui.Process.Pid), "status")
	var maxAnon int64
	var timeline []string
	started := time.Now()
	deadline := time.Now().Add(10 * time.Minute)
	var doneAt time.Time
	for time.Now().Before(deadline) {
		s := procStatus(t, status)
		if s == nil {
			t.Fatalf("the window exited early:\n%s", logb.String())
		}
		maxAnon = max(maxAnon, s["RssAnon"])
		timeline = append(timeline, fmt.Sprintf("%6.1f s rss %d anon %d file %d hwm %d answers %d",
			time.Since(started).Seconds(), s["VmRSS"]>>10, s["RssAnon"]>>10, s["RssFile"]>>10, s["VmHWM"]>>10, srv.Count()))
		if doneAt.IsZero() && srv.Count() >= accepted {
			doneAt = time.Now()
		}
		if !doneAt.IsZero() && time.Since(doneAt) > 10*time.Second {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if doneAt.IsZero() {
		t.Fatalf("after 10 minutes the model was asked %d times for %d photos\n%s", srv.Count(), accepted, logb.String())
	}
	s := procStatus(t, status)
	if d := os.Getenv("MEDINVENTORY_MEMORY_DUMP"); d != "" { // for a look at what holds the memory
		smaps, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(gui.Process.Pid), "smaps"))
		os.WriteFile(filepath.Join(d, "smaps"), smaps, 0o644)
		gui.Process.Signal(syscall.SIGQUIT) // Go prints every goroutine's stack
		time.Sleep(2 * time.Second)
		os.WriteFile(filepath.Join(d, "log"), []byte(logb.String()), 0o644)
		applog, _ := os.ReadFile(filepath.Join(data, "medinventory.log"))
		os.WriteFile(filepath.Join(d, "medinventory.log"), applog, 0o644)
		jobs, _ := exec.Command(binary(t), "--data-dir", data, "jobs").CombinedOutput()
		os.WriteFile(filepath.Join(d, "jobs"), jobs, 0o644)
		os.WriteFile(filepath.Join(d, "timeline"), []byte(strings.Join(timeline, "\n")), 0o644)
	}
	fmt.Printf("memory: window, mixed, concurrency %d: peak %d MB (VmHWM; limit 400 MB), anonymous at most %d MB; 10 s after the last answer %d MB (%d MB anonymous, %d MB file); analysed in %s\n",
		conc, s["VmHWM"]>>10, maxAnon>>10, s["VmRSS"]>>10, s["RssAnon"]>>10, s["RssFile"]>>10, doneAt.Sub(started).Round(100*time.Millisecond))
	if s["VmHWM"] > 400<<10 {
		t.Errorf("the window's peak RSS was %d MB; want ≤ 400 MB", s["VmHWM"]>>10)
	}
}

// procStatus reads the kB figures of /proc/PID/status (VmHWM, VmRSS, RssAnon, …); nil when the
// process is gone.
func procStatus(t *testing.T, path string) map[string]int64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	m := map[string]int64{}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) == 3 && f[2] == "kB" {
			v, _ := strconv.ParseInt(f[1], 10, 64)
			m[strings.TrimSuffix(f[0], ":")] = v
		}
	}
	return m
}
