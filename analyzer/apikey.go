package analyzer

import (
	"os"
	"strings"

	"medinventory/assets/i18n"
	"medinventory/store/secret"
)

// KeyringUser is the keyring user the API key is kept under (service secret.Service).
const KeyringUser = "openai"

// ErrNoKeyring is wrapped by SaveAPIKey's error when no OS keyring is available.
var ErrNoKeyring = secret.ErrNoKeyring

// LoadAPIKey returns the OpenAI API key and where it came from: the OS keyring (service
// "medinventory", user "openai") when one holds it, else OPENAI_API_KEY. source is "keyring",
// "environment" or "" (no key).
func LoadAPIKey() (key string, source string) {
	if k, err := secret.Get(KeyringUser); err == nil {
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
	var err error
	if key == "" {
		err = secret.Delete(KeyringUser)
	} else {
		err = secret.Set(KeyringUser, key)
	}
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
	return i18n.T("This computer has no keyring where the OpenAI key can be kept safely, so it was not saved. Set the OPENAI_API_KEY environment variable to the key instead (see the README), then start the app again.")
}

func (e *KeyringError) Unwrap() []error { return []error{ErrNoKeyring, e.Cause} }
