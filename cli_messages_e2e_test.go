//go:build unix

package main

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"medinventory/analyzer/openaitest"

	"medinventory/ui/cli"
)

// SIGHUP (the terminal was closed) stops import --wait like Ctrl+C does: with its word, keeping
// everything, exit 1 — not a silent death.
func TestCLISIGHUPStopsWithAWord(t *testing.T) {
	srv := openaitest.NewServer(t)
	srv.SetDefault(openaitest.Hang())
	data, in := t.TempDir(), t.TempDir()
	photoJPEG(t, filepath.Join(in, "slow.jpg"), 340)
	cmd := exec.Command(binary(t), "--data-dir", data, "import", in, "--wait")
	cmd.Env = append(cleanEnv(), "OPENAI_API_KEY="+srv.Key(), "OPENAI_BASE_URL="+srv.URL(), "MEDINVENTORY_PROGRESS_EVERY=300ms")
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	rd := bufio.NewReader(out)
	for {
		line, err := rd.ReadString('\n')
		if strings.Contains(line, "Still working on") {
			break
		}
		if err != nil {
			t.Fatal("no progress line")
		}
	}
	cmd.Process.Signal(syscall.SIGHUP)
	rest, _ := io.ReadAll(rd)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != cli.ExitFailed || !strings.Contains(string(rest), "Stopped. Nothing is lost") {
		t.Fatalf("after SIGHUP: %v, output %q", err, rest)
	}
}

// An import where every file was skipped exits 1: nothing was imported.
func TestCLIImportAllSkippedFails(t *testing.T) {
	data, in := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(in, "notes.txt"), []byte("not a photo"), 0o600)
	os.WriteFile(filepath.Join(in, "empty.jpg"), nil, 0o600)
	r := runBin(t, cleanEnv(), "--data-dir", data, "import", in)
	if r.code != cli.ExitFailed || !strings.Contains(r.stdout, "0 added, 0 already in the inventory, 2 skipped.") {
		t.Fatalf("exit %d, stdout %q", r.code, r.stdout)
	}
	// One good file among them: the import did something, exit 0.
	photoJPEG(t, filepath.Join(in, "good.jpg"), 341)
	if r := runBin(t, cleanEnv(), "--data-dir", data, "import", in); r.code != cli.ExitOK {
		t.Fatalf("with one photo: exit %d, stdout %q", r.code, r.stdout)
	}
}

// `import DATA` (and a link to it) is refused in words, adds nothing and exits 1.
func TestCLIImportOfTheDataFolderRefused(t *testing.T) {
	data, in := t.TempDir(), t.TempDir()
	photoJPEG(t, filepath.Join(in, "a.jpg"), 342)
	if r := runBin(t, cleanEnv(), "--data-dir", data, "import", in); r.code != cli.ExitOK {
		t.Fatalf("import: exit %d: %s", r.code, r.stderr)
	}
	link := filepath.Join(t.TempDir(), "data-link")
	os.Symlink(data, link)
	for _, p := range []string{data, filepath.Join(data, "photos"), link} {
		r := runBin(t, cleanEnv(), "--data-dir", data, "import", p)
		if r.code != cli.ExitFailed || !strings.Contains(r.stdout, "0 added, 0 already in the inventory, 1 skipped.") ||
			!strings.Contains(r.stdout, "this is the inventory's own data folder") {
			t.Fatalf("import %s: exit %d, stdout %q", p, r.code, r.stdout)
		}
	}
}
