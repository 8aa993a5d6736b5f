package syncclient

import (
	"errors"
	"os"
	"strings"
	"time"

	"github.com/zalando/go-keyring"

	"medinventory/assets/i18n"
)

// The device token is kept in the OS keyring, as the OpenAI key is (analyzer/apikey.go): service
// "medinventory", user "sync:<data folder identity>", so two inventories on one computer keep two
// tokens, and a data folder copied to another computer finds none there. Without a keyring (a
// server, CI) it comes from TokenEnv, as the API key comes from OPENAI_API_KEY.
const (
	keyringService = "medinventory"
	TokenEnv       = "MEDINVENTORY_SYNC_TOKEN"
)

// ErrNoKeyring is wrapped by SaveToken's error when no OS keyring is available.
var ErrNoKeyring = errors.New("no system keyring is available")

func keyringUser(dataID string) string { return "sync:" + dataID }

// LoadToken returns this data folder's device token: from the keyring, else TokenEnv; "" when
// there is none.
func LoadToken(dataID string) string {
	if t, err := keyringCall(func() (string, error) { return keyring.Get(keyringService, keyringUser(dataID)) }); err == nil {
		if t = strings.TrimSpace(t); t != "" {
			return t
		}
	}
	return strings.TrimSpace(os.Getenv(TokenEnv))
}

// SaveToken keeps the token in the keyring. Without one, the error (wrapping ErrNoKeyring) says to
// set TokenEnv instead.
func SaveToken(dataID, token string) error {
	_, err := keyringCall(func() (string, error) { return "", keyring.Set(keyringService, keyringUser(dataID), token) })
	if err != nil {
		return &Error{Kind: KindToken, Err: errors.Join(ErrNoKeyring, err),
			Msg: i18n.T("This computer has no keyring where the sync token can be kept safely. Set the %s environment variable to the token printed below before syncing.", TokenEnv)}
	}
	return nil
}

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
	t := time.NewTimer(3 * time.Second)
	defer t.Stop()
	select {
	case o := <-ch:
		return o.s, o.err
	case <-t.C:
		return "", errors.New("the keyring did not answer")
	}
}
