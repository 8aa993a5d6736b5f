package photo_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"medinventory/store/photo"
)

func TestHasExtMatchesFormats(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"a.jpg", true}, {"A.JPEG", true}, {"b.png", true}, {"c.webp", true}, {"d.GIF", true},
		{"e.heic", true}, {"f.HEIF", true},
		// The store refuses these (Sniff names them but accepts none), so nothing may offer them.
		{"g.bmp", false}, {"h.tif", false}, {"i.tiff", false}, {"j.avif", false}, {"k.pdf", false},
		{"noext", false}, {"", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := photo.HasExt(tc.name); got != tc.want {
				t.Errorf("HasExt(%q) = %v, want %v", tc.name, got, tc.want)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		name, head, format, what string
	}{
		{"jpeg", "\xFF\xD8\xFF\xE0", "jpeg", ""},
		{"png", "\x89PNG\r\n\x1a\n", "png", ""},
		{"gif", "GIF89a", "gif", ""},
		{"webp", "RIFF\x00\x00\x00\x00WEBPVP8 ", "webp", ""},
		{"heic", "\x00\x00\x00\x18ftypheic\x00\x00", "heic", ""},
		{"avif", "\x00\x00\x00\x18ftypavif\x00\x00", "", "an AVIF image"},
		{"bmp", "BM\x00\x00", "", "a BMP image"},
		{"tiff", "II*\x00", "", "a TIFF image"},
		{"empty", "", "", "an empty file"},
		{"text", "hello", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, w := photo.Sniff([]byte(tc.head))
			if f != tc.format || w != tc.what {
				t.Errorf("Sniff = %q, %q; want %q, %q", f, w, tc.format, tc.what)
			}
			if f != "" {
				if _, ok := photo.Lookup(f); !ok {
					t.Errorf("Sniff names %q, which is not in Formats", f)
				}
			}
		})
	}
}

func TestEveryFormatHasExtensions(t *testing.T) {
	for _, f := range photo.Formats {
		if len(f.Exts) == 0 || !photo.HasExt("x"+f.Exts[0]) || photo.Extension(f.Name) != f.Exts[0] {
			t.Errorf("format %q: extensions %v, stored as %q", f.Name, f.Exts, photo.Extension(f.Name))
		}
		if !strings.Contains(photo.Accepted(), f.Label) {
			t.Errorf("Accepted() = %q does not name %s", photo.Accepted(), f.Label)
		}
	}
	if got := photo.Accepted(); got != "JPEG, PNG, WebP, GIF or HEIC" {
		t.Errorf("Accepted() = %q", got)
	}
}

func TestError(t *testing.T) {
	cause := fs.ErrPermission
	e := &photo.Error{Path: "/x/y/IMG_1.jpg", Kind: photo.Unreadable, Msg: "this file cannot be opened.", Err: cause}
	if e.Error() != "IMG_1.jpg: this file cannot be opened." {
		t.Errorf("Error() = %q", e.Error())
	}
	if !errors.Is(e, photo.ErrRejected) || !errors.Is(e, fs.ErrPermission) {
		t.Error("errors.Is misses ErrRejected or the cause")
	}
	noPath := &photo.Error{Kind: photo.Corrupt, Msg: "This JPEG file is damaged."}
	if noPath.Error() != "This JPEG file is damaged." || !errors.Is(noPath, photo.ErrRejected) {
		t.Errorf("without a path: %q", noPath.Error())
	}
}
