package fields

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"medinventory/assets/i18n"
)

// Values are the medicine fields of a stock line: what the pack says, as read or typed. There is
// one Go field here per entry of [All]; "" (nil for Quantity) means unknown. store.Entry,
// store.NewEntry, store.Product, analyzer.Medicine and export.Row embed it.
type Values struct {
	Name         string `json:"name,omitempty"`
	GenericName  string `json:"generic_name,omitempty"`
	Strength     string `json:"strength,omitempty"`
	DosageForm   string `json:"dosage_form,omitempty"`
	Manufacturer string `json:"manufacturer,omitempty"`
	GTIN         string `json:"gtin,omitempty"`   // 14 digits, check digit verified
	Lot          string `json:"lot,omitempty"`    // batch
	Expiry       string `json:"expiry,omitempty"` // YYYY-MM-DD (a month alone means its last day)
	Serial       string `json:"serial,omitempty"` // the GS1 serial number (AI 21): this one pack
	Quantity     *int64 `json:"quantity,omitempty"`
	Unit         string `json:"unit,omitempty"` // e.g. "box" or "30 tablets"
	Location     string `json:"location,omitempty"`
	Notes        string `json:"notes,omitempty"`
}

// All is the field table: every medicine field of a stock line, in the order the editor, the
// exports and the model's answer list them. Everything that spells fields out — the entries and
// products columns, UpdateEntry, the merge of analyses, the editor's form, the export columns, the
// model's answer schema and prompt, validation of the answer — reads this table.
//
// To add a field: add it to Values and here, and add its column in a store migration (to entries,
// and to products when Catalog is set).
var All = []Field{
	text("name", i18n.Mark("Name"), 200, func(v *Values) *string { return &v.Name }).
		model(`brand name`).catalog().search(),
	text("generic_name", i18n.Mark("Generic name"), 200, func(v *Values) *string { return &v.GenericName }).
		model(`active ingredient (INN)`).catalog().search(),
	text("strength", i18n.Mark("Strength"), 200, func(v *Values) *string { return &v.Strength }).
		model(`e.g. "500 mg" or "250 mg/5 mL"`).catalog().search(),
	text("dosage_form", i18n.Mark("Form"), 200, func(v *Values) *string { return &v.DosageForm }).
		model(`e.g. "tablet", "capsule", "syrup"`).catalog().search(),
	text("manufacturer", i18n.Mark("Maker"), 200, func(v *Values) *string { return &v.Manufacturer }).
		model(`company`).catalog().search(),
	Field{Name: "gtin", Label: i18n.Mark("GTIN"), Hint: i18n.Mark("barcode number, 8 to 14 digits"), Kind: GTINKind,
		text: func(v *Values) *string { return &v.GTIN }}.
		model(`the 8-14 digit GTIN/EAN under the barcode or after (01), digits only`).catalog().search(),
	text("lot", i18n.Mark("Lot"), 200, func(v *Values) *string { return &v.Lot }).
		model(`batch or LOT number`).search(),
	Field{Name: "expiry", Label: i18n.Mark("Expiry"), Hint: i18n.Mark("e.g. 2027-03-31 or 03/2027"), Kind: DateKind,
		text: func(v *Values) *string { return &v.Expiry }}.
		model(`the expiry date as printed (e.g. "03/2027" or "2027-03-31")`),
	// The serial names one pack (GTIN + serial): the store counts a pack seen twice once. It is read
	// from the barcode only, never asked of the model: a misread serial would make two packs one.
	Field{Name: "serial", Label: i18n.Mark("Serial"), Hint: i18n.Mark("the pack's serial number (SN)"), Kind: TextKind, Max: MaxSerial,
		text: func(v *Values) *string { return &v.Serial }}.search(),
	Field{Name: "quantity", Label: i18n.Mark("Quantity"), Hint: i18n.Mark("a whole number, e.g. 20"), Kind: CountKind, Max: MaxCount,
		count: func(v *Values) **int64 { return &v.Quantity }}.
		model(`the number of identical packs visible (integer)`),
	text("unit", i18n.Mark("Unit"), 200, func(v *Values) *string { return &v.Unit }).
		modelAs("pack_size", `contents of one pack, e.g. "30 tablets" or "100 mL"`),
	text("location", i18n.Mark("Shelf / location"), 200, func(v *Values) *string { return &v.Location }),
	text("notes", i18n.Mark("Notes"), 2000, func(v *Values) *string { return &v.Notes }),
}

// MaxSerial is the longest serial number: GS1's limit for AI (21).
const MaxSerial = 20

// MaxCount is the largest quantity accepted.
const MaxCount = 10_000_000

// Kind is how a field's value is written and checked.
type Kind int

// The kinds of field.
const (
	TextKind  Kind = iota // free text, at most Max runes
	DateKind              // a date, stored YYYY-MM-DD (ParseExpiry reads what people type)
	GTINKind              // a GTIN, stored as 14 digits (NormalizeGTIN)
	CountKind             // a whole number 0..Max, stored as an INTEGER (NULL: unknown)
)

