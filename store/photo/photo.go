// Package photo is the one place that knows what a photo is to this app: the image formats it
// accepts (how each is recognised from its first bytes and which file name extensions it has), the
// limits on size, and the one error type for a file that is not a usable photo. The store (adding
// photos), the analyzer (decoding them), the window's "Add photos" dialog and the watched folder
// all ask this package, so they cannot disagree. It is pure: no I/O, no decoders.
//
// Two subpackages do what needs I/O: heif reads a HEIC's size from its container, photomem how
// much memory opening a photo takes (the budget photos are admitted to decoding by).
//
// To accept a new format: add it to Formats, make sure the store and the analyzer can decode it
// (both look the format name up), and add a test file.
package photo

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"

	"medinventory/store/printable"
)

// Limits on what is accepted as a photo.
const (
	// MaxBytes is the largest file accepted (a phone photo is 2–12 MB).
	MaxBytes = 200 << 20
	// MaxPixels is the largest image accepted (width × height), checked from the file header before
	// anything is decoded: a small file can claim a huge image (a decompression bomb).
	MaxPixels = 60_000_000
)

// Format is an accepted image format.
type Format struct {
	Name  string   // "jpeg", "png", "gif", "webp", "heic": stored in the photos table
	Label string   // for people: "JPEG", "WebP"…
	Exts  []string // file name extensions, lower case, the stored one first
}

// Formats are the accepted formats.
var Formats = []Format{
	{"jpeg", "JPEG", []string{".jpg", ".jpeg"}},
	{"png", "PNG", []string{".png"}},
	{"webp", "WebP", []string{".webp"}},
	{"gif", "GIF", []string{".gif"}},
	{"heic", "HEIC", []string{".heic", ".heif"}},
}

// Lookup returns the accepted format with that name.
func Lookup(name string) (Format, bool) {
	for _, f := range Formats {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// Extension is the file extension a photo of the named format is stored with (".jpg").
func Extension(format string) string {
	if f, ok := Lookup(format); ok {
		return f.Exts[0]
	}
	return "." + format
}

// Label is the format's name for people ("JPEG"; "image" for an unknown one).
func Label(format string) string {
	if f, ok := Lookup(format); ok {
		return f.Label
	}
	return "image"
}

// Accepted lists the accepted formats for people: "JPEG, PNG, WebP, GIF or HEIC".
func Accepted() string {
	var l []string
	for _, f := range Formats {
		l = append(l, f.Label)
	}
	return strings.Join(l[:len(l)-1], ", ") + " or " + l[len(l)-1]
}

// HasExt reports whether a file name has the extension of an accepted format (any case). It is a
// guess made from the name, for lists and folders; the content decides (Sniff).
func HasExt(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	for _, f := range Formats {
		for _, e := range f.Exts {
			if e == ext {
				return true
			}
		}
	}
	return false
}

// HeadBytes is how many first bytes of a file Sniff needs.
const HeadBytes = 64

// Sniff names the format of a file from its first bytes: one of Formats' names. For anything else
// it returns "" and, when it recognises the file, a plain description of what it is ("a PDF
// document").
func Sniff(head []byte) (format, what string) {
	switch {
	case len(head) == 0:
		return "", "an empty file"
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return "jpeg", ""
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "png", ""
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return "gif", ""
	case len(head) >= 12 && string(head[0:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return "webp", ""
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		switch string(head[8:12]) {
		case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1":
			return "heic", ""
		case "avif", "avis":
			return "", "an AVIF image"
		}
		return "", "a video or other media file"
	case bytes.HasPrefix(head, []byte("%PDF")):
		return "", "a PDF document"
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return "", "a TIFF image"
	case bytes.HasPrefix(head, []byte("BM")):
		return "", "a BMP image"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "", "a ZIP archive or office document"
	}
	return "", ""
}

// Error is why a file is not a usable photo, in words for the user. errors.Is(err, ErrRejected)
// is true for every *Error.
type Error struct {
	Path string // the file as the user named it ("" when not known)
	Kind string // Unreadable, Empty, Unsupported, TooLarge or Corrupt
	Msg  string // plain words: what is wrong and what to do
	Err  error  // the cause, if any
}

// The kinds of Error.
const (
	Unreadable  = "unreadable"
	Empty       = "empty"
	Unsupported = "unsupported"
	TooLarge    = "too_large"
	Corrupt     = "corrupt"
)

// ErrRejected matches every *Error with errors.Is.
var ErrRejected = errors.New("photo rejected")

// Error returns the message, after the file's name when it is known.
func (e *Error) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return printable.String(filepath.Base(e.Path)) + ": " + e.Msg
}

// Unwrap returns ErrRejected and the cause.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrRejected, e.Err}
	}
	return []error{ErrRejected}
}
