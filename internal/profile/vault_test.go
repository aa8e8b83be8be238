package profile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// memKeyring is an in-memory Keyring that records the entries it holds and
// can be made to fail.
type memKeyring struct {
	mu      sync.Mutex
	entries map[string]string
	fail    error
}

func newMemKeyring() *memKeyring { return &memKeyring{entries: map[string]string{}} }

func (k *memKeyring) Get(service, account string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.fail != nil {
		return "", k.fail
	}
	v, ok := k.entries[service+"|"+account]
	if !ok {
		return "", ErrNotInKeyring
	}
	return v, nil
}

func (k *memKeyring) Set(service, account, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.fail != nil {
		return k.fail
	}
	k.entries[service+"|"+account] = secret
	return nil
}

func (k *memKeyring) Delete(service, account string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.fail != nil {
		return k.fail
	}
	if _, ok := k.entries[service+"|"+account]; !ok {
		return ErrNotInKeyring
	}
	delete(k.entries, service+"|"+account)
	return nil
}

func (k *memKeyring) accounts() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []string
	for key := range k.entries {
		out = append(out, key[strings.Index(key, "|")+1:])
	}
	return out
}

func TestKeyringKeepsSecretsOutOfTheFile(t *testing.T) {
	kr := newMemKeyring()
	s, err := Open(filepath.Join(t.TempDir(), "aw"), WithKeyring(kr))
	if err != nil {
		t.Fatal(err)
	}
	p, sec := fullProfile()
	p.SecretStorage = "" // let the store choose
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	got, gotSec, err := s.Get(p.Name)
	if err != nil {
		t.Fatal(err)
	}
	if got.SecretStorage != StorageKeyring {
		t.Errorf("with a working keyring the store chooses it, got %q", got.SecretStorage)
	}
	if gotSec.RefreshToken != sec.RefreshToken || !gotSec.Expiry.Equal(sec.Expiry) {
		t.Errorf("secrets from the keyring: %v", gotSec.RefreshToken == sec.RefreshToken)
	}
	if data, _ := os.ReadFile(filepath.Join(s.Dir(), secretsFileName)); bytes.Contains(data, []byte(sec.ClientSecret)) {
		t.Errorf("a keyring profile's secret is in secrets.toml")
	}

	if err := s.Update(p.Name, func(_ *Profile, sec *Secrets) error {
		sec.RefreshToken = "rotated"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, sec2, _ := s.Get(p.Name); sec2.RefreshToken != "rotated" {
		t.Errorf("update through the keyring lost the rotation")
	}

	if err := s.Rename(p.Name, "renamed"); err != nil {
		t.Fatal(err)
	}
	if accts := kr.accounts(); len(accts) != 1 || accts[0] != "renamed" {
		t.Errorf("after rename the keyring holds %v", accts)
	}
	// Moving the profile to the file takes its secrets out of the keyring.
	if err := s.Update("renamed", func(p *Profile, _ *Secrets) error {
		p.SecretStorage = StorageFile
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if accts := kr.accounts(); len(accts) != 0 {
		t.Errorf("moved to the file, the keyring still holds %v", accts)
	}
	if _, sec3, _ := s.Get("renamed"); sec3.RefreshToken != "rotated" {
		t.Errorf("secrets lost moving to the file")
	}
	if err := s.Update("renamed", func(p *Profile, _ *Secrets) error {
		p.SecretStorage = StorageKeyring
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("renamed"); err != nil {
		t.Fatal(err)
	}
	if accts := kr.accounts(); len(accts) != 0 {
		t.Errorf("deleted, the keyring still holds %v", accts)
	}
}

func TestNoKeyringFallsBackToTheFileAndSaysWhy(t *testing.T) {
	kr := newMemKeyring()
	kr.fail = errors.New("The name org.freedesktop.secrets was not provided by any .service files")
	s, err := Open(filepath.Join(t.TempDir(), "aw"), WithKeyring(kr))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.KeyringStatus(); err == nil || !strings.Contains(err.Error(), "org.freedesktop.secrets") {
		t.Fatalf("KeyringStatus should explain: %v", err)
	}
	p, sec := fullProfile()
	p.SecretStorage = ""
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	got, gotSec, err := s.Get(p.Name)
	if err != nil || got.SecretStorage != StorageFile || gotSec.ClientSecret != sec.ClientSecret {
		t.Fatalf("fallback to the file: %q %v", got.SecretStorage, err)
	}
	p.Name, p.SecretStorage = "explicit", StorageKeyring
	if err := s.Save(p, sec); err == nil || !strings.Contains(err.Error(), "secrets file instead") {
		t.Errorf("asking for a keyring that does not work must fail plainly: %v", err)
	}
}

func TestDefaultSecretStorage(t *testing.T) {
	kr := newMemKeyring()
	s, err := Open(filepath.Join(t.TempDir(), "aw"), WithKeyring(kr), WithSecretStorage(StorageFile))
	if err != nil {
		t.Fatal(err)
	}
	p, sec := fullProfile()
	p.SecretStorage = ""
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := s.Get(p.Name); got.SecretStorage != StorageFile || len(kr.accounts()) != 0 {
		t.Errorf("asked for the file by default, got %q with keyring entries %v", got.SecretStorage, kr.accounts())
	}
}

// A keyring that does not answer stops a delete with the profile whole:
// deleted from the files alone, its secrets would stay in an entry
// nothing leads back to.
func TestDeleteKeepsAProfileWhoseKeyringDoesNotAnswer(t *testing.T) {
	s, kr, p := keyringProfileStore(t)
	kr.mu.Lock()
	kr.fail = errors.New("the Secret Service is locked")
	kr.mu.Unlock()

	err := s.Delete(p.Name)
	for _, want := range []string{"the Secret Service is locked", "Nothing was deleted", `entry "` + p.Name + `"`, "with the keyring unlocked"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("delete with the keyring not answering: want %q in %v", want, err)
		}
	}
	if list, _ := s.List(); len(list) != 1 {
		t.Fatalf("the profile was deleted from the files while its keyring entry stays: %d profiles left", len(list))
	}

	kr.mu.Lock()
	kr.fail = nil
	kr.mu.Unlock()
	if err := s.Delete(p.Name); err != nil {
		t.Fatalf("delete once the keyring answers: %v", err)
	}
	if list, _ := s.List(); len(list) != 0 || len(kr.accounts()) != 0 {
		t.Errorf("after delete: %d profiles, keyring entries %v", len(list), kr.accounts())
	}
}

// A delete that the store refuses, because the secrets file lost another
// profile's secrets, leaves the keyring entry of the profile it was to
// delete: the profile stays, so its secrets must too.
func TestRefusedDeleteKeepsTheKeyringEntry(t *testing.T) {
	kr := newMemKeyring()
	s, err := Open(filepath.Join(t.TempDir(), "aw"), WithKeyring(kr))
	if err != nil {
		t.Fatal(err)
	}
	p, sec := fullProfile()
	p.SecretStorage = StorageFile
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	kept := p
	kept.Name, kept.SecretStorage = "in the keyring", StorageKeyring
	if err := s.Save(kept, sec); err != nil {
		t.Fatal(err)
	}
	cutBack(t, filepath.Join(s.Dir(), secretsFileName))

	if err := s.Delete(kept.Name); !errors.Is(err, ErrSecretsLost) {
		t.Fatalf("delete over a secrets file that lost another profile's secrets: %v", err)
	}
	if _, got, err := s.Get(kept.Name); err != nil || got.RefreshToken != sec.RefreshToken {
		t.Fatalf("the refused delete took the profile's secrets out of the keyring: %v", err)
	}
}

// keyringProfileStore is a store with one profile whose secrets are in the
// in-memory keyring.
func keyringProfileStore(t *testing.T) (*Store, *memKeyring, Profile) {
	t.Helper()
	kr := newMemKeyring()
	s, err := Open(filepath.Join(t.TempDir(), "aw"), WithKeyring(kr))
	if err != nil {
		t.Fatal(err)
	}
	p, sec := fullProfile()
	p.SecretStorage = StorageKeyring
	if err := s.Save(p, sec); err != nil {
		t.Fatal(err)
	}
	return s, kr, p
}

// A store opened without a keyring (the rehearsal store has none) that
// finds a keyring profile in its files refuses to delete it, with the
// profile whole, instead of failing on the keyring it does not have.
func TestDeleteWithoutAKeyringKeepsAKeyringProfile(t *testing.T) {
	withKeyring, kr, p := keyringProfileStore(t)
	s, err := Open(withKeyring.Dir())
	if err != nil {
		t.Fatal(err)
	}
	err = s.Delete(p.Name)
	for _, want := range []string{"Nothing was deleted", `entry "` + p.Name + `"`, "not using the OS keyring"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("delete without a keyring: want %q in %v", want, err)
		}
	}
	if list, _ := s.List(); len(list) != 1 || len(kr.accounts()) != 1 {
		t.Fatalf("after a refused delete: %d profiles, keyring entries %v", len(list), kr.accounts())
	}
}
