//go:build linux

package ui

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

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

	// A FIFO: the dialog's open (read-write) does not block on Linux, and the report refuses it.
	fifo := filepath.Join(dir, "pipe.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		w, err := storage.Writer(storage.NewFileURI(fifo))
		if err != nil {
			done <- err
			return
		}
		done <- h.u.writeReport(w, req)
	}()
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("saving a report to a FIFO blocked")
	}
	if !errors.As(err, &nr) || err.Error() != fifo+" (a FIFO (named pipe)) is not a regular file: choose a file name" {
		t.Fatalf("FIFO: %v", err)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&fs.ModeNamedPipe == 0 {
		t.Fatalf("the FIFO was replaced (%v)", err)
	}
}
