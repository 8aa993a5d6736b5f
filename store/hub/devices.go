package hub

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"medinventory/assets/i18n"
)

// Device is one laptop enrolled in a clinic, as the district sees it.
type Device struct {
	ID        string    `json:"device_id"`
	Clinic    string    `json:"clinic"`
	Name      string    `json:"name"` // the name the laptop gave when it joined (its host name)
	Joined    time.Time `json:"joined"`
	LastSync  time.Time `json:"last_sync"` // zero when it never synced
	Movements int64     `json:"movements"` // the movements it sent that the hub holds
}

// Devices lists the laptops of every clinic (or of the clinic named; "" for all), by clinic and
// then by when they joined.
func (h *Hub) Devices(ctx context.Context, clinic string) ([]Device, error) {
	// One pass over the movements for every laptop (not one per laptop).
	rows, err := h.pool.Query(ctx, `SELECT d.device_id, c.name, d.name, d.enrolled, d.last_sync, coalesce(n.movements, 0)
		FROM devices d JOIN clinics c ON c.id = d.clinic_id
		LEFT JOIN (SELECT m.clinic_id, m.device_id, count(*) AS movements FROM movements m
			WHERE m.device_id IN (SELECT device_id FROM devices) GROUP BY m.clinic_id, m.device_id) n
			ON n.clinic_id = d.clinic_id AND n.device_id = d.device_id
		WHERE $1 = '' OR c.name = $1
		ORDER BY c.name, d.enrolled, d.device_id`, strings.TrimSpace(clinic))
	if err != nil {
		return nil, fmt.Errorf("reading the laptops: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanDevice)
	if err != nil {
		return nil, fmt.Errorf("reading the laptops: %w", err)
	}
	return out, nil
}

func scanDevice(r pgx.CollectableRow) (Device, error) {
	var d Device
	var last *time.Time
	err := r.Scan(&d.ID, &d.Clinic, &d.Name, &d.Joined, &last, &d.Movements)
	if last != nil {
		d.LastSync = *last
	}
	return d, err
}

// RemoveDevice removes a laptop from its clinic (a stolen or broken one): its token no longer
// works for push, pull or status, so its next sync is refused with ErrToken. What it sent —
// movements, products, lots, edits — stays: it is the clinic's ledger, and other laptops hold it
// too. It returns the laptop as it was; an unknown id is refused in plain words.
func (h *Hub) RemoveDevice(ctx context.Context, id string) (Device, error) {
	id = strings.TrimSpace(id)
	tx, err := h.pool.Begin(ctx)
	if err != nil {
		return Device{}, wrap("removing the laptop", err)
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, `SELECT d.device_id, c.name, d.name, d.enrolled, d.last_sync,
			(SELECT count(*) FROM movements m WHERE m.clinic_id = d.clinic_id AND m.device_id = d.device_id)
		FROM devices d JOIN clinics c ON c.id = d.clinic_id
		WHERE d.device_id = $1 FOR UPDATE OF d`, id)
	if err != nil {
		return Device{}, wrap("removing the laptop", err)
	}
	found, err := pgx.CollectRows(rows, scanDevice)
	if err != nil {
		return Device{}, wrap("removing the laptop", err)
	}
	if len(found) == 0 {
		return Device{}, refuse("unknown_device", i18n.T("The hub has no laptop with the id %q: nothing was removed. See the laptops' ids with: medinventory hub devices --database URL", id))
	}
	if _, err := tx.Exec(ctx, `DELETE FROM devices WHERE device_id = $1`, id); err != nil {
		return Device{}, wrap("removing the laptop", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return Device{}, wrap("removing the laptop", err)
	}
	return found[0], nil
}
