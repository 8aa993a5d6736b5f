package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// TestWindowFitsTheScreen: the window's size against simulated screens (their usable area), on a
// first start and with a size saved on a larger screen. The old code opened at 1180×720 on an
// 800×600 screen and kept a saved 1900×1040 on any screen.
func TestWindowFitsTheScreen(t *testing.T) {
	screens := []fyne.Size{{Width: 800, Height: 600}, {Width: 1366, Height: 768}, {Width: 1920, Height: 1080}}
	saved := []fyne.Size{{}, {Width: 1900, Height: 1040}, {Width: 1180, Height: 720}, {Width: 300, Height: 200}}
	for _, screen := range screens {
		for _, s := range saved {
			h := newHarness(t)
			if s.Width > 0 {
				h.app.Preferences().SetFloat(prefWinW, float64(s.Width))
				h.app.Preferences().SetFloat(prefWinH, float64(s.Height))
			}
			h.u.FitToScreen(screen)
			got := h.u.win.Canvas().Size()
			if got.Width+windowFrame.Width > screen.Width || got.Height+windowFrame.Height > screen.Height {
				t.Errorf("screen %v, saved %v: window %v (with its frame) is larger than the screen", screen, s, got)
			}
			if got.Width < min(640, screen.Width-windowFrame.Width) || got.Height < min(480, screen.Height-windowFrame.Height) {
				t.Errorf("screen %v, saved %v: window %v is smaller than it needs to be", screen, s, got)
			}
			if s.Width == 1180 && screen.Width >= 1366 && got != s {
				t.Errorf("screen %v: a saved size that fits, %v, became %v", screen, s, got)
			}
			if s.Width == 0 && screen.Width == 1366 && got.Width < screen.Width*0.9 {
				t.Errorf("screen %v, first start: window %v leaves the screen's width unused", screen, got)
			}
		}
	}
}

func TestFitSize(t *testing.T) {
	cases := []struct{ want, screen, fit fyne.Size }{
		{fyne.NewSize(1180, 720), fyne.NewSize(800, 600), fyne.NewSize(784, 552)},
		{fyne.NewSize(1180, 720), fyne.NewSize(1366, 768), fyne.NewSize(1180, 720)},
		{fyne.NewSize(1900, 1040), fyne.NewSize(1366, 768), fyne.NewSize(1350, 720)},
		{fyne.NewSize(1900, 1040), fyne.NewSize(1920, 1080), fyne.NewSize(1900, 1032)},
		{fyne.NewSize(1180, 720), fyne.Size{}, fyne.NewSize(1180, 720)}, // the screen is not known
	}
	for _, c := range cases {
		if got := fitSize(c.want, c.screen); got != c.fit {
			t.Errorf("fitSize(%v, %v) = %v, want %v", c.want, c.screen, got, c.fit)
		}
	}
	if got := firstWindowSize(fyne.NewSize(1366, 768)); got.Width < 1280 || got.Height > 768-windowFrame.Height {
		t.Errorf("first size on 1366×768: %v", got)
	}
	if got := firstWindowSize(fyne.Size{}); got != defaultWindowSize {
		t.Errorf("first size on an unknown screen: %v", got)
	}
}

// TestLoadingStateUntilTheFirstRead: until the first read of the inventory is done the window says
// it is loading, never the empty state's "Drop medicine photos here" or "no photos read yet" over
// stored medicines (the old code showed them for about a second after the window appeared).
func TestLoadingStateUntilTheFirstRead(t *testing.T) {
	h := newHarness(t)
	h.addEntry(t, "Paracetamol", "2027-03", "4", nil)
	if got := h.u.mainArea.Objects[0]; got != h.u.loadView {
		t.Fatalf("before the first read the main area shows %T, want the loading state", got)
	}
	if s, _ := h.u.useB.Get(); strings.Contains(s, "no photos") {
		t.Errorf("before the first read the status bar says %q", s)
	}
	h.start()
	if got := h.u.mainArea.Objects[0]; got != h.u.inv.root {
		t.Fatalf("after the first read the main area shows %T, want the inventory", got)
	}

	empty := newHarness(t)
	empty.start()
	if empty.u.mainArea.Objects[0] != empty.u.emptyView {
		t.Fatal("an empty inventory, once read, should show the empty state")
	}
}
