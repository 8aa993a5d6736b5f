package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"time"

	"medinventory/store"
)

// need is what a command opens beyond its session: the store, or the whole backend.
type need struct {
	store   bool            // the store alone
	readOK  bool            // the store: a read-only data folder will do (the command only reads)
	backend *BackendOptions // the backend (store, job pool, analysis client)
	// check runs once the session is open, before the store: a non-zero exit code stops the
	// command (check has said why).
	check func(s *Session) int
	// grace is how long running analyses may finish when the backend closes (default 5 s).
	grace func() time.Duration
	// closeQuietly: a failure to close the backend is not reported.
	closeQuietly bool
}

// opened is what a command opened; Close closes it all, in order.
type opened struct {
	Sess *Session
	St   *store.Store
	B    Backend
	c    *Call
	n    need
}

// open opens the session and what n asks for. On failure it has printed why (or check has) and
// returns the exit code with a nil *opened; everything it opened is closed again. It is the one
// prologue every command shares.
func (c *Call) open(ctx context.Context, component string, n need) (*opened, int) {
	sess, err := OpenSession(c.G, c.Stderr, component)
	if err != nil {
		return nil, c.fail(err)
	}
	o := &opened{Sess: sess, c: c, n: n}
	if n.check != nil {
		if code := n.check(sess); code != ExitOK {
			sess.Close()
			return nil, code
		}
	}
	switch {
	case n.backend != nil:
		o.B, err = c.env.OpenBackend(ctx, sess, *n.backend)
		if err == nil {
			o.St = o.B.Store()
		}
	case n.store:
		o.St, err = OpenStore(ctx, sess, n.readOK)
	}
	if err != nil {
		sess.Close()
		return nil, c.fail(err)
	}
	return o, ExitOK
}

// Close closes the backend (or the store), then the session.
func (o *opened) Close() {
	switch {
	case o.B != nil:
		grace := 5 * time.Second
		if o.n.grace != nil {
			grace = o.n.grace()
		}
		if err := o.B.Close(grace); err != nil && !o.n.closeQuietly {
			PlainError(o.c.Stderr, err)
		}
	case o.St != nil:
		o.St.Close()
	}
	o.Sess.Close()
}

// fail prints err for a person and returns ExitFailed.
func (c *Call) fail(err error) int {
	PlainError(c.Stderr, err)
	return ExitFailed
}

// OpenStore opens the inventory; when readOK and the data dir cannot be written (a USB stick, a
// restored backup on a read-only disk) it opens it read-only instead.
func OpenStore(ctx context.Context, sess *Session, readOK bool) (*store.Store, error) {
	var last time.Time
	progress := func(p store.MigrationProgress) { // an upgrade of an older inventory: a line every 2 s
		if sess.OnMigrate != nil {
			sess.OnMigrate(p)
		}
		if p.Total == 0 { // a new inventory: nothing to turn into stock, nothing to say
			return
		}
		if p.Done == 0 || p.Done == p.Total || time.Since(last) >= 2*time.Second {
			last = time.Now()
			fmt.Fprintln(sess.stderr(), "medinventory: "+p.String())
		}
	}
	st, err := store.Open(ctx, sess.Dir, store.Options{StartFresh: sess.StartFresh, ContinueOlderCopy: sess.ContinueCopy, OnMigrate: progress})
	if err != nil && readOK && isReadOnlyErr(err) {
		ro, rerr := store.Open(ctx, sess.Dir, store.Options{ReadOnly: true})
		if rerr == nil {
			sess.Log.Warn("the data folder cannot be written; opened read-only", "err", err)
			st, err = ro, nil
		}
	}
	if err == nil {
		for _, m := range sess.OpenMessages(st) { // said once: the next open finds nothing to say
			sess.Log.Warn(m)
			fmt.Fprintln(sess.stderr(), "medinventory: note: "+m)
		}
	}
	return st, err
}

// isReadOnlyErr reports whether err says the data dir or database cannot be written.
func isReadOnlyErr(err error) bool {
	return errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission) ||
		(err != nil && strings.Contains(err.Error(), "readonly database"))
}
