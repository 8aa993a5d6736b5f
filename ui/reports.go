package ui

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/export"
	"medinventory/store/outfile"
)

// reportKind names a stock report.
type reportKind string

// The stock reports the window offers.
const (
	reportProducts  reportKind = "products"  // stock on hand per product
	reportLots      reportKind = "lots"      // stock on hand per lot
	reportExpiry    reportKind = "expiry"    // lots expired or expiring within N days
	reportMovements reportKind = "movements" // every confirmed movement in a date range
	reportCount     reportKind = "count"     // a printable count sheet for a shelf
)

// reportRequest is what the user chose in the reports dialog.
type reportRequest struct {
	kind   reportKind
	format export.Format
	today  time.Time // the day the report is for
	days   int       // the "expiring" window, in days
	from   time.Time // reportMovements: [from, to)
	to     time.Time
	shelf  string // reportCount: the shelf ("": every shelf)
}

// reportFormats are the formats each report can be saved as, in the order of their buttons.
var reportFormats = []export.Format{export.PDF, export.XLSX, export.CSV}

// reportsDialog is the Reports window: one row per report, one button per format. Reports… then
// a format's button is two clicks; the file dialog then asks where to save.
type reportsDialog struct {
	u        *UI
	dlg      dialog.Dialog
	days     *uiEntry // uiEntry: Escape in a field closes the dialog
	from, to *uiEntry
	shelf    *uiEntry
	status   *widget.Label
	// saved holds Open and Show in folder for the last report saved (savedPath).
	saved     *fyne.Container
	savedPath string
	// openURL opens a file:// URL with the system's program for it (the app's OpenURL).
	openURL func(*url.URL) error
}

// ShowReports opens the Reports window.
func (u *UI) ShowReports() {
	if u.d.Stock == nil {
		return
	}
	r := u.newReportsDialog()
	u.showDialog(r.dlg, nil, nil) // Enter and Escape: Close
}

func (u *UI) newReportsDialog() *reportsDialog {
	r := &reportsDialog{u: u}
	today := u.now()
	r.days = u.newEntry()
	r.days.SetText(strconv.Itoa(u.stock.products.expiringDays()))
	r.from = u.newEntry()
	r.from.SetText(today.AddDate(0, -1, 0).Format("2006-01-02"))
	r.to = u.newEntry()
	r.to.SetText(today.Format("2006-01-02"))
	r.shelf = u.newEntry()
	r.shelf.SetPlaceHolder(i18n.T("every shelf"))
	r.status = widget.NewLabel("")
	r.status.Wrapping = fyne.TextWrapWord
	r.status.Hide()
	r.openURL = u.openURL
	r.saved = container.NewHBox(
		widget.NewButtonWithIcon(i18n.T("Open"), theme.FileIcon(), func() { r.openSaved(false) }),
		widget.NewButtonWithIcon(i18n.T("Show in folder"), theme.FolderOpenIcon(), func() { r.openSaved(true) }))
	r.saved.Hide()

	small := func(e *uiEntry, w float32) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(w, e.MinSize().Height), e)
	}
	grid := container.New(layout.NewFormLayout())
	add := func(kind reportKind, label fyne.CanvasObject) {
		btns := container.NewHBox()
		for _, f := range reportFormats {
			f := f
			b := widget.NewButton(strings.ToUpper(string(f)), func() { r.save(kind, f) })
			if f == export.PDF {
				b.Importance = widget.HighImportance
			}
			btns.Add(b)
		}
		grid.Add(label)
		grid.Add(btns)
	}
	add(reportProducts, widget.NewLabel(i18n.T("Stock on hand, per product")))
	add(reportLots, widget.NewLabel(i18n.T("Stock on hand, per lot")))
	add(reportExpiry, container.NewHBox(widget.NewLabel(i18n.T("Expired, and expiring within")), small(r.days, 64), widget.NewLabel(i18n.T("days"))))
	add(reportMovements, container.NewHBox(widget.NewLabel(i18n.T("Movements from")), small(r.from, 130), widget.NewLabel(i18n.T("to")), small(r.to, 130)))
	add(reportCount, container.NewHBox(widget.NewLabel(i18n.T("Count sheet for shelf")), small(r.shelf, 160)))
	hint := widget.NewLabel(i18n.T("PDF prints well; XLSX opens in a spreadsheet; CSV is for other programs."))
	hint.Importance = widget.LowImportance
	r.dlg = dialog.NewCustom(i18n.T("Reports"), i18n.T("Close"), container.NewVBox(grid, hint, r.status, r.saved), u.win)
	return r
}

