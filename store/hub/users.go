package hub

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"medinventory/assets/i18n"
	"medinventory/store/syncwire"
)

// MinPassword is the shortest password a district user may have.
const MinPassword = 10

// ErrSignIn: the name or the password is wrong (which, is not said).
var ErrSignIn = errors.New("wrong name or password")

// SetUser creates a district user, or changes the password of one, keeping only a bcrypt hash.
func (h *Hub) SetUser(ctx context.Context, name, password string) error {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return refuse(syncwire.ErrBadRequest, i18n.T("A user's name must have 1 to 100 characters."))
	}
	if utf8.RuneCountInString(password) < MinPassword {
		return refuse(syncwire.ErrBadRequest, i18n.T("The password is too short: use at least %d characters.", MinPassword))
	}
	if len(password) > 72 {
		return refuse(syncwire.ErrBadRequest, i18n.T("The password is too long: use at most 72 bytes."))
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	_, err = h.pool.Exec(ctx, `INSERT INTO users (name, pass_hash) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET pass_hash = EXCLUDED.pass_hash`, name, string(hash))
	if err != nil {
		return fmt.Errorf("saving the user: %w", err)
	}
	// A new password ends the user's sessions.
	_, err = h.pool.Exec(ctx, "DELETE FROM sessions WHERE user_name = $1", name)
	return err
}

// SignIn checks a name and password and starts a session; the returned token goes in a cookie.
func (h *Hub) SignIn(ctx context.Context, name, password string, lasts time.Duration) (string, error) {
	var hash string
	err := h.pool.QueryRow(ctx, "SELECT pass_hash FROM users WHERE name = $1", strings.TrimSpace(name)).Scan(&hash)
	if isNoRows(err) {
		// The same work as a real check, so the time taken does not tell which names exist.
		bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return "", ErrSignIn
	}
	if err != nil {
		return "", fmt.Errorf("reading the user: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return "", ErrSignIn
	}
	token := newToken()
	if _, err := h.pool.Exec(ctx, "DELETE FROM sessions WHERE expires < now()"); err != nil {
		return "", err
	}
	_, err = h.pool.Exec(ctx, "INSERT INTO sessions (token_hash, user_name, expires) VALUES ($1, $2, $3)",
		hashSecret(token), strings.TrimSpace(name), time.Now().Add(lasts))
	if err != nil {
		return "", fmt.Errorf("starting a session: %w", err)
	}
	return token, nil
}

// Session returns the user a session token belongs to, or ErrSignIn when it is unknown or over.
func (h *Hub) Session(ctx context.Context, token string) (string, error) {
	if token == "" {
		return "", ErrSignIn
	}
	var name string
	err := h.pool.QueryRow(ctx, "SELECT user_name FROM sessions WHERE token_hash = $1 AND expires > now()", hashSecret(token)).Scan(&name)
	if isNoRows(err) {
		return "", ErrSignIn
	}
	return name, err
}

// SignOut ends a session.
func (h *Hub) SignOut(ctx context.Context, token string) error {
	_, err := h.pool.Exec(ctx, "DELETE FROM sessions WHERE token_hash = $1", hashSecret(token))
	return err
}

// dummyHash is made on first use (not at start: bcrypt takes tens of milliseconds).
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("not a password anyone has"), bcrypt.DefaultCost)
	return h
})

// NewPassword makes up a password for a district user: 16 characters from an alphabet without
// look-alikes, in groups of four (about 79 bits).
func NewPassword() string {
	r := randomCode(16)
	return r[0:4] + "-" + r[4:8] + "-" + r[8:12] + "-" + r[12:16]
}
