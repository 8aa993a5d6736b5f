package barcode

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing/datamatrix"
)

// benchPhoto is one generated 12 MP photo, kept JPEG-compressed (decoding is not timed).
type benchPhoto struct {
	jpeg []byte
	gtin string
	desc string
}

var (
	benchOnce   sync.Once
	benchPhotos []benchPhoto
)

// photoSet makes 48 12 MP photos once per process: three GS1 DataMatrix symbols of different
// sizes covering 1–4 % of the frame, at rotations spread over 0–360°, JPEG quality 80.
func photoSet(b *testing.B) []benchPhoto {
	benchOnce.Do(func() {
		syms := []struct {
			file, gtin string
		}{{"dm_full.png", "09506000134352"}, {"dm_short.png", "05012345678900"}, {"dm_long.png", "04012345678901"}}
		loaded := make([]*image.Gray, len(syms))
		for i, s := range syms {
			loaded[i] = loadSymbol(b, s.file)
		}
		const n = 48
		benchPhotos = make([]benchPhoto, n)
		var wg sync.WaitGroup
		sem := make(chan struct{}, 4)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				rng := rand.New(rand.NewPCG(uint64(i), 99))
				s := syms[i%len(syms)]
				sc := scene{W: 4032, H: 3024, Angle: rng.Float64() * 360, Coverage: 0.01 + rng.Float64()*0.03,
					Seed: uint64(1000 + i), Noise: 4 + rng.Float64()*4}
				img, _ := render(loaded[i%len(syms)], sc)
				var buf bytes.Buffer
				if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
					panic(err)
				}
				benchPhotos[i] = benchPhoto{buf.Bytes(), s.gtin, fmt.Sprintf("%s %.0f° %.1f%%", s.file, sc.Angle, sc.Coverage*100)}
			}()
		}
		wg.Wait()
	})
	return benchPhotos
}

