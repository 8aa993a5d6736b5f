// Package syncclient is the laptop's side of sync (issue 28): it joins a clinic on the district
// hub, then pushes what the outbox holds in batches and pulls the other laptops' rows in pages,
// over HTTP(S) with the syncwire messages, gzip-compressed both ways, each request bounded by a
// timeout and retried with backoff when the hub is briefly away. Its errors are plain words
// (*Error: the hub is down, unreachable, refused the token, speaks another version, or the folder
// is a copy that must join again).
//
// It is resumable by construction: the store's outbox and push cursor (moved only after the hub
// acknowledged a batch) and pull cursor (moved in the transaction that applied a page) make a sync
// killed at any point lose nothing and duplicate nothing; the next Sync resumes where it stopped,
// however long the laptop was offline.
package syncclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/syncwire"
)

// Client syncs one inventory with its hub.
type Client struct {
	Store   *store.Store
	HubURL  string // from the sync state when empty
	Token   string
	Batch   int           // rows per push (default 2000)
	Page    int           // rows asked per pull (default 5000; the hub caps it)
	Timeout time.Duration // per request (default 2 minutes)
	Retries int           // tries of a request that failed in a way worth retrying (default 4)
	Backoff time.Duration // first wait between tries, doubled each time (default 1 s)
	// Progress, when set, hears each step (for a command's output or a log).
	Progress func(Result)
	// HTTP is the client requests go through (nil: http.DefaultClient).
	HTTP *http.Client

	transport transport
}

// Result says what one Sync did.
type Result struct {
	Sent      int // movements sent
	SentRows  int // all rows sent (products, lots, movements, edits)
	Received  int // movements received
	Rows      int // all rows received and new here
	Mapped    int // products and lots found to be the same as local ones
	Conflicts int // new conflicts to settle
	Recounts  int // lots to count: another laptop converted another balance (store.SyncRecounts)
	Laptops   int // laptops of the clinic
	Clinic    string
	Duplicate int // rows the hub already had (a push sent again)
}

func (c *Client) defaults() {
	if c.Batch <= 0 {
		c.Batch = 2000
	}
	if c.Page <= 0 {
		c.Page = 5000
	}
	if c.Timeout <= 0 {
		c.Timeout = 2 * time.Minute
	}
	if c.Retries <= 0 {
		c.Retries = 4
	}
	if c.Backoff <= 0 {
		c.Backoff = time.Second
	}
	c.transport.timeout, c.transport.retries, c.transport.backoff = c.Timeout, c.Retries, c.Backoff
	c.transport.hub, c.transport.token, c.transport.client = c.HubURL, c.Token, c.HTTP
}

// Join joins this laptop to the clinic of a one-time code printed by `medinventory hub enrol`, and
// returns the hub's answer (its token is for the caller to keep: SaveToken). A laptop that joined
// before, or a copied folder, joins as a new device (store.PrepareJoin).
func Join(ctx context.Context, st *store.Store, hubURL, code string) (syncwire.EnrolResponse, error) {
	c := &Client{Store: st, HubURL: hubURL}
	c.defaults()
	device, data, err := st.PrepareJoin(ctx)
	if err != nil {
		return syncwire.EnrolResponse{}, err
	}
	name, _ := os.Hostname()
	var resp syncwire.EnrolResponse
	err = c.transport.call(ctx, "POST", syncwire.PathEnrol, syncwire.EnrolRequest{Code: code, DeviceID: device, DeviceName: name, DataID: data}, &resp)
	if err != nil {
		return resp, err
	}
	if resp.Token == "" {
		return resp, &Error{Kind: KindHub, Msg: i18n.T("The hub did not give this laptop a token. Ask the district to check the hub.")}
	}
	if err := st.RecordJoin(ctx, hubURL, resp.HubID, resp.ClinicID, resp.ClinicName, device, data); err != nil {
		return resp, err
	}
	return resp, nil
}

