package outfile

import (
	"os"
	"testing"

	"golang.org/x/sys/windows"
)

func TestOSFileInUseWindows(t *testing.T) {
	for errno, want := range map[windows.Errno]bool{windows.ERROR_SHARING_VIOLATION: true, windows.ERROR_LOCK_VIOLATION: true,
		windows.ERROR_ACCESS_DENIED: true, windows.ERROR_FILE_NOT_FOUND: false, windows.ERROR_DISK_FULL: false} {
		err := &os.LinkError{Op: "rename", Old: `C:\x\.medinventory-export-1`, New: `C:\x\out.csv`, Err: errno}
		if got := osFileInUse(err); got != want {
			t.Errorf("osFileInUse(%v) = %v; want %v", errno, got, want)
		}
	}
}
