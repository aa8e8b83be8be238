package profile

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/BurntSushi/toml"
)

// Where a profile's secrets are kept.
const (
	StorageFile    = "file"
	StorageKeyring = "keyring"
)

// Keyring is the OS credential store (macOS Keychain, Windows Credential
// Manager, Secret Service on Linux). Implementations must not hang: a locked
// keyring has to answer with an error in a few seconds.
type Keyring interface {
	Get(service, account string) (string, error)
	Set(service, account, secret string) error
	Delete(service, account string) error
}

// ErrNotInKeyring is what a Keyring returns for an entry it does not hold.
var ErrNotInKeyring = errors.New("not in the keyring")

// WithKeyring lets the store keep secrets in the OS keyring. Without it
// every profile keeps its secrets in secrets.toml.
func WithKeyring(k Keyring) Option { return func(s *Store) { s.keyring = k } }

// WithSecretStorage sets where new profiles keep their secrets when they
// do not say: StorageFile, StorageKeyring, or "" for the keyring when it
// works and the file otherwise.
func WithSecretStorage(storage string) Option { return func(s *Store) { s.defaultStorage = storage } }

// keyringProbeAccount is written and removed once to learn whether the
// keyring works before any real secret is trusted to it.
const keyringProbeAccount = "authwiz availability check"

type keyringProbe struct {
	once sync.Once
	err  error
}

// KeyringStatus says whether the OS keyring can be used: nil when it can,
// otherwise why not. The answer is worked out once per store.
func (s *Store) KeyringStatus() error {
	s.probe.once.Do(func() {
		if s.keyring == nil {
			s.probe.err = errors.New("the OS keyring is not in use (secrets go to the secrets file)")
			return
		}
		service := s.keyringService()
		if err := s.keyring.Set(service, keyringProbeAccount, "probe"); err != nil {
			s.probe.err = fmt.Errorf("no usable OS keyring: %w", err)
			return
		}
		s.probe.err = s.keyring.Delete(service, keyringProbeAccount)
	})
	return s.probe.err
}

// resolveStorage settles where a profile's secrets go: as asked, or, when
// nothing was asked, the keyring if it works and the file otherwise.
func (s *Store) resolveStorage(asked string) (string, error) {
	if asked == "" {
		asked = s.defaultStorage
	}
	switch asked {
	case StorageFile:
		return StorageFile, nil
	case StorageKeyring:
		if err := s.KeyringStatus(); err != nil {
			return "", fmt.Errorf("keep the secrets in the OS keyring: %w; choose the secrets file instead", err)
		}
		return StorageKeyring, nil
	case "":
		if s.KeyringStatus() == nil {
			return StorageKeyring, nil
		}
		return StorageFile, nil
	}
	return "", fmt.Errorf("unknown secret storage %q: use %q or %q", asked, StorageFile, StorageKeyring)
}

// keyringService names this store's entries; it includes the directory so
// two stores (say, real and rehearsal profiles) never share an entry.
func (s *Store) keyringService() string { return "authwiz:" + s.dir }

// secretsOf returns p's secrets from wherever they are kept.
func (s *Store) secretsOf(st *state, p Profile) (Secrets, error) {
	if p.SecretStorage != StorageKeyring {
		sec := st.secrets.Secrets[p.Name]
		return sec, st.vouch(p, sec, st.secrets.Generation, s.path(secretsFileName))
	}
	if s.keyring == nil {
		return Secrets{}, fmt.Errorf("profile %q keeps its secrets in the OS keyring, which this authwiz is not using; run it where that keyring is available", p.Name)
	}
	text, err := s.keyring.Get(s.keyringService(), p.Name)
	if errors.Is(err, ErrNotInKeyring) {
		return Secrets{}, st.vouch(p, Secrets{}, 0, "the OS keyring")
	}
	if err != nil {
		return Secrets{}, fmt.Errorf("read the secrets of %q from the OS keyring: %w", p.Name, err)
	}
	var item keyringItem
	if _, err := toml.Decode(text, &item); err != nil {
		return Secrets{}, fmt.Errorf("the OS keyring entry for %q cannot be read (%v): consent again with `%s` after re-entering the client secret with `%s`", p.Name, err, Command("login", p.Name), Command("edit", p.Name))
	}
	return item.Secrets, st.vouch(p, item.Secrets, item.Generation, "the OS keyring")
}

// keyringItem is what a keyring entry holds: the secrets, and the store
// change that wrote them, which the settings record too (see held).
// Entries written before the generation was recorded read as 0.
type keyringItem struct {
	Secrets
	Generation uint64 `toml:"generation,omitempty"`
}

func (s *Store) keyringSet(sets map[string]Secrets, gen uint64) error {
	for name, sec := range sets {
		text, err := encodeTOML("", keyringItem{Secrets: sec, Generation: gen})
		if err != nil {
			return fmt.Errorf("encode secrets: %w", err)
		}
		if err := s.keyring.Set(s.keyringService(), name, string(text)); err != nil {
			return fmt.Errorf("save the secrets of %q in the OS keyring: %w", name, err)
		}
	}
	return nil
}

// errNoKeyring: the store was opened without a keyring (WithKeyring), yet
// its files name a profile whose secrets are there.
var errNoKeyring = errors.New("this authwiz is not using the OS keyring")

// keyringDelete removes the entries of profiles that no longer keep their
// secrets in the keyring (deleted, renamed or moved to the file).
func (s *Store) keyringDelete(before, after []string) error {
	for _, name := range before {
		if slices.Contains(after, name) {
			continue
		}
		if s.keyring == nil {
			return fmt.Errorf("remove the old OS keyring entry for %q: %w", name, errNoKeyring)
		}
		if err := s.keyring.Delete(s.keyringService(), name); err != nil && !errors.Is(err, ErrNotInKeyring) {
			return fmt.Errorf("remove the old OS keyring entry for %q: %w", name, err)
		}
	}
	return nil
}

// keyringNames are the profiles whose secrets live in the keyring.
func (st *state) keyringNames() []string {
	var names []string
	for _, p := range st.settings.Profiles {
		if p.SecretStorage == StorageKeyring {
			names = append(names, p.Name)
		}
	}
	return names
}
