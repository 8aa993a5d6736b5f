package syncclient

import (
	"os"
	"strings"

	"medinventory/assets/i18n"
	"medinventory/store/secret"
)

// The device token is kept in the OS keyring, as the OpenAI key is (analyzer/apikey.go): service
// "medinventory", user "sync:<data folder identity>", so two inventories on one computer keep two
// tokens, and a data folder copied to another computer finds none there. Without a keyring (a
// server, CI) it comes from TokenEnv, as the API key comes from OPENAI_API_KEY.
const TokenEnv = "MEDINVENTORY_SYNC_TOKEN"

// ErrNoKeyring is wrapped by SaveToken's error when no OS keyring is available.
var ErrNoKeyring = secret.ErrNoKeyring

func keyringUser(dataID string) string { return "sync:" + dataID }

// LoadToken returns this data folder's device token: from the keyring, else TokenEnv; "" when
// there is none.
func LoadToken(dataID string) string {
	if t, err := secret.Get(keyringUser(dataID)); err == nil {
		if t = strings.TrimSpace(t); t != "" {
			return t
		}
	}
	return strings.TrimSpace(os.Getenv(TokenEnv))
}

// SaveToken keeps the token in the keyring. Without one, the error (wrapping ErrNoKeyring) says to
// set TokenEnv instead.
func SaveToken(dataID, token string) error {
	if err := secret.Set(keyringUser(dataID), token); err != nil {
		return &Error{Kind: KindToken, Err: err,
			Msg: i18n.T("This computer has no keyring where the sync token can be kept safely. Set the %s environment variable to the token printed below before syncing.", TokenEnv)}
	}
	return nil
}
