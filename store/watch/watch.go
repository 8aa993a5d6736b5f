// Package watch watches a folder and hands over new image files once they are fully written.
//
// It is the "watched folder" of Settings: a phone's sync app, a scanner or a colleague drops photos
// of packages into a folder, and each one is imported without anyone pressing a button.
//
// Guarantees:
//
//   - Read only. The watcher never creates, moves, renames, deletes or writes anything in the
//     folder; it only lists folders, reads file sizes and times, and opens a file for reading to
//     check it can be read.
//   - Recursive. Subfolders are watched too (phones and sync apps file photos into DCIM/…,
//     year/month folders), down to [MaxDepth] levels, without following links to folders. Folders
//     whose names start with ".", "@", "#", "$" or "~" are skipped: hidden folders, Synology's
//     @eaDir thumbnails, #recycle, $RECYCLE.BIN.
//   - Photos only. A file is handed over only when its extension is one of an accepted format
//     (photo.HasExt: today .jpg .jpeg .png .gif .webp .heic or .heif, any case). Hidden files (".name", which covers macOS "._name" and sync apps'
//     ".syncthing.name.tmp"), Office lock files ("~$name", "~name") and partial downloads
//     (".part", ".crdownload", ".tmp", ".download", ".partial": not photo extensions) are ignored.
//     Empty files are not handed over until they have content.
//   - Complete files. A file is handed over once its size and modification time have stayed the
//     same for Options.Settle and no write was seen during that time. Choose Settle longer than
//     the longest pause of the slowest writer (a phone syncing over a poor network); the default
//     is 2 s.
//   - Once per version. The watcher remembers (path, size, mtime) of every file it handed over,
//     and nothing more (no contents, no hashes): memory grows with the number of files in the
//     folder, not with time, since files that disappear are forgotten. A file replaced later with
//     different size or time is handed over again; the store recognises a file it already has by
//     its hash, so an unchanged copy is never imported twice.
//   - Nothing missed. Files present when the watch starts are handed over (they may have arrived
//     while the app was closed: the store recognises those already imported). Change
//     notifications (github.com/fsnotify/fsnotify) make new files arrive quickly; a rescan every
//     Options.Poll catches what notifications miss (network and sync folders, an overflowing event
//     queue, a system limit on watches). If notifications cannot be used at all, the rescan alone
//     does the work, every 5 s by default. That is always the case on macOS and the BSDs, where
//     fsnotify's kqueue backend would hold one open file per watched file.
//
// The handle function runs on the watcher's one goroutine, one file at a time, in path order
// within a batch; while it runs, new events wait (the rescan catches up on any the system drops).
package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"medinventory/store/photo"
)

// MaxDepth is how many levels of subfolders below the watched folder are watched.
const MaxDepth = 12

// Defaults for Options.
const (
	DefaultSettle = 2 * time.Second
	DefaultPoll   = 30 * time.Second
	// DefaultPollWithoutNotify is the default rescan interval when change notifications are not
	// used: on macOS and the BSDs (see below), or when the system refuses them.
	DefaultPollWithoutNotify = 5 * time.Second
)

// unreadableTries: a complete-looking file that cannot be opened for reading (on Windows, one still
// held open by its writer) is waited for this many more Settle periods, then handed over anyway so
// that the import reports the problem to the user instead of the file being silently stuck.
const unreadableTries = 5

// Options tune a Watcher. The zero value gives the defaults.
type Options struct {
	// Settle is how long a file's size and modification time must stay unchanged, with no write
	// seen, before it counts as complete (default 2 s).
	Settle time.Duration
	// Poll is the interval of the safety rescan of the whole folder (default 30 s, or 5 s where
	// change notifications are not used). It covers network and sync folders, where change
	// notifications may be missed.
	Poll time.Duration
	// Logger receives what the watcher does and what goes wrong (default: discarded).
	Logger *slog.Logger
}

