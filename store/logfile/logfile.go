// Package logfile is the app's log file in the data folder: medinventory.log, rotated at a size
// cap and shared by several processes at once (the window and a command beside it), with API keys
// redacted from every line (Redactor), and the --log-level words (ParseLevel).
package logfile

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"medinventory/store"
)

// File is an io.Writer over <dir>/medinventory.log that starts a new file when the log
// passes max bytes, keeping keep old ones (medinventory.log.1 … .N).
//
// Several processes write the one log at once (the window, and an import beside it), each through
// its own File. So the size checked is the file's own, not what this process wrote; the
// rotation runs under a lock file (logs/rotate.lock) so that two processes never rotate at once; a
// process whose log was renamed away by another reopens the new one before its next line. Windows
// refuses to rename a file another process holds open: then the log is copied to .1 and emptied in
// place (copy-truncate), and the other processes' appends carry on at its new end (a line another
// process writes during the copy may be lost: the price of a log that cannot be renamed). Either way
// the log stays under its cap (give or take a line written while another process rotates) and a
// rotation never makes a write fail.
type File struct {
	mu   sync.Mutex
	path string
	max  int64
	keep int
	f    *os.File
	size int64

	rename func(oldpath, newpath string) error // os.Rename; tests make it fail
}

// Open opens (or creates) dir/medinventory.log for appending, rotated past max bytes with keep old files.
func Open(dir string, max int64, keep int) (*File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	r := &File{path: filepath.Join(dir, "medinventory.log"), max: max, keep: keep, rename: os.Rename}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *File) open() error {
	f, err := os.OpenFile(r.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	r.f, r.size = f, st.Size()
	return nil
}

func (r *File) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return 0, os.ErrClosed
	}
	r.follow()
	if r.size+int64(len(p)) > r.max && r.size > 0 {
		r.rotate(int64(len(p)))
		if r.f == nil {
			return 0, os.ErrClosed
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, err
}

// follow makes r.f the file now at r.path (another process may have rotated it away) and r.size
// that file's size (other processes append to it too).
func (r *File) follow() {
	held, err := r.f.Stat()
	if err != nil {
		return
	}
	if cur, err := os.Stat(r.path); err != nil || !os.SameFile(held, cur) {
		old := r.f
		if r.open() == nil {
			old.Close()
			return
		}
		r.f = old
	}
	r.size = held.Size()
}

// rotate makes room: medinventory.log.N-1 → .N … .1 → .2, then the log → .1 by a rename or, where
// the rename is refused (held open elsewhere on Windows), by copy-truncate. If another process is
// rotating right now, it makes the room and this one just writes on.
func (r *File) rotate(need int64) {
	lock, err := store.AcquireLock(filepath.Dir(r.path), "rotate")
	if err != nil {
		return
	}
	defer lock.Release()
	r.follow() // another process may have rotated between the size check and the lock
	if r.size+need <= r.max {
		return
	}
	for i := r.keep - 1; i >= 1; i-- {
		_ = r.rename(fmt.Sprintf("%s.%d", r.path, i), fmt.Sprintf("%s.%d", r.path, i+1))
	}
	r.f.Close() // Windows refuses to rename a file that even this process holds open
	r.f = nil
	var note string
	if err := r.rename(r.path, r.path+".1"); err != nil {
		if err := copyFile(r.path, r.path+".1"); err != nil {
			note = fmt.Sprintf("log rotation: the old lines could not be kept (%v); the log was emptied so that it stays under %d bytes\n", err, r.max)
		}
		if err := os.Truncate(r.path, 0); err != nil {
			note = fmt.Sprintf("log rotation: the log could not be emptied (%v)\n", err)
		}
	}
	if err := r.open(); err != nil {
		return // r.f stays nil: Write reports os.ErrClosed
	}
	if note != "" {
		n, _ := io.WriteString(r.f, note)
		r.size += int64(n)
	}
}

// copyFile copies src over dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func (r *File) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}

// secretPattern matches things that look like API keys, so that they never reach a log line even
// if some library puts one into an error.
var secretPattern = regexp.MustCompile(`(sk-[A-Za-z0-9_\-]{8,}|Bearer\s+[A-Za-z0-9_\-\.]{8,})`)

// Redactor removes API keys (the configured one, and anything shaped like one).
type Redactor struct {
	W       io.Writer // where the redacted lines go
	mu      sync.RWMutex
	secrets []string
}

// AddSecret adds a value (an API key) that never reaches the log; values under 6 characters are ignored.
func (r *Redactor) AddSecret(s string) {
	if len(s) < 6 {
		return
	}
	r.mu.Lock()
	r.secrets = append(r.secrets, s)
	r.mu.Unlock()
}

func (r *Redactor) Write(p []byte) (int, error) {
	s := string(p)
	r.mu.RLock()
	for _, sec := range r.secrets {
		s = strings.ReplaceAll(s, sec, "[redacted]")
	}
	r.mu.RUnlock()
	s = secretPattern.ReplaceAllString(s, "[redacted]")
	if _, err := io.WriteString(r.W, s); err != nil {
		return 0, err
	}
	return len(p), nil
}

// ParseLevel reads --log-level: debug, info, warn or error.
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(s))
	if err != nil {
		return l, fmt.Errorf("--log-level must be debug, info, warn or error, not %q", s)
	}
	return l, nil
}
