package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"medinventory/store/photo"
	"medinventory/ui/cli"
)

// The words `import` prints, pinned exactly (output that is not a terminal: one line per file),
// and its exit codes: the refactor of the import command (ui/cli/cmd_import.go) into steps must keep each.
func TestImportWordsAndExitCodes(t *testing.T) {
	data, in := t.TempDir(), t.TempDir()
	a := filepath.Join(in, "a.jpg")
	photoJPEG(t, a, 401)
	b, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(in, "b.jpg"), b) // the same bytes: a duplicate
	writeFile(t, filepath.Join(in, "notes.txt"), []byte("hello\n"))
	missing := filepath.Join(t.TempDir(), "nothere.jpg")
	notPhoto := "this file is not a photo (its content is not an image this app knows). Add " + photo.Accepted() + " photos."
	noSuch := "this file or folder does not exist (or is a broken link)."

	t.Run("no path", func(t *testing.T) {
		r := runBin(t, nil, "--data-dir", data, "import")
		want := "medinventory import: name at least one photo or folder. Example: medinventory import ~/Pictures/restock\n"
		if r.code != cli.ExitUsage || r.stdout != "" || r.stderr != want {
			t.Fatalf("exit %d\nstdout %q\nstderr %q\nwant stderr %q", r.code, r.stdout, r.stderr, want)
		}
	})
	t.Run("queued", func(t *testing.T) {
		// A path the user named that does not exist is skipped like the rest, and fails the exit code.
		r := runBin(t, nil, "--data-dir", data, "import", in, missing)
		want := strings.Join([]string{
			"added " + a,
			"already in the inventory " + filepath.Join(in, "b.jpg"),
			"skipped " + filepath.Join(in, "notes.txt") + ": " + notPhoto,
			"skipped " + missing + ": " + noSuch,
			"1 added, 1 already in the inventory, 2 skipped.",
			"Skipped (not added):",
			"  " + filepath.Join(in, "notes.txt") + " — " + notPhoto,
			"  " + missing + " — " + noSuch,
			"The new photos are queued: they are analysed when Medicine Inventory is open, or run: medinventory run",
		}, "\n") + "\n"
		if r.code != cli.ExitFailed || r.stdout != want {
			t.Fatalf("exit %d; want %d\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", r.code, cli.ExitFailed, r.stdout, want, r.stderr)
		}
	})
	t.Run("nothing new", func(t *testing.T) {
		// All already there: no queued line, exit 0.
		r := runBin(t, nil, "--data-dir", data, "import", a)
		want := "already in the inventory " + a + "\n0 added, 1 already in the inventory, 0 skipped.\n"
		if r.code != cli.ExitOK || r.stdout != want {
			t.Fatalf("exit %d\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", r.code, r.stdout, want, r.stderr)
		}
	})
	t.Run("wait without a key", func(t *testing.T) {
		c := filepath.Join(t.TempDir(), "c.jpg")
		photoJPEG(t, c, 402)
		r := runBin(t, nil, "--data-dir", data, "import", "--wait", c)
		lines := strings.Split(r.stdout, "\n")
		if r.code != cli.ExitWaiting || len(lines) < 3 || lines[0] != "added "+c ||
			lines[1] != "1 added, 0 already in the inventory, 0 skipped." ||
			lines[2] != "No OpenAI key is set (OPENAI_API_KEY, or Settings in the window): only barcodes and known products are read now; the rest waits." {
			t.Fatalf("exit %d; want %d\nstdout:\n%s\nstderr:\n%s", r.code, cli.ExitWaiting, r.stdout, r.stderr)
		}
		mustContain(t, "import --wait", r.stdout, "1 photo(s) wait and will be analysed later")
	})
}

// On a terminal, import shows one progress line rewritten in place ("Adding photos… N") instead of
// a line per file, then the same totals. util-linux's script gives the binary a terminal.
func TestImportProgressOnATerminal(t *testing.T) {
	if _, err := exec.LookPath("script"); err != nil || runtime.GOOS != "linux" {
		t.Skip("needs util-linux script (Debian: bsdutils) to give import a terminal")
	}
	data, in := t.TempDir(), t.TempDir()
	photoJPEG(t, filepath.Join(in, "a.jpg"), 411)
	photoJPEG(t, filepath.Join(in, "b.jpg"), 412)
	notes := filepath.Join(in, "notes.txt")
	writeFile(t, notes, []byte("hello\n"))
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
	cmd := exec.Command("script", "-qec", q(binary(t))+" --data-dir "+q(data)+" import "+q(in), "/dev/null")
	cmd.Env = cleanEnv()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("import on a terminal: %v\n%q", err, out)
	}
	got := strings.ReplaceAll(string(out), "\r\n", "\n") // the terminal's line endings
	want := "\rAdding photos… 1\rAdding photos… 2\rAdding photos… 3\n" +
		"2 added, 0 already in the inventory, 1 skipped.\n" +
		"Skipped (not added):\n" +
		"  " + notes + " — this file is not a photo (its content is not an image this app knows). Add " + photo.Accepted() + " photos.\n" +
		"The new photos are queued: they are analysed when Medicine Inventory is open, or run: medinventory run\n"
	if got != want {
		t.Fatalf("terminal output:\n%q\nwant:\n%q", got, want)
	}
}
