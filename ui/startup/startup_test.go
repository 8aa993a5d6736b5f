package startup

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestChooseStartupDialog(t *testing.T) {
	title, text := `Medicine Inventory cannot start`, `the inventory at "C:\Users\Zoë\x" cannot be opened: it's locked`
	has := func(names ...string) func(string) (string, error) {
		return func(name string) (string, error) {
			for _, n := range names {
				if n == name {
					return "/usr/bin/" + name, nil
				}
			}
			return "", errors.New("not found")
		}
	}
	for _, c := range []struct {
		goos  string
		tools []string
		want  startupDialog
	}{
		{"windows", nil, startupDialog{messageBox: true}},
		{"darwin", nil, startupDialog{argv: []string{"osascript", "-e", "on run argv", "-e",
			`display alert (item 1 of argv) message (item 2 of argv) as critical buttons {"OK"} default button "OK"`, "-e", "end run", title, text}}},
		{"linux", []string{"zenity", "kdialog"}, startupDialog{argv: []string{"/usr/bin/zenity", "--error", "--no-markup", "--width=420", "--title", title, "--text", text}}},
		{"linux", []string{"kdialog"}, startupDialog{argv: []string{"/usr/bin/kdialog", "--title", title, "--error", text}}},
		{"freebsd", []string{"zenity"}, startupDialog{argv: []string{"/usr/bin/zenity", "--error", "--no-markup", "--width=420", "--title", title, "--text", text}}},
		{"linux", nil, startupDialog{}},
	} {
		if got := chooseStartupDialog(c.goos, has(c.tools...), title, text); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s with %v: %#v\nwant %#v", c.goos, c.tools, got, c.want)
		}
	}
}

// Once Fyne runs, a start-up error gets a window of its own with the message and a Close button.
func TestStartupErrorInFyneWindow(t *testing.T) {
	t.Setenv(NoDialogEnv, "")
	a := test.NewTempApp(t)
	var stderr strings.Builder
	ReportInWindow(a, &stderr, fmt.Errorf("cannot start the analysis: %w", errors.New("disk I/O error")))
	var win fyne.Window
	var titles []string
	for _, w := range a.Driver().AllWindows() {
		titles = append(titles, w.Title())
		if w.Title() == "Medicine Inventory cannot start" {
			win = w
		}
	}
	if win == nil {
		t.Fatalf("no window titled as the error; windows: %q", titles)
	}
	var texts []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			texts = append(texts, w.Text)
		case *widget.Button:
			texts = append(texts, "["+w.Text+"]")
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(win.Content())
	if want := []string{"cannot start the analysis: disk I/O error", "[Close]"}; !reflect.DeepEqual(texts, want) {
		t.Fatalf("window shows %q; want %q", texts, want)
	}
	if stderr.String() != "medinventory: cannot start the analysis: disk I/O error\n" {
		t.Fatalf("stderr %q", stderr.String())
	}
}
