package stock

// Packs and dispensing units (issue 27). The ledger keeps units — the product's dispensing unit:
// tablet, capsule, sachet, mL, or "pack" — and each lot knows how many units one of its packs
// holds (Line.PackSize). These are the pure rules: splitting units into packs, reading what a
// person typed ("10", "2 packs", "1 pack + 5"), reading a pack's contents as the model wrote them
// ("30 capsules"), converting a lot's balance when its pack size or its product's unit changes,
// and the words that show both.

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"medinventory/assets/i18n"
)

// Errors of the pack rules (test with errors.Is).
var (
	ErrPackSize = errors.New("the pack size must be a whole number of units, 1 or more")
	// ErrInexactConversion: a balance cannot be re-expressed in the new unit without rounding
	// stock away; the change is refused and nothing is converted.
	ErrInexactConversion = errors.New("the stock on hand cannot be converted exactly")
	// ErrUnitChanged: a movement recorded before its lot's unit or pack size changed cannot be
	// undone any more (its quantity counts the old units); a conversion is undone with its change.
	ErrUnitChanged = errors.New("the lot's unit or pack size changed since")
)

// Where a receipt's pack size came from (Movement.PackSizeFrom).
const (
	PackSizeFromModel   = "model"   // the model read the pack's contents ("30 capsules")
	PackSizeFromBarcode = "barcode" // the barcode's GS1 count of items (AI 30 or 37)
	PackSizeFromProduct = "product" // the product's usual pack size (or the lot's)
)

// MaxPackSize is the largest pack size accepted (a drum of 100,000 tablets is already large).
const MaxPackSize = 1_000_000

// CheckPackSize checks a pack size: 1 … MaxPackSize units.
func CheckPackSize(n int64) error {
	if n < 1 || n > MaxPackSize {
		return fmt.Errorf("%w (got %d; at most %d)", ErrPackSize, n, MaxPackSize)
	}
	return nil
}

// CountsInPacks says whether a product's stock is counted in whole packs (the unit "pack", or a
// pack size of 1): then a photo of N packs is N units, whatever the pack says it holds.
func CountsInPacks(p Product) bool {
	return p.PackSize <= 1 && (p.Unit == "" || strings.EqualFold(p.Unit, DefaultUnit))
}

// Split splits units into whole packs of packSize and the loose units left over (a packSize
// below 2 makes every unit a pack). For a negative number both parts are negative.
func Split(units, packSize int64) (packs, rest int64) {
	if packSize <= 1 {
		return units, 0
	}
	return units / packSize, units % packSize
}

// ConvertBalance converts a lot's balance of onHand units when its pack size changes from oldSize
// to newSize and the unit stays: whole packs are re-sized and the loose units stay as they are
// (they were counted one by one). 60 capsules in packs of 30 become 56 in packs of 28; 50 (1 pack
// + 20) become 48 (1 pack + 20). Nothing is ever rounded: the result is exact by construction.
func ConvertBalance(onHand, oldSize, newSize int64) (int64, error) {
	if err := CheckPackSize(oldSize); err != nil {
		return 0, err
	}
	if err := CheckPackSize(newSize); err != nil {
		return 0, err
	}
	if onHand < 0 {
		return 0, fmt.Errorf("%w: %s", ErrInexactConversion, i18n.T("the lot's balance is below 0; count the lot first"))
	}
	packs, rest := Split(onHand, oldSize)
	out := packs*newSize + rest
	if packs > MaxQuantity/newSize || out > MaxQuantity {
		return 0, fmt.Errorf("%w: %d is more than %d", ErrQuantity, packs*newSize+rest, MaxQuantity)
	}
	return out, nil
}

// ConvertUnitBalance converts a lot's balance when the product's unit changes too (from packs to
// capsules, say): the balance is a number of packs of oldSize old units, and becomes the same
// packs of newSize new units (2 packs → 60 capsules in packs of 30; 60 capsules → 2 packs). Loose
// units of the old unit have no meaning in the new one, so a balance that is not whole packs is
// refused (ErrInexactConversion, in plain words) rather than rounded: count the lot in whole packs
// first. With the same size on both sides the unit is only renamed and the balance is unchanged.
func ConvertUnitBalance(onHand, oldSize, newSize int64) (int64, error) {
	if oldSize == newSize {
		return onHand, CheckPackSize(newSize)
	}
	out, err := ConvertBalance(onHand, oldSize, newSize)
	if err != nil {
		return 0, err
	}
	if packs, rest := Split(onHand, oldSize); rest != 0 {
		return 0, fmt.Errorf("%w: %s", ErrInexactConversion,
			i18n.T("%d on hand is %d × %d and %d loose, and the loose ones cannot be expressed in the new unit; count or adjust the lot to whole packs first, then change the unit",
				onHand, packs, oldSize, rest))
	}
	return out, nil
}

