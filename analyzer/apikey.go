package analyzer

import (
	"errors"
	"os"
	"strings"
	"time"

	"github.com/zalando/go-keyring"

	"medinventory/assets/i18n"
)

// Where the API key is kept in the OS keyring.
const (
	KeyringService = "medinventory"
	KeyringUser    = "openai"
)

// keyringTimeout bounds a keyring call: a desktop without a running secret service must not hang
// the app.
const keyringTimeout = 3 * time.Second

// ErrNoKeyring is wrapped by SaveAPIKey's error when no OS keyring is available.
var ErrNoKeyring = i18n.Err("no system keyring is available")

// LoadAPIKey returns the OpenAI API key and where it came from: the OS keyring (service
// "medinventory", user "openai") when one holds it, else OPENAI_API_KEY. source is "keyring",
// "environment" or "" (no key).
func LoadAPIKey() (key string, source string) {
	if k, err := keyringCall(func() (string, error) { return keyring.Get(KeyringService, KeyringUser) }); err == nil {
		if k = strings.TrimSpace(k); k != "" {
			return k, "keyring"
		}
	}
	if k := strings.TrimSpace(os.Getenv("OPENAI_API_KEY")); k != "" {
		return k, "environment"
	}
	return "", ""
}

// SaveAPIKey keeps the key in the OS keyring; an empty key deletes it. Without a keyring the error
// (wrapping ErrNoKeyring) says to set OPENAI_API_KEY instead. The key never appears in the error.
func SaveAPIKey(key string) error {
	key = strings.TrimSpace(key)
	_, err := keyringCall(func() (string, error) {
		if key == "" {
			err := keyring.Delete(KeyringService, KeyringUser)
			if errors.Is(err, keyring.ErrNotFound) {
				return "", nil
			}
			return "", err
		}
		return "", keyring.Set(KeyringService, KeyringUser, key)
	})
	if err != nil {
		return &KeyringError{Cause: err}
	}
	return nil
}

// KeyringError is SaveAPIKey's error when the key cannot be kept in an OS keyring. Its text is
// plain words for the user (the system's own message, e.g. about dbus-launch, is only in Cause).
// It wraps ErrNoKeyring and the cause.
type KeyringError struct{ Cause error }

func (e *KeyringError) Error() string {
	return "This computer has no keyring where the OpenAI key can be kept safely, so it was not saved. " +
		"Set the OPENAI_API_KEY environment variable to the key instead (see the README), then start the app again."
}

func (e *KeyringError) Unwrap() []error { return []error{ErrNoKeyring, e.Cause} }

func keyringCall(f func() (string, error)) (string, error) {
	type out struct {
		s   string
		err error
	}
	ch := make(chan out, 1)
	go func() {
		s, err := f()
		ch <- out{s, err}
	}()
	t := time.NewTimer(keyringTimeout)
	defer t.Stop()
	select {
	case o := <-ch:
		return o.s, o.err
	case <-t.C:
		return "", errors.New("the keyring did not answer")
	}
}
