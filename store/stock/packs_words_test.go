package stock

import (
	"errors"
	"testing"
)

// A word after the number that is neither a word for pack nor the product's unit was counted as
// units: "2 blisters" of capsules in packs of 30 was 2 capsules, and "2 caixas" (2 boxes in
// Portuguese) typed on an English desktop too. Now the pack words of every language the app
// speaks are packs, and any other word is refused in plain words.
func TestQuantityWordsAreAPackOrTheUnit(t *testing.T) {
	for _, c := range []struct {
		text, unit string
		want       int64
	}{
		{"2 caixas", "capsule", 60}, {"2 boîtes", "capsule", 60}, {"2 cajas", "capsule", 60}, {" 2 PACKS ", "capsule", 60},
		{"5 capsules", "capsule", 5}, {"1 pack + 5 capsules", "capsule", 35}, {"10", "capsule", 10}, {"-1 caja", "capsule", -30},
		{"3", "pack", 3}, {"3 packs", "pack", 3},
	} {
		size := int64(30)
		if c.unit == "pack" {
			size = 1
		}
		if n, err := ParseQuantityOf(c.text, c.unit, size, false); err != nil || n != c.want {
			t.Errorf("%q of %s: %d, %v; want %d", c.text, c.unit, n, err, c.want)
		}
	}
	for _, c := range []struct{ text, unit, want string }{
		{"2 blisters", "capsule", `the quantity must be a whole number above 0: "2 blisters": "blisters" is neither a pack nor a capsule; type a number of capsules (e.g. 10) or of packs (e.g. 2 packs, or 1 pack + 5)`},
		{"5 tablets", "capsule", `the quantity must be a whole number above 0: "5 tablets": "tablets" is neither a pack nor a capsule; type a number of capsules (e.g. 10) or of packs (e.g. 2 packs, or 1 pack + 5)`},
		{"5 capsules", "pack", `the quantity must be a whole number above 0: "5 capsules": this product is counted in packs, not in capsules; type a number of packs, or set its unit first (e.g. capsule, with its pack size)`},
	} {
		_, err := ParseQuantityOf(c.text, c.unit, 30, false)
		if !errors.Is(err, ErrQuantity) || err.Error() != c.want {
			t.Errorf("%q of %s: %v\nwant %s", c.text, c.unit, err, c.want)
		}
	}
	if _, err := ParseQuantityOf("99999999999 packs", "capsule", 30, false); err == nil ||
		err.Error() != "the quantity must be a whole number above 0: 99999999999 is more than 10000000; check the number" {
		t.Errorf("a huge number: %v", err)
	}
}
