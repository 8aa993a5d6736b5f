//go:build !windows

package store_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"medinventory/store"
)

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

// Case 3: a FIFO in a dropped folder, or given as a path, is skipped at once; the rest is added.
func TestFIFOIsSkippedNotOpened(t *testing.T) {
	ctx := context.Background()
	st := open(t, t.TempDir())
	in := t.TempDir()
	mkfifo(t, filepath.Join(in, "a-pipe.jpg"))
	writeJPEG(t, filepath.Join(in, "b.jpg"), 30, 30, 9)
	lone := filepath.Join(t.TempDir(), "pipe.jpg")
	mkfifo(t, lone)
	link := filepath.Join(t.TempDir(), "link.jpg")
	os.Symlink(lone, link)
	var skipped []string
	sum, err := st.AddPaths(ctx, []string{in, lone, link}, nil, func(o store.AddOutcome) {
		if o.Err != nil {
			skipped = append(skipped, o.Err.Error())
		}
	})
	if err != nil || sum.Added != 1 || sum.Skipped != 3 {
		t.Fatalf("%+v %v %q", sum, err, skipped)
	}
	for _, s := range skipped {
		if !strings.Contains(s, "not a regular file") {
			t.Errorf("reason: %s", s)
		}
	}
}

// Case 4 on a real full disk: a 1 MB tmpfs (needs root; skipped where mounting is not allowed).
func TestDiskFullOnTmpfs(t *testing.T) {
	if testing.Short() {
		t.Skip("mounts a tmpfs")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", mnt).Run() })
	ctx := context.Background()
	st, err := store.Open(ctx, mnt, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// A noisy JPEG bigger than the space left.
	src := filepath.Join(t.TempDir(), "big.jpg")
	writeNoiseJPEG(t, src, 900, 900)
	_, err = st.AddPhoto(ctx, src, nil)
	wantDiskFull(t, err)
	noPhotoRowsOrFiles(t, st)
	if free, low := st.LowSpace(); !low || free > 1<<20 {
		t.Fatalf("LowSpace: %d, %v", free, low)
	}
}
