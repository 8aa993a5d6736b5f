package ui

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store/export"
)

// Settings are the analysis settings the user can change. Empty strings and zeros mean "the
// default" (or the OPENAI_BASE_URL / OPENAI_MODEL environment variables). The API key is not here.
type Settings struct {
	BaseURL           string
	Model             string
	Detail            string // "auto", "low" or "high"
	Concurrency       int
	RequestsPerMinute int
	WatchFolder       string
	// The clinic, printed on its reports, and its maximum months of stock (0: the default, 3);
	// the same fields as settings.App.
	ClinicName     string
	ClinicCode     string
	ClinicDistrict string
	PreparedBy     string
	MaxMonths      int
	HubURL         string // the district hub (issue 28), set by medinventory sync
	// Language is the chosen language's tag (i18n.Supported), "" for the system's.
	Language string
}

const (
	prefBaseURL     = "settings.base_url"
	prefModel       = "settings.model"
	prefDetail      = "settings.detail"
	prefConcurrency = "settings.concurrency"
	prefRPM         = "settings.requests_per_minute"
	prefWatch       = "settings.watch_folder"
)

// The settings have one owner, the backend (which keeps them in the data folder: store/settings);
// the window asks it (Backend.Settings) and keeps no copy. Earlier versions kept them in Fyne's
// preferences as well, under these keys: Start moves such settings to the backend once
// (migrateSettings), then clears them.

// legacySettings reads the settings earlier versions kept in Fyne's preferences.
func legacySettings(p fyne.Preferences) Settings {
	return Settings{
		BaseURL:           p.String(prefBaseURL),
		Model:             p.String(prefModel),
		Detail:            p.String(prefDetail),
		Concurrency:       p.Int(prefConcurrency),
		RequestsPerMinute: p.Int(prefRPM),
		WatchFolder:       p.String(prefWatch),
	}
}

// clearLegacySettings removes the settings earlier versions kept in Fyne's preferences.
func clearLegacySettings(p fyne.Preferences) {
	for _, k := range []string{prefBaseURL, prefModel, prefDetail, prefConcurrency, prefRPM, prefWatch} {
		p.RemoveValue(k)
	}
}

// currentSettings are the settings in use (none without a backend).
func (u *UI) currentSettings() Settings {
	if u.d.Backend == nil {
		return Settings{}
	}
	return u.d.Backend.Settings()
}

// clinic is the clinic of the settings, as the reports print it on every page.
func (u *UI) clinic() export.Clinic { return clinicOf(u.currentSettings()) }

func clinicOf(s Settings) export.Clinic {
	return export.Clinic{Name: s.ClinicName, Code: s.ClinicCode, District: s.ClinicDistrict, PreparedBy: s.PreparedBy}
}

// settingsForm is the Settings dialog's content.
type settingsForm struct {
	key, baseURL, model, conc, rpm, watch *uiEntry
	clinic, code, district, preparedBy    *uiEntry
	maxMonths                             *uiEntry
	detail                                *widget.Select
	language                              *widget.Select
	languageTags                          []string // the tag of each choice of language
	result                                *widget.Label
	testBtn                               *widget.Button
	form                                  *widget.Form
}

