package look_test

import (
	"fmt"
	"image"
	"image/png"
	"math"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"medinventory/store/look"
	"medinventory/store/stock"
)

// lookAlikeSet is the measure's photos: per pack a first photo and ten re-shots turned 1°…10°
// (random side), re-framed and re-lit; a sibling pack (same design, other words and code); and,
// for the packs compared with each other, the other packs' re-shots.
type lookAlikeSet struct {
	first, sibling []image.Image
	reshots        [][]image.Image // [pack][k-1]: turned k degrees more
	angles         [][]float64
}

const lookAlikePacks = 20

var lookAlikeOnce = sync.OnceValue(func() *lookAlikeSet {
	set := &lookAlikeSet{first: make([]image.Image, lookAlikePacks), sibling: make([]image.Image, lookAlikePacks),
		reshots: make([][]image.Image, lookAlikePacks), angles: make([][]float64, lookAlikePacks)}
	var wg sync.WaitGroup
	for i := range lookAlikePacks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 7))
			pack := newPackScene(uint64(i)*1000 + 1)
			sh := plainShot(r)
			set.first[i] = pack.photo(sh, r)
			set.sibling[i] = newPackScene(uint64(i)*1000+2).photo(reShot(sh, 2, r), r)
			for k := 1; k <= 10; k++ {
				a := float64(k)
				if r.IntN(2) == 0 {
					a = -a
				}
				set.angles[i] = append(set.angles[i], a)
				set.reshots[i] = append(set.reshots[i], pack.photo(reShot(sh, a, r), r))
			}
		}()
	}
	wg.Wait()
	if dir := os.Getenv("LOOKALIKE_PNG"); dir != "" { // to look at the photos
		save := func(name string, img image.Image) {
			f, err := os.Create(filepath.Join(dir, name))
			if err == nil {
				_ = png.Encode(f, img)
				f.Close()
			}
		}
		for i := 0; i < 3; i++ {
			save(fmt.Sprintf("pack%d-first.png", i), set.first[i])
			save(fmt.Sprintf("pack%d-sibling.png", i), set.sibling[i])
			save(fmt.Sprintf("pack%d-reshot10.png", i), set.reshots[i][9])
		}
	}
	return set
})

// lookAlikeScores scores the measure's pairs: re-shots against their first photo ([pack][k-1],
// turned k degrees), sibling packs against the first photo, and other packs (each pack's first
// photo against every re-shot of every other pack: 3,800 pairs). sig makes a photo's signature
// once; score says how alike a later photo's signature is to an earlier one's.
func lookAlikeScores[S any](sig func(image.Image) S, score func(earlier, later S) float64) (reshots [][]float64, siblings, others []float64) {
	set := lookAlikeOnce()
	first := make([]S, lookAlikePacks)
	for i := range lookAlikePacks {
		first[i] = sig(set.first[i])
	}
	for i := range lookAlikePacks {
		var row []float64
		for _, img := range set.reshots[i] {
			later := sig(img)
			row = append(row, score(first[i], later))
			for j := range lookAlikePacks {
				if j != i {
					others = append(others, score(first[j], later))
				}
			}
		}
		reshots = append(reshots, row)
		siblings = append(siblings, score(first[i], sig(set.sibling[i])))
	}
	return reshots, siblings, others
}

// lookAlikeRates are the percentages of the pairs whose score reaches threshold: re-shots (over
// all, and per angle 1°…10°), other packs (wrongly flagged), sibling packs.
func lookAlikeRates(reshots [][]float64, siblings, others []float64, threshold float64) (re float64, perAngle [10]float64, other, sib float64) {
	pct := func(v []float64) float64 {
		n := 0
		for _, x := range v {
			if x >= threshold {
				n++
			}
		}
		return math.Round(1000*float64(n)/float64(len(v))) / 10
	}
	var all []float64
	for k := range perAngle {
		var col []float64
		for i := range reshots {
			col = append(col, reshots[i][k])
		}
		perAngle[k] = pct(col)
		all = append(all, col...)
	}
	return pct(all), perAngle, pct(others), pct(siblings)
}