// BenchmarkRead12MP reads every photo of the set once per iteration and reports the read rate
// and the median time per photo; run it on one core:
//
//	go test -run '^$' -bench Read12MP -benchtime 1x -cpu 1 ./analyzer/barcode/
//
// As a baseline measured in the same run, it also hands the first photos whole to gozxing's
// DataMatrix reader (what one would do without locating the code first).
func BenchmarkRead12MP(b *testing.B) {
	photos := photoSet(b)
	b.ResetTimer()
	var times []time.Duration
	read, total := 0, 0
	for it := 0; it < b.N; it++ {
		for _, p := range photos {
			b.StopTimer()
			img, err := jpeg.Decode(bytes.NewReader(p.jpeg))
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			start := cpuNow()
			codes, err := Read(context.Background(), img)
			times = append(times, cpuNow()-start)
			if err != nil {
				b.Fatal(err)
			}
			total++
			if g, ok := Best(codes); ok && g.GTIN == p.gtin {
				read++
			} else if it == 0 {
				b.Logf("not read: %s", p.desc)
			}
		}
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	median := times[len(times)/2]
	b.ReportMetric(100*float64(read)/float64(total), "read-rate-%")
	b.ReportMetric(float64(median.Microseconds())/1000, "median-cpu-ms/photo")
	b.ReportMetric(float64(times[len(times)-1].Microseconds())/1000, "max-cpu-ms/photo")

	// Baseline: whole frame straight into gozxing.
	const baseN = 6
	naiveRead := 0
	var naiveTimes []time.Duration
	for _, p := range photos[:baseN] {
		img, err := jpeg.Decode(bytes.NewReader(p.jpeg))
		if err != nil {
			b.Fatal(err)
		}
		g := toGray(img)
		pix := g.downscale(1)
		whole := make([]byte, pix.w*pix.h)
		for y := 0; y < pix.h; y++ {
			copy(whole[y*pix.w:], pix.pix[y*pix.stride:y*pix.stride+pix.w])
		}
		start := cpuNow()
		bmp, _ := bitmap(whole, pix.w, pix.h)
		if res, err := datamatrix.NewDataMatrixReader().Decode(bmp, nil); err == nil {
			if g, err := ParseGS1("]d2" + res.GetText()); err == nil && g.GTIN == p.gtin {
				naiveRead++
			}
		}
		naiveTimes = append(naiveTimes, cpuNow()-start)
	}
	sort.Slice(naiveTimes, func(i, j int) bool { return naiveTimes[i] < naiveTimes[j] })
	b.ReportMetric(100*float64(naiveRead)/baseN, "whole-frame-gozxing-read-rate-%")
	b.ReportMetric(float64(naiveTimes[baseN/2])/float64(median), "whole-frame-gozxing-median-time-x")
}

// BenchmarkReadNoCode12MP times the worst case: a cluttered 12 MP photo with no barcode, where
// Read tries every candidate region and the whole frame before giving up. As a baseline measured
// in the same run, it decodes the same photo's JPEG file with image/jpeg (what every photo costs
// before Read sees it) and reports Read's median as a multiple of that decode's.
func BenchmarkReadNoCode12MP(b *testing.B) {
	raw, _ := render(nil, scene{W: 4032, H: 3024, Seed: 4242, Noise: 6})
	var file bytes.Buffer
	if err := jpeg.Encode(&file, raw, &jpeg.Options{Quality: 80}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var times, decodes []time.Duration
	for i := 0; i < b.N; i++ {
		start := cpuNow()
		img, err := jpeg.Decode(bytes.NewReader(file.Bytes()))
		decodes = append(decodes, cpuNow()-start)
		if err != nil {
			b.Fatal(err)
		}
		start = cpuNow()
		codes, err := Read(context.Background(), img)
		times = append(times, cpuNow()-start)
		if err != nil || len(codes) != 0 {
			b.Fatalf("codes %+v, err %v", codes, err)
		}
	}
	b.ReportMetric(float64(median(times).Microseconds())/1000, "median-cpu-ms/photo")
	b.ReportMetric(float64(median(decodes).Microseconds())/1000, "jpeg-decode-median-cpu-ms")
	b.ReportMetric(float64(median(times))/float64(median(decodes)), "x-jpeg-decode")
}

// BenchmarkCorpus prints, per folder of the corpora (the shared ZXing photos when present,
// testdata/corpus, and the hard cases of TestHardCases), how many codes Read and plain gozxing
// read on the same images, the codes each reports on images with none, and the median CPU time
// per image; it reports Read's median CPU time per image as a multiple of plain gozxing's:
//
//	go test -run '^$' -bench Corpus -benchtime 1x -cpu 1 ./analyzer/barcode/
func BenchmarkCorpus(b *testing.B) {
	for _, dir := range []string{"shared", genCorpusDir, "hard"} {
		b.Run(filepath.Base(dir), func(b *testing.B) {
			var imgs []corpusImage
			switch dir {
			case "shared":
				imgs = loadCorpus(b, sharedCorpusDir(b))
			case "hard":
				imgs = hardCorpus(b)
			default:
				imgs = loadCorpus(b, dir)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				scores, order := scoreCorpus(b, imgs)
				if i == 0 {
					reportScores(b, scores, order)
				}
				ours, plain, falses := 0, 0, 0
				var times, plainTimes []time.Duration
				for _, s := range scores {
					ours, plain, falses = ours+s.ours, plain+s.plain, falses+s.falseOurs
					times, plainTimes = append(times, s.times...), append(plainTimes, s.plainTimes...)
				}
				b.ReportMetric(float64(ours), "read")
				b.ReportMetric(float64(plain), "plain-gozxing-read")
				b.ReportMetric(float64(falses), "false-codes")
				b.ReportMetric(float64(median(times).Microseconds())/1000, "median-cpu-ms/image")
				b.ReportMetric(float64(median(times))/float64(median(plainTimes)), "x-plain-gozxing")
			}
		})
	}
}
