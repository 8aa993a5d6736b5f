package main

// Background sync with the district hub (issue 28): while the window is open, a goroutine owned
// by the backend syncs every few minutes once this laptop joined a hub (medinventory sync --hub
// URL --code CODE), and sooner again after a failure; the status bar asks HubSyncStatus. The
// goroutine starts when the window first asks (the commands never do: they sync only when told),
// and ends with the app's context or Close.

import (
	"context"
	"sync"
	"time"

	"medinventory/store/syncclient"
)

// How often the window syncs, and the first wait after a failure (doubled up to syncEvery).
const (
	syncEvery   = 5 * time.Minute
	syncRetry   = 30 * time.Second
	syncAtStart = 5 * time.Second
)

// hubSync is the background sync's state.
type hubSync struct {
	mu      sync.Mutex
	failing bool
	once    sync.Once
	wg      sync.WaitGroup
	stop    chan struct{}
	soon    chan struct{} // SyncSoon: sync now rather than at the next turn
}

// startSync starts the background sync until ctx ends or Close (which waits for it).
func (b *backend) startSync(ctx context.Context) {
	if b.st.ReadOnly() || ctx == nil {
		return
	}
	b.hub.mu.Lock()
	defer b.hub.mu.Unlock()
	if b.hub.stop != nil {
		return
	}
	b.hub.stop = make(chan struct{})
	stop := b.hub.stop
	if b.hub.soon == nil {
		b.hub.soon = make(chan struct{}, 1)
	}
	soon := b.hub.soon
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-stop:
		case <-ctx.Done():
		}
		cancel()
	}()
	b.hub.wg.Add(1)
	go func() {
		defer b.hub.wg.Done()
		wait := syncAtStart
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			case <-soon:
			}
			err := b.syncOnce(ctx)
			switch {
			case err == nil:
				wait = syncEvery
			case wait >= syncEvery || wait == syncAtStart:
				wait = syncRetry
			default:
				wait = min(2*wait, syncEvery)
			}
		}
	}()
}

// stopSync ends the background sync and waits for it.
func (b *backend) stopSync() {
	b.hub.mu.Lock()
	if b.hub.stop != nil {
		close(b.hub.stop)
	} else {
		b.hub.stop = make(chan struct{}) // never starts now
		close(b.hub.stop)
	}
	b.hub.mu.Unlock()
	b.hub.wg.Wait()
}

// syncOnce syncs when this laptop joined a hub and has its token.
func (b *backend) syncOnce(ctx context.Context) error {
	info, err := b.st.SyncInfo(ctx)
	if err != nil || !info.Joined() {
		return nil
	}
	token := syncclient.LoadToken(info.DataID)
	if token == "" {
		return nil
	}
	c := &syncclient.Client{Store: b.st, HubURL: info.HubURL, Token: token, Retries: 1, Timeout: time.Minute}
	res, err := c.Sync(ctx)
	b.hub.mu.Lock()
	b.hub.failing = err != nil && ctx.Err() == nil
	b.hub.mu.Unlock()
	if err != nil {
		if ctx.Err() == nil {
			b.sess.Log.Warn("background sync failed", "err", err)
		}
		return err
	}
	if res.SentRows+res.Rows > 0 {
		b.sess.Log.Info("synced", "sent", res.SentRows, "received", res.Rows, "conflicts", res.Conflicts, "laptops", res.Laptops)
	}
	return nil
}

// SyncSoon asks the background sync to run now (ui.HubSyncSoon: a conflict was just settled in
// the window, and the choice should reach the other laptops without waiting 5 minutes). It never
// blocks; a request while one is pending is merged with it; without the background sync it does
// nothing.
func (b *backend) SyncSoon() {
	b.hub.mu.Lock()
	soon := b.hub.soon
	b.hub.mu.Unlock()
	if soon == nil {
		return
	}
	select {
	case soon <- struct{}{}:
	default:
	}
}

// syncFailing says whether the last background sync could not reach the hub.
func (b *backend) syncFailing() bool {
	b.hub.mu.Lock()
	defer b.hub.mu.Unlock()
	return b.hub.failing
}