// Watcher watches one folder. Create it with New, run it with Start, stop it with Close.
type Watcher struct {
	dir    string
	opts   Options
	handle func(path string)
	log    *slog.Logger
	fw     *fsnotify.Watcher // nil: notifications unavailable, rescans only

	noNotify bool        // tests: behave as if notifications were unavailable
	probe    chan func() // tests: a function to run on the watcher's goroutine, where its state lives
	pollSet  bool        // Options.Poll was given

	mu      sync.Mutex
	started bool
	closed  bool
	cancel  context.CancelFunc
	done    chan struct{}

	// Owned by the watcher's goroutine (and by Start before it begins).
	pending  map[string]*candidate
	seen     map[string]stamp // handed over
	watched  map[string]bool  // folders with a notification watch
	warnedAt map[string]bool  // problems already logged once
	rootGone bool
}

type stamp struct {
	size  int64
	mtime time.Time
}

type candidate struct {
	stamp
	since time.Time // when the file last changed (or was last written to, or first seen)
	tries int       // failed attempts to open it for reading
}

// New prepares a watch of dir (made absolute), calling handle once for each new complete photo
// file (see the package documentation). The folder must exist and be a folder. Nothing is watched
// until Start.
func New(dir string, opts Options, handle func(path string)) (*Watcher, error) {
	if handle == nil {
		return nil, errors.New("watch: handle must not be nil")
	}
	if opts.Settle <= 0 {
		opts.Settle = DefaultSettle
	}
	w := &Watcher{pollSet: opts.Poll > 0, probe: make(chan func())}
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("the watched folder %s cannot be used: %w; choose another folder in Settings", dir, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("the watched folder %s does not exist: create it, or choose another folder in Settings (%w)", abs, err)
		}
		return nil, fmt.Errorf("the watched folder %s cannot be read: %w; check its permissions or choose another folder in Settings", abs, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("the watched folder %s is a file, not a folder: choose a folder in Settings", abs)
	}
	w.dir, w.opts, w.handle, w.log = abs, opts, handle, opts.Logger.With("watched_folder", abs)
	w.pending, w.seen, w.watched, w.warnedAt = map[string]*candidate{}, map[string]stamp{}, map[string]bool{}, map[string]bool{}
	return w, nil
}

// Dir is the watched folder (absolute).
func (w *Watcher) Dir() string { return w.dir }

// Start begins watching and returns at once; the watcher lists the folder and runs on its own
// goroutine until ctx is cancelled or Close is called. Files already in the folder are handed over
// once they have been seen unchanged for Settle. Start may be called once.
func (w *Watcher) Start(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return errors.New("watch: the watcher was closed")
	}
	if w.started {
		return errors.New("watch: already started")
	}
	if useNotify && !w.noNotify {
		fw, err := fsnotify.NewWatcher()
		if err != nil {
			w.log.Warn("change notifications unavailable; new files are found by the periodic rescan", "err", err)
		} else {
			w.fw = fw
		}
	}
	if w.fw == nil && !w.pollSet {
		w.opts.Poll = DefaultPollWithoutNotify
	}
	ctx, cancel := context.WithCancel(ctx)
	w.cancel = cancel
	w.done = make(chan struct{})
	w.started = true
	go w.run(ctx)
	w.log.Info("watching folder", "settle", w.opts.Settle, "poll", w.opts.Poll, "notifications", w.fw != nil)
	return nil
}

// Close stops the watcher and waits for its goroutine (and a handle call in progress) to finish.
// It is safe to call more than once, and without Start; it must not be called from handle. Call it
// also after cancelling Start's context: it releases the notification watches.
func (w *Watcher) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	started := w.started
	w.mu.Unlock()
	if !started {
		return nil
	}
	w.cancel()
	<-w.done
	if w.fw != nil {
		return w.fw.Close()
	}
	return nil
}