func (u *UI) newSettingsForm(s Settings) *settingsForm {
	f := &settingsForm{}
	f.key = u.newEntry()
	f.key.Password = true
	switch src := u.keySource(); src {
	case "keyring":
		f.key.SetPlaceHolder(i18n.T("A key is saved on this computer — type a new one to replace it"))
	case "environment":
		f.key.SetPlaceHolder(i18n.T("Using the key from OPENAI_API_KEY — type one to save it here"))
	default:
		f.key.SetPlaceHolder(i18n.T("Paste your OpenAI key (starts with sk-)"))
	}
	f.baseURL = u.newEntry()
	f.baseURL.SetPlaceHolder("https://api.openai.com/v1 " + i18n.T("(leave empty for OpenAI)"))
	if u.conn.BaseURLFrom == "environment" {
		f.baseURL.SetPlaceHolder(i18n.T("%s (from OPENAI_BASE_URL)", u.conn.BaseURL))
	}
	f.baseURL.SetText(s.BaseURL)
	f.model = u.newEntry()
	f.model.SetPlaceHolder(i18n.T("leave empty for the default model"))
	if u.conn.Model != "" {
		f.model.SetPlaceHolder(i18n.T("%s (leave empty for this default)", u.conn.Model))
	}
	f.model.SetText(s.Model)
	f.detail = widget.NewSelect(detailLabels(), nil)
	fitOptions(f.detail)
	f.detail.SetSelected(detailLabel(orDefault(s.Detail, "high")))
	f.conc = u.newEntry()
	f.conc.SetPlaceHolder("4")
	if s.Concurrency > 0 {
		f.conc.SetText(strconv.Itoa(s.Concurrency))
	}
	f.conc.Validator = intValidator(i18n.T("photos at once"), 1, 16)
	f.rpm = u.newEntry()
	f.rpm.SetPlaceHolder(i18n.T("no limit"))
	if s.RequestsPerMinute > 0 {
		f.rpm.SetText(strconv.Itoa(s.RequestsPerMinute))
	}
	f.rpm.Validator = intValidator(i18n.T("the limit per minute"), 1, 10000)
	f.watch = u.newEntry()
	f.watch.SetPlaceHolder(i18n.T("a folder to watch for new photos (optional)"))
	f.watch.SetText(s.WatchFolder)
	f.clinic, f.code, f.district, f.preparedBy = u.newEntry(), u.newEntry(), u.newEntry(), u.newEntry()
	f.clinic.SetPlaceHolder(i18n.T("printed on the reports"))
	f.clinic.SetText(s.ClinicName)
	f.code.SetText(s.ClinicCode)
	f.district.SetText(s.ClinicDistrict)
	f.preparedBy.SetPlaceHolder(i18n.T("name of who prepares the reports"))
	f.preparedBy.SetText(s.PreparedBy)
	f.maxMonths = u.newEntry()
	f.maxMonths.SetPlaceHolder("3")
	if s.MaxMonths > 0 {
		f.maxMonths.SetText(strconv.Itoa(s.MaxMonths))
	}
	f.maxMonths.Validator = intValidator(i18n.T("the maximum months of stock"), 1, 24)
	names, tags := languageChoices()
	f.languageTags = tags
	f.language = widget.NewSelect(names, nil)
	f.language.SetSelectedIndex(max(0, slices.Index(tags, s.Language)))
	f.result = widget.NewLabel("")
	f.result.Wrapping = fyne.TextWrapWord
	f.testBtn = widget.NewButton(i18n.T("Test connection"), func() { u.testConnection(f) })
	// Plain labels, each with a one-line hint under its field (no "model", "detail", "requests").
	hinted := func(label string, w fyne.CanvasObject, hint string) *widget.FormItem {
		it := widget.NewFormItem(label, w)
		it.HintText = hint
		return it
	}
	f.form = widget.NewForm(
		widget.NewFormItem(i18n.T("OpenAI key"), f.key),
		widget.NewFormItem(i18n.T("Server address"), f.baseURL),
		hinted(i18n.T("Reading service"), f.model, i18n.T("Which OpenAI service reads the photos; leave empty unless given a name.")),
		hinted(i18n.T("Photo quality sent"), f.detail, i18n.T("Full reads small print (lot, expiry) best; reduced costs less.")),
		widget.NewFormItem(i18n.T("Photos at once"), f.conc),
		hinted(i18n.T("Limit per minute"), f.rpm, i18n.T("The most photos sent per minute; leave empty if your plan has no limit.")),
		widget.NewFormItem(i18n.T("Watched folder"), f.watch),
		widget.NewFormItem(i18n.T("Clinic name"), f.clinic),
		widget.NewFormItem(i18n.T("Facility code"), f.code),
		widget.NewFormItem(i18n.T("District"), f.district),
		widget.NewFormItem(i18n.T("Reports prepared by"), f.preparedBy),
		widget.NewFormItem(i18n.T("Maximum months of stock"), f.maxMonths),
		hinted(i18n.T("Language"), f.language, i18n.T("System: the language of this computer.")),
	)
	return f
}

