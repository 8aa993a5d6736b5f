package answer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"medinventory/store/fields"
)

// Bounds on a validated answer. The model's answer is untrusted input (text printed on a package
// can try to steer the model), so whatever it says, a Result stays this small.
const (
	MaxMedicines   = 20        // medicines kept from one photo
	MaxTextLen     = 200       // runes per text field (the store's limit for entry fields)
	MaxNotes       = 12        // notes per result
	MaxNoteLen     = 300       // runes per note
	MaxAnswerBytes = 256 << 10 // a longer answer is rejected unread
	// MaxPlausibleQuantity is the largest count taken without a review note: a photo of packs on a
	// shelf shows tens or hundreds, and a carton label a few thousand; 999999 is a misreading.
	MaxPlausibleQuantity = 10_000
)

// ErrNotAnswer is wrapped by Validate's error when the answer is not the schema's JSON at all.
var ErrNotAnswer = errors.New("the answer is not the expected JSON")

// Validate turns the model's untrusted JSON answer into a Result: unknown keys are ignored, text is
// cleaned of control characters and capped, GTINs must have a correct check digit, expiry dates
// become YYYY-MM-DD, strength units are normalised, and at most MaxMedicines medicines are kept.
// Anything dropped or changed in a way a reviewer should know about is said in Result.Notes.
// The error (wrapping ErrNotAnswer) is only for an answer that is not the schema's JSON at all.
func Validate(raw []byte) (Result, error) {
	var res Result
	if len(raw) > MaxAnswerBytes {
		return res, fmt.Errorf("%w: it is far too long (%d KB; at most %d KB)", ErrNotAnswer, len(raw)>>10, MaxAnswerBytes>>10)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var top any
	if err := dec.Decode(&top); err != nil {
		return res, fmt.Errorf("%w: %v", ErrNotAnswer, err)
	}
	var meds []any
	switch t := top.(type) {
	case map[string]any:
		m, hasMeds := t["medicines"]
		nm, hasNM := t["not_medicine"]
		if !hasMeds && !hasNM {
			return res, fmt.Errorf("%w: it has neither \"medicines\" nor \"not_medicine\"", ErrNotAnswer)
		}
		switch mv := m.(type) {
		case []any:
			meds = mv
		case map[string]any: // one medicine instead of a list
			meds = []any{mv}
		case nil:
		default:
			res.AddNote("The answer's list of medicines was not a list; it was ignored.")
		}
		res.NotMedicine = asBool(nm)
		if note := CleanText(asString(t["note"]), MaxNoteLen); note != "" {
			res.AddNote("The model noted: " + note)
		}
	case []any: // a bare list of medicines
		meds = t
	default:
		return res, fmt.Errorf("%w: it is not a JSON object", ErrNotAnswer)
	}

	extra := 0
	for _, item := range meds {
		obj, ok := item.(map[string]any)
		if !ok {
			continue
		}
		med, ok := res.validateMedicine(obj)
		if !ok {
			continue
		}
		if len(res.Medicines) >= MaxMedicines {
			extra++
			continue
		}
		res.Medicines = append(res.Medicines, med)
	}
	if extra > 0 {
		res.AddNote(fmt.Sprintf("The answer listed %d more medicines than the %d kept; check the photo.", extra, MaxMedicines))
	}
	if res.NotMedicine && len(res.Medicines) > 0 {
		res.NotMedicine = false
		res.AddNote("The model said this is not a medicine but also listed medicines; check the photo.")
	}
	return res, nil
}

// AddNote adds a note for the reviewer; past MaxNotes it says once that more were left out.
func (r *Result) AddNote(n string) {
	switch {
	case len(r.Notes) < MaxNotes:
		r.Notes = append(r.Notes, truncateRunes(n, MaxNoteLen))
	case len(r.Notes) == MaxNotes:
		r.Notes = append(r.Notes, "More notes were left out.")
	}
}

// validateMedicine returns false for an entry with nothing in it.
func (r *Result) validateMedicine(obj map[string]any) (Medicine, bool) {
	var m Medicine
	// Text first, so that notes about the other fields can name the medicine.
	for _, f := range ModelFields() {
		if f.Kind == fields.TextKind {
			v := CleanText(asString(obj[f.AnswerKey()]), min(MaxTextLen, f.Max))
			if clean := answerCleaners[f.Name]; clean != nil {
				v = clean(v)
			}
			f.Set(&m.Values, v)
		}
	}
	label := m.Name
	if label == "" {
		label = m.GenericName
	}
	about := ""
	if label != "" {
		about = " of " + strconv.Quote(truncateRunes(label, 60))
	}
	for _, f := range ModelFields() {
		raw := obj[f.AnswerKey()]
		switch f.Kind {
		case fields.GTINKind:
			if g := CleanText(asString(raw), MaxTextLen); g != "" {
				if n, ok := normalizeGTIN(g); ok {
					f.Set(&m.Values, n)
				} else {
					r.AddNote(fmt.Sprintf("The %s %q%s was dropped: it is not a GTIN with a correct check digit.", f.Label, truncateRunes(g, 40), about))
				}
			}
		case fields.DateKind:
			if e := CleanText(asString(raw), MaxTextLen); e != "" {
				if d, ok := ParseExpiry(e); ok {
					f.Set(&m.Values, d)
				} else {
					r.AddNote(fmt.Sprintf("The %s %q%s was dropped: it is not a date that could be read.", strings.ToLower(f.Label), truncateRunes(e, 40), about))
				}
			}
		case fields.CountKind:
			if raw != nil {
				if n, ok := asCount(raw, f.Max); ok {
					f.Set(&m.Values, strconv.FormatInt(n, 10))
					if f.Name == "quantity" && n > MaxPlausibleQuantity {
						r.AddNote(fmt.Sprintf("The %s %d%s is far more than one photo of packs shows; check the count.", strings.ToLower(f.Label), n, about))
					}
				} else {
					r.AddNote(fmt.Sprintf("The %s%s was dropped: it is not a whole number from 0 to %s.", strings.ToLower(f.Label), about, commas(f.Max)))
				}
			}
		}
	}
	if c, ok := obj["confidence"].(map[string]any); ok {
		for _, f := range MedicineFields {
			if v, ok := asFloat(c[f]); ok {
				if v > 1 && v <= 100 {
					v /= 100 // a percentage
				}
				if m.Confidence == nil {
					m.Confidence = make(map[string]float64, len(MedicineFields))
				}
				m.Confidence[f] = math.Max(0, math.Min(1, v))
			}
		}
	}
	for _, f := range ModelFields() {
		if f.Kind != fields.CountKind && f.Get(&m.Values) != "" {
			return m, true
		}
	}
	return m, false // a count alone says nothing
}

// asString reads a JSON value as text: strings as they are, numbers as written, anything else "".
func asString(v any) string {
	switch t := v.(type) {
	case string:
		if len(t) > 4*MaxNoteLen {
			t = t[:4*MaxNoteLen] // enough for any field; bounds the work below
		}
		return t
	case json.Number:
		return t.String()
	}
	return ""
}

func asBool(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case string:
		return strings.EqualFold(strings.TrimSpace(t), "true")
	}
	return false
}

