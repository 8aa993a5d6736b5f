//go:build unix

package main

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"medinventory/store"

	"medinventory/ui/cli"
)

// backup -o and export -o never replace what is not a regular file: /dev/null, /dev/full and a FIFO
// are refused in words with exit 1 and left as they were (the FIFO without blocking); a symbolic
// link is followed, and stays a link.
func TestCLIOutputPathsAreNeverReplaced(t *testing.T) {
	data, out := t.TempDir(), t.TempDir()
	fifo := filepath.Join(out, "pipe.zip")
	if err := mkfifo(fifo); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"backup", "-o", "/dev/null"}, "/dev/null (a device) is not a regular file: choose a file name"},
		{[]string{"export", "--format", "csv", "-o", "/dev/full"}, "/dev/full (a device) is not a regular file: choose a file name"},
		{[]string{"backup", "-o", fifo}, fifo + " (a FIFO (named pipe)) is not a regular file: choose a file name"},
		{[]string{"export", "--report", "stock", "--format", "csv", "-o", fifo}, "is not a regular file: choose a file name"},
	} {
		r := runBin(t, cleanEnv(), append([]string{"--data-dir", data}, c.args...)...)
		if r.code != cli.ExitFailed || !strings.Contains(r.stderr, c.want) || strings.Contains(r.stdout, "written") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and %q", c.args, r.code, r.stdout, r.stderr, cli.ExitFailed, c.want)
		}
	}
	for _, p := range []string{"/dev/null", "/dev/full", fifo} {
		if st, err := os.Lstat(p); err != nil || st.Mode().IsRegular() {
			t.Fatalf("%s was replaced (%v)", p, err)
		}
	}

	real := filepath.Join(out, "real.zip")
	os.WriteFile(real, []byte("old"), 0o600)
	link := filepath.Join(out, "link.zip")
	os.Symlink(real, link)
	if r := runBin(t, cleanEnv(), "--data-dir", data, "backup", "-o", link); r.code != cli.ExitOK {
		t.Fatalf("backup -o link: exit %d: %s", r.code, r.stderr)
	}
	if st, _ := os.Lstat(link); st.Mode()&fs.ModeSymlink == 0 {
		t.Fatal("the link was replaced by a file")
	}
	if b, _ := os.ReadFile(real); len(b) < 100 || string(b[:2]) != "PK" {
		t.Fatalf("the link's file holds %q, not the backup", b[:min(len(b), 10)])
	}
	if r := runBin(t, cleanEnv(), "--data-dir", data, "restore", link); r.code != cli.ExitOK {
		t.Fatalf("restore of the backup written through the link: exit %d: %s", r.code, r.stderr)
	}
}

// A backup whose settings.json unpacks to more than any settings file (zeros, ~1000:1), with an
// honest manifest, is refused by restore with "Nothing was changed"; the data folder is untouched.
func TestCLIRestoreRefusesZipBomb(t *testing.T) {
	data, out := t.TempDir(), t.TempDir()
	good := filepath.Join(out, "good.zip")
	if r := runBin(t, cleanEnv(), "--data-dir", data, "backup", "-o", good); r.code != cli.ExitOK {
		t.Fatalf("backup: exit %d: %s", r.code, r.stderr)
	}
	bomb := filepath.Join(out, "bomb.zip")
	writeZipBomb(t, good, bomb, "settings.json", store.MaxSmallFileBytes*8)
	before, _ := os.ReadDir(data)
	r := runBin(t, cleanEnv(), "--data-dir", data, "restore", bomb)
	if r.code != cli.ExitFailed || !strings.Contains(r.stderr, "settings.json would unpack to 8192 KB, more than a real backup ever holds") ||
		!strings.Contains(r.stderr, "Nothing was changed") {
		t.Fatalf("restore of a zip bomb: exit %d, stderr %q", r.code, r.stderr)
	}
	if after, _ := os.ReadDir(data); len(after) != len(before) {
		t.Fatalf("the data folder changed: %v -> %v", before, after)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(data), "."+filepath.Base(data)+".restoring-*")); len(left) != 0 {
		t.Fatalf("unpacked leftovers: %v", left)
	}
}

// writeZipBomb copies the backup good to out with one more member, name, of n zero bytes, listed
// honestly (size and SHA-256) in the manifest.
func writeZipBomb(t *testing.T, good, out, name string, n int64) {
	t.Helper()
	zr, err := zip.OpenReader(good)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	var m store.Manifest
	for _, zf := range zr.File {
		if zf.Name == store.ManifestName {
			rc, _ := zf.Open()
			json.NewDecoder(rc).Decode(&m)
			rc.Close()
		} else if err := zw.Copy(zf); err != nil {
			t.Fatal(err)
		}
	}
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
	h := sha256.New()
	if _, err := io.CopyN(io.MultiWriter(w, h), zeroReader{}, n); err != nil {
		t.Fatal(err)
	}
	m.Files = append(m.Files, store.ManifestFile{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))})
	mw, _ := zw.Create(store.ManifestName)
	json.NewEncoder(mw).Encode(m)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// A backup to a full target disk (a 1 MB tmpfs; needs root) blames that disk, not the
// inventory's, does not advise adding photos again, and leaves nothing on it.
func TestCLIBackupToFullTargetDisk(t *testing.T) {
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", mnt).Run() })
	data, in := t.TempDir(), t.TempDir()
	noisyJPEG(t, filepath.Join(in, "big.jpg"), 1200, 1000)
	if r := runBin(t, cleanEnv(), "--data-dir", data, "import", in); r.code != cli.ExitOK {
		t.Fatalf("import: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	out := filepath.Join(mnt, "b.zip")
	r := runBin(t, cleanEnv(), "--data-dir", data, "backup", "-o", out)
	if r.code != cli.ExitFailed || !strings.Contains(r.stderr, "the backup was not written: the disk holding the backup folder "+mnt+" is full (0 MB free); the inventory itself is unchanged") ||
		strings.Contains(r.stderr, "the disk holding the inventory") || strings.Contains(r.stderr, "add the photos") {
		t.Fatalf("backup to a full disk: exit %d, stderr %q", r.code, r.stderr)
	}
	t.Logf("stderr: %s", r.stderr)
	if left, _ := os.ReadDir(mnt); len(left) != 0 {
		t.Fatalf("left on the full disk: %v", left)
	}
}