// detailChoices are the photo quality choices in words (in English: i18n.T where shown), with
// the value the service takes.
var detailChoices = []struct{ label, value string }{
	{i18n.Mark("Full (best for small print)"), "high"},
	{i18n.Mark("Reduced (faster, costs less)"), "low"},
	{i18n.Mark("Let the service choose"), "auto"},
}

func detailLabels() []string {
	var out []string
	for _, c := range detailChoices {
		out = append(out, i18n.T(c.label))
	}
	return out
}

// detailLabel is the words for a stored value (the first choice for an unknown one).
func detailLabel(value string) string {
	for _, c := range detailChoices {
		if c.value == value {
			return i18n.T(c.label)
		}
	}
	return i18n.T(detailChoices[0].label)
}

// detailValue is the stored value for the words chosen.
func detailValue(label string) string {
	for _, c := range detailChoices {
		if i18n.T(c.label) == label {
			return c.value
		}
	}
	return detailChoices[0].value
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func intValidator(what string, lo, hi int) fyne.StringValidator {
	return func(s string) error {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			return errors.New(i18n.T("%s must be a whole number from %d to %d", what, lo, hi))
		}
		return nil
	}
}

func (f *settingsForm) values() (Settings, error) {
	s := Settings{
		BaseURL:     strings.TrimSpace(f.baseURL.Text),
		Model:       strings.TrimSpace(f.model.Text),
		Detail:      detailValue(f.detail.Selected),
		WatchFolder: strings.TrimSpace(f.watch.Text),

		ClinicName:     strings.TrimSpace(f.clinic.Text),
		ClinicCode:     strings.TrimSpace(f.code.Text),
		ClinicDistrict: strings.TrimSpace(f.district.Text),
		PreparedBy:     strings.TrimSpace(f.preparedBy.Text),
	}
	if i := f.language.SelectedIndex(); i > 0 && i < len(f.languageTags) {
		s.Language = f.languageTags[i]
	}
	if err := f.maxMonths.Validator(f.maxMonths.Text); err != nil {
		return s, err
	}
	s.MaxMonths, _ = strconv.Atoi(strings.TrimSpace(f.maxMonths.Text))
	if err := f.conc.Validator(f.conc.Text); err != nil {
		return s, err
	}
	if err := f.rpm.Validator(f.rpm.Text); err != nil {
		return s, err
	}
	s.Concurrency, _ = strconv.Atoi(strings.TrimSpace(f.conc.Text))
	s.RequestsPerMinute, _ = strconv.Atoi(strings.TrimSpace(f.rpm.Text))
	if s.BaseURL != "" && !strings.HasPrefix(s.BaseURL, "http://") && !strings.HasPrefix(s.BaseURL, "https://") {
		return s, errors.New(i18n.T("the server address must start with https:// (or http:// for a server on this computer)"))
	}
	return s, nil
}

func (u *UI) keySource() string {
	if u.d.Backend == nil {
		return ""
	}
	return u.d.Backend.APIKeySource()
}

func (u *UI) testConnection(f *settingsForm) {
	s, err := f.values()
	if err != nil {
		f.result.SetText(err.Error())
		return
	}
	if u.d.Backend == nil {
		f.result.SetText(i18n.T("Settings cannot be tested in this window."))
		return
	}
	key := strings.TrimSpace(f.key.Text)
	f.result.SetText(i18n.T("Testing the connection…"))
	f.testBtn.Disable()
	u.bg(func() func() {
		ctx, cancel := context.WithTimeout(u.ctx, 30*time.Second)
		defer cancel()
		err := u.d.Backend.TestConnection(ctx, s, key)
		return func() {
			f.testBtn.Enable()
			if err != nil {
				f.result.SetText("✗ " + err.Error())
				return
			}
			f.result.SetText(i18n.T("✓ The connection works: photos can be analysed."))
		}
	})
}

