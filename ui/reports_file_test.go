//go:build !windows

package ui

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/storage"

	"medinventory/store/export"
	"medinventory/store/outfile"
)

// A report saved over a symbolic link writes the link's file (the link stays a link); one saved
// "over" /dev/null is refused in words and the device is left a device.
func TestReportSavePathsGoThroughOutfile(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.openStock(t)
	dir := t.TempDir()
	real := filepath.Join(dir, "real.csv")
	os.WriteFile(real, []byte("old"), 0o600)
	link := filepath.Join(dir, "link.csv")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	req := reportRequest{kind: reportProducts, format: export.CSV, today: testToday}
	w, err := storage.Writer(storage.NewFileURI(link))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.u.writeReport(w, req); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Lstat(link); st.Mode()&fs.ModeSymlink == 0 {
		t.Fatal("the link was replaced by a file")
	}
	if b, _ := os.ReadFile(real); len(b) < 10 || string(b) == "old" {
		t.Fatalf("the link's file holds %q", b)
	}

	w, err = storage.Writer(storage.NewFileURI("/dev/null"))
	if err != nil {
		t.Fatal(err)
	}
	err = h.u.writeReport(w, req)
	var nr *outfile.NotRegularError
	if !errors.As(err, &nr) || err.Error() != "/dev/null (a device) is not a regular file: choose a file name" {
		t.Fatalf("/dev/null: %v", err)
	}
	if st, err := os.Stat("/dev/null"); err != nil || st.Mode()&fs.ModeDevice == 0 {
		t.Fatalf("/dev/null is no longer a device (%v)", err)
	}
}
