package keyring

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	gokeyring "github.com/zalando/go-keyring"

	"github.com/authwiz/authwiz/internal/profile"
)

// limitedBackend refuses values over max bytes, like Windows' Credential
// Manager, and can be told to fail after a number of writes.
type limitedBackend struct {
	mu         sync.Mutex
	entries    map[string]string
	max        int
	failAfterN int // 0: never
	sets       int
	// down, when set, is what every call fails with: a keyring that was
	// locked or went away.
	down error
}

func newLimited(max int) *limitedBackend {
	return &limitedBackend{entries: map[string]string{}, max: max}
}

func (b *limitedBackend) Get(service, account string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.down != nil {
		return "", b.down
	}
	v, ok := b.entries[service+"|"+account]
	if !ok {
		return "", gokeyring.ErrNotFound
	}
	return v, nil
}

func (b *limitedBackend) Set(service, account, secret string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sets++
	if b.down != nil {
		return b.down
	}
	if b.failAfterN > 0 && b.sets > b.failAfterN {
		return errors.New("interrupted")
	}
	if len(secret) > b.max {
		return gokeyring.ErrSetDataTooBig
	}
	b.entries[service+"|"+account] = secret
	return nil
}

func (b *limitedBackend) Delete(service, account string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.down != nil {
		return b.down
	}
	if _, ok := b.entries[service+"|"+account]; !ok {
		return gokeyring.ErrNotFound
	}
	delete(b.entries, service+"|"+account)
	return nil
}

func TestLargeValuesAreSplitAndJoined(t *testing.T) {
	backend := newLimited(2560)
	k := New(backend, time.Second)
	big := strings.Repeat("eyJhbGciOiJSUzI1NiJ9.", 400) + "é" // ~8 KB, like a long JWT pair
	if err := k.Set("svc", "prod", big); err != nil {
		t.Fatal(err)
	}
	got, err := k.Get("svc", "prod")
	if err != nil || got != big {
		t.Fatalf("round trip of %d bytes: equal=%v err=%v", len(big), got == big, err)
	}
	if err := k.Set("svc", "prod", "small"); err != nil {
		t.Fatal(err)
	}
	if got, _ := k.Get("svc", "prod"); got != "small" {
		t.Errorf("replacement: %q", got)
	}
	if n := len(backend.entries); n != 2 {
		t.Errorf("old chunks must be removed: %d entries left, want head + 1 chunk", n)
	}
	if err := k.Delete("svc", "prod"); err != nil {
		t.Fatal(err)
	}
	if len(backend.entries) != 0 {
		t.Errorf("delete leaves %v", backend.entries)
	}
	if _, err := k.Get("svc", "prod"); !errors.Is(err, profile.ErrNotInKeyring) {
		t.Errorf("missing entry: %v", err)
	}
}

func TestInterruptedSetKeepsTheOldValue(t *testing.T) {
	backend := newLimited(2560)
	k := New(backend, time.Second)
	old := strings.Repeat("a", 5000)
	if err := k.Set("svc", "prod", old); err != nil {
		t.Fatal(err)
	}
	backend.failAfterN = backend.sets + 2 // two new chunks land, then the store fails
	if err := k.Set("svc", "prod", strings.Repeat("b", 5000)); err == nil {
		t.Fatal("the interrupted write should fail")
	}
	if got, err := k.Get("svc", "prod"); err != nil || got != old {
		t.Fatalf("after an interrupted write the old value must read back whole: err=%v", err)
	}
}

type hangingBackend struct{ release chan struct{} }

func (h hangingBackend) Get(string, string) (string, error) { <-h.release; return "", nil }
func (h hangingBackend) Set(string, string, string) error   { <-h.release; return nil }
func (h hangingBackend) Delete(string, string) error        { <-h.release; return nil }

func TestALockedKeyringCannotHang(t *testing.T) {
	h := hangingBackend{release: make(chan struct{})}
	defer close(h.release)
	k := New(h, 20*time.Millisecond)
	err := k.Set("svc", "prod", "x")
	if err == nil || !strings.Contains(err.Error(), "did not answer") || !strings.Contains(err.Error(), "--secrets file") {
		t.Fatalf("want a timeout that says what to do, got %v", err)
	}
}

