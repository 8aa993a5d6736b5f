package look

import (
	"errors"
	"image"
	"image/color"
	"testing"
)

func picture(w, h int, f func(x, y float64) uint8) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetGray(x, y, color.Gray{f(float64(x)/float64(w), float64(y)/float64(h))})
		}
	}
	return img
}

// blocks is a picture of a few shapes; k changes them.
func blocks(k int) func(x, y float64) uint8 {
	return func(x, y float64) uint8 {
		v := 200.0
		if x > 0.2 && x < 0.5 && y > 0.3 && y < 0.6 {
			v = 40
		}
		if (x-0.7)*(x-0.7)+(y-0.4)*(y-0.4) < 0.02*float64(k) {
			v = 90
		}
		if y > 0.75 && int(x*float64(10+k))%2 == 0 {
			v = 20
		}
		return uint8(v)
	}
}

func like(t *testing.T, a, b image.Image) bool {
	t.Helper()
	m, err := NewMatcher(Signature(b))
	if err != nil {
		t.Fatal(err)
	}
	return m.Like(Signature(a))
}

func TestSignatureAndMatcher(t *testing.T) {
	big := picture(1200, 900, blocks(1))
	if !like(t, big, picture(160, 120, blocks(1))) {
		t.Error("the same picture at another size does not look alike")
	}
	darker := picture(1200, 900, func(x, y float64) uint8 { return blocks(1)(x, y)/2 + 10 })
	if !like(t, big, darker) {
		t.Error("the same picture darker, with less contrast, does not look alike")
	}
	if like(t, big, picture(1200, 900, func(x, y float64) uint8 { return blocks(1)(1-x, y) })) {
		t.Error("a mirrored picture looks alike")
	}
	if like(t, big, picture(1200, 900, blocks(3))) {
		t.Error("another picture looks alike")
	}
	for _, size := range []image.Point{{1, 1}, {10, 8}, {31, 500}, {500, 23}} { // smaller than the grid
		tiny := picture(size.X, size.Y, blocks(1))
		if s := Signature(tiny); len(s) != 3+C*W*H {
			t.Errorf("a %v photo's signature has %d bytes", size, len(s))
		}
	}
	if !like(t, big, picture(32, 24, blocks(1))) {
		t.Error("the same picture at 32×24 does not look alike")
	}
	if Signature(image.NewGray(image.Rect(0, 0, 0, 0))) != nil {
		t.Error("an empty image has a signature")
	}
	sub := big.SubImage(image.Rect(0, 0, 1200, 900))
	if string(Signature(sub)) != string(Signature(big)) {
		t.Error("a sub-image is not read from its own bounds")
	}
	flat := picture(64, 48, func(x, y float64) uint8 { return 128 })
	if like(t, flat, flat) {
		t.Error("a photo of one even colour looks like something")
	}
	if _, err := NewMatcher([]byte{1, 2, 3}); !errors.Is(err, ErrSignature) {
		t.Errorf("a bad signature: %v", err)
	}
	m, _ := NewMatcher(Signature(big))
	if m.Like([]byte("not a signature")) {
		t.Error("a bad signature looks alike")
	}
}

// BenchmarkMatcher is the cost of the flag per photo analysed: one matcher, then one comparison
// per photo added shortly before.
func BenchmarkMatcher(b *testing.B) {
	s1, s2 := Signature(picture(640, 480, blocks(1))), Signature(picture(640, 480, blocks(2)))
	b.Run("NewMatcher", func(b *testing.B) {
		for b.Loop() {
			_, _ = NewMatcher(s1)
		}
	})
	m, _ := NewMatcher(s1)
	b.Run("Score", func(b *testing.B) {
		for b.Loop() {
			m.Score(s2)
		}
	})
}