// packWords are the words that mean "pack" in a typed quantity: the English ones and the
// current language's.
func packWords() []string {
	ws := []string{"p", "pk", "pck", "pack", "packs", "box", "boxes"}
	for _, w := range []string{i18n.T("pack"), i18n.T("packs")} {
		ws = append(ws, strings.ToLower(w))
	}
	return ws
}

// qtyTerm is a number with an optional word after it: "2", "2 packs", "2p", "5 capsules".
var qtyTerm = regexp.MustCompile(`^(\d+)\s*([\p{L}][\p{L}.\-]*)?$`)

// ParseQuantity reads a quantity a person typed, in units: "10" (units, or packs when inPacks),
// "2 packs", "2 pack", "2p" (packs of packSize), "5 capsules" (any other word: units) and
// "1 pack + 5" (packs and loose units). A leading "-" or "+" signs the whole (adjustments). The
// word for pack is accepted in English and in the current language. The result is not checked
// against the movement's bounds (CheckQuantity does that).
func ParseQuantity(text string, packSize int64, inPacks bool) (int64, error) {
	packs, loose, err := ParsePacks(text, inPacks)
	if err != nil {
		return 0, err
	}
	return PacksToUnits(packs, loose, packSize)
}

// PacksToUnits is packs of packSize units and loose units, in units (a packSize below 1 counts
// as 1), refused above MaxQuantity.
func PacksToUnits(packs, loose, packSize int64) (int64, error) {
	packSize = max(packSize, 1)
	abs := func(n int64) int64 { return max(n, -n) }
	if abs(packs) > MaxQuantity/packSize || abs(packs)*packSize+abs(loose) > MaxQuantity {
		return 0, fmt.Errorf("%w: %s", ErrQuantity, i18n.T("%d packs of %d and %d more is more than %d; check the number", abs(packs), packSize, abs(loose), MaxQuantity))
	}
	return packs*packSize + loose, nil
}

// ParsePacks reads a typed quantity (see ParseQuantity) as whole packs and loose units, before
// the pack size is known: "2 packs" is 2, 0; "1 pack + 5" is 1, 5; "10" is 0, 10 (or 10, 0 when
// inPacks). Both carry the sign.
func ParsePacks(text string, inPacks bool) (packs, loose int64, err error) {
	s := strings.ToLower(strings.TrimSpace(text))
	bad := func() (int64, int64, error) {
		return 0, 0, fmt.Errorf("%w: %s", ErrQuantity,
			i18n.T("%q is not a quantity: type a number of units (e.g. 10) or of packs (e.g. 2 packs, or 1 pack + 5)", strings.TrimSpace(text)))
	}
	if s == "" {
		return bad()
	}
	sign := int64(1)
	switch s[0] {
	case '-':
		sign, s = -1, strings.TrimSpace(s[1:])
	case '+':
		s = strings.TrimSpace(s[1:])
	}
	words := packWords()
	isPack := func(w string) bool {
		for _, p := range words {
			if w == p {
				return true
			}
		}
		return false
	}
	terms := strings.Split(s, "+")
	if len(terms) > 2 {
		return bad()
	}
	for i, t := range terms {
		m := qtyTerm.FindStringSubmatch(strings.TrimSpace(t))
		if m == nil {
			return bad()
		}
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || n > MaxQuantity {
			return 0, 0, fmt.Errorf("%w: %s is more than %d; check the number", ErrQuantity, m[1], MaxQuantity)
		}
		w := strings.TrimRight(m[2], ".")
		isPacks := isPack(w) || (w == "" && inPacks && len(terms) == 1)
		if len(terms) == 2 && (i == 0) != isPacks {
			return bad() // "1 pack + 5": packs first, then loose units
		}
		if isPacks {
			packs = n
		} else {
			loose = n
		}
	}
	return sign * packs, sign * loose, nil
}

// packContents reads "30 tablets", "100 mL", "3 x 10 tablets", "30".
var packContents = regexp.MustCompile(`^(?:(\d+)\s*[x×*]\s*)?(\d+)\s*(.*)$`)

// ParsePackContents reads a pack's contents as the model (or a person) wrote them — "30
// capsules", "100 mL", "3 x 10 tablets" — into units per pack and the unit word ("capsules"). ok
// is false when the text does not start with a count ("box", "").
func ParsePackContents(text string) (size int64, word string, ok bool) {
	m := packContents.FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return 0, "", false
	}
	n, err := strconv.ParseInt(m[2], 10, 64)
	if err != nil || n < 1 {
		return 0, "", false
	}
	if m[1] != "" {
		k, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || k < 1 || n > MaxPackSize/k {
			return 0, "", false
		}
		n *= k
	}
	if n > MaxPackSize {
		return 0, "", false
	}
	return n, strings.TrimSpace(m[3]), true
}

// UnitMatches says whether a pack's unit word ("tablets", "film-coated tablets") names a
// product's unit ("tablet"): case and plural aside, one contains the other. An empty word matches.
func UnitMatches(word, unit string) bool {
	w, u := stem(word), stem(unit)
	if w == "" {
		return true
	}
	if u == "" {
		return false
	}
	return strings.Contains(w, u) || strings.Contains(u, w)
}

