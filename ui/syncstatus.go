package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/data/binding"
	"fyne.io/fyne/v2/widget"

	"medinventory/assets/i18n"
)

// HubSync is the sync with the district hub (issue 28) as the status bar shows it. The Backend
// may implement it (main's backend does, syncing in the background); the window then says when
// this laptop last synced and with how many laptops, or that the hub cannot be reached.
type HubSync interface {
	HubSyncStatus() HubSyncStatus
}

// HubSyncStatus is what the status bar says about sync.
type HubSyncStatus struct {
	Joined   bool      // this laptop joined a hub (nothing is shown otherwise)
	LastSync time.Time // zero: never
	Laptops  int       // the clinic's laptops at the last sync
	Failing  bool      // the last try could not reach the hub (it will retry)
}

// hubStatusText is the status bar's sync words ("" when the laptop never joined a hub).
func hubStatusText(s HubSyncStatus, now time.Time) string {
	switch {
	case !s.Joined:
		return ""
	case s.Failing:
		return i18n.T("Cannot reach the hub — will retry")
	case s.LastSync.IsZero():
		return i18n.T("Not synced yet")
	}
	laptops := i18n.N(s.Laptops, "%d laptop", "%d laptops", s.Laptops)
	ago := now.Sub(s.LastSync)
	switch {
	case ago < time.Minute:
		return i18n.T("Synced just now · %s", laptops)
	case ago < time.Hour:
		m := int(ago.Minutes())
		return i18n.N(m, "Synced %d min ago · %s", "Synced %d min ago · %s", m, laptops)
	case ago < 48*time.Hour:
		h := int(ago.Hours())
		return i18n.N(h, "Synced %d hour ago · %s", "Synced %d hours ago · %s", h, laptops)
	}
	d := int(ago.Hours() / 24)
	return i18n.N(d, "Synced %d day ago · %s", "Synced %d days ago · %s", d, laptops)
}

// hubStatus is the status bar's sync label, set through its binding.
type hubStatus struct {
	text  binding.String
	label *widget.Label
}

// hubStatusObject is the status bar's sync words; ui.go places it (one hook).
func (u *UI) hubStatusObject() fyne.CanvasObject {
	u.hubBar = &hubStatus{text: binding.NewString()}
	u.hubBar.label = widget.NewLabelWithData(u.hubBar.text)
	u.hubBar.label.Hide()
	return u.hubBar.label
}

// refreshHubStatus asks the backend (off the UI goroutine) and sets the words.
func (u *UI) refreshHubStatus() {
	u.refreshSyncChecks() // what the last sync left to check (syncchecks.go)
	h, ok := u.d.Backend.(HubSync)
	if !ok || u.hubBar == nil {
		return
	}
	u.bg(func() func() {
		text := hubStatusText(h.HubSyncStatus(), u.now())
		return func() {
			_ = u.hubBar.text.Set(text)
			if text == "" {
				u.hubBar.label.Hide()
			} else {
				u.hubBar.label.Show()
			}
		}
	})
}

// watchHubStatus refreshes the sync words now and every 10 seconds until ctx ends.
func (u *UI) watchHubStatus(ctx context.Context) {
	u.refreshHubStatus()
	if _, ok := u.d.Backend.(HubSync); !ok || u.sync {
		return
	}
	every(ctx, 10*time.Second, u.refreshHubStatus)
}