// request reads the dialog's fields into a report request.
func (r *reportsDialog) request(kind reportKind, format export.Format) (reportRequest, error) {
	today := r.u.now()
	req := reportRequest{kind: kind, format: format, today: today, days: r.u.stock.products.expiringDays()}
	switch kind {
	case reportExpiry:
		n, err := strconv.Atoi(strings.TrimSpace(r.days.Text))
		if err != nil || n < 0 || n > 3650 {
			return req, errors.New(i18n.T("type the number of days as a whole number, e.g. 90"))
		}
		req.days = n
	case reportMovements:
		from, err1 := time.ParseInLocation("2006-01-02", strings.TrimSpace(r.from.Text), today.Location())
		to, err2 := time.ParseInLocation("2006-01-02", strings.TrimSpace(r.to.Text), today.Location())
		if err1 != nil || err2 != nil {
			return req, errors.New(i18n.T("type both dates as year-month-day, e.g. 2026-05-01"))
		}
		if to.Before(from) {
			return req, errors.New(i18n.T("the second date must not be before the first"))
		}
		req.from, req.to = from, to.AddDate(0, 0, 1) // the last day is included
	case reportCount:
		req.shelf = strings.TrimSpace(r.shelf.Text)
	}
	return req, nil
}

// reportFileName is the name the save dialog suggests: "stock-on-hand-2026-06-01.pdf".
func reportFileName(req reportRequest) string {
	day := req.today.Format("2006-01-02")
	switch req.kind {
	case reportLots:
		return fmt.Sprintf("stock-on-hand-by-lot-%s%s", day, req.format.Ext())
	case reportExpiry:
		return fmt.Sprintf("expiring-%dd-%s%s", req.days, day, req.format.Ext())
	case reportMovements:
		return fmt.Sprintf("movements-%s-to-%s%s", req.from.Format("2006-01-02"), req.to.AddDate(0, 0, -1).Format("2006-01-02"), req.format.Ext())
	case reportCount:
		if slug := fileSlug(req.shelf); slug != "" {
			return fmt.Sprintf("count-sheet-%s-%s%s", slug, day, req.format.Ext())
		}
		return fmt.Sprintf("count-sheet-%s%s", day, req.format.Ext())
	}
	return fmt.Sprintf("stock-on-hand-%s%s", day, req.format.Ext())
}

func (r *reportsDialog) setStatus(msg string, imp widget.Importance) {
	r.status.Importance = imp
	r.status.SetText(msg)
	setVisible(r.status, msg != "")
}

// save asks where to save the report, then makes it (off the UI goroutine) and writes it.
func (r *reportsDialog) save(kind reportKind, format export.Format) {
	req, err := r.request(kind, format)
	if err != nil {
		r.setStatus(err.Error(), widget.DangerImportance)
		return
	}
	r.setStatus("", widget.MediumImportance)
	r.saved.Hide()
	r.u.chooseSaveFile(i18n.T("Save the report"), reportFileName(req), format.Ext(), func(path string) {
		r.setStatus(i18n.T("Making the report…"), widget.MediumImportance)
		r.u.bg(func() func() {
			err := r.u.writeReportPath(path, req)
			return func() {
				if err != nil {
					r.setStatus("", widget.MediumImportance)
					r.u.showError(i18n.T("The report could not be saved"), err)
					return
				}
				r.savedTo(path)
			}
		})
	})
}

// savedTo says where the report went, in full, and offers to open it or its folder.
func (r *reportsDialog) savedTo(path string) {
	r.savedPath = path
	r.setStatus(i18n.T("Saved to %s", path), widget.SuccessImportance)
	r.saved.Show()
}

