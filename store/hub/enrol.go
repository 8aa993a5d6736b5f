package hub

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"medinventory/assets/i18n"
	"medinventory/store/syncwire"
)

// hashSecret is how codes and tokens are kept: their SHA-256, never the secret itself. They are
// random and long, so a plain hash suffices (no password stretching needed).
func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// normaliseCode accepts a code as people type it: any case, spaces and dashes anywhere.
func normaliseCode(code string) string {
	code = strings.ToUpper(code)
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, code)
}

// Enrol makes a one-time code that joins one laptop to the clinic named (made when new). Several
// codes may be made for one clinic, one per laptop. The code is shown once; only its hash is kept.
func (h *Hub) Enrol(ctx context.Context, clinicName string) (string, error) {
	clinicName = strings.TrimSpace(clinicName)
	if clinicName == "" {
		return "", refuse(syncwire.ErrBadRequest, i18n.T("The clinic's name is empty: give it with --clinic NAME."))
	}
	if len(clinicName) > 200 {
		return "", refuse(syncwire.ErrBadRequest, i18n.T("The clinic's name is too long (at most 200 characters)."))
	}
	raw := randomCode(12)
	code := raw[0:4] + "-" + raw[4:8] + "-" + raw[8:12]
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		var clinicID string
		err := tx.QueryRow(ctx, `INSERT INTO clinics (id, name) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`, uuid.NewString(), clinicName).Scan(&clinicID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO enrol_codes (hash, clinic_id) VALUES ($1, $2)", hashSecret(normaliseCode(code)), clinicID)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("making an enrolment code: %w", err)
	}
	return code, nil
}

// Join uses a one-time code: the laptop becomes a device of the code's clinic and gets its token.
// A device that joins again with a new code (same device id, same data folder) gets a new token;
// a device id already enrolled with another data folder is a copied folder: refused ("clone"), the
// laptop must make itself a new device id first.
func (h *Hub) Join(ctx context.Context, req syncwire.EnrolRequest) (syncwire.EnrolResponse, error) {
	if err := checkID("device_id", req.DeviceID); err != nil {
		return syncwire.EnrolResponse{}, err
	}
	if err := checkID("data_id", req.DataID); err != nil {
		return syncwire.EnrolResponse{}, err
	}
	if len(req.DeviceName) > 200 {
		req.DeviceName = req.DeviceName[:200]
	}
	// A name cut in the middle of a character, or holding a NUL, is still stored (cleanText).
	req.DeviceName, req.DeviceID, req.DataID = cleanText(req.DeviceName), cleanText(req.DeviceID), cleanText(req.DataID)
	token := newToken()
	var resp syncwire.EnrolResponse
	err := pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		var clinicID string
		var used *time.Time
		err := tx.QueryRow(ctx, "SELECT clinic_id, used_at FROM enrol_codes WHERE hash = $1 FOR UPDATE",
			hashSecret(normaliseCode(req.Code))).Scan(&clinicID, &used)
		if isNoRows(err) {
			return refuse(syncwire.ErrCodeUnknown, i18n.T("This enrolment code is not known to the hub: check it, or ask the district for a new one (medinventory hub enrol)."))
		}
		if err != nil {
			return err
		}
		if used != nil {
			return refuse(syncwire.ErrCodeUsed, i18n.T("This enrolment code has already been used by another laptop: each laptop needs its own code. Ask the district for a new one."))
		}
		var oldClinic, oldData string
		err = tx.QueryRow(ctx, "SELECT clinic_id, data_id FROM devices WHERE device_id = $1 FOR UPDATE", req.DeviceID).Scan(&oldClinic, &oldData)
		switch {
		case isNoRows(err):
			_, err = tx.Exec(ctx, `INSERT INTO devices (device_id, clinic_id, name, token_hash, data_id) VALUES ($1, $2, $3, $4, $5)`,
				req.DeviceID, clinicID, req.DeviceName, hashSecret(token), req.DataID)
		case err != nil:
		case oldData != req.DataID:
			return cloneError()
		case oldClinic != clinicID:
			return refuse(syncwire.ErrBadRequest, i18n.T("This laptop already belongs to another clinic on this hub; a laptop syncs with one clinic."))
		default:
			_, err = tx.Exec(ctx, "UPDATE devices SET token_hash = $2, name = $3 WHERE device_id = $1", req.DeviceID, hashSecret(token), req.DeviceName)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE enrol_codes SET used_at = now(), device_id = $2 WHERE hash = $1",
			hashSecret(normaliseCode(req.Code)), req.DeviceID); err != nil {
			return err
		}
		resp = syncwire.EnrolResponse{Token: token, HubID: h.id, ClinicID: clinicID}
		return tx.QueryRow(ctx, "SELECT name FROM clinics WHERE id = $1", clinicID).Scan(&resp.ClinicName)
	})
	if err != nil {
		return syncwire.EnrolResponse{}, wrap("joining the hub", err)
	}
	return resp, nil
}

func cloneError() error {
	return refuse(syncwire.ErrClone, i18n.T("This laptop's data folder is not the one that joined the hub with this device id (a copy of another laptop's folder, or another folder): nothing was stored. The laptop must take a new device id and join again with a new code."))
}

// device is an enrolled laptop, found by its token.
type device struct {
	id, clinicID, dataID string
	through              int64
}

// deviceByToken finds the device a bearer token belongs to.
func (h *Hub) deviceByToken(ctx context.Context, q pgx.Tx, token string, lock bool) (device, error) {
	var d device
	sql := "SELECT device_id, clinic_id, data_id, through FROM devices WHERE token_hash = $1"
	if lock {
		sql += " FOR UPDATE"
	}
	var err error
	if q != nil {
		err = q.QueryRow(ctx, sql, hashSecret(token)).Scan(&d.id, &d.clinicID, &d.dataID, &d.through)
	} else {
		err = h.pool.QueryRow(ctx, sql, hashSecret(token)).Scan(&d.id, &d.clinicID, &d.dataID, &d.through)
	}
	if isNoRows(err) || token == "" {
		return d, refuse(syncwire.ErrToken, i18n.T("The hub does not know this laptop's token (it was removed, or this laptop joined another hub): join again with a new code."))
	}
	return d, err
}

func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// checkID refuses an empty or overlong id.
func checkID(what, id string) error {
	if id == "" {
		return refuse(syncwire.ErrBadRequest, i18n.T("The request has no %s.", what))
	}
	if len(id) > 100 {
		return refuse(syncwire.ErrBadRequest, i18n.T("The request's %s is too long.", what))
	}
	return nil
}

// wrap adds context to an error, leaving a refusal as it is (its words are for the person).
func wrap(doing string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*Error); ok {
		return err
	}
	return fmt.Errorf("%s: %w", doing, err)
}