// inUseText says which server, model and key the analyses use now.
func inUseText(c Connection) string {
	if c.BaseURL == "" {
		return ""
	}
	from := map[string]string{"settings": i18n.T("set here"), "environment": i18n.T("from OPENAI_BASE_URL"), "default": "OpenAI"}[c.BaseURLFrom]
	key := map[string]string{"keyring": i18n.T("saved on this computer"), "environment": i18n.T("from OPENAI_API_KEY")}[c.KeySource]
	if key == "" {
		key = i18n.T("none")
		if !c.OpenAI {
			key = i18n.T("none (this server may not need one)")
		}
	}
	return i18n.T("In use now: %s (%s) · reading service %s · key: %s", c.BaseURL, from, c.Model, key)

}

// ShowSettings opens the Settings dialog. Enter saves, Escape closes it without saving.
func (u *UI) ShowSettings() {
	if u.settingsOpen != nil {
		return
	}
	f := u.newSettingsForm(u.currentSettings())
	note := widget.NewLabel(i18n.T("The key is kept in this computer's keyring, never in the inventory file."))
	note.Wrapping = fyne.TextWrapWord
	inUse := widget.NewLabel(inUseText(u.conn))
	inUse.Wrapping = fyne.TextWrapWord
	inUse.Importance = widget.HighImportance
	setVisible(inUse, inUse.Text != "")
	backups := widget.NewButtonWithIcon(i18n.T("Backups…"), theme.StorageIcon(), u.ShowBackups)
	content := container.NewVBox(inUse, f.form, container.NewHBox(f.testBtn, layoutSpacer(), backups), f.result, note)
	var d dialog.Dialog
	save := widget.NewButton(i18n.T("Save"), nil)
	save.Importance = widget.HighImportance
	cancel := widget.NewButton(i18n.T("Cancel"), func() { d.Hide() })
	save.OnTapped = func() {
		s, err := f.values()
		if err != nil {
			f.result.SetText(err.Error())
			return
		}
		key := strings.TrimSpace(f.key.Text)
		languageChanged := s.Language != u.currentSettings().Language
		d.Hide()
		u.bg(func() func() {
			var errs []error
			if key != "" && u.d.Backend != nil {
				if err := u.d.Backend.SaveAPIKey(key); err != nil {
					errs = append(errs, err)
				}
			}
			if u.d.Backend != nil {
				if err := u.d.Backend.ApplySettings(s); err != nil {
					errs = append(errs, err)
				}
			}
			var c Connection
			if u.d.Backend != nil {
				c = u.d.Backend.Connection()
			}
			return func() {
				u.setConnection(c)
				if err := errors.Join(errs...); err != nil {
					u.showError(i18n.T("The settings were not all saved"), err)
				} else if languageChanged {
					u.askRestart()
				}
			}
		})
	}
	for _, en := range []*uiEntry{f.key, f.baseURL, f.model, f.conc, f.rpm, f.watch} {
		en.OnSubmitted = func(string) { save.OnTapped() }
	}
	d = dialog.NewCustomWithoutButtons(i18n.T("Settings"), container.NewBorder(nil, container.NewHBox(layoutSpacer(), cancel, save), nil, nil,
		container.NewVScroll(content)), u.win)
	size := u.win.Canvas().Size()
	d.Resize(fyne.NewSize(min(760, size.Width-20), min(560, size.Height-20))) // French, Portuguese and Spanish run 20-30% longer
	u.settingsOpen = f
	u.track(d, save.OnTapped, nil, func() { u.settingsOpen = nil })
	d.Show()
	u.win.Canvas().Focus(f.key) // type or paste the key at once
}
