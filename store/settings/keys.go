package settings

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"medinventory/assets/i18n"
)

// Key is a setting of App as a script names it (`medinventory settings get clinic.name`): its
// name, what it is, and how it is read and written. There is no key for the API key: it is never
// in these files, and never printed.
type Key struct {
	Name string
	Help string
	get  func(App) string
	set  func(*App, string) error
}

// MaxTextRunes is the longest text setting (a clinic's name, a district…).
const MaxTextRunes = 200

// MaxMaxMonths is the largest maximum months of stock accepted.
const MaxMaxMonths = 24

func text(field func(*App) *string) (func(App) string, func(*App, string) error) {
	return func(a App) string { return *field(&a) }, func(a *App, v string) error {
		v = strings.TrimSpace(v)
		if !utf8.ValidString(v) || strings.ContainsAny(v, "\r\n\t") {
			return i18n.Errorf("write it on one line, in plain text")
		}
		if utf8.RuneCountInString(v) > MaxTextRunes {
			return i18n.Errorf("it is too long (at most %d characters)", MaxTextRunes)
		}
		*field(a) = v
		return nil
	}
}

func number(field func(*App) *int, lo, hi int, def string) (func(App) string, func(*App, string) error) {
	return func(a App) string {
			if n := *field(&a); n > 0 {
				return strconv.Itoa(n)
			}
			return def
		}, func(a *App, v string) error {
			v = strings.TrimSpace(v)
			if v == "" {
				*field(a) = 0
				return nil
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < lo || n > hi {
				return i18n.Errorf("%q is not a whole number from %d to %d", v, lo, hi)
			}
			*field(a) = n
			return nil
		}
}

func key(name, help string, rw func() (func(App) string, func(*App, string) error)) Key {
	g, s := rw()
	return Key{Name: name, Help: help, get: g, set: s}
}

// Keys are the settings a script may read and change, in the order `settings list` prints them.
var Keys = []Key{
	key("clinic.name", "the clinic's name, printed on its reports", func() (func(App) string, func(*App, string) error) {
		return text(func(a *App) *string { return &a.ClinicName })
	}),
	key("clinic.code", "the clinic's facility code", func() (func(App) string, func(*App, string) error) {
		return text(func(a *App) *string { return &a.ClinicCode })
	}),
	key("clinic.district", "the clinic's district", func() (func(App) string, func(*App, string) error) {
		return text(func(a *App) *string { return &a.ClinicDistrict })
	}),
	key("clinic.prepared_by", "who prepares the reports", func() (func(App) string, func(*App, string) error) {
		return text(func(a *App) *string { return &a.PreparedBy })
	}),
	key("stock.max_months", "maximum months of stock (the monthly report's maximum quantity is AMC × this; default 3)", func() (func(App) string, func(*App, string) error) {
		return number(func(a *App) *int { return &a.MaxMonths }, 1, MaxMaxMonths, strconv.Itoa(DefaultMaxMonths))
	}),
	key("model.base_url", "the model server's address (empty: OpenAI)", func() (func(App) string, func(*App, string) error) {
		g, s := text(func(a *App) *string { return &a.BaseURL })
		return g, func(a *App, v string) error {
			v = strings.TrimSpace(v)
			if v != "" && !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
				return i18n.Errorf("%q is not a web address: write it as https://… or http://…", v)
			}
			return s(a, v)
		}
	}),
	key("sync.hub", "the district hub this laptop syncs with (set by medinventory sync --hub)", func() (func(App) string, func(*App, string) error) {
		g, s := text(func(a *App) *string { return &a.HubURL })
		return g, func(a *App, v string) error {
			v = strings.TrimSpace(v)
			if v != "" && !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
				return fmt.Errorf("%q is not a web address: write it as https://… or http://…", v)
			}
			return s(a, v)
		}
	}),
	key("model.name", "the model that reads the photos (empty: the default)", func() (func(App) string, func(*App, string) error) {
		return text(func(a *App) *string { return &a.Model })
	}),
	key("model.detail", "how closely the model looks: auto, low or high (empty: auto)", func() (func(App) string, func(*App, string) error) {
		g, s := text(func(a *App) *string { return &a.Detail })
		return g, func(a *App, v string) error {
			switch v = strings.ToLower(strings.TrimSpace(v)); v {
			case "", "auto", "low", "high":
				return s(a, v)
			}
			return i18n.Errorf("%q is not a detail: choose auto, low or high", v)
		}
	}),
	key("model.requests_per_minute", "the most requests a minute sent to the model (empty: no limit set)", func() (func(App) string, func(*App, string) error) {
		return number(func(a *App) *int { return &a.RequestsPerMinute }, 1, 10000, "")
	}),
	key("jobs.concurrency", "how many photos are analysed at once (empty: the default)", func() (func(App) string, func(*App, string) error) {
		return number(func(a *App) *int { return &a.Concurrency }, 1, 64, "")
	}),
	key("language", "the language of the window, the reports and the messages: "+languageTags()+" (empty: the system's)", func() (func(App) string, func(*App, string) error) {
		g, s := text(func(a *App) *string { return &a.Language })
		return g, func(a *App, v string) error {
			v = strings.TrimSpace(v)
			if v == "" {
				return s(a, v)
			}
			for _, l := range i18n.Supported {
				if strings.EqualFold(strings.ReplaceAll(v, "_", "-"), l.Tag) {
					return s(a, l.Tag)
				}
			}
			return fmt.Errorf("%q is not a language this app speaks: choose %s, or empty for the system's", v, languageTags())
		}
	}),
	key("watch.folder", "the folder watched for new photos (empty: none)", func() (func(App) string, func(*App, string) error) {
		return text(func(a *App) *string { return &a.WatchFolder })
	}),
}

// languageTags lists the tags of the languages the app speaks, for the language key's help.
func languageTags() string {
	tags := make([]string, len(i18n.Supported))
	for i, l := range i18n.Supported {
		tags[i] = l.Tag
	}
	return strings.Join(tags, ", ")
}

// FindKey finds a key by name; an unknown name is an error that lists the known ones.
func FindKey(name string) (Key, error) {
	for _, k := range Keys {
		if k.Name == name {
			return k, nil
		}
	}
	names := make([]string, len(Keys))
	for i, k := range Keys {
		names[i] = k.Name
	}
	sort.Strings(names)
	return Key{}, fmt.Errorf("%q is not a setting; the settings are: %s", name, strings.Join(names, ", "))
}

// Get is the value of k in a, as `settings get` prints it (a number not set prints its default,
// or nothing).
func (k Key) Get(a App) string { return k.get(a) }

// Set changes k in a to value, checked: a bad value leaves a as it was and says why.
func (k Key) Set(a *App, value string) error {
	if err := k.set(a, value); err != nil {
		return fmt.Errorf("%s: %w", k.Name, err)
	}
	return nil
}