// openSaved opens the saved report with the system's program for it, or (folder) the folder
// that holds it.
func (r *reportsDialog) openSaved(folder bool) {
	path := r.savedPath
	if folder {
		path = filepath.Dir(path)
	}
	target, err := url.Parse(storage.NewFileURI(path).String())
	if err == nil {
		err = r.openURL(target)
	}
	if err != nil {
		msg := i18n.T("Saved to %s, but the report could not be opened (%v); open it from your file manager.", r.savedPath, err)
		if folder {
			msg = i18n.T("Saved to %s, but its folder could not be opened (%v); open it from your file manager.", r.savedPath, err)
		}
		r.setStatus(msg, widget.WarningImportance)
	}
}

// fileSlug is s fit for a file name: letters and digits, other runs as one "-".
func fileSlug(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// writeReport makes the report in memory and only then writes the file, through store/outfile:
// atomically, following a link to its file, refusing a device, FIFO or socket with a plain
// message. Fyne's save dialog has already opened the name (creating an empty file for a new name):
// w is closed first, and if the report cannot be made that empty file is removed again — only a
// regular empty file, never what a link points at nor a device.
func (u *UI) writeReport(w fyne.URIWriteCloser, req reportRequest) error {
	path := w.URI().Path()
	w.Close()
	err := u.writeReportPath(path, req)
	if err != nil {
		if st, serr := os.Lstat(path); serr == nil && st.Mode().IsRegular() && st.Size() == 0 {
			os.Remove(path) // the empty file the dialog created
		}
	}
	return err
}

// writeReportPath is writeReport for a path only named (chooseSaveFile): nothing was created
// there yet, so an existing file keeps its content until the new report is written whole.
func (u *UI) writeReportPath(path string, req reportRequest) error {
	var buf bytes.Buffer
	if err := u.makeReport(&buf, req); err != nil {
		return fmt.Errorf("make the report: %w", err)
	}
	return outfile.Write(path, "report", func(f io.Writer) error {
		_, err := f.Write(buf.Bytes())
		return err
	})
}

// makeReport reads a report from the stock and writes it in its format (store/export).
func (u *UI) makeReport(w io.Writer, req reportRequest) error {
	var t export.Table
	switch req.kind {
	case reportProducts, reportLots:
		ps, err := u.d.Stock.StockOnHand(u.ctx, store.ProductFilter{Today: req.today, WarnDays: req.days})
		if err != nil {
			return err
		}
		if req.kind == reportLots {
			t = export.LotsTable(ps, req.today, req.days)
		} else {
			t = export.StockTable(ps, req.today, req.days)
		}
	case reportExpiry:
		rows, err := u.d.Stock.ExpiryReport(u.ctx, req.today, req.days)
		if err != nil {
			return err
		}
		t = export.ExpiryTable(rows, req.today, req.days)
	case reportMovements:
		rows, err := u.d.Stock.MovementsBetween(u.ctx, req.from, req.to)
		if err != nil {
			return err
		}
		t = export.MovementsTable(rows, req.from, req.to)
	case reportCount:
		ps, err := u.d.Stock.StockOnHand(u.ctx, store.ProductFilter{Today: req.today})
		if err != nil {
			return err
		}
		t = export.CountSheetTable(ps, req.shelf, req.today)
		if t.Len() == 0 && req.shelf != "" {
			return errors.New(i18n.T("no lot with stock is on shelf %q: check the shelf's name (the Stock count page lists the shelves), or leave it blank for every shelf", req.shelf))
		}
	default:
		return fmt.Errorf("no report %q", req.kind)
	}
	t.Clinic = u.clinic() // on every page of the PDF and XLSX
	return export.WriteTable(w, req.format, t)
}

// openURL opens u with the system's program for it (xdg-open, open, start: the app's OpenURL).
func (u *UI) openURL(target *url.URL) error {
	a := u.app
	if a == nil {
		a = fyne.CurrentApp()
	}
	if a == nil {
		return errors.New(i18n.T("the app is not running"))
	}
	return a.OpenURL(target)
}