func asFloat(v any) (float64, bool) {
	var s string
	switch t := v.(type) {
	case json.Number:
		s = t.String()
	case string:
		s = strings.TrimSuffix(strings.TrimSpace(t), "%")
	default:
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func asCount(v any, max int) (int64, bool) {
	f, ok := asFloat(v)
	if !ok || f < 0 || f > float64(max) || f != math.Trunc(f) {
		return 0, false
	}
	return int64(f), true
}

// nullWords are what models write instead of null.
var nullWords = map[string]bool{"null": true, "none": true, "unknown": true, "n/a": true, "na": true, "-": true,
	"--": true, "?": true, "not visible": true, "not available": true, "not readable": true, "illegible": true,
	"not shown": true, "nil": true, "undefined": true}

// CleanText makes untrusted text safe to store and show: valid UTF-8, no control or invisible
// formatting characters (bidi overrides, zero-width), whitespace collapsed, at most max runes.
func CleanText(s string, max int) string {
	if s == "" {
		return ""
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	var b strings.Builder
	b.Grow(min(len(s), 4*max))
	n := 0
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = n > 0
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Co, r), unicode.Is(unicode.Cs, r),
			r == utf8.RuneError:
			continue
		}
		if space {
			if n+1 >= max {
				break
			}
			b.WriteByte(' ')
			n++
			space = false
		}
		if n >= max {
			break
		}
		b.WriteRune(r)
		n++
	}
	out := b.String()
	if nullWords[strings.ToLower(out)] {
		return ""
	}
	return out
}

