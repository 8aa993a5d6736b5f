package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
)

// BackupSettings are Settings → Backups.
type BackupSettings struct {
	Folder string // where backups go: best another disk or a USB stick
	Auto   bool   // a backup every day while the window is open
	Keep   int    // automatic backups kept in Folder (older ones are removed)
}

// BackupInfo describes one backup archive, for the Restore question.
type BackupInfo struct {
	Created         time.Time
	Photos, Entries int
}

// Backups is what Settings → Backups and the status bar need. The Backend may implement it
// (main's backend does); the window then offers backups and warns when the last one is old or the
// disk is nearly full.
type Backups interface {
	BackupSettings() BackupSettings
	SaveBackupSettings(s BackupSettings) error
	// BackupNow writes a backup into the folder and returns its path. It blocks.
	BackupNow(ctx context.Context) (string, error)
	// LastBackup is when the last backup was made (zero: never).
	LastBackup() time.Time
	// CheckBackup checks an archive whole (every checksum) without changing anything. It blocks.
	CheckBackup(ctx context.Context, file string) (BackupInfo, error)
	// RestoreAtQuit restores file once the window has closed (the inventory must not be in use),
	// keeping the current data aside, and opens the window again.
	RestoreAtQuit(file string)
	// DiskSpace is the free space on the disk holding the inventory and whether it is low.
	DiskSpace() (free uint64, low bool)
}

// BackupOldAfter is the age from which the status bar says when the last backup was made.
var BackupOldAfter = 7 * 24 * time.Hour

// backups returns the Backups the backend offers, or nil.
func (u *UI) backups() Backups {
	b, _ := u.d.Backend.(Backups)
	return b
}

// backupStatus is the status bar's backup and disk-space warning (hidden when all is well).
type backupStatus struct {
	label *widget.Label
	icon  *widget.Icon
	root  *fyne.Container
}

func (u *UI) newBackupStatus() *backupStatus {
	s := &backupStatus{label: widget.NewLabel(""), icon: widget.NewIcon(theme.WarningIcon())}
	s.label.Importance = widget.WarningImportance
	s.root = container.NewHBox(s.icon, s.label)
	s.root.Hide()
	return s
}

// backupStatusText is what the status bar says about backups and disk space ("" when nothing).
func backupStatusText(last, now time.Time, free uint64, low bool) string {
	var parts []string
	if low {
		parts = append(parts, i18n.T("Disk nearly full: %d MB free", free>>20))
	}
	switch {
	case last.IsZero():
		parts = append(parts, i18n.T("No backup yet"))
	case now.Sub(last) >= BackupOldAfter:
		days := int(now.Sub(last).Hours() / 24)
		parts = append(parts, i18n.N(days, "Last backup: %d day ago", "Last backup: %d days ago"))
	}
	return strings.Join(parts, " · ")
}

// refreshBackupStatus re-reads the last backup time and the free space (off the UI goroutine).
func (u *UI) refreshBackupStatus() {
	b := u.backups()
	if b == nil || u.backupBar == nil {
		return
	}
	u.bg(func() func() {
		free, low := b.DiskSpace()
		text := backupStatusText(b.LastBackup(), u.now(), free, low)
		return func() {
			u.backupBar.label.SetText(text)
			if text == "" {
				u.backupBar.root.Hide()
			} else {
				u.backupBar.root.Show()
			}
		}
	})
}

// backupStatusObject is the status bar's backup/disk warning; ui.go places it (one hook).
func (u *UI) backupStatusObject() fyne.CanvasObject {
	u.backupBar = u.newBackupStatus()
	return u.backupBar.root
}

// every runs fn on the UI goroutine each period until ctx ends (the status bar's refreshes).
func every(ctx context.Context, period time.Duration, fn func()) {
	go func() {
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fyne.Do(fn)
			}
		}
	}()
}

// watchBackupStatus refreshes the backup warning now and every few minutes until ctx ends.
func (u *UI) watchBackupStatus(ctx context.Context) {
	u.refreshBackupStatus()
	if u.sync || u.backups() == nil {
		return
	}
	every(ctx, 5*time.Minute, u.refreshBackupStatus)
}