// Field is one row of the field table.
type Field struct {
	Name  string // the column, the UpdateEntry key, the export column and JSON key
	Label string // the field's name for people, in English (i18n.T translates it where shown)
	Hint  string // what to type, shown in an empty box (in English, like Label)
	Kind  Kind
	Max   int // TextKind: most runes; CountKind: largest number
	// Model describes the field to the vision model; "" means the model is not asked for it.
	Model string
	// ModelKey is the field's key in the model's answer when it differs from Name.
	ModelKey string
	Catalog  bool // remembered in the learned catalog (the products table) when an entry is confirmed
	Search   bool // matched by the inventory's search box

	text  func(*Values) *string // TextKind, DateKind, GTINKind
	count func(*Values) **int64 // CountKind
}

func text(name, label string, max int, p func(*Values) *string) Field {
	return Field{Name: name, Label: label, Kind: TextKind, Max: max, text: p}
}

func (f Field) model(desc string) Field        { f.Model = desc; return f }
func (f Field) modelAs(key, desc string) Field { f.ModelKey, f.Model = key, desc; return f }
func (f Field) catalog() Field                 { f.Catalog = true; return f }
func (f Field) search() Field                  { f.Search = true; return f }

// AnswerKey is the field's key in the model's answer (ModelKey, else Name).
func (f *Field) AnswerKey() string { return cmp.Or(f.ModelKey, f.Name) }

// Get returns the field's value in v as text ("" when unknown).
func (f *Field) Get(v *Values) string {
	if f.count != nil {
		if q := *f.count(v); q != nil {
			return strconv.FormatInt(*q, 10)
		}
		return ""
	}
	return *f.text(v)
}

// Set stores s, a value Check accepted, in v. A count that is not a number is stored as unknown.
func (f *Field) Set(v *Values, s string) {
	if f.count != nil {
		p := f.count(v)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			*p = &n
		} else {
			*p = nil
		}
		return
	}
	*f.text(v) = s
}

// SQL is the value to write to the field's column for s: nil for an unknown count.
func (f *Field) SQL(s string) any {
	if f.count != nil {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil
		}
		return n
	}
	return s
}

// Check checks and normalises a value a person typed for the field. It returns the value to store
// or an error in plain words.
func (f *Field) Check(value string) (string, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return "", nil
	}
	switch f.Kind {
	case DateKind:
		if d, ok := ParseExpiry(v); ok {
			return d, nil
		}
		return "", fmt.Errorf("%s must be a date such as 2027-03-31 or 03/2027", strings.ToLower(f.Label))
	case GTINKind:
		if g, ok := NormalizeGTIN(v); ok {
			return g, nil
		}
		return "", fmt.Errorf("%s must be 8, 12, 13 or 14 digits with a correct check digit", f.Label)
	case CountKind:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return "", fmt.Errorf("%s must be a whole number, 0 or more", strings.ToLower(f.Label))
		}
		if n > int64(f.Max) {
			return "", fmt.Errorf("%s is too large", strings.ToLower(f.Label))
		}
		return strconv.FormatInt(n, 10), nil
	}
	if utf8.RuneCountInString(v) > f.Max {
		return "", fmt.Errorf("this is too long (at most %s characters)", thousands(f.Max))
	}
	return v, nil
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	if len(s) <= 3 {
		return s
	}
	return s[:len(s)-3] + "," + s[len(s)-3:]
}

// ErrUnknown is wrapped by the error for a field name that is not in the table.
var ErrUnknown = errors.New("unknown field")

// ByName returns the field with that name.
func ByName(name string) (*Field, bool) {
	for i := range All {
		if All[i].Name == name {
			return &All[i], true
		}
	}
	return nil, false
}

// Check checks a value typed for the named field; see Field.Check.
func Check(name, value string) (string, error) {
	f, ok := ByName(name)
	if !ok {
		return "", fmt.Errorf("%w %q", ErrUnknown, name)
	}
	return f.Check(value)
}

// Names returns the names of the fields that keep returns true for (all of them when keep is nil),
// in table order.
func Names(keep func(*Field) bool) []string {
	var out []string
	for i := range All {
		if keep == nil || keep(&All[i]) {
			out = append(out, All[i].Name)
		}
	}
	return out
}

// Label returns the field's name for people (the name itself for a name not in the table).
func Label(name string) string {
	if f, ok := ByName(name); ok {
		return f.Label
	}
	return name
}

// Get returns the named field's value in v as text ("" for a name not in the table).
func (v *Values) Get(name string) string {
	if f, ok := ByName(name); ok {
		return f.Get(v)
	}
	return ""
}

// Set stores a checked value for the named field in v (nothing for a name not in the table).
func (v *Values) Set(name, s string) {
	if f, ok := ByName(name); ok {
		f.Set(v, s)
	}
}

// IsEmpty reports whether no field of v is known.
func (v *Values) IsEmpty() bool {
	for i := range All {
		if All[i].Get(v) != "" {
			return false
		}
	}
	return true
}
