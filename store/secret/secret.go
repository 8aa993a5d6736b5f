// Package secret keeps the app's secrets (the OpenAI key, the sync device token) in the OS keyring
// (service "medinventory"), each call bounded by a timeout: a desktop without a running secret
// service must not hang the app. Callers fall back to an environment variable when there is none.
package secret

import (
	"errors"
	"time"

	"github.com/zalando/go-keyring"

	"medinventory/assets/i18n"
)

// Service is the keyring service every secret of the app is kept under.
const Service = "medinventory"

// Timeout bounds one keyring call.
const Timeout = 3 * time.Second

// ErrNoKeyring is wrapped by Set's and Delete's errors when no OS keyring answers.
var ErrNoKeyring = i18n.Err("no system keyring is available")

// Get reads the secret kept for user; keyring.ErrNotFound when there is none.
func Get(user string) (string, error) {
	return call(func() (string, error) { return keyring.Get(Service, user) })
}

// Set keeps value for user. Its error wraps ErrNoKeyring and the keyring's own error.
func Set(user, value string) error {
	_, err := call(func() (string, error) { return "", keyring.Set(Service, user, value) })
	if err != nil {
		return errors.Join(ErrNoKeyring, err)
	}
	return nil
}

// Delete forgets the secret kept for user (none kept is not an error). Its error wraps
// ErrNoKeyring and the keyring's own error.
func Delete(user string) error {
	_, err := call(func() (string, error) {
		if err := keyring.Delete(Service, user); err != nil && !errors.Is(err, keyring.ErrNotFound) {
			return "", err
		}
		return "", nil
	})
	if err != nil {
		return errors.Join(ErrNoKeyring, err)
	}
	return nil
}

func call(f func() (string, error)) (string, error) {
	type out struct {
		s   string
		err error
	}
	ch := make(chan out, 1)
	go func() {
		s, err := f()
		ch <- out{s, err}
	}()
	t := time.NewTimer(Timeout)
	defer t.Stop()
	select {
	case o := <-ch:
		return o.s, o.err
	case <-t.C:
		return "", errors.New("the keyring did not answer")
	}
}
