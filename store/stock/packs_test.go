package stock_test

import (
	"errors"
	"testing"

	"medinventory/store/stock"
)

func TestSplit(t *testing.T) {
	for _, c := range []struct{ units, size, packs, rest int64 }{
		{50, 30, 1, 20}, {60, 30, 2, 0}, {20, 30, 0, 20}, {7, 1, 7, 0}, {7, 0, 7, 0}, {-50, 30, -1, -20}, {0, 30, 0, 0},
	} {
		if p, r := stock.Split(c.units, c.size); p != c.packs || r != c.rest {
			t.Errorf("Split(%d, %d) = %d, %d; want %d, %d", c.units, c.size, p, r, c.packs, c.rest)
		}
	}
}

func TestParseQuantity(t *testing.T) {
	for _, c := range []struct {
		in      string
		size    int64
		inPacks bool
		want    int64
		bad     bool
	}{
		{"10", 30, false, 10, false},
		{" 10 ", 30, true, 300, false},
		{"2 packs", 30, false, 60, false},
		{"2 pack", 30, false, 60, false},
		{"2p", 30, false, 60, false},
		{"2 P", 30, false, 60, false},
		{"1 pack + 5", 30, false, 35, false},
		{"1p+5", 30, true, 35, false}, // the loose part is units even in packs mode
		{"5 capsules", 30, true, 5, false},
		{"-1 pack", 30, false, -30, false},
		{"+3", 30, false, 3, false},
		{"2 packs", 1, false, 2, false},
		{"5 + 1 pack", 30, false, 0, true},
		{"1 pack + 2 packs", 30, false, 0, true},
		{"1 + 2 + 3", 30, false, 0, true},
		{"two", 30, false, 0, true},
		{"", 30, false, 0, true},
		{"2.5", 30, false, 0, true},
		{"99999999999999999999", 1, false, 0, true},
		{"400000 packs", 30, false, 0, true}, // 12,000,000 is over the largest quantity
	} {
		got, err := stock.ParseQuantity(c.in, c.size, c.inPacks)
		if c.bad {
			if err == nil || !errors.Is(err, stock.ErrQuantity) {
				t.Errorf("ParseQuantity(%q) = %d, %v; want an ErrQuantity", c.in, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseQuantity(%q, %d, %v) = %d, %v; want %d", c.in, c.size, c.inPacks, got, err, c.want)
		}
	}
}

func TestConvertBalance(t *testing.T) {
	for _, c := range []struct {
		onHand, old, new, want int64
		unit                   bool // the unit changes too
		err                    error
	}{
		{2, 1, 30, 60, true, nil}, // 2 packs → 60 capsules
		{60, 30, 1, 2, true, nil}, // and back
		{50, 30, 1, 0, true, stock.ErrInexactConversion},
		{25, 10, 10, 25, true, nil},  // a unit renamed: same size, same balance
		{60, 30, 28, 56, false, nil}, // the lot's packs hold 28
		{50, 30, 28, 48, false, nil}, // 1 pack + 20 loose → 1 pack of 28 + 20
		{20, 30, 28, 20, false, nil}, // loose only
		{0, 30, 10, 0, true, nil},
		{-1, 30, 10, 0, false, stock.ErrInexactConversion},
		{5, 0, 10, 0, false, stock.ErrPackSize},
		{5, 1, 0, 0, true, stock.ErrPackSize},
		{1_000_000, 1, 30, 0, true, stock.ErrQuantity},
	} {
		conv := stock.ConvertBalance
		if c.unit {
			conv = stock.ConvertUnitBalance
		}
		got, err := conv(c.onHand, c.old, c.new)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("convert(%d, %d→%d, unit %v) = %d, %v; want %v", c.onHand, c.old, c.new, c.unit, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("convert(%d, %d→%d, unit %v) = %d, %v; want %d", c.onHand, c.old, c.new, c.unit, got, err, c.want)
		}
	}
}

func TestParsePackContentsAndReceiptPackSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		size int64
		word string
		ok   bool
	}{
		{"30 capsules", 30, "capsules", true}, {"100 mL", 100, "mL", true}, {"3 x 10 tablets", 30, "tablets", true},
		{"2×14", 28, "", true}, {"30", 30, "", true}, {"box", 0, "", false}, {"", 0, "", false}, {"0 tablets", 0, "", false},
		{"99999999 tablets", 0, "", false},
	} {
		n, w, ok := stock.ParsePackContents(c.in)
		if n != c.size || w != c.word || ok != c.ok {
			t.Errorf("ParsePackContents(%q) = %d, %q, %v; want %d, %q, %v", c.in, n, w, ok, c.size, c.word, c.ok)
		}
	}
	caps := stock.Product{Unit: "capsule", PackSize: 30}
	for _, c := range []struct {
		p        stock.Product
		contents string
		barcode  int64
		line     int64
		size     int64
		from     string
	}{
		{stock.Product{Unit: "pack", PackSize: 1}, "30 capsules", 30, 0, 1, stock.PackSizeFromProduct},
		{caps, "28 Capsules", 30, 30, 28, stock.PackSizeFromModel},
		{caps, "100 mL", 20, 30, 20, stock.PackSizeFromBarcode}, // the model's mL are not capsules
		{caps, "box", 0, 14, 14, stock.PackSizeFromProduct},     // the lot's size
		{caps, "", 0, 0, 30, stock.PackSizeFromProduct},
	} {
		n, from := stock.ReceiptPackSize(c.p, c.contents, c.barcode, c.line)
		if n != c.size || from != c.from {
			t.Errorf("ReceiptPackSize(%+v, %q, %d, %d) = %d, %s; want %d, %s", c.p, c.contents, c.barcode, c.line, n, from, c.size, c.from)
		}
	}
}

