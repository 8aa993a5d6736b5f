package ui

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"medinventory/store/export"
)

func placeNames(ps []place) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.name)
	}
	return strings.Join(out, ",")
}

func TestChooserPlacesFromAFakeHomeAndMedia(t *testing.T) {
	home := t.TempDir()
	mustMkdir(t, filepath.Join(home, "Pictures"))
	mustMkdir(t, filepath.Join(home, "Downloads"))
	mustMkdir(t, filepath.Join(home, "Schreibtisch"))
	mustMkdir(t, filepath.Join(home, ".config"))
	// The desktop names its Desktop in another language; Documents is not there at all.
	if err := os.WriteFile(filepath.Join(home, ".config", "user-dirs.dirs"),
		[]byte("# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR=\"$HOME/Schreibtisch\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ps := homePlaces(home)
	if got := placeNames(ps); got != "Home,Desktop,Pictures,Downloads" {
		t.Fatalf("home places %s", got)
	}
	if ps[1].path != filepath.Join(home, "Schreibtisch") || ps[2].path != filepath.Join(home, "Pictures") {
		t.Fatalf("paths %+v", ps)
	}

	root := t.TempDir()
	mustMkdir(t, filepath.Join(root, "media", "alice", "USB STICK"))
	mustMkdir(t, filepath.Join(root, "run", "media", "alice", "CAMERA"))
	mustMkdir(t, filepath.Join(root, "media", "cdrom"))
	mustMkdir(t, filepath.Join(root, "mnt", "backup"))
	if err := os.WriteFile(filepath.Join(root, "mnt", "notes.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ds := mountedDrives(root, "alice")
	if got := placeNames(ds); got != "backup,CAMERA,cdrom,USB STICK" {
		t.Fatalf("drives %s (the user's folder of drives is opened, not listed; files are left out)", got)
	}
	for _, d := range ds {
		if !d.drive || !isDir(d.path) {
			t.Fatalf("drive %+v", d)
		}
	}
	if got := placeNames(mountedDrives(filepath.Join(root, "none"), "alice")); got != "" {
		t.Fatalf("no drives: %s", got)
	}
}

func TestTypedPathIsAcceptedOrRefusedInWords(t *testing.T) {
	home := t.TempDir()
	dir := mustMkdir(t, filepath.Join(home, "Pictures", "shelf 2"))
	jpg := filepath.Join(dir, "box.JPG")
	writeJPEG(t, jpg, 10, 10)
	pdf := filepath.Join(dir, "list.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ in, dir, file, err string }{
		{dir, dir, "", ""},
		{"  " + dir + "  ", dir, "", ""},
		{`"` + dir + `"`, dir, "", ""}, // Windows' "Copy as path"
		{"file://" + filepath.ToSlash(strings.ReplaceAll(dir, " ", "%20")), dir, "", ""},
		{"~/Pictures", filepath.Join(home, "Pictures"), "", ""},
		{"shelf 2", dir, "", ""}, // relative to the folder shown
		{jpg, dir, jpg, ""},
		{pdf, "", "", "list.pdf is not a photo: only JPEG"},
		{filepath.Join(home, "Pictuers"), "", "", "there is no folder or file " + filepath.Join(home, "Pictuers") + ": check the spelling"},
		{"   ", "", "", "type or paste the path"},
	} {
		d, f, err := resolveTypedPath(c.in, filepath.Join(home, "Pictures"), home, true)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: err %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || d != c.dir || f != c.file {
			t.Errorf("%q: %q %q %v, want %q %q", c.in, d, f, err, c.dir, c.file)
		}
	}
	// Saving: any file is a name.
	if _, f, err := resolveTypedPath(pdf, home, home, false); err != nil || f != pdf {
		t.Fatalf("save: %q %v", f, err)
	}
}

func TestSaveNameGetsTheExtensionAndRefusesPaths(t *testing.T) {
	for in, want := range map[string]string{"March": "March.pdf", "March.PDF": "March.PDF", " a.csv ": "a.csv.pdf"} {
		if got, err := saveName(in, ".pdf"); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{"": "type a name", "..": "type a name", "a/b.pdf": "cannot hold /"} {
		if _, err := saveName(in, ".pdf"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

func findEntryWithText(o fyne.CanvasObject, text string) *uiEntry {
	var found *uiEntry
	walk(o, func(x fyne.CanvasObject) {
		if e, ok := x.(*uiEntry); ok && e.Text == text && found == nil {
			found = e
		}
	})
	return found
}

func TestChooserTypedPhotoPathSelectsIt(t *testing.T) {
	h := newHarness(t)
	h.start()
	dir := t.TempDir()
	sub := mustMkdir(t, filepath.Join(dir, "shelf"))
	writeJPEG(t, filepath.Join(sub, "a.jpg"), 20, 20)
	writeJPEG(t, filepath.Join(sub, "b.jpg"), 20, 20)
	c := h.u.showChooser("Add photos", dir, nil, "")
	ov := h.u.Window().Canvas().Overlays().Top()
	if findButton(ov, "Home") == nil {
		t.Fatal("no Home place on the left")
	}
	c.path.SetText(filepath.Join(dir, "nowhere"))
	c.path.OnSubmitted(c.path.Text)
	if !c.msg.Visible() || !strings.Contains(c.msg.Text, "There is no folder or file") || c.dir != dir {
		t.Fatalf("a wrong path: %q, folder %s", c.msg.Text, c.dir)
	}
	c.path.SetText(filepath.Join(sub, "b.jpg"))
	c.path.OnSubmitted(c.path.Text)
	if c.msg.Visible() || c.dir != sub || findEntryWithText(ov, sub) == nil {
		t.Fatalf("typed photo: folder %s, msg %q", c.dir, c.msg.Text)
	}
	add := findButton(ov, "Add 1 photo")
	if add == nil {
		t.Fatal("the typed photo should be selected")
	}
	test.Tap(add)
	if len(h.imp.calls) != 1 || fmt.Sprint(h.imp.calls[0]) != "["+filepath.Join(sub, "b.jpg")+"]" {
		t.Fatalf("imported %v", h.imp.calls)
	}
	// The whole folder, at once.
	h.u.showChooser("Add photos", sub, nil, "")
	test.Tap(findButton(h.u.Window().Canvas().Overlays().Top(), "Add this whole folder"))
	if len(h.imp.calls) != 2 || fmt.Sprint(h.imp.calls[1]) != "["+sub+"]" {
		t.Fatalf("imported %v", h.imp.calls)
	}
}

// The save chooser only names the file: an existing report is left whole until the new one is
// written (Fyne's save dialog emptied it first), and replacing it is asked.
func TestReportSaveChooserLeavesAnExistingFileUntilWritten(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.openStock(t)
	dir := t.TempDir()
	h.app.Preferences().SetString(prefSaveFolder, dir)
	old := filepath.Join(dir, "stock.csv")
	if err := os.WriteFile(old, []byte("the old report\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := h.u.newReportsDialog()
	d.save(reportProducts, export.CSV)
	ov := h.u.Window().Canvas().Overlays().Top()
	name := findEntryWithText(ov, reportFileName(mustRequest(t, d, reportProducts, export.CSV)))
	if name == nil || findEntryWithText(ov, dir) == nil {
		t.Fatal("the save chooser should show the folder and the report's name")
	}
	name.SetText("stock")
	test.Tap(findButton(ov, "Save"))
	confirm := h.u.Window().Canvas().Overlays().Top()
	if confirm == ov || findButton(confirm, "Replace") == nil {
		t.Fatal("replacing stock.csv should be asked")
	}
	if b, _ := os.ReadFile(old); string(b) != "the old report\n" {
		t.Fatalf("the old report was touched before the new one was made: %q", b)
	}
	test.Tap(findButton(confirm, "Replace"))
	b, err := os.ReadFile(old)
	if err != nil || !strings.Contains(string(b), "usable_on_hand") || d.status.Importance != widget.SuccessImportance {
		t.Fatalf("report %q %v, status %q", b, err, d.status.Text)
	}
	if h.app.Preferences().String(prefSaveFolder) != dir {
		t.Fatal("the folder should be remembered")
	}
}

func TestChooseOneFolderAndFile(t *testing.T) {
	h := newHarness(t)
	h.start()
	dir := t.TempDir()
	usb := mustMkdir(t, filepath.Join(dir, "usb"))
	zip := filepath.Join(usb, "backup-2026.zip")
	if err := os.WriteFile(zip, []byte("PK"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(usb, "notes.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var got string
	c := h.u.chooseOne("Choose the backup folder", dir, "", true, func(p string) { got = p })
	ov := h.u.Window().Canvas().Overlays().Top()
	if len(c.folders) != 1 || len(c.photos) != 0 {
		t.Fatalf("folder mode lists %v %v, want the folder only", c.folders, c.photos)
	}
	c.open(usb)
	test.Tap(findButton(ov, "Use this folder"))
	if got != usb {
		t.Fatalf("chose %q", got)
	}
	got = ""
	c = h.u.chooseOne("Choose the backup to restore", usb, ".zip", false, func(p string) { got = p })
	if fmt.Sprint(c.photos) != "[backup-2026.zip]" {
		t.Fatalf("file mode lists %v, want the zip only", c.photos)
	}
	c.path.SetText(filepath.Join(usb, "notes.txt"))
	c.path.OnSubmitted(c.path.Text)
	if got != "" || !strings.Contains(c.msg.Text, "notes.txt is not a zip file") {
		t.Fatalf("a text file: %q, %q", got, c.msg.Text)
	}
	c.path.SetText(zip)
	c.path.OnSubmitted(c.path.Text)
	if got != zip {
		t.Fatalf("chose %q", got)
	}
}

// The chooser shows the photos themselves as thumbnails (the window's cache only loads the
// thumbnails stored for analysed photos, so the chooser showed only placeholders).
func TestChooserShowsThumbnailsOfPhotosNotYetAdded(t *testing.T) {
	h := newHarness(t)
	h.start()
	dir := t.TempDir()
	writeJPEG(t, filepath.Join(dir, "a.jpg"), 400, 300)
	h.u.showPhotoChooser(dir)
	var tiles []*chooserTile
	walk(h.u.Window().Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if t, ok := o.(*chooserTile); ok && t.Visible() && t.name.Text == "a.jpg" {
			tiles = append(tiles, t)
		}
	})
	if len(tiles) != 1 {
		t.Fatalf("%d tiles for a.jpg", len(tiles))
	}
	img := tiles[0].img.Image
	if img == nil || img.Bounds().Dx() != 192 || img.Bounds().Dy() != 144 {
		t.Fatalf("thumbnail %v, want the photo at 192×144", img)
	}
}

// A monthly report that cannot be made leaves a file already at the chosen name as it was (an
// empty one too: it was there before; the name-only save chooser created nothing).
func TestMonthlyReportThatFailsLeavesAnExistingFile(t *testing.T) {
	dir := t.TempDir()
	for _, content := range []string{"", "last month\n"} {
		p := filepath.Join(dir, "monthly.csv")
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		err := writeMonthlyFile(p, func(io.Writer) error { return errors.New("database locked") })
		if err == nil || !strings.Contains(err.Error(), "database locked") {
			t.Fatalf("err %v", err)
		}
		if b, err := os.ReadFile(p); err != nil || string(b) != content {
			t.Fatalf("the file was %q, now %q %v", content, b, err)
		}
	}
}
