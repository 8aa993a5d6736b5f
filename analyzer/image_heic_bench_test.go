//go:build !windows

package analyzer

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gen2brain/heic"
)

// BenchmarkHEIC12MPVsHeifConvert prepares a 12 MP HEIC for the model (LoadImage + PrepareUpload,
// from the file) and, in the same run, has libheif's own command-line decoder, heif-convert
// (Debian libheif-examples), decode the same file to raw Y4M. It reports both wall times per
// photo, their ratio (target ≤ 1.3), heif-convert's peak RSS and this process's extra peak RSS
// while preparing (target ≤ 100 MB; Linux: VmHWM after resetting it through /proc/self/clear_refs).
//
//	go test -run '^$' -bench HEIC12MPVsHeifConvert -benchtime 3x ./analyzer/
//	go test -tags nodynamic -run '^$' -bench HEIC12MPVsHeifConvert -benchtime 3x ./analyzer/  # WebAssembly
func BenchmarkHEIC12MPVsHeifConvert(b *testing.B) {
	data := heicOrSkip(b)
	conv, err := exec.LookPath("heif-convert")
	if err != nil {
		b.Skip("heif-convert is needed (Debian: apt-get install libheif-examples)")
	}
	if heic.Dynamic() == nil {
		b.Log("gen2brain/heic uses the system libheif")
	} else {
		b.Log("gen2brain/heic uses WebAssembly")
	}
	dir := b.TempDir()
	src := filepath.Join(dir, "photo.heic")
	if err := os.WriteFile(src, data, 0o600); err != nil {
		b.Fatal(err)
	}
	var ours, theirs time.Duration
	var theirRSS, ourExtra int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		before := procStatusKB("VmRSS")
		os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset VmHWM (peak) to now
		start := time.Now()
		f, err := os.Open(src)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := Preprocess(f, DetailHigh); err != nil {
			b.Fatal(err)
		}
		f.Close()
		ours += time.Since(start)
		if peak := procStatusKB("VmHWM"); peak > 0 && before > 0 {
			ourExtra = max(ourExtra, peak-before)
		}
		start = time.Now()
		cmd := exec.Command(conv, src, filepath.Join(dir, "out.y4m"))
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("heif-convert: %v\n%s", err, out)
		}
		theirs += time.Since(start)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			theirRSS = max(theirRSS, ru.Maxrss)
		}
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(ours.Seconds()*1000/n, "prepare-ms/photo")
	b.ReportMetric(theirs.Seconds()*1000/n, "heif-convert-ms/photo")
	b.ReportMetric(float64(ours)/float64(theirs), "x-heif-convert")
	b.ReportMetric(float64(theirRSS)/1024, "heif-convert-peak-MB")
	b.ReportMetric(float64(ourExtra)/1024, "prepare-extra-peak-MB")
}

// procStatusKB reads a "Name: N kB" line of /proc/self/status (0 where there is none).
func procStatusKB(name string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if rest, ok := strings.CutPrefix(string(line), name+":"); ok {
			v, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return v
		}
	}
	return 0
}