func stem(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, suf := range []string{"es", "s"} {
		if len(s) > 3 && strings.HasSuffix(s, suf) {
			return strings.TrimSuffix(s, suf)
		}
	}
	return s
}

// ReceiptPackSize chooses the pack size of a receipt from a photo: the model's reading of the
// pack's contents when it names a count of the product's unit, else the barcode's GS1 count
// (barcodeCount, 0 when none), else the lot's size (lineSize, 0 when the lot is new), else the
// product's usual size. A product counted in packs (CountsInPacks) counts one per pack, whatever
// the pack holds.
func ReceiptPackSize(p Product, contents string, barcodeCount, lineSize int64) (size int64, from string) {
	if CountsInPacks(p) {
		return 1, PackSizeFromProduct
	}
	if n, w, ok := ParsePackContents(contents); ok && UnitMatches(w, p.Unit) {
		return n, PackSizeFromModel
	}
	if barcodeCount >= 1 && barcodeCount <= MaxPackSize {
		return barcodeCount, PackSizeFromBarcode
	}
	if lineSize >= 1 {
		return lineSize, PackSizeFromProduct
	}
	return max(p.PackSize, 1), PackSizeFromProduct
}

// UnitWords is n of a unit, as people write it: "1 capsule", "50 capsules", "100 mL", "2 packs".
// The unit "pack" is translated; a unit a person typed is shown as typed, made plural the English
// way (which also fits French, Spanish and Portuguese for the usual units) unless it is a symbol.
func UnitWords(n int64, unit string) string {
	unit = strings.TrimSpace(unit)
	if unit == "" || strings.EqualFold(unit, DefaultUnit) {
		return i18n.N(int(min(max(n, -1<<31), 1<<31-1)), "%d pack", "%d packs", n)
	}
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d %s", n, unit)
	}
	return fmt.Sprintf("%d %s", n, plural(unit))
}

func plural(w string) string {
	rs := []rune(w)
	last := rs[len(rs)-1]
	switch {
	case len(rs) <= 2, !unicode.IsLetter(last), unicode.IsUpper(last), strings.HasSuffix(w, "s"):
		return w // mL, g, IU, tablets
	case strings.HasSuffix(w, "x"), strings.HasSuffix(w, "ch"), strings.HasSuffix(w, "sh"):
		return w + "es"
	case strings.HasSuffix(w, "y") && len(rs) > 1 && !strings.ContainsRune("aeiou", rs[len(rs)-2]):
		return string(rs[:len(rs)-1]) + "ies"
	}
	return w + "s"
}

// PacksWords shows units as packs of packSize: "2 packs", "1 pack + 20", "20" (less than a pack);
// "" when packSize is below 2 (nothing to add beside the units).
func PacksWords(units, packSize int64) string {
	if packSize <= 1 {
		return ""
	}
	packs, rest := Split(units, packSize)
	switch {
	case packs == 0:
		return strconv.FormatInt(rest, 10)
	case rest == 0:
		return i18n.N(int(min(max(packs, -1<<31), 1<<31-1)), "%d pack", "%d packs", packs)
	}
	return i18n.N(int(min(max(packs, -1<<31), 1<<31-1)), "%d pack + %d", "%d packs + %d", packs, rest)
}

// QuantityWords is units with packs beside them: "50 capsules (1 pack + 20)", "60 capsules (2
// packs)", "3 packs" (a product counted in packs has nothing to add).
func QuantityWords(units int64, unit string, packSize int64) string {
	u := UnitWords(units, unit)
	if p := PacksWords(units, packSize); p != "" && (units >= packSize || units <= -packSize) {
		return fmt.Sprintf("%s (%s)", u, p)
	}
	return u
}

// ConvertNote is the note a convert movement carries: "2 packs → 60 capsules".
func ConvertNote(oldUnits int64, oldUnit string, newUnits int64, newUnit string) string {
	return UnitWords(oldUnits, oldUnit) + " → " + UnitWords(newUnits, newUnit)
}

// ReceiptWords is a receipt counted in packs, for review: "2 packs × 30 capsules = 60 capsules";
// a receipt of a product counted in packs (or not counted in packs) is just its units.
func ReceiptWords(m Movement, unit string) string {
	if m.Packs <= 0 || m.PackSize <= 1 {
		return UnitWords(m.Quantity, unit)
	}
	return i18n.N(int(min(m.Packs, 1<<30)), "%[1]d pack × %[2]s = %[3]s", "%[1]d packs × %[2]s = %[3]s",
		m.Packs, UnitWords(m.PackSize, unit), UnitWords(m.Quantity, unit))
}

// PacksToOrder is units to order as whole packs of packSize, rounded up: a supplier sends whole
// packs, so 45 capsules in packs of 30 are 2 packs.
func PacksToOrder(units, packSize int64) int64 {
	if packSize <= 1 || units <= 0 {
		return max(units, 0)
	}
	return (units + packSize - 1) / packSize
}