func TestErrorsNameTheKeyring(t *testing.T) {
	backend := newLimited(2560)
	k := New(backend, time.Second)
	k.name = "the test keyring"
	if _, err := k.Get("svc", "prod"); !errors.Is(err, profile.ErrNotInKeyring) {
		t.Errorf("a missing entry must stay recognisable: %v", err)
	}
	cause := errors.New("exit status 36")
	backend.down = cause
	if _, err := k.Get("svc", "prod"); !errors.Is(err, cause) || !strings.Contains(err.Error(), "the test keyring: exit status 36") {
		t.Errorf("want the keyring named and the cause kept, got %v", err)
	}
	backend.down = errLocked
	if err := k.Set("svc", "prod", "v"); err == nil || !strings.Contains(err.Error(), "the test keyring is locked") || !strings.Contains(err.Error(), "--secrets file") {
		t.Errorf("want a locked keyring said plainly, got %v", err)
	}
}

func TestUnusableSystemKeyringIsNeverCalled(t *testing.T) {
	why := errors.New("the Secret Service keyring cannot be used: no bus")
	k := newSystem(time.Second)
	k.backend = hangingBackend{} // a call would end in a timeout, not in why
	k.usable = func() error { return why }
	if _, err := k.Get("svc", "prod"); !errors.Is(err, why) {
		t.Errorf("Get: %v", err)
	}
	if err := k.Set("svc", "prod", "v"); !errors.Is(err, why) {
		t.Errorf("Set: %v", err)
	}
	if err := k.Delete("svc", "prod"); !errors.Is(err, why) {
		t.Errorf("Delete: %v", err)
	}
}

func TestStoreUsesTheKeyring(t *testing.T) {
	backend := newLimited(2560)
	s, err := profile.Open(t.TempDir(), profile.WithKeyring(New(backend, time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	sec := profile.Secrets{ClientSecret: "ATOA" + strings.Repeat("x", 72), AccessToken: strings.Repeat("t", 3000), RefreshToken: strings.Repeat("r", 1500)}
	if err := s.Save(profile.Profile{Name: "prod"}, sec); err != nil {
		t.Fatal(err)
	}
	p, got, err := s.Get("prod")
	if err != nil || p.SecretStorage != profile.StorageKeyring || got.AccessToken != sec.AccessToken {
		t.Fatalf("storage %q err %v", p.SecretStorage, err)
	}
}

// A keyring that is locked or goes away after the secrets were saved: every
// use of the profile fails with an error naming the keyring, the files are
// left alone, and the secrets are all there once it is back.
func TestKeyringThatFailsLosesNothing(t *testing.T) {
	for name, down := range map[string]error{
		"locked":      errors.New("the collection is locked"),
		"unavailable": errors.New("connection refused"),
	} {
		t.Run(name, func(t *testing.T) {
			backend := newLimited(2560)
			k := New(backend, time.Second)
			k.name = "the test keyring"
			dir := t.TempDir()
			store, err := profile.Open(dir, profile.WithKeyring(k), profile.WithSecretStorage(profile.StorageKeyring))
			if err != nil {
				t.Fatal(err)
			}
			want, filesUnchanged := savedBeforeFailure(t, store, dir)

			backend.mu.Lock()
			backend.down = down
			backend.mu.Unlock()
			assertFailsInTime(t, "a refresh", refresh(store), "the test keyring", down.Error())
			assertFailsInTime(t, "a read", func() error { _, _, err := store.Get(profileName); return err }, "the test keyring", down.Error())
			assertFailsInTime(t, "a new profile", func() error {
				return store.Save(profile.Profile{Name: "another"}, tokensNumbered(0))
			}, "the test keyring")
			filesUnchanged()

			backend.mu.Lock()
			backend.down = nil
			backend.mu.Unlock()
			if got := getSecrets(t, store); !got.Equal(want) {
				t.Fatal("the secrets saved before the keyring failed are gone")
			}
		})
	}
}