func (w *Watcher) run(ctx context.Context) {
	defer close(w.done)
	// Each folder is watched before it is listed: a file created in between is both listed and
	// notified, and handed over once.
	w.rescan(time.Now())
	poll := time.NewTicker(w.opts.Poll)
	defer poll.Stop()
	tick := w.opts.Settle / 4
	tick = max(tick, 10*time.Millisecond)
	tick = min(tick, time.Second)
	check := time.NewTicker(tick)
	defer check.Stop()

	var events <-chan fsnotify.Event
	var errs <-chan error
	if w.fw != nil {
		events, errs = w.fw.Events, w.fw.Errors
	}
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			w.onEvent(ev, time.Now())
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				w.log.Warn("too many changes at once; rescanning the folder")
			} else {
				w.log.Warn("change notification error; rescanning the folder", "err", err)
			}
			w.rescan(time.Now())
		case now := <-poll.C:
			w.rescan(now)
		case now := <-check.C:
			if len(w.pending) > 0 {
				w.check(ctx, now)
			}
		case f := <-w.probe:
			f()
		}
	}
}

// IsCandidate reports whether a file name looks like a finished photo: a photo extension, and not
// a hidden or temporary name.
func IsCandidate(name string) bool {
	if name == "" || name[0] == '.' || name[0] == '~' || photo.SystemFile(name) {
		return false
	}
	return photo.HasExt(name)
}

// skipDir reports whether a subfolder is left out of the watch.
func skipDir(name string) bool {
	if name == "" || photo.SystemFile(name) {
		return true
	}
	switch name[0] {
	case '.', '@', '#', '$', '~':
		return true
	}
	return false
}

// depth is how many folders below the root path p is (the root itself is 0).
func (w *Watcher) depth(p string) int {
	rel, err := filepath.Rel(w.dir, p)
	if err != nil || rel == "." {
		return 0
	}
	return strings.Count(rel, string(filepath.Separator)) + 1
}

func (w *Watcher) warnOnce(key, msg string, args ...any) {
	if w.warnedAt[key] {
		return
	}
	if len(w.warnedAt) < 1000 {
		w.warnedAt[key] = true
	}
	w.log.Warn(msg, args...)
}

// watchDir adds a notification watch on one folder.
func (w *Watcher) watchDir(p string) {
	if w.fw == nil || w.watched[p] {
		return
	}
	if err := w.fw.Add(p); err != nil {
		if errors.Is(err, fsnotify.ErrClosed) {
			return
		}
		w.warnOnce("add:"+p, "cannot watch this folder for changes (a system limit on watches, or permissions); it is rescanned every poll interval",
			"folder", p, "poll", w.opts.Poll, "err", err)
		return
	}
	w.watched[p] = true
}

// scanTree watches the folder at root and every subfolder below it, and considers every file
// found, recording in files and dirs (when not nil) what it saw. It reports whether everything
// could be read.
func (w *Watcher) scanTree(root string, now time.Time, files, dirs map[string]bool) (complete bool) {
	complete = true
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			complete = false
			if p == w.dir {
				if !w.rootGone {
					w.log.Warn("the watched folder cannot be read; it is tried again every poll interval", "err", err)
				}
				w.rootGone = true
				return fs.SkipDir
			}
			w.warnOnce("read:"+p, "cannot read a file or folder in the watched folder", "path", p, "err", err)
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != root && skipDir(d.Name()) || w.depth(p) > MaxDepth {
				return fs.SkipDir
			}
			if p == w.dir && w.rootGone {
				w.log.Info("the watched folder can be read again")
				w.rootGone = false
			}
			if dirs != nil {
				dirs[p] = true
			}
			w.watchDir(p)
			return nil
		}
		if files != nil {
			files[p] = true
		}
		w.consider(p, now, false)
		return nil
	})
	return complete
}