// ShowBackups opens Settings → Backups.
func (u *UI) ShowBackups() {
	b := u.backups()
	if b == nil {
		u.showInfo(i18n.T("Backups"), i18n.T("Backups are made with the command: medinventory backup -o FILE"))
		return
	}
	s := b.BackupSettings()
	folder := u.newEntry() // Escape in it closes the dialog
	folder.SetText(s.Folder)
	folder.SetPlaceHolder(i18n.T("for example a USB stick: /media/usb/backups"))
	choose := widget.NewButton(i18n.T("Choose…"), func() {
		u.chooseOne(i18n.T("Choose the backup folder"), folder.Text, "", true, func(p string) { folder.SetText(p) })
	})
	auto := widget.NewCheck(i18n.T("Back up automatically every day"), nil)
	auto.SetChecked(s.Auto)
	keep := u.newEntry()
	keep.SetText(strconv.Itoa(max(s.Keep, 1)))
	keep.Validator = intValidator(i18n.T("Backups kept"), 1, 100)
	last := widget.NewLabel(lastBackupText(b.LastBackup(), u.now()))
	result := widget.NewLabel("")
	result.Wrapping = fyne.TextWrapWord

	values := func() (BackupSettings, error) {
		n, err := strconv.Atoi(strings.TrimSpace(keep.Text))
		if err != nil || n < 1 || n > 100 {
			return BackupSettings{}, errors.New(i18n.T("backups kept must be a number from 1 to 100"))
		}
		return BackupSettings{Folder: strings.TrimSpace(folder.Text), Auto: auto.Checked, Keep: n}, nil
	}
	save := func() bool {
		v, err := values()
		if err == nil {
			err = b.SaveBackupSettings(v)
		}
		if err != nil {
			result.SetText(err.Error())
			return false
		}
		return true
	}
	var now *widget.Button
	now = widget.NewButton(i18n.T("Back up now"), func() {
		if !save() {
			return
		}
		now.Disable()
		result.SetText(i18n.T("Backing up…"))
		u.bg(func() func() {
			path, err := b.BackupNow(u.ctx)
			return func() {
				now.Enable()
				if err != nil {
					result.SetText(i18n.T("The backup was not made: %s", plainError(err)))
					return
				}
				result.SetText(i18n.T("Backup written: %s", path))
				last.SetText(lastBackupText(b.LastBackup(), u.now()))
				u.refreshBackupStatus()
			}
		})
	})
	now.Importance = widget.HighImportance
	restore := widget.NewButton(i18n.T("Restore from a backup…"), func() { u.chooseRestore(b, result) })

	form := widget.NewForm(
		widget.NewFormItem(i18n.T("Backup folder"), container.NewBorder(nil, nil, nil, choose, folder)),
		widget.NewFormItem("", auto),
		widget.NewFormItem(i18n.T("Backups kept"), keep),
	)
	note := widget.NewLabel(i18n.T("A backup holds the inventory, every photo and the settings — never the OpenAI key. Keep it on another disk or a USB stick: a backup on the same disk is lost with it."))
	note.Wrapping = fyne.TextWrapWord
	content := container.NewVBox(form, last, container.NewHBox(now, restore), result, note)
	var d dialog.Dialog
	closeBtn := widget.NewButton(i18n.T("Close"), func() {
		if save() {
			d.Hide()
			u.refreshBackupStatus()
		}
	})
	d = dialog.NewCustomWithoutButtons(i18n.T("Backups"), container.NewBorder(nil, container.NewHBox(layoutSpacer(), closeBtn), nil, nil, content), u.win)
	d.Resize(fyne.NewSize(640, 440))
	u.showDialog(d, closeBtn.OnTapped, closeBtn.OnTapped) // Enter and Escape: Close (it saves)
}

func lastBackupText(last, now time.Time) string {
	if last.IsZero() {
		return i18n.T("No backup has been made yet.")
	}
	days := int(now.Sub(last).Hours() / 24)
	when := whenText(last.Local())
	switch days {
	case 0:
		return i18n.T("Last backup: today, %s.", when)
	case 1:
		return i18n.T("Last backup: yesterday, %s.", when)
	}
	return i18n.N(days, "Last backup: %d day ago (%s).", "Last backup: %d days ago (%s).", days, when)
}

// chooseRestore asks for an archive, checks it, and asks before restoring at quit.
func (u *UI) chooseRestore(b Backups, result *widget.Label) {
	u.chooseOne(i18n.T("Choose the backup to restore"), "", ".zip", false, func(file string) {
		result.SetText(i18n.T("Checking the backup…"))
		u.bg(func() func() {
			info, err := b.CheckBackup(u.ctx, file)
			return func() {
				if err != nil {
					result.SetText(i18n.T("This backup cannot be restored: %s", plainError(err)))
					return
				}
				result.SetText("")
				u.confirmRestore(b, file, info)
			}
		})
	})
}

func (u *UI) confirmRestore(b Backups, file string, info BackupInfo) {
	msg := i18n.T("Restore the backup of %s (%d photos, %d entries)?\n\nMedicine Inventory closes, puts the backup in place and opens again. The inventory as it is now is kept beside it (a folder ending in \"before-restore\"), not deleted.",
		whenText(info.Created.Local()), info.Photos, info.Entries)
	u.confirmDialog(i18n.T("Restore this backup?"), msg, i18n.T("Restore"), i18n.T("Cancel"), func() {
		b.RestoreAtQuit(file)
		u.app.Quit()
	})
}

// ShowStartupProblem shows, in a window of its own, why the inventory could not be opened (for
// example a database that does not belong to the data folder's photos) with the ways out: restore
// a backup, or start a new inventory (the photos are kept), or quit. choice is called on the UI
// goroutine with "restore" and the archive, "fresh", or "quit"; the window closes.
func ShowStartupProblem(a fyne.App, problem string, choice func(what, file string)) fyne.Window {
	w := a.NewWindow(Title)
	text := widget.NewLabel(problem)
	text.Wrapping = fyne.TextWrapWord
	title := widget.NewLabelWithStyle(i18n.T("The inventory could not be opened"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	done := false
	finish := func(what, file string) {
		if done {
			return
		}
		done = true
		choice(what, file)
		w.Close()
	}
	restore := widget.NewButton(i18n.T("Restore a backup…"), func() {
		fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				return
			}
			file := r.URI().Path()
			r.Close()
			finish("restore", file)
		}, w)
		fd.SetFilter(storage.NewExtensionFileFilter([]string{".zip"}))
		fd.Show()
	})
	restore.Importance = widget.HighImportance
	fresh := widget.NewButton(i18n.T("Start a new inventory…"), func() {
		dialog.NewConfirm(i18n.T("Start a new inventory?"), i18n.T("A new, empty inventory is started in this folder. The photos are kept and queued again; a database already there is moved aside, not deleted."), func(ok bool) {

			if ok {
				finish("fresh", "")
			}
		}, w).Show()
	})
	quit := widget.NewButton(i18n.T("Quit"), func() { finish("quit", "") })
	w.SetContent(container.NewPadded(container.NewBorder(title, container.NewHBox(layoutSpacer(), quit, fresh, restore), nil, nil, text)))
	w.SetOnClosed(func() {
		if !done {
			done = true
			choice("quit", "")
		}
	})
	w.Resize(fyne.NewSize(760, 360))
	return w
}
