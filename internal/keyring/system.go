package keyring

import (
	"errors"
	"fmt"
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

// systemBackend is go-keyring, with errors that name the store.
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

// systemError names the store in go-keyring's errors, which on their own
// ("exit status 36", a D-Bus error name) do not say what failed.
func systemError(err error) error {
	switch {
	case err == nil, errors.Is(err, gokeyring.ErrNotFound):
		return err
	case isLocked(err):
		return fmt.Errorf("%s is locked: unlock it and try again, or keep the secrets in the file with --secrets file", systemName)
	}
	return fmt.Errorf("%s: %w", systemName, err)
}