func truncateRunes(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max])
}

var lotPrefix = regexp.MustCompile(`(?i)^(?:lot|batch|b/n|bn|ch\.?-?b\.?)\s*(?:no\.?|number)?\s*[:.#]?\s*`)

// answerCleaners tidy the text of a field as models write it, by field name.
var answerCleaners = map[string]func(string) string{"strength": NormalizeStrength, "lot": cleanLot}

// commas writes n with thousands separators (10,000,000).
func commas(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func cleanLot(s string) string {
	if t := lotPrefix.ReplaceAllString(s, ""); t != "" {
		return t
	}
	return s
}

// normalizeGTIN accepts a GTIN as models write it ("(01)05012345678900", "5 012345 678900",
// a JSON number) and checks it like store.NormalizeGTIN: 14 digits out, check digit verified.
func normalizeGTIN(s string) (string, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "(01)")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "GTIN"), ":")
	s = strings.NewReplacer(" ", "", "-", "", ".", "").Replace(s)
	return fields.NormalizeGTIN(s)
}

var months = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8,
	"SEP": 9, "SEPT": 9, "OCT": 10, "NOV": 11, "DEC": 12, "JANUARY": 1, "FEBRUARY": 2, "MARCH": 3, "APRIL": 4,
	"JUNE": 6, "JULY": 7, "AUGUST": 8, "SEPTEMBER": 9, "OCTOBER": 10, "NOVEMBER": 11, "DECEMBER": 12}

var expiryPrefix = regexp.MustCompile(`^(?:EXPIRY DATE|EXPIRY|EXP\.? DATE|EXPIRES|EXP\.?|USE BY|BEST BEFORE|EXD)\s*[:.]?\s*`)