// rescan lists the whole folder: new files become candidates, folders get watches, and files and
// folders that are gone are forgotten. When part of the folder could not be read (a network share
// that dropped for a moment), nothing is forgotten, so its files are not handed over again when it
// comes back.
func (w *Watcher) rescan(now time.Time) {
	files, dirs := map[string]bool{}, map[string]bool{}
	if !w.scanTree(w.dir, now, files, dirs) {
		return
	}
	for p := range w.seen {
		if !files[p] {
			delete(w.seen, p)
		}
	}
	for p := range w.pending {
		if !files[p] {
			delete(w.pending, p)
		}
	}
	for p := range w.watched {
		if !dirs[p] {
			delete(w.watched, p)
			if w.fw != nil {
				_ = w.fw.Remove(p) // usually gone with its folder already
			}
		}
	}
}

func (w *Watcher) onEvent(ev fsnotify.Event, now time.Time) {
	p := filepath.Clean(ev.Name)
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		w.forget(p)
		return
	}
	w.consider(p, now, ev.Has(fsnotify.Write))
}

// forget drops a path that was removed or renamed away, and everything below it.
func (w *Watcher) forget(p string) {
	delete(w.pending, p)
	delete(w.seen, p)
	delete(w.watched, p)
	prefix := p + string(filepath.Separator)
	for k := range w.watched {
		if strings.HasPrefix(k, prefix) {
			delete(w.watched, k)
		}
	}
	for k := range w.seen {
		if strings.HasPrefix(k, prefix) {
			delete(w.seen, k)
		}
	}
	for k := range w.pending {
		if strings.HasPrefix(k, prefix) {
			delete(w.pending, k)
		}
	}
}

// consider looks at one path that was listed or notified. written: a write to it was notified.
func (w *Watcher) consider(p string, now time.Time, written bool) {
	name := filepath.Base(p)
	lst, err := os.Lstat(p)
	if err != nil {
		delete(w.pending, p)
		return
	}
	if lst.IsDir() {
		if p != w.dir && !skipDir(name) && w.depth(p) <= MaxDepth && !w.watched[p] {
			// A new folder (perhaps moved in with files already inside): watch and list it.
			w.scanTree(p, now, nil, nil)
		}
		return
	}
	if !IsCandidate(name) {
		return
	}
	st := lst
	if lst.Mode()&fs.ModeSymlink != 0 {
		if st, err = os.Stat(p); err != nil {
			return
		}
	}
	if !st.Mode().IsRegular() || st.Size() == 0 {
		delete(w.pending, p)
		return
	}
	s := stamp{size: st.Size(), mtime: st.ModTime()}
	c := w.pending[p]
	if c == nil {
		if done, ok := w.seen[p]; ok && done == s && !written {
			return // this version was handed over already
		}
		w.pending[p] = &candidate{stamp: s, since: now}
		return
	}
	if c.stamp != s || written {
		c.stamp, c.since = s, now
	}
}

// check hands over the candidates that have stayed unchanged for Settle.
func (w *Watcher) check(ctx context.Context, now time.Time) {
	var ready []string
	for p, c := range w.pending {
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() || st.Size() == 0 {
			delete(w.pending, p)
			continue
		}
		s := stamp{size: st.Size(), mtime: st.ModTime()}
		if s != c.stamp {
			c.stamp, c.since = s, now
			continue
		}
		if now.Sub(c.since) < w.opts.Settle {
			continue
		}
		if done, ok := w.seen[p]; ok && done == s {
			delete(w.pending, p) // only touched (a notified write that changed nothing)
			continue
		}
		// O_NONBLOCK: a file swapped for a FIFO since the Stat above must not hang the watcher.
		if f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0); err != nil {
			c.tries++
			if c.tries <= unreadableTries {
				c.since = now
				continue
			}
			w.log.Warn("a file in the watched folder cannot be opened; handing it over so the import can report it", "path", p, "err", err)
		} else {
			f.Close()
		}
		ready = append(ready, p)
	}
	sort.Strings(ready)
	for _, p := range ready {
		if ctx.Err() != nil {
			return // left pending; not marked as handed over
		}
		c := w.pending[p]
		delete(w.pending, p)
		w.seen[p] = c.stamp
		w.log.Debug("new file in the watched folder", "path", p, "bytes", c.size)
		w.handle(p)
	}
}