// Sync pushes everything the hub has not acknowledged, then pulls every page the hub has for this
// laptop, then asks the hub how many laptops the clinic has.
func (c *Client) Sync(ctx context.Context) (Result, error) {
	var r Result
	info, err := c.Store.SyncInfo(ctx)
	if err != nil {
		return r, err
	}
	if !info.Joined() {
		return r, &Error{Kind: KindNotJoined, Msg: i18n.T("This laptop has not joined a hub yet: run medinventory sync --hub URL --code CODE with the code the district gave you.")}
	}
	if err := c.Store.CheckSyncIdentity(ctx); err != nil {
		return r, cloneError(err)
	}
	if c.HubURL == "" {
		c.HubURL = info.HubURL
	}
	if c.Token == "" {
		return r, &Error{Kind: KindToken, Msg: i18n.T("This laptop's sync token is missing (it is kept in the computer's keyring). Join again with a new code: medinventory sync --hub URL --code CODE.")}
	}
	c.defaults()
	// The hub's view first: a later sync of this device than this database remembers means it
	// went back in time (a restored backup) or a sync was cut off; its own rows are pulled back.
	before, err := c.status(ctx, info.DeviceID)
	if err != nil {
		return r, err
	}
	if before.through < info.PushThrough || before.own < info.HubSeen {
		// The hub holds less than it acknowledged, or remembers an older last sync of this laptop
		// than the one it told at the end of the last sync: it was restored from an older backup,
		// and its sequence went back too. Send again what it lost and pull everything again (by
		// UUID on both sides: nothing doubles; without it, rows the hub numbers again below this
		// laptop's pull cursor would never come).
		if err := c.Store.RewindForHub(ctx, before.through); err != nil {
			return r, err
		}
		if info, err = c.Store.SyncInfo(ctx); err != nil {
			return r, err
		}
	}
	restored, err := c.push(ctx, &r)
	if err != nil {
		return r, err
	}
	if restored || before.own > info.HubSeen {
		// Get back, once, the rows this device had pushed that this database no longer holds.
		// Rows it still has are ignored by UUID.
		if err := c.pullFrom(ctx, &r, 0, true); err != nil {
			return r, err
		}
	}
	if err := c.pull(ctx, &r); err != nil {
		return r, err
	}
	after, err := c.status(ctx, info.DeviceID)
	if err != nil {
		return r, err
	}
	r.Laptops, r.Clinic = after.laptops, after.clinic
	if r.Clinic == "" {
		r.Clinic = info.ClinicName
	}
	if err := c.Store.RecordSync(ctx, r.Laptops, after.clinic, after.own); err != nil {
		return r, err
	}
	c.progress(r)
	return r, nil
}

type hubStatus struct {
	laptops int
	clinic  string
	own     int64 // the hub's time of this device's last sync (Unix ms), 0 when never
	through int64 // the last push Through the hub holds for this device
}

func (c *Client) status(ctx context.Context, device string) (hubStatus, error) {
	var st syncwire.StatusResponse
	if err := c.transport.call(ctx, "GET", syncwire.PathStatus, nil, &st); err != nil {
		return hubStatus{}, err
	}
	out := hubStatus{laptops: len(st.Devices), clinic: st.ClinicName, through: st.Through}
	for _, d := range st.Devices {
		if d.DeviceID == device {
			out.own = d.LastSync
		}
	}
	return out, nil
}

func (c *Client) progress(r Result) {
	if c.Progress != nil {
		c.Progress(r)
	}
}

func (c *Client) push(ctx context.Context, r *Result) (restored bool, err error) {
	for {
		req, err := c.Store.OutboxBatch(ctx, c.Batch)
		if err != nil {
			return restored, err
		}
		if req.Through == 0 {
			return restored, nil
		}
		var resp syncwire.PushResponse
		if err := c.transport.call(ctx, "POST", syncwire.PathPush, req, &resp); err != nil {
			return restored, err
		}
		restored = restored || resp.Restored
		if resp.Through != req.Through {
			return restored, &Error{Kind: KindHub, Msg: i18n.T("The hub acknowledged other rows than were sent. Nothing was lost; ask the district to check the hub.")}
		}
		// Only now: killed before this line, the batch is sent again and stored once.
		if err := c.Store.AckPush(ctx, resp.Through); err != nil {
			return restored, err
		}
		r.Sent += len(req.Movements)
		r.SentRows += len(req.Products) + len(req.Lines) + len(req.Movements) + len(req.Edits)
		r.Duplicate += resp.Duplicate
		c.progress(*r)
	}
}

func (c *Client) pull(ctx context.Context, r *Result) error {
	info, err := c.Store.SyncInfo(ctx)
	if err != nil {
		return err
	}
	return c.pullFrom(ctx, r, info.PullAfter, false)
}

// pullFrom pulls pages after the hub's sequence after. The pull cursor only moves forward
// (ApplyPull), so pulling again from 0 after a restore leaves it where it was.
func (c *Client) pullFrom(ctx context.Context, r *Result, after int64, own bool) error {
	for {
		var page syncwire.PullResponse
		if err := c.transport.call(ctx, "POST", syncwire.PathPull, syncwire.PullRequest{After: after, Limit: c.Page, IncludeOwn: own}, &page); err != nil {
			return err
		}
		if page.Next < after {
			return &Error{Kind: KindHub, Msg: i18n.T("The hub's sequence went backwards (was it restored from an older backup?). Nothing was changed here; ask the district to check the hub.")}
		}
		got, err := c.Store.ApplyPull(ctx, page)
		if err != nil {
			return err
		}
		r.Received += got.Movements
		r.Rows += got.Products + got.Lines + got.Movements + got.Edits
		r.Mapped += got.Mapped
		r.Conflicts += got.Conflicts
		r.Recounts += got.Recounts
		c.progress(*r)
		if !page.More || page.Next == after {
			return nil
		}
		after = page.Next
	}
}

func cloneError(err error) error {
	if errors.Is(err, store.ErrSyncClone) {
		return &Error{Kind: KindClone, Err: err, Msg: i18n.T("This data folder was copied from another computer or restored from a backup, so it cannot sync as the laptop it was. Ask the district for a new code and join again as a new laptop: medinventory sync --hub URL --code CODE. Nothing is counted twice.")}
	}
	return fmt.Errorf("check this laptop's identity: %w", err)
}
