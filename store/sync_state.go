package store

// Sync's state on the laptop (issue 28): which hub and clinic it joined, as which device, from
// which computer; the push and pull cursors; when it last synced. See sync_outbox.go (push),
// sync_apply.go (pull) and sync_edits.go (field edits and conflicts).
//
// A cloned laptop (the data folder copied to another computer) and a restored backup are
// recognised before anything is sent: the computer differs from the one that joined (Machine), or
// the database's device id is no longer the one the hub knows. Either way the laptop must join
// again (RecordJoin), and joins as a NEW device: a new device id for the rows it makes from then
// on, the push cursor back to 0 (everything it holds is offered again; the hub stores each row
// once, by its UUID) and the pull cursor back to 0 (it gets every row of the clinic it lacks,
// including what the copy it came from recorded later; rows it already has are ignored by UUID).
// Nothing is counted twice and nothing newer is lost.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/google/uuid"
)

// SyncInfo is the laptop's sync state.
type SyncInfo struct {
	HubURL, HubID, ClinicID, ClinicName string
	JoinedDevice                        string // the device id the hub knows ("" before joining)
	JoinedData                          string
	JoinedMachine                       string
	JoinedAt                            int64
	PushThrough, PullAfter              int64
	LastSync                            int64 // Unix ms, 0 when never
	Laptops                             int
	HubSeen                             int64  // the hub's time of this device's last sync, at the end of the last sync here
	DeviceID                            string // this database's device id now
	DataID                              string // this data folder's identity
}

// Joined says whether this laptop joined a hub.
func (i SyncInfo) Joined() bool { return i.JoinedDevice != "" }

// ErrSyncClone is returned by CheckSyncIdentity for a data folder that was copied to another
// computer or restored: it must join the hub again, as a new laptop.
var ErrSyncClone = errors.New("this data folder was copied from another computer or restored from a backup")

// SyncInfo reads the sync state.
func (s *Store) SyncInfo(ctx context.Context) (SyncInfo, error) {
	var i SyncInfo
	err := s.r.QueryRowContext(ctx, `SELECT hub_url, hub_id, clinic_id, clinic_name, joined_device, joined_data, joined_machine, joined_at,
		push_through, pull_after, last_sync, laptops, hub_seen, (SELECT device_id FROM device WHERE id = 1), (SELECT id FROM data_identity)
		FROM sync_state WHERE id = 1`).Scan(&i.HubURL, &i.HubID, &i.ClinicID, &i.ClinicName, &i.JoinedDevice, &i.JoinedData, &i.JoinedMachine,
		&i.JoinedAt, &i.PushThrough, &i.PullAfter, &i.LastSync, &i.Laptops, &i.HubSeen, &i.DeviceID, &i.DataID)
	if err != nil {
		return i, fmt.Errorf("read the sync state: %w", err)
	}
	return i, nil
}

// Machine names this computer for clone detection: a hash of the OS's machine id (Linux
// /etc/machine-id) or, where there is none, of the host name. It is not secret; it only differs
// between two computers.
func Machine() string {
	var id string
	for _, f := range []string{"/etc/machine-id", "/var/lib/dbus/machine-id"} {
		if b, err := os.ReadFile(f); err == nil && strings.TrimSpace(string(b)) != "" {
			id = strings.TrimSpace(string(b))
			break
		}
	}
	if id == "" {
		id, _ = os.Hostname()
	}
	if v := os.Getenv("MEDINVENTORY_MACHINE_ID"); v != "" { // tests: two "computers" on one
		id = v
	}
	sum := sha256.Sum256([]byte("medinventory machine " + id))
	return hex.EncodeToString(sum[:8])
}

// CheckSyncIdentity returns ErrSyncClone (wrapped, in plain words) when this laptop joined a hub
// but its data folder now runs on another computer, or its device id is not the one it joined
// with (a restored or rewritten database).
func (s *Store) CheckSyncIdentity(ctx context.Context) error {
	i, err := s.SyncInfo(ctx)
	if err != nil || !i.Joined() {
		return err
	}
	switch {
	case i.JoinedMachine != Machine():
		return fmt.Errorf("%w: it joined the hub on another computer", ErrSyncClone)
	case i.JoinedDevice != i.DeviceID:
		return fmt.Errorf("%w: its device id changed", ErrSyncClone)
	case i.JoinedData != i.DataID:
		return fmt.Errorf("%w: its data identity changed", ErrSyncClone)
	}
	return nil
}

// PrepareJoin returns the device id to join with. A laptop that joined before (this folder, or
// the folder it was copied from) takes a new device id first, so the rows it makes from now on
// are told apart from the other copy's; rows already made keep theirs.
func (s *Store) PrepareJoin(ctx context.Context) (device, dataID string, err error) {
	i, err := s.SyncInfo(ctx)
	if err != nil {
		return "", "", err
	}
	if !i.Joined() {
		return i.DeviceID, i.DataID, nil
	}
	device = uuid.NewString()
	if _, err := s.w.ExecContext(ctx, `UPDATE device SET device_id = ? WHERE id = 1`, device); err != nil {
		return "", "", fmt.Errorf("make a new device id: %w", err)
	}
	s.stockView.mu.Lock()
	s.stockView.device = ""
	s.stockView.mu.Unlock()
	return device, i.DataID, nil
}

// RecordJoin records that this laptop joined a hub as device (PrepareJoin's): both cursors start
// at 0, so everything is offered to the hub and every row of the clinic is pulled.
func (s *Store) RecordJoin(ctx context.Context, hubURL, hubID, clinicID, clinicName, device, dataID string) error {
	_, err := s.w.ExecContext(ctx, `UPDATE sync_state SET hub_url = ?, hub_id = ?, clinic_id = ?, clinic_name = ?, joined_device = ?,
		joined_data = ?, joined_machine = ?, joined_at = ?, push_through = 0, pull_after = 0, last_sync = 0, laptops = 0, hub_seen = 0 WHERE id = 1`,
		hubURL, hubID, clinicID, clinicName, device, dataID, Machine(), ms(s.now()))
	if err != nil {
		return fmt.Errorf("save the hub: %w", err)
	}
	return nil
}

// RecordSync records a finished sync: when, how many laptops the clinic has, and the hub's time of
// this device's last sync (hubSeen, Unix ms by the hub's clock). A later hub time at the start of
// the next sync means this database lost rows it had sent (a restored backup), or a sync was
// interrupted: the client then pulls this device's own rows back once (insert by UUID).
func (s *Store) RecordSync(ctx context.Context, laptops int, clinicName string, hubSeen int64) error {
	_, err := s.w.ExecContext(ctx, `UPDATE sync_state SET last_sync = ?, laptops = ?, hub_seen = ?,
		clinic_name = CASE WHEN ? = '' THEN clinic_name ELSE ? END WHERE id = 1`,
		ms(s.now()), laptops, hubSeen, clinicName, clinicName)
	if err != nil {
		return fmt.Errorf("save the sync time: %w", err)
	}
	return nil
}

// RewindForHub moves the push cursor back to through and the pull cursor to 0: the hub was restored
// from an older backup and lost what it had acknowledged after through (StatusResponse.Through), so
// this laptop sends it again and pulls everything again; both sides insert by UUID, so nothing is
// doubled.
func (s *Store) RewindForHub(ctx context.Context, through int64) error {
	_, err := s.w.ExecContext(ctx, `UPDATE sync_state SET push_through = MIN(push_through, ?), pull_after = 0 WHERE id = 1`, through)
	if err != nil {
		return fmt.Errorf("rewind the sync cursors: %w", err)
	}
	return nil
}
