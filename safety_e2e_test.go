//go:build !windows

package main

// Issue 13's hostile cases against the real binary: each test fails on the release before the fix
// (the case's number is in its comment) and checks what the user now sees. The quick ones run in
// `make test`; those that mount file systems skip where that is not allowed.

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"medinventory/analyzer/openaitest"
	"medinventory/store"
	"medinventory/ui/cli"
)

// countPhotoFiles counts stored photo files (the app's temp folder excluded).
func countPhotoFiles(t *testing.T, data string) int {
	t.Helper()
	n := 0
	filepath.WalkDir(filepath.Join(data, "photos"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && d.Name() == "tmp" {
			return filepath.SkipDir
		}
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

// Case 1: an emptied inventory.db is refused with a way out; the photos stay; --start-fresh adopts them.
func TestCLIEmptiedDatabaseIsRefused(t *testing.T) {
	data, in := t.TempDir(), t.TempDir()
	for i := 0; i < 3; i++ {
		photoJPEG(t, filepath.Join(in, fmt.Sprintf("p%d.jpg", i)), 300+i)
	}
	if r := runBin(t, nil, "--data-dir", data, "import", in); r.code != 0 {
		t.Fatalf("import: %d %s", r.code, r.stderr)
	}
	// : > DATA/inventory.db, and a day passes (maintenance would have deleted "orphans" > 1 h old).
	os.WriteFile(filepath.Join(data, store.DBName), nil, 0o600)
	old := time.Now().Add(-48 * time.Hour)
	filepath.WalkDir(filepath.Join(data, "photos"), func(p string, d fs.DirEntry, err error) error {
		os.Chtimes(p, old, old)
		return nil
	})
	for _, args := range [][]string{{"jobs"}, {"run"}, {"export"}, {"import", in}} {
		r := runBin(t, nil, append([]string{"--data-dir", data}, args...)...)
		if r.code == 0 {
			t.Fatalf("%v on an emptied database: exit 0\n%s", args, r.stdout)
		}
		mustContain(t, fmt.Sprint(args), r.stderr, "missing or empty", "medinventory restore", "--start-fresh")
	}
	if n := countPhotoFiles(t, data); n != 3 {
		t.Fatalf("%d photo files left; want 3", n)
	}
	r := runBin(t, nil, "--data-dir", data, "--start-fresh", "jobs")
	if r.code != 0 || strings.Count(r.stdout, "recovered ") != 3 {
		t.Fatalf("--start-fresh: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := countPhotoFiles(t, data); n != 3 {
		t.Fatalf("%d photo files after starting fresh; want 3", n)
	}
}

// Case 2: export never writes inside the data dir.
func TestCLIExportIntoDataDirRefused(t *testing.T) {
	data, in := t.TempDir(), t.TempDir()
	photoJPEG(t, filepath.Join(in, "a.jpg"), 310)
	runBin(t, nil, "--data-dir", data, "import", in)
	before, _ := os.ReadFile(filepath.Join(data, store.DBName))
	link := filepath.Join(t.TempDir(), "link")
	os.Symlink(data, link)
	for _, out := range []string{filepath.Join(data, store.DBName), filepath.Join(data, "photos", "x.csv"),
		filepath.Join(data, "settings.json"), filepath.Join(link, store.DBName)} {
		r := runBin(t, nil, "--data-dir", data, "export", "--format", "csv", "-o", out)
		if r.code == 0 || strings.Contains(r.stderr, "Wrote") {
			t.Fatalf("export -o %s: exit %d %s", out, r.code, r.stderr)
		}
		mustContain(t, "export -o "+out, r.stderr, "inside the inventory's data folder", "Choose a file elsewhere")
	}
	after, _ := os.ReadFile(filepath.Join(data, store.DBName))
	if !bytes.Equal(before, after) {
		t.Fatal("inventory.db changed")
	}
	if r := runBin(t, nil, "--data-dir", data, "jobs"); r.code != 0 || !strings.Contains(r.stdout, "a.jpg") {
		t.Fatalf("the inventory no longer opens: %d %s", r.code, r.stderr)
	}
}

// Case 3: a FIFO as a path, or in a folder, is skipped at once; the rest of the batch is added.
func TestCLIFIFOSkipped(t *testing.T) {
	data, in := t.TempDir(), t.TempDir()
	photoJPEG(t, filepath.Join(in, "a.jpg"), 320)
	photoJPEG(t, filepath.Join(in, "c.jpg"), 321)
	if err := mkfifo(filepath.Join(in, "b.jpg")); err != nil {
		t.Skip("mkfifo:", err)
	}
	lone := filepath.Join(t.TempDir(), "pipe.jpg")
	mkfifo(lone)
	r := runBin(t, nil, "--data-dir", data, "import", lone, in)
	mustContain(t, "import", r.stdout, "2 added", "2 skipped", "not a regular file")
}

// Case 3 and 8: with a server that never answers, the command says what it waits for, and SIGTERM
// stops it at once, keeping everything; after a kill -9 the next run takes the photo back at once.
func TestCLIHangingServerProgressAndSignals(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.SetDefault(openaitest.Hang())
	data, in := t.TempDir(), t.TempDir()
	photoJPEG(t, filepath.Join(in, "slow.jpg"), 330)
	env := []string{"OPENAI_API_KEY=" + srv.Key(), "OPENAI_BASE_URL=" + srv.URL(), "MEDINVENTORY_PROGRESS_EVERY=300ms"}

	start := func(args ...string) (*exec.Cmd, *bufio.Reader) {
		cmd := exec.Command(binary(t), append([]string{"--data-dir", data}, args...)...)
		cmd.Env = append(cleanEnv(), env...)
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd, bufio.NewReader(out)
	}
	waitLine := func(rd *bufio.Reader, want string) string {
		t.Helper()
		var seen strings.Builder
		for {
			line, err := rd.ReadString('\n')
			seen.WriteString(line)
			if strings.Contains(line, want) {
				return seen.String()
			}
			if err != nil {
				t.Fatalf("no line with %q; output:\n%s", want, seen.String())
			}
		}
	}
	binary(t) // built before the clock starts
	t0 := time.Now()
	cmd, rd := start("import", in, "--wait")
	got := waitLine(rd, "Still working on")
	t.Logf("first progress line after %v", time.Since(t0))
	mustContain(t, "progress", got, "slow.jpg", "waiting for 127.0.0.1")
	t0 = time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	rest, _ := io.ReadAll(rd)
	err := cmd.Wait()
	t.Logf("SIGTERM → exit in %v", time.Since(t0))
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != cli.ExitFailed {
		t.Fatalf("after SIGTERM: %v", err)
	}
	mustContain(t, "after SIGTERM", string(rest), "Stopped. Nothing is lost")

	// kill -9 mid-analysis, then a run with a server that answers.
	t0 = time.Now()
	cmd, rd = start("run")
	waitLine(rd, "waiting for 127.0.0.1")
	t.Logf("second run analysing after %v", time.Since(t0))
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	srv.SetDefault(medicineAnswer("Panadol"))
	t1 := time.Now()
	r := runBin(t, env, "--data-dir", data, "run")
	t.Logf("run after kill -9 finished in %v", time.Since(t1))
	if r.code != 0 {
		t.Fatalf("run after kill -9: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	mustContain(t, "run", r.stdout, "slow.jpg: done — Panadol")
	logb, _ := os.ReadFile(filepath.Join(data, "logs", "medinventory.log"))
	mustContain(t, "log", string(logb), "the process holding these leases is gone")
}

// Case 5: flags after paths, a missing path, run, import --wait with no path, advice that works.
func TestCLIRunAndFlags(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.SetDefault(openaitest.InvalidImage("Invalid image."))
	data, in := t.TempDir(), t.TempDir()
	photoJPEG(t, filepath.Join(in, "a.jpg"), 340)
	photoJPEG(t, filepath.Join(in, "b.jpg"), 341)
	env := []string{"OPENAI_API_KEY=" + srv.Key(), "OPENAI_BASE_URL=" + srv.URL()}

	r := runBin(t, env, "--data-dir", data, "import", filepath.Join(in, "nothere.jpg"))
	if r.code != cli.ExitFailed {
		t.Fatalf("a missing path: exit %d", r.code)
	}
	r = runBin(t, env, "--data-dir", data, "import", filepath.Join(in, "a.jpg"), "--wait")
	if r.code != cli.ExitFailed || !strings.Contains(r.stdout, "1 added") || !strings.Contains(r.stdout, "a.jpg: failed") {
		t.Fatalf("import a.jpg --wait: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	mustContain(t, "import --wait", r.stdout, "medinventory jobs --retry-failed && medinventory run")
	r = runBin(t, env, "--data-dir", data, "import", filepath.Join(in, "b.jpg")) // queued only
	mustContain(t, "import", r.stdout, "or run: medinventory run")
	r = runBin(t, env, "--data-dir", data, "jobs", "--retry-failed")
	mustContain(t, "jobs --retry-failed", r.stdout, "Analyse them now with: medinventory run")
	srv.SetDefault(medicineAnswer("Panadol"))
	r = runBin(t, env, "--data-dir", data, "import", "--wait") // = run
	if r.code != 0 {
		t.Fatalf("import --wait: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	mustContain(t, "import --wait (no path)", r.stdout, "2 photo(s) to analyse", "a.jpg: done — Panadol", "b.jpg: done — Panadol")
	r = runBin(t, env, "--data-dir", data, "run")
	if r.code != 0 || !strings.Contains(r.stdout, "Nothing waits") {
		t.Fatalf("run: %d %s", r.code, r.stdout)
	}
}

// Case 8: a rate limit longer than the command would wait is not reported as "trying again in N s"
// when the command exits; a short one is waited for.
func TestCLIRateLimitWaitedNotPromised(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.Enqueue(openaitest.RateLimited("1"))
	srv.SetDefault(medicineAnswer("Panadol"))
	data, in := t.TempDir(), t.TempDir()
	photoJPEG(t, filepath.Join(in, "a.jpg"), 350)
	env := []string{"OPENAI_API_KEY=" + srv.Key(), "OPENAI_BASE_URL=" + srv.URL()}
	r := runBin(t, env, "--data-dir", data, "import", "--wait", in)
	if r.code != 0 || !strings.Contains(r.stdout, "a.jpg: done") || strings.Contains(r.stdout, "trying again in") {
		t.Fatalf("exit %d\n%s", r.code, r.stdout)
	}
}

// Case 6: a read-only data dir does not block export and jobs (needs a read-only bind mount).
func TestCLIReadOnlyDataDir(t *testing.T) {
	data, in := t.TempDir(), t.TempDir()
	photoJPEG(t, filepath.Join(in, "a.jpg"), 360)
	runBin(t, nil, "--data-dir", data, "import", in)
	ro := t.TempDir()
	if out, err := exec.Command("mount", "--bind", data, ro).CombinedOutput(); err != nil {
		t.Skipf("cannot bind-mount here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", ro).Run() })
	if out, err := exec.Command("mount", "-o", "remount,ro,bind", ro).CombinedOutput(); err != nil {
		t.Skipf("cannot remount read-only: %v %s", err, out)
	}
	r := runBin(t, nil, "--data-dir", ro, "export", "--format", "csv")
	if r.code != 0 || !strings.Contains(r.stdout, "photo") {
		t.Fatalf("export on a read-only dir: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	mustContain(t, "export stderr", r.stderr, "the log file cannot be written")
	r = runBin(t, nil, "--data-dir", ro, "jobs")
	if r.code != 0 || !strings.Contains(r.stdout, "a.jpg") {
		t.Fatalf("jobs on a read-only dir: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// Case 4 on a real full disk: the data dir on a 3 MB tmpfs (needs root).
func TestCLIDiskFull(t *testing.T) {
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", mnt).Run() })
	in := t.TempDir()
	photoJPEG(t, filepath.Join(in, "a-small.jpg"), 370)
	noisyJPEG(t, filepath.Join(in, "b-big.jpg"), 2000, 1600)
	photoJPEG(t, filepath.Join(in, "c-small.jpg"), 371)
	r := runBin(t, nil, "--data-dir", mnt, "import", in)
	if r.code == 0 {
		t.Fatalf("exit 0 on a full disk\n%s\n%s", r.stdout, r.stderr)
	}
	mustContain(t, "stderr", r.stderr, "the disk holding the inventory is full: ", " MB free")
	if strings.Contains(r.stdout+r.stderr, "read to the end") {
		t.Fatal("a full disk is reported as a bad photo")
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(mnt, store.DBName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows int
	if err := db.QueryRow(`SELECT count(*) FROM photos`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if files := countPhotoFiles(t, mnt); files != rows {
		t.Fatalf("%d photo rows but %d files: something was half-added", rows, files)
	}
	tmp, _ := os.ReadDir(filepath.Join(mnt, "photos", "tmp"))
	if len(tmp) != 0 {
		t.Fatalf("%d temp files left", len(tmp))
	}
}

// noisyJPEG writes a JPEG of random pixels: it does not compress, so it is large.
func noisyJPEG(t *testing.T, path string, w, h int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rand.New(rand.NewSource(int64(w))).Read(img.Pix)
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 255
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, buf.Bytes())
}

// Case 9: under LANG=C.UTF-8 no Fyne locale errors on a command.
func TestCLINoLocaleNoise(t *testing.T) {
	data := t.TempDir()
	r := runBin(t, []string{"LANG=C.UTF-8", "LC_ALL=C.UTF-8"}, "--data-dir", data, "jobs")
	if r.code != 0 || strings.Contains(r.stderr, "Fyne error") || strings.Contains(r.stderr, "locale") {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// Case 10: back up, destroy the data dir, restore, export: identical. A damaged archive is refused
// and changes nothing; a restore over an existing inventory keeps it aside.
func TestCLIBackupRestoreRoundTrip(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.SetDefault(medicineAnswer("Panadol"))
	data, in, keep := t.TempDir(), t.TempDir(), t.TempDir()
	for i := 0; i < 3; i++ {
		photoJPEG(t, filepath.Join(in, fmt.Sprintf("p%d.jpg", i)), 380+i)
	}
	env := []string{"OPENAI_API_KEY=" + srv.Key(), "OPENAI_BASE_URL=" + srv.URL()}
	if r := runBin(t, env, "--data-dir", data, "import", "--wait", in); r.code != 0 {
		t.Fatalf("import: %d %s", r.code, r.stdout)
	}
	before := runBin(t, nil, "--data-dir", data, "export", "--format", "json")
	archive := filepath.Join(keep, "b.zip")
	r := runBin(t, nil, "--data-dir", data, "backup", "-o", archive)
	if r.code != 0 {
		t.Fatalf("backup: %d %s", r.code, r.stderr)
	}
	mustContain(t, "backup", r.stdout, "Backup written", "3 photos", "3 entries")
	if r := runBin(t, nil, "--data-dir", data, "backup", "-o", filepath.Join(data, "x.zip")); r.code == 0 {
		t.Fatal("a backup inside the data dir was accepted")
	}
	assertNoSecret(t, keep, srv.Key())

	// Destroy the data dir, restore, export: identical.
	if err := os.RemoveAll(data); err != nil {
		t.Fatal(err)
	}
	r = runBin(t, nil, "--data-dir", data, "restore", archive)
	if r.code != 0 {
		t.Fatalf("restore: %d %s %s", r.code, r.stdout, r.stderr)
	}
	after := runBin(t, nil, "--data-dir", data, "export", "--format", "json")
	if after.code != 0 || after.stdout != before.stdout {
		t.Fatalf("export after restore differs:\n%s\n---\n%s", before.stdout, after.stdout)
	}
	if n := countPhotoFiles(t, data); n != 3 {
		t.Fatalf("%d photos after restore", n)
	}

	// A damaged archive: refused, nothing changed.
	b, _ := os.ReadFile(archive)
	i := bytes.Index(b, []byte("photos/"))
	bad := append([]byte(nil), b...)
	bad[i+200] ^= 0xff
	badPath := filepath.Join(keep, "bad.zip")
	os.WriteFile(badPath, bad, 0o600)
	r = runBin(t, nil, "--data-dir", data, "restore", badPath)
	if r.code == 0 {
		t.Fatal("a damaged archive was restored")
	}
	mustContain(t, "restore of a damaged archive", r.stderr, "was not restored", "Nothing was changed")

	// Restore over the existing inventory: the current one is kept aside, whole.
	r = runBin(t, nil, "--data-dir", data, "restore", archive)
	if r.code != 0 {
		t.Fatalf("restore over: %d %s", r.code, r.stderr)
	}
	m, _ := filepath.Glob(data + ".before-restore-*")
	if len(m) != 1 || countPhotoFiles(t, m[0]) != 3 {
		t.Fatalf("kept aside: %v", m)
	}
	mustContain(t, "restore", r.stdout, "kept in "+m[0])
}

// Case 10: a backup taken while another process writes is consistent (it restores and opens).
func TestBackupWhileImporting(t *testing.T) {
	data, in := t.TempDir(), t.TempDir()
	for i := 0; i < 30; i++ {
		photoJPEG(t, filepath.Join(in, fmt.Sprintf("p%02d.jpg", i)), 400+i)
	}
	runBin(t, nil, "--data-dir", data, "import", filepath.Join(in, "p00.jpg")) // the inventory exists
	cmd := exec.Command(binary(t), "--data-dir", data, "import", in)
	cmd.Env = cleanEnv()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "b.zip")
	r := runBin(t, nil, "--data-dir", data, "backup", "-o", archive)
	cmd.Wait()
	if r.code != 0 {
		t.Fatalf("backup: %d %s", r.code, r.stderr)
	}
	if _, err := store.VerifyBackup(context.Background(), archive); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "restored")
	if r := runBin(t, nil, "--data-dir", target, "restore", archive); r.code != 0 {
		t.Fatalf("restore: %s", r.stderr)
	}
	st := openDB(t, target)
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
}