func TestQuantityWords(t *testing.T) {
	for _, c := range []struct {
		units int64
		unit  string
		size  int64
		want  string
	}{
		{50, "capsule", 30, "50 capsules (1 pack + 20)"},
		{60, "capsule", 30, "60 capsules (2 packs)"},
		{20, "capsule", 30, "20 capsules"},
		{1, "tablet", 10, "1 tablet"},
		{3, "pack", 1, "3 packs"},
		{1, "", 1, "1 pack"},
		{250, "mL", 100, "250 mL (2 packs + 50)"},
		{4, "box", 1, "4 boxes"},
		{-30, "sachet", 10, "-30 sachets (-3 packs)"},
	} {
		if got := stock.QuantityWords(c.units, c.unit, c.size); got != c.want {
			t.Errorf("QuantityWords(%d, %q, %d) = %q; want %q", c.units, c.unit, c.size, got, c.want)
		}
	}
	if got := stock.ConvertNote(2, "pack", 60, "capsule"); got != "2 packs → 60 capsules" {
		t.Errorf("ConvertNote = %q", got)
	}
}

func TestReceiptWords(t *testing.T) {
	m := stock.Movement{Quantity: 60, Packs: 2, PackSize: 30}
	if got := stock.ReceiptWords(m, "capsule"); got != "2 packs × 30 capsules = 60 capsules" {
		t.Errorf("ReceiptWords = %q", got)
	}
	if got := stock.ReceiptWords(stock.Movement{Quantity: 3, Packs: 3, PackSize: 1}, "pack"); got != "3 packs" {
		t.Errorf("ReceiptWords of packs = %q", got)
	}
}

func TestPacksToOrder(t *testing.T) {
	for _, c := range [][3]int64{{45, 30, 2}, {60, 30, 2}, {0, 30, 0}, {-5, 30, 0}, {7, 1, 7}, {1, 30, 1}} {
		if got := stock.PacksToOrder(c[0], c[1]); got != c[2] {
			t.Errorf("PacksToOrder(%d, %d) = %d; want %d", c[0], c[1], got, c[2])
		}
	}
}