var isoDateTime = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})T[0-9:.]+(Z|[+-][0-9:]+)?$`)

// ParseExpiry reads an expiry date as models and packs write it and returns it as YYYY-MM-DD. It
// accepts everything store.ParseExpiry does (YYYY-MM-DD, YYYY-MM, MM/YYYY, MM/YY, DD/MM/YYYY,
// DD.MM.YYYY; a month alone means its last day) and also "EXP 03/2027", month names ("MAR 2027",
// "31 Mar 2027"), an ISO timestamp, and GS1's YYMMDD (fields.GS1Date: the GS1 century rule, day 00
// = the last day of the month).
func ParseExpiry(v string) (string, bool) {
	return parseExpiry(v, today())
}

// today is the day GS1 dates are read against (their century rule); tests change it.
var today = time.Now

func parseExpiry(v string, now time.Time) (string, bool) {
	s := strings.ToUpper(strings.TrimSpace(v))
	s = strings.TrimSpace(expiryPrefix.ReplaceAllString(s, ""))
	if m := isoDateTime.FindStringSubmatch(s); m != nil {
		s = m[1]
	}
	if d, ok := fields.ParseExpiry(s); ok {
		return d, true
	}
	if len(s) == 6 && allDigits(s) { // GS1 AI (17): YYMMDD
		d, err := fields.GS1Date(s, now)
		return d, err == nil
	}
	tokens := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(tokens) < 2 || len(tokens) > 3 {
		return "", false
	}
	for i, t := range tokens {
		if m, ok := months[t]; ok {
			tokens[i] = strconv.Itoa(m)
		} else if !allDigits(t) {
			return "", false
		}
	}
	if len(tokens) == 2 && len(tokens[0]) == 4 { // 2027 03
		return fields.ParseExpiry(tokens[0] + "/" + tokens[1])
	}
	return fields.ParseExpiry(strings.Join(tokens, "/"))
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

var strengthRE = regexp.MustCompile(`(?i)(\d+(?:[.,]\d+)?)\s*(micrograms?|mcg|µg|ug|milligrams?|mg|grams?|gm|g|millilit(?:re|er)s?|ml|i\.\s?u\.?|iu|%)(\P{L}|$)`)

var thousands = regexp.MustCompile(`^\d{1,3},\d{3}$`)

var slashSpace = regexp.MustCompile(`\s*/\s*`)

// NormalizeStrength writes strength units one way: "500MG" → "500 mg", "0,5 Mg" → "0.5 mg",
// "100 micrograms" / "100 µg" → "100 mcg", "5ml" → "5 mL", "1000 iu" → "1000 IU", "1 %" → "1%",
// "250mg / 5ml" → "250 mg/5 mL". Anything else is left as it is.
func NormalizeStrength(s string) string {
	if s == "" {
		return ""
	}
	s = slashSpace.ReplaceAllString(s, "/")
	return strengthRE.ReplaceAllStringFunc(s, func(m string) string {
		p := strengthRE.FindStringSubmatch(m)
		num, unit, tail := p[1], strings.ToLower(p[2]), p[3]
		if thousands.MatchString(num) {
			num = strings.ReplaceAll(num, ",", "")
		} else {
			num = strings.ReplaceAll(num, ",", ".")
		}
		switch {
		case unit == "%":
			return num + "%" + tail
		case strings.HasPrefix(unit, "microgram"), unit == "mcg", unit == "µg", unit == "μg", unit == "ug":
			unit = "mcg"
		case strings.HasPrefix(unit, "milligram"), unit == "mg":
			unit = "mg"
		case strings.HasPrefix(unit, "gram"), unit == "gm", unit == "g":
			unit = "g"
		case strings.HasPrefix(unit, "millilit"), unit == "ml":
			unit = "mL"
		default: // iu, i.u.
			unit = "IU"
		}
		return num + " " + unit + tail
	})
}

// ExtractJSON finds the JSON object in a model's free-text answer (for servers that support no
// response_format): it skips a <think>…</think> preamble and ```json fences and returns the first
// balanced {...} that parses.
func ExtractJSON(text string) ([]byte, bool) {
	if len(text) > MaxAnswerBytes {
		text = text[:MaxAnswerBytes]
	}
	if i := strings.LastIndex(text, "</think>"); i >= 0 {
		text = text[i+len("</think>"):]
	}
	if i := strings.Index(text, "```json"); i >= 0 {
		text = text[i+len("```json"):]
	}
	tries := 0
	for start := 0; start < len(text) && tries < 32; {
		i := strings.IndexByte(text[start:], '{')
		if i < 0 {
			break
		}
		i += start
		tries++
		if end, ok := balancedEnd(text, i); ok {
			cand := []byte(text[i:end])
			if json.Valid(cand) {
				return cand, true
			}
		}
		start = i + 1
	}
	return nil, false
}

// balancedEnd returns the index after the '}' that closes the '{' at text[i], minding strings.
func balancedEnd(text string, i int) (int, bool) {
	depth := 0
	inStr, esc := false, false
	for j := i; j < len(text); j++ {
		c := text[j]
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1, true
			}
			if depth < 0 {
				return 0, false
			}
		}
	}
	return 0, false
}
