// Package i18n is the one localizer: every string a person reads (the window, the command line's
// human output, the reports, the plain-words errors) goes through T or N, with the English text as
// the key and English as the fallback. Machine output (JSON keys, CSV column keys, exit codes) does
// not. The translations are go-i18n JSON files embedded from translations/, one per part of the app
// and language: "<part>.<lang>.json", e.g. window.fr.json, cli.pt-BR.json.
//
// Messages are fmt formats: T("%d photos added", n). A translation may reorder its arguments with
// explicit indexes ("%[2]s … %[1]d"). N picks the CLDR plural form of the language:
// N(n, "%d pack", "%d packs", n). A string that is translated where it is used but written down
// elsewhere (a table of labels) is marked with Mark so the completeness test finds it.
//
// It uses go-i18n (which Fyne's own lang package wraps) rather than fyne.io/fyne/v2/lang because
// the store, the reports and the hub's window-less build must not import Fyne; the window hands the
// same choice of language to Fyne for its own dialog strings.
package i18n

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed translations
var files embed.FS

// Language is one language the app speaks: its BCP 47 tag and its own name for itself.
type Language struct {
	Tag  string
	Name string
}

// Supported lists the languages with a full translation, English (the fallback) first.
var Supported = []Language{
	{"en", "English"},
	{"fr", "Français"},
	{"pt-BR", "Português (Brasil)"},
	{"pt-PT", "Português (Portugal)"},
	{"es", "Español"},
}

var (
	mu         sync.RWMutex
	bundle     *goi18n.Bundle
	localizers []*goi18n.Localizer // the language, then the one its file falls back to
	current    = "en"
	loadErr    error
)

func init() {
	bundle = goi18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	loadErr = fs.WalkDir(files, "translations", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".json" {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		if _, err := bundle.ParseMessageFileBytes(b, p); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		return nil
	})
	Set("")
}

// LoadError is the error met reading the embedded translations, nil when all were read (a test
// keeps it nil).
func LoadError() error { return loadErr }

// Set chooses the language: a tag from Supported, or "" for the system's (Detect). A tag that is
// not supported falls back to the closest one that is, else English. It returns the tag in use.
func Set(tag string) string {
	if tag == "" {
		tag = Detect()
	}
	chosen := Match(tag)
	mu.Lock()
	defer mu.Unlock()
	current = chosen
	chain := []string{chosen}
	if chosen == "pt-PT" {
		// European Portuguese files hold only what differs from Brazilian.
		chain = append(chain, "pt-BR")
	}
	localizers = localizers[:0:0]
	for _, c := range chain {
		localizers = append(localizers, goi18n.NewLocalizer(bundle, c, "en"))
	}
	return chosen
}

// Current is the tag of the language in use.
func Current() string {
	mu.RLock()
	defer mu.RUnlock()
	return current
}

// Match is the supported tag closest to tag ("fr_FR.UTF-8" → "fr", "pt" → "pt-BR", "pt_PT" →
// "pt-PT"), English when none is close.
func Match(tag string) string {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, ".@"); i >= 0 {
		tag = tag[:i]
	}
	tag = strings.ReplaceAll(tag, "_", "-")
	if tag == "" || tag == "C" || tag == "POSIX" {
		return "en"
	}
	want, err := language.Parse(tag)
	if err != nil {
		return "en"
	}
	tags := make([]language.Tag, len(Supported))
	for i, l := range Supported {
		tags[i] = language.MustParse(l.Tag)
	}
	_, i, conf := language.NewMatcher(tags).Match(want)
	if conf == language.No {
		return "en"
	}
	return Supported[i].Tag
}

// Detect reads the system's language: on Unix the first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG
// that is set (as gettext does), on Windows the user's locale (detect_windows.go).
func Detect() string {
	if l := systemLocale(); l != "" {
		return l
	}
	for _, k := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			if k == "LANGUAGE" {
				v, _, _ = strings.Cut(v, ":")
			}
			return v
		}
	}
	return "en"
}

// T translates msg (the English text, a fmt format) and formats it with args. With no args the
// translation is returned as is (a "%" in it stays).
func T(msg string, args ...any) string {
	s, err := localize(&goi18n.LocalizeConfig{DefaultMessage: &goi18n.Message{ID: msg, Other: msg}})
	if err != nil || s == "" {
		s = msg
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// N translates the plural message (one, other: the English forms; other is its key) in the form the
// language uses for n, formatted with args, or with n alone when args are none.
func N(n int, one, other string, args ...any) string {
	s, err := localize(&goi18n.LocalizeConfig{
		DefaultMessage: &goi18n.Message{ID: other, One: one, Other: other},
		PluralCount:    n,
	})
	if err != nil || s == "" {
		s = other
		if n == 1 {
			s = one
		}
	}
	if len(args) == 0 {
		args = []any{n}
	}
	if !strings.Contains(s, "%") {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// localize asks each localizer of the chain in turn until one has the message.
func localize(c *goi18n.LocalizeConfig) (string, error) {
	mu.RLock()
	ls := localizers
	mu.RUnlock()
	var s string
	var err error
	for _, l := range ls {
		s, err = l.Localize(c)
		var nf *goi18n.MessageNotFoundErr
		if !errors.As(err, &nf) {
			break
		}
	}
	return s, err
}

// Errorf is fmt.Errorf with the format translated first: the error wraps its %w arguments as
// fmt.Errorf's does (errors.Is and As see them).
func Errorf(format string, args ...any) error { return fmt.Errorf(T(format), args...) }

// Err is an error whose message is msg translated each time it is read, for errors made once and
// kept in a variable (var ErrLocked = i18n.Err("…")) before the language is chosen. errors.Is
// matches it by identity, as it does errors.New's.
func Err(msg string) error { return &wordsError{msg} }

type wordsError struct{ msg string }

func (e *wordsError) Error() string { return T(e.msg) }

// Mark returns s unchanged: it marks a string translated elsewhere (with T) so that the
// completeness test finds it.
func Mark(s string) string { return s }
