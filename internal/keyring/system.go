package keyring

import (
	"errors"
	"time"

	gokeyring "github.com/zalando/go-keyring"
)

// System is the OS keyring: the macOS Keychain, the Windows Credential
// Manager, or the Secret Service on Linux and the BSDs.
func System() *Keyring { return newSystem(DefaultTimeout) }

func newSystem(timeout time.Duration) *Keyring {
	k := New(systemBackend{}, timeout)
	k.name = systemName
	k.usable = systemUsable
	return k
}

// systemBackend is go-keyring, with a locked store recognised (see
// systemError); Keyring.call names the store in its errors.
type systemBackend struct{}

func (systemBackend) Get(service, account string) (string, error) {
	v, err := gokeyring.Get(service, account)
	return v, systemError(err)
}

func (systemBackend) Set(service, account, secret string) error {
	return systemError(gokeyring.Set(service, account, secret))
}

func (systemBackend) Delete(service, account string) error {
	return systemError(gokeyring.Delete(service, account))
}

// systemError recognises a locked store in go-keyring's errors, which
// say so in a different way on each platform; Keyring.call names the store
// in every error.
func systemError(err error) error {
	if err != nil && !errors.Is(err, gokeyring.ErrNotFound) && isLocked(err) {
		return errLocked
	}
	return err
}
