// Package printable makes text that came from a user, a file name or the model safe to print in a
// terminal or a message: control characters (newlines, tabs, ESC of an ANSI escape sequence, DEL,
// the C1 controls) and the invisible characters that reorder or hide text (U+202E RIGHT-TO-LEFT
// OVERRIDE and the other bidirectional controls, zero-width characters) are shown as escapes —
// "\n", "\x1b", "\u202e" — and bytes that are not UTF-8 as "\xff". Every other character,
// accents, non-Latin scripts and backslashes (Windows paths) included, is kept as it is.
//
// Use it only where text is shown to a person; files meant for other programs (CSV, JSON, XLSX)
// keep the text exactly.
package printable

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// String returns s with every character that could change how a terminal or a message shows the
// text written as an escape (see the package doc). Text with none is returned unchanged.
func String(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case hidden(r):
			b.WriteString(escape(r))
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func clean(s string) bool {
	for i, r := range s {
		if (r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD")) || hidden(r) {
			return false
		}
	}
	return true
}

// hidden reports whether r changes or hides how the text around it is shown.
func hidden(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0: // C0, DEL, C1
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c: // bidi controls
		return true
	case r == 0x200b, r == 0x200c, r == 0x200d, r == 0x2060, r == 0xfeff: // zero-width
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	}
	return unicode.Is(unicode.Cf, r) && r != 0xad // other format characters (soft hyphen shows)
}

func escape(r rune) string {
	switch r {
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	}
	if r < 0x100 {
		return `\x` + hex2(byte(r))
	}
	q := strconv.QuoteRuneToASCII(r) // '\u202e'
	return q[1 : len(q)-1]
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xf]})
}
