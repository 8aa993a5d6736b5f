package main

// Long-running measurements for `make soak` (scripts/soak.sh, scripts/memory.sh) and `make bench`:
//
//   - TestMemoryPeak (MEDINVENTORY_SOAK=1): the real binary imports N generated 12 MP photos with
//     `import --wait --concurrency 4` against the fake OpenAI server (which runs here, in the test
//     process, so the binary's own memory is measured alone) under /usr/bin/time -v; peak RSS must
//     stay ≤ 400 MB whatever N is: memory is bounded by the concurrency, not the batch.
//   - BenchmarkBatchThroughput: 200 photos of 3 MP, a fake server that takes 800 ms per answer,
//     concurrency 4; reports the wall time against the ideal 200/4 × 0.8 s = 40 s (preprocessing and
//     bookkeeping should hide behind the network).

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"medinventory/analyzer/openaitest"
	"medinventory/store"
)

// bigPhotoJPEG writes a distinct w×h photo-like JPEG (smooth shading, texture and a few
// seed-dependent blocks, so it compresses like a real photo rather than like noise or a flat
// colour).
func bigPhotoJPEG(tb testing.TB, path string, w, h, seed int) {
	tb.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := 0; y < h; y++ {
		row := img.Y[y*img.YStride : y*img.YStride+w]
		for x := range row {
			v := (x*255)/w/2 + (y*255)/h/2
			v += ((x*7 + y*13 + seed*31) % 23) - 11 // texture
			if (x/97+y/89+seed)%17 == 0 {
				v = 255 - v // seed-dependent blocks: every photo is distinct
			}
			row[x] = uint8(min(max(v, 0), 255))
		}
	}
	cw, ch := (w+1)/2, (h+1)/2
	for y := 0; y < ch; y++ {
		for x := 0; x < cw; x++ {
			img.Cb[y*img.CStride+x] = uint8(128 + (x*60)/cw - 30)
			img.Cr[y*img.CStride+x] = uint8(128 + (y*60)/ch - 30 + seed%7)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := jpeg.Encode(bw, img, &jpeg.Options{Quality: 88}); err != nil {
		tb.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// bigPhotos writes n distinct w×h JPEGs into a new folder, using every core.
func bigPhotos(tb testing.TB, n, w, h, seed int) string {
	tb.Helper()
	dir := tb.TempDir()
	var wg sync.WaitGroup
	next := make(chan int)
	for c := 0; c < runtime.NumCPU(); c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				bigPhotoJPEG(tb, filepath.Join(dir, fmt.Sprintf("photo%04d.jpg", i)), w, h, seed+i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return dir
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

var maxRSSLine = regexp.MustCompile(`Maximum resident set size \(kbytes\): (\d+)`)

// TestMemoryPeak measures the binary's peak RSS while it imports and analyses N 12 MP photos
// (MEDINVENTORY_MEMORY_PHOTOS, default 50). scripts/memory.sh runs it for 50 and 200.
func TestMemoryPeak(t *testing.T) {
	if !soakMode() {
		t.Skip("long: set MEDINVENTORY_SOAK=1 (scripts/memory.sh does)")
	}
	n := envInt("MEDINVENTORY_MEMORY_PHOTOS", 50)
	conc := envInt("MEDINVENTORY_MEMORY_CONCURRENCY", 4)
	const w, h = 4000, 3000 // 12 MP
	genStart := time.Now()
	in := bigPhotos(t, n, w, h, 20000)
	t.Logf("generated %d photos of %d×%d in %s", n, w, h, time.Since(genStart).Round(time.Second))

	srv := openaitest.NewServer(t)
	a := medicineAnswer("Memorol")
	a.Delay = 300 * time.Millisecond // a network-like wait: analyses overlap as they would for real
	srv.SetDefault(a)
	data := t.TempDir()
	args := []string{binary(t), "--data-dir", data, "import", "--wait", "--concurrency", strconv.Itoa(conc), in}
	timeBin, err := exec.LookPath("/usr/bin/time")
	if err == nil {
		args = append([]string{timeBin, "-v"}, args...)
	} else {
		t.Log("/usr/bin/time is missing (Debian: apt-get install time); measuring with wait4's rusage instead")
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(cleanEnv(), "OPENAI_API_KEY="+srv.Key(), "OPENAI_BASE_URL="+srv.URL())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		t.Fatalf("import: %v\nstdout:\n%s\nstderr:\n%s", err, tail(out.String(), 3000), errb.String())
	}
	var rssKB int64
	if m := maxRSSLine.FindStringSubmatch(errb.String()); m != nil {
		rssKB, _ = strconv.ParseInt(m[1], 10, 64)
	} else if kb, ok := peakRSSKB(cmd.ProcessState); ok {
		rssKB = kb
	}
	if rssKB == 0 {
		t.Fatalf("no peak RSS measured:\n%s", errb.String())
	}
	if c := srv.Count(); c != n {
		t.Errorf("%d model requests for %d photos", c, n)
	}
	// The line scripts/memory.sh prints.
	fmt.Printf("memory: %d photos of 12 MP, concurrency %d: Maximum resident set size %d kB (%.0f MB; limit 400 MB), import --wait took %s\n",
		n, conc, rssKB, float64(rssKB)/1024, wall.Round(100*time.Millisecond))
	if rssKB > 400*1024 {
		t.Errorf("peak RSS %.0f MB for %d photos; want ≤ 400 MB", float64(rssKB)/1024, n)
	}
}

// BenchmarkBatchThroughput imports and analyses 200 photos of 3 MP (MEDINVENTORY_THROUGHPUT_PHOTOS)
// through the real binary against a fake server that takes 800 ms per answer, 4 at a time. It
// reports the wall time of `import --wait` and its ratio to the ideal photos/4 × 0.8 s — the time
// the network alone needs (x-ideal); scripts/soak.sh fails if that ratio is above 1.1. As a
// baseline measured in the same run it also imports the same batch against a server that answers
// at once: that wall time (local-s) is the app's own work (decode, barcode search, resize,
// bookkeeping) as the workers see it, and cpu-ms/photo is the binary's CPU time per photo.
func BenchmarkBatchThroughput(b *testing.B) {
	n := envInt("MEDINVENTORY_THROUGHPUT_PHOTOS", 200)
	const conc, latency = 4, 800 * time.Millisecond
	in := bigPhotos(b, n, 2000, 1500, 40000) // 3 MP
	srv := openaitest.NewServer(b)
	bin := binary(b)
	ideal := time.Duration(n/conc) * latency
	if n%conc != 0 {
		ideal += latency
	}
	run := func(delay time.Duration) (wall, cpu, meanLatency time.Duration) {
		a := medicineAnswer("Throughputol")
		a.Delay = delay
		srv.SetDefault(a)
		data := b.TempDir()
		before := srv.Count()
		cmd := exec.Command(bin, "--data-dir", data, "import", "--wait", "--concurrency", strconv.Itoa(conc), in)
		cmd.Env = append(cleanEnv(), "OPENAI_API_KEY="+srv.Key(), "OPENAI_BASE_URL="+srv.URL())
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		err := cmd.Run()
		wall = time.Since(start)
		if err != nil {
			b.Fatalf("import: %v\n%s", err, tail(out.String(), 3000))
		}
		if got := srv.Count() - before; got != n {
			b.Fatalf("%d model requests for %d photos", got, n)
		}
		// The model call's latency as the app measured it (request sent → answer read): the
		// server's fixed delay plus what the fake server spends checking each request (JSON schema,
		// image decoding) — time that is the test's, not the app's.
		st, err := store.Open(context.Background(), data, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		var ms float64
		if err := st.ReadDB().QueryRow(`SELECT AVG(latency_ms) FROM analyses WHERE source = 'model'`).Scan(&ms); err != nil {
			b.Fatal(err)
		}
		st.Close()
		return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), time.Duration(ms * float64(time.Millisecond))
	}
	var total, local, cpu, lat time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		l, c, _ := run(0)
		local += l
		cpu += c
		b.StartTimer()
		w, _, ml := run(latency)
		total += w
		lat += ml
	}
	// The ideal with the latency the app actually met: the network-bound floor on this machine.
	meanLat := lat / time.Duration(b.N)
	measuredIdeal := time.Duration(float64(meanLat) * math.Ceil(float64(n)/conc))
	wall := total / time.Duration(b.N)
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(ideal.Seconds(), "ideal-s")
	b.ReportMetric(wall.Seconds()/ideal.Seconds(), "x-ideal")
	b.ReportMetric(float64(n)/wall.Seconds(), "photos/s")
	b.ReportMetric((local / time.Duration(b.N)).Seconds(), "local-s")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N*n), "cpu-ms/photo")
	b.ReportMetric(float64(meanLat.Milliseconds()), "call-ms")
	b.ReportMetric(wall.Seconds()/measuredIdeal.Seconds(), "x-call-bound")
}