// spread is "min / 5% / median / 95% / max" of v.
func spread(v []float64) string {
	v = slices.Clone(v)
	slices.Sort(v)
	at := func(q float64) float64 { return v[int(q*float64(len(v)-1))] }
	return fmt.Sprintf("%.3f / %.3f / %.3f / %.3f / %.3f", at(0), at(0.05), at(0.5), at(0.95), at(1))
}

// TestLookAlikeRates measures the look-alike flag on package-like photos made in code (see
// packScene): 20 packs, each photographed once and re-shot ten times turned 1°…10° (either side),
// re-framed (zoom ±8%, moved up to 5%), re-lit (brightness, contrast, white balance), noisier and
// recompressed as JPEG. It fails below the floors. With -v it logs the figures, before (the
// 64-bit dHash of release 0.1) and after (look.Matcher):
//
//	go test -tags ci -count=1 -run TestLookAlikeRates -v ./store/look/
func TestLookAlikeRates(t *testing.T) {
	hamming := func(a, b uint64) float64 { return -float64(bits.OnesCount64(a ^ b)) }
	re, sib, other := lookAlikeScores(dHash64, hamming)
	r, per, o, s := lookAlikeRates(re, sib, other, -stock.SimilarHashDistance)
	t.Logf("before (dHash, alike within %d bits): re-shots flagged %.1f%% (per degree 1..10: %v), other packs flagged %.1f%%, sibling packs (same design, other words) %.1f%%",
		stock.SimilarHashDistance, r, per, o, s)

	type sigm struct {
		sig []byte
		m   *look.Matcher
	}
	sig := func(img image.Image) sigm {
		s := look.Signature(img)
		m, err := look.NewMatcher(s)
		if err != nil {
			t.Fatal(err)
		}
		return sigm{s, m}
	}
	re, sib, other = lookAlikeScores(sig, func(earlier, later sigm) float64 { return later.m.Score(earlier.sig) })
	var all []float64
	for _, row := range re {
		all = append(all, row...)
	}
	t.Logf("after: correlation (min / 5%% / median / 95%% / max): re-shots %s; other packs %s; sibling packs %s", spread(all), spread(other), spread(sib))
	r, per, o, s = lookAlikeRates(re, sib, other, look.Threshold)
	t.Logf("after (look, alike from %.2f): re-shots flagged %.1f%% (per degree 1..10: %v), other packs flagged %.1f%%, sibling packs %.1f%%", look.Threshold, r, per, o, s)
	if r < 98 || o > 0.1 {
		t.Errorf("re-shots flagged %.1f%% (floor 98%%), other packs flagged %.1f%% (ceiling 0.1%%)", r, o)
	}
	for k, p := range per {
		if p < 90 {
			t.Errorf("re-shots turned %d° flagged %.0f%%, floor 90%%", k+1, p)
		}
	}
	for _, th := range []float64{0.77, 0.79, 0.83, 0.85, 0.88} {
		r, _, o, s := lookAlikeRates(re, sib, other, th)
		t.Logf("  at %.2f: re-shots %.1f%%, other packs %.1f%%, siblings %.1f%%", th, r, o, s)
	}
}

// BenchmarkLookAlikePerPhoto is the flag's cost for one analysed 1600×1200 photo compared with 50
// photos added shortly before: the signature from the decoded image, then the comparisons.
// Baseline: release 0.1's dHash in the same run.
//
//	go test -tags ci -run '^$' -bench LookAlikePerPhoto ./store/look/
func BenchmarkLookAlikePerPhoto(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	sh := plainShot(r)
	sh.w, sh.h = 1600, 1200
	img := newPackScene(1).photo(sh, r)
	var earlierHash []uint64
	var earlierSig [][]byte
	for i := range 50 {
		e := newPackScene(uint64(i+2)*1000).photo(plainShot(r), r)
		earlierHash = append(earlierHash, dHash64(e))
		earlierSig = append(earlierSig, look.Signature(e))
	}
	b.Run("dHash-before", func(b *testing.B) {
		for b.Loop() {
			h := dHash64(img)
			for _, o := range earlierHash {
				_ = bits.OnesCount64(h^o) <= stock.SimilarHashDistance
			}
		}
	})
	b.Run("look-after", func(b *testing.B) {
		for b.Loop() {
			m, err := look.NewMatcher(look.Signature(img))
			if err != nil {
				b.Fatal(err)
			}
			for _, o := range earlierSig {
				m.Like(o)
			}
		}
	})
}
