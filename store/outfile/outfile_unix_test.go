//go:build !windows

package outfile

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Devices, FIFOs, sockets and folders are refused without blocking and left as they were.
func TestWriteRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, c := range []struct{ path, want string }{
		{"/dev/null", "/dev/null (a device) is not a regular file: choose a file name"},
		{"/dev/full", "/dev/full (a device) is not a regular file: choose a file name"},
		{fifo, fifo + " (a FIFO (named pipe)) is not a regular file: choose a file name"},
		{sock, sock + " (a socket) is not a regular file: choose a file name"},
		{dir, dir + " is a folder, not a regular file: choose a file name inside it"},
	} {
		done := make(chan error, 1)
		go func() { done <- Write(c.path, "export", write("data")) }()
		select {
		case err = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: Write blocked", c.path)
		}
		var nr *NotRegularError
		if !errors.As(err, &nr) || err.Error() != c.want {
			t.Errorf("%s: err %v; want %q", c.path, err, c.want)
		}
	}
	for _, p := range []string{fifo, sock} {
		if st, err := os.Lstat(p); err != nil || st.Mode().IsRegular() {
			t.Errorf("%s was replaced: %v %v", p, st.Mode(), err)
		}
	}
	if st, err := os.Stat("/dev/null"); err != nil || st.Mode()&fs.ModeDevice == 0 {
		t.Fatalf("/dev/null is no longer a device: %v %v", st.Mode(), err)
	}
	noTemps(t, dir)
}
