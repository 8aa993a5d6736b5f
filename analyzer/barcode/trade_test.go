package barcode

import (
	"context"
	"image"
	"image/color"
	"image/draw"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

func TestNotTradeItem(t *testing.T) {
	for _, c := range []struct {
		gtin string
		sym  Symbology
		bad  bool
	}{
		{"09506000134352", EAN13, false},      // GS1 UK-style example GTIN
		{"05901234123457", EAN13, false},      // EAN-13 590…
		{"00036000291452", EAN13, false},      // UPC-A 036000291452
		{"09780441014989", EAN13, false},      // ISBN
		{"00000014741678", EAN13, true},       // the false read: 000001… unused
		{"00000007571978", EAN13, true},       // seven zeros: restricted circulation
		{"00000006574697", EAN13, true},       // from a plasma texture
		{"02012345678900", EAN13, true},       // 201…: restricted circulation
		{"00212345678907", EAN13, true},       // UPC-A number system 2 (weighed goods): 021…
		{"00412345678905", EAN13, true},       // UPC-A number system 4: 041…
		{"00512345678902", EAN13, true},       // UPC-A number system 5: coupons
		{"09912345678903", EAN13, true},       // 991…: coupon
		{"09801234567896", EAN13, true},       // 980: refund receipt
		{"00000096385074", EAN8, false},       // EAN-8 96385074
		{"00000020123453", EAN8, true},        // EAN-8 starting 2: restricted circulation
		{"00000096385074", DataMatrix, false}, // a GTIN-8 inside a 2D code's (01)
	} {
		why := notTradeItem(c.gtin, c.sym)
		if (why != "") != c.bad {
			t.Errorf("notTradeItem(%s, %s) = %q, want bad=%v", c.gtin, c.sym, why, c.bad)
		}
	}
}

// ean13Photo renders an EAN-13 with gozxing's writer on a white page, bars scale px wide.
func ean13Photo(t *testing.T, digits string, scale int) image.Image {
	t.Helper()
	m, err := oned.NewEAN13Writer().Encode(digits, gozxing.BarcodeFormat_EAN_13, 0, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := m.GetWidth() * scale
	img := image.NewGray(image.Rect(0, 0, w+80, 240))
	draw.Draw(img, img.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
	for x := 0; x < w; x++ {
		if m.Get(x/scale, 0) {
			for y := 40; y < 200; y++ {
				img.SetGray(40+x, y, color.Gray{20})
			}
		}
	}
	return img
}

// A restricted-circulation EAN-13 (a shop's weighed-goods label) is reported with a note, but
// never as a product's GTIN.
func TestRestrictedCirculationIsNotAProduct(t *testing.T) {
	codes, err := Read(context.Background(), ean13Photo(t, "2001234567893", 3))
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 1 || codes[0].Symbology != EAN13 || codes[0].Text != "2001234567893" || codes[0].GS1 != nil || codes[0].Note == "" {
		t.Fatalf("codes %+v, want one EAN-13 with a note and no GS1", codes)
	}
	if g, ok := Best(codes); ok {
		t.Fatalf("Best took %+v as a product", g)
	}
	// The same bars with a trade item's number are a product.
	codes, _ = Read(context.Background(), ean13Photo(t, "5901234123457", 3))
	if g, ok := Best(codes); !ok || g.GTIN != "05901234123457" {
		t.Fatalf("codes %+v", codes)
	}
}

// A linear code that only one scan line crosses is not trusted: the same bars decode on every
// row of the full symbol, but on a single row only when a second sampling of it agrees — and a
// row whose neighbours are blank gives no second sampling.
func TestSingleScanLineIsNotEnough(t *testing.T) {
	full := ean13Photo(t, "5901234123457", 3).(*image.Gray)
	one := image.NewGray(full.Rect)
	draw.Draw(one, one.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
	copy(one.Pix[120*one.Stride:121*one.Stride], full.Pix[120*full.Stride:121*full.Stride])
	r := &reader{ctx: context.Background()}
	r.upc = oned.NewMultiFormatUPCEANReader(nil)
	for _, c := range []struct {
		img  *image.Gray
		want bool
	}{{full, true}, {one, false}} {
		g := toGray(c.img)
		bmp, _ := bitmap(g.pix, g.w, g.h)
		res := r.confirmedLinear(view{g: g}, &blackRows{bmp: bmp, done: map[int]*gozxing.BitArray{}}, r.upc.(rowDecoder), true)
		if (res != nil) != c.want {
			t.Errorf("confirmed %v, want %v", res, c.want)
		}
	}
}

// One line that its own histogram reads, confirmed by the code's bars above and below it: the
// rows around the line are smeared (a crease), and the rest of the code lies in a shadow
// deepening to the right that defeats a per-row threshold but not a local one — as on ZXing's
// ean13-4/12.png, which plain gozxing reads from one line. Without the code's bars (the line
// alone on white) the same line is still refused (TestSingleScanLineIsNotEnough).
func TestOneLineConfirmedByTheBarsAboveAndBelow(t *testing.T) {
	img := ean13Photo(t, "5901234123457", 2).(*image.Gray)
	const line = 120
	w := img.Rect.Dx()
	for y := 0; y < img.Rect.Dy(); y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+w]
		switch {
		case y == line:
		case y >= line-4 && y <= line+4:
			for x := range row {
				row[x] = 128
			}
		default:
			for x := range row {
				row[x] = byte(float64(row[x]) * (1 - 0.6*float64(x)/float64(w)))
			}
		}
	}
	// Only the one line reads row by row; the crease hides it from every line near it.
	g := toGray(img)
	bmp, _ := bitmap(g.pix, g.w, g.h)
	dec := oned.NewMultiFormatUPCEANReader(nil).(rowDecoder)
	var read []int
	for y := 0; y < g.h; y++ {
		if row, err := bmp.GetBlackRow(y, nil); err == nil {
			if _, err := dec.DecodeRow(y, row, nil); err == nil {
				read = append(read, y)
			}
		}
	}
	if len(read) != 1 || read[0] != line {
		t.Fatalf("rows read by their own histogram: %v, want only %d", read, line)
	}
	codes, err := Read(context.Background(), img)
	if err != nil || len(codes) != 1 || codes[0].GS1 == nil || codes[0].GS1.GTIN != "05901234123457" {
		t.Fatalf("codes %+v, err %v", codes, err)
	}
}
