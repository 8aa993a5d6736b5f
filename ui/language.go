package ui

import (
	"embed"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/stock"
)

// fyneStrings are Fyne's own strings (the file dialog's Open, Save, New Folder…, the Cancel and
// OK of its dialogs, the entry's Copy and Paste menu, the week days) in each language the app
// speaks: copies of fyne.io/fyne/v2/lang/translations/base.*.json (v2.7.1), with the week days
// Fyne's French and Brazilian files lack added. pt-PT is Fyne's "pt".
//
//go:embed fynestrings/*.json
var fyneStrings embed.FS

// ApplyLanguage chooses the language of the window before it is built: tag is a tag of
// i18n.Supported, or "" for the system's. It returns the tag in use.
//
// The app's own strings follow i18n.Set. Fyne's strings come from its lang package, which picks
// the system's locale when it starts and has no switch (fyne-io/fyne#5333). Its localizer is for
// the tag closest to the system's locale, re-read each time translations are added; so the
// strings of the chosen language are added for the system's own locale (English first, so that
// a key the chosen file lacks says English rather than the language chosen before), and Fyne's
// localizer then uses them. Nothing in the environment changes, and it works the same on Linux,
// Windows and macOS.
func ApplyLanguage(tag string) string {
	chosen := i18n.Set(tag)
	sys := lang.SystemLocale()
	for _, t := range []string{"en", chosen} {
		b, err := fyneStrings.ReadFile("fynestrings/" + t + ".json")
		if err != nil {
			continue // English only: there is no second file to add
		}
		if err := lang.AddTranslationsForLocale(b, sys); err != nil {
			fyne.LogError("Fyne's strings for "+t, err)
		}
		if t == chosen {
			break
		}
	}
	return chosen
}

// languageChoices are the choices of Settings → Language: the system's, then each language in
// its own name.
func languageChoices() (names []string, tags []string) {
	names = []string{i18n.T("System")}
	tags = []string{""}
	for _, l := range i18n.Supported {
		names = append(names, l.Name)
		tags = append(tags, l.Tag)
	}
	return names, tags
}

// Restarter is what the Backend implements when it can open the window again once it has closed
// (main's backend does): the language chosen in Settings applies from the next start.
type Restarter interface {
	// RestartAtQuit opens the window again, with the same data folder, once it has closed and
	// everything has shut down cleanly.
	RestartAtQuit()
}

// askRestart says that the language chosen applies when the app starts again, and offers to
// restart it now (cleanly: the window closes, analyses under way go back to the queue).
func (u *UI) askRestart() {
	msg := i18n.T("The new language is used from the next start of Medicine Inventory.")
	r, ok := u.d.Backend.(Restarter)
	if !ok {
		u.showInfo(i18n.T("Language"), msg)
		return
	}
	u.confirmDialog(i18n.T("Language"), msg+"\n\n"+i18n.T("Restart now? Photos being read go back to the queue and are read after the restart."),
		i18n.T("Restart now"), i18n.T("Later"), func() {
			r.RestartAtQuit()
			u.app.Quit()
		})
}

// fitOptions makes sel at least as wide as its longest option: Fyne sizes a Select by its
// placeholder, so a translated option longer than the placeholder was cut ("Tous les m…"). The
// placeholder shows only while nothing is chosen, which these selects never are.
func fitOptions(sel *widget.Select) {
	longest := ""
	for _, o := range sel.Options {
		if len([]rune(o)) > len([]rune(longest)) {
			longest = o
		}
	}
	sel.PlaceHolder = longest
}

// whenText is a moment as the window shows it: the reader's day and time (12/03/2027 14:05 in
// French, i18n.DateTime), and in English the "2 Jan 2006 15:04" the window has always shown.
func whenText(t time.Time) string {
	if i18n.Current() == "en" {
		return t.Format("2 Jan 2006 15:04")
	}
	return i18n.DateTime(t)
}

// reasonWords is a movement's reason in the reader's words (stock.ReasonWords, translated).
func reasonWords(r stock.Reason) string { return i18n.T(stock.ReasonWords(r)) }

// expiryWords is store.ExpiryWords in the reader's words: "Expired", "Expires today", "Expires
// in 12 days"; "" when the date is unknown or far away.
func expiryWords(expiry string, today time.Time) string {
	st, days := store.ExpiryOf(expiry, today)
	switch {
	case st == store.ExpiryExpired:
		return i18n.T("Expired")
	case st != store.ExpirySoon:
		return ""
	case days == 0:
		return i18n.T("Expires today")
	}
	return i18n.N(days, "Expires in %d day", "Expires in %d days")
}

// translated is list with each string translated (a list of English words marked where written).
func translated(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = i18n.T(s)
	}
	return out
}

// kindWords is a movement's kind in the reader's words, capitalised: "Dispensed" (stock.KindWords,
// translated).
func kindWords(k stock.Kind) string {
	w := i18n.T(stock.KindWords(k))
	r, n := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r)) + w[n:]
}
