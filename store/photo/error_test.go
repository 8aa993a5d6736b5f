package photo

import "testing"

// A file name with a newline, an ANSI escape or U+202E is escaped in the message, never raw.
func TestErrorEscapesTheFileName(t *testing.T) {
	e := &Error{Path: "/in/a\nb\x1b[2J\u202egpj.exe", Kind: Corrupt, Msg: "the photo is damaged."}
	if got, want := e.Error(), `a\nb\x1b[2J\u202egpj.exe: the photo is damaged.`; got != want {
		t.Fatalf("%q; want %q", got, want)
	}
}
