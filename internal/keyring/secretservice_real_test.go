//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package keyring

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	dbus "github.com/godbus/dbus/v5"

	"github.com/authwiz/authwiz/internal/profile"
)

// keyringPasswordVar holds the password of the throwaway session's login
// keyring, which the lock tests need to unlock it again.
const keyringPasswordVar = "AUTHWIZ_TEST_KEYRING_PASSWORD"

// needSecretService skips (or, when required, fails) unless the tests may
// use a working Secret Service; see realKeyringVar.
func needSecretService(t *testing.T) {
	t.Helper()
	if os.Getenv(realKeyringVar) == "" {
		t.Skipf("this test writes to, locks and unlocks the session's real Secret Service keyring; run it in a throwaway session with %s=1, as .ci/run does", realKeyringVar)
	}
	if err := systemUsable(); err != nil {
		failOrSkipWithoutSecretService(t, "no Secret Service to test against: "+err.Error())
	}
}

// secretService talks to the Secret Service directly, to see and do what
// authwiz cannot: count entries, lock and unlock the collection.
type secretService struct {
	t    *testing.T
	conn *dbus.Conn
	obj  dbus.BusObject
}

func openSecretService(t *testing.T) *secretService {
	t.Helper()
	conn, err := dbus.Connect(os.Getenv(busAddressVar))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &secretService{t: t, conn: conn, obj: conn.Object(secretServiceName, "/org/freedesktop/secrets")}
}

func (s *secretService) call(obj dbus.BusObject, method string, args ...any) *dbus.Call {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return obj.CallWithContext(ctx, method, 0, args...)
}

// entries lists the items authwiz keeps for service, locked or not.
func (s *secretService) entries(service string) []dbus.ObjectPath {
	s.t.Helper()
	var unlocked, locked []dbus.ObjectPath
	err := s.call(s.obj, "org.freedesktop.Secret.Service.SearchItems", map[string]string{"service": service}).Store(&unlocked, &locked)
	if err != nil {
		s.t.Fatal(err)
	}
	return append(unlocked, locked...)
}

// removeAll deletes what a test left under service.
func (s *secretService) removeAll(service string) {
	for _, item := range s.entries(service) {
		var prompt dbus.ObjectPath
		_ = s.call(s.conn.Object(secretServiceName, item), "org.freedesktop.Secret.Item.Delete").Store(&prompt)
	}
}

// collection is the one go-keyring uses: "login" when there is one.
func (s *secretService) collection() dbus.ObjectPath {
	s.t.Helper()
	v, err := s.obj.GetProperty("org.freedesktop.Secret.Service.Collections")
	if err != nil {
		s.t.Fatal(err)
	}
	login := dbus.ObjectPath("/org/freedesktop/secrets/collection/login")
	if paths, _ := v.Value().([]dbus.ObjectPath); slices.Contains(paths, login) {
		return login
	}
	var path dbus.ObjectPath
	if err := s.call(s.obj, "org.freedesktop.Secret.Service.ReadAlias", "default").Store(&path); err != nil {
		s.t.Fatal(err)
	}
	return path
}

func (s *secretService) lock() {
	s.t.Helper()
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	if err := s.call(s.obj, "org.freedesktop.Secret.Service.Lock", []dbus.ObjectPath{s.collection()}).Store(&locked, &prompt); err != nil {
		s.t.Fatal(err)
	}
	if len(locked) != 1 {
		s.t.Fatalf("locking the collection needs a prompt (%s); this test needs GNOME Keyring", prompt)
	}
}

// unlock unlocks the collection with its password, without a prompt,
// through GNOME Keyring's own interface for that.
func (s *secretService) unlock(password string) {
	s.t.Helper()
	var ignored dbus.Variant
	var session dbus.ObjectPath
	if err := s.call(s.obj, "org.freedesktop.Secret.Service.OpenSession", "plain", dbus.MakeVariant("")).Store(&ignored, &session); err != nil {
		s.t.Fatal(err)
	}
	secret := struct {
		Session     dbus.ObjectPath
		Parameters  []byte
		Value       []byte
		ContentType string
	}{session, []byte{}, []byte(password), "text/plain"}
	if err := s.call(s.obj, "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface.UnlockWithMasterPassword", s.collection(), secret).Err; err != nil {
		s.t.Fatalf("unlock the collection again: %v", err)
	}
}

// keyringStore opens a store in a new directory that keeps its secrets in
// the real keyring, and removes its entries afterwards.
func keyringStore(t *testing.T, ss *secretService) (*profile.Store, string) {
	t.Helper()
	dir := t.TempDir()
	store, err := profile.Open(dir, profile.WithKeyring(System()), profile.WithSecretStorage(profile.StorageKeyring))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.removeAll(serviceOf(dir)) })
	return store, dir
}

// serviceOf is the service name the store in dir files its entries under.
func serviceOf(dir string) string { return "authwiz:" + dir }

func TestRealKeyringSavesAndReadsLargeSecrets(t *testing.T) {
	needSecretService(t)
	ss := openSecretService(t)
	store, dir := keyringStore(t, ss)
	want := tokensNumbered(1)
	if err := store.Save(profile.Profile{Name: profileName}, want); err != nil {
		t.Fatal(err)
	}
	if got := getSecrets(t, store); !got.Equal(want) {
		t.Fatal("the secrets read back differ from those saved")
	}
	if n := len(ss.entries(serviceOf(dir))); n < 3 {
		t.Errorf("%d-byte access token kept in %d entries, want a head and several parts", len(want.AccessToken), n)
	}
	for _, name := range []string{"profiles.toml", "secrets.toml"} {
		data, _ := os.ReadFile(filepath.Join(dir, name))
		if strings.Contains(string(data), want.RefreshToken) || strings.Contains(string(data), want.ClientSecret) {
			t.Errorf("%s holds a secret kept in the keyring", name)
		}
	}

	// Another process, as a later `authwiz token` would be.
	reopened, err := profile.Open(dir, profile.WithKeyring(System()))
	if err != nil {
		t.Fatal(err)
	}
	if got := getSecrets(t, reopened); !got.Equal(want) {
		t.Fatal("a second store reads different secrets")
	}

	small := profile.Secrets{ClientSecret: "ATOA-client-secret", RefreshToken: "rt-small"}
	if err := store.Update(profileName, func(_ *profile.Profile, sec *profile.Secrets) error { *sec = small; return nil }); err != nil {
		t.Fatal(err)
	}
	if n := len(ss.entries(serviceOf(dir))); n != 2 {
		t.Errorf("after a small value %d entries are left, want the head and one part", n)
	}
	if err := store.Delete(profileName); err != nil {
		t.Fatal(err)
	}
	if left := ss.entries(serviceOf(dir)); len(left) != 0 {
		t.Errorf("delete left %d entries in the keyring", len(left))
	}
}

func TestRealKeyringConcurrentRefreshesFromSeveralProcesses(t *testing.T) {
	needSecretService(t)
	ss := openSecretService(t)
	store, dir := keyringStore(t, ss)
	if err := store.Save(profile.Profile{Name: profileName}, tokensNumbered(0)); err != nil {
		t.Fatal(err)
	}
	const processes = 4
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	errs := make(chan error, processes)
	for range processes {
		go func() {
			out, err := child(ctx, childRefreshes, dir).CombinedOutput()
			if err != nil {
				err = errors.New(err.Error() + ": " + string(out))
			}
			errs <- err
		}()
	}
	for range processes {
		if err := <-errs; err != nil {
			t.Errorf("a refreshing process failed: %v", err)
		}
	}
	want := tokensNumbered(processes * refreshesPerChild)
	if got := getSecrets(t, store); !got.Equal(want) {
		t.Errorf("after %d refreshes the saved refresh token is %q, want %q: a refresh was lost", processes*refreshesPerChild, got.RefreshToken, want.RefreshToken)
	}
	parts := len(split(encodeForCount(t, store), chunkSize))
	if n := len(ss.entries(serviceOf(dir))); n != 1+parts {
		t.Errorf("%d entries in the keyring, want the head and %d parts: old parts were left behind", n, parts)
	}
}

// encodeForCount is the saved value of the profile's keyring entry, read
// back through a keyring, to know how many parts it needs.
func encodeForCount(t *testing.T, store *profile.Store) string {
	t.Helper()
	v, err := System().Get(serviceOf(store.Dir()), profileName)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestRealKeyringThatBecomesLocked(t *testing.T) {
	needSecretService(t)
	password := os.Getenv(keyringPasswordVar)
	if password == "" {
		failOrSkipWithoutSecretService(t, keyringPasswordVar+" is not set, so the keyring could not be unlocked again")
	}
	ss := openSecretService(t)
	store, dir := keyringStore(t, ss)
	want, filesUnchanged := savedBeforeFailure(t, store, dir)

	ss.lock()
	unlocked := false
	defer func() {
		if !unlocked {
			ss.unlock(password)
		}
	}()
	assertFailsInTime(t, "a refresh", refresh(store), systemName, "locked", "unlock it")
	assertFailsInTime(t, "a read", func() error { _, _, err := store.Get(profileName); return err }, systemName, "locked")
	assertFailsInTime(t, "a new profile", func() error {
		return store.Save(profile.Profile{Name: "another"}, tokensNumbered(0))
	}, systemName, "locked")
	filesUnchanged()

	ss.unlock(password)
	unlocked = true
	if got := getSecrets(t, store); !got.Equal(want) {
		t.Fatal("the secrets saved before the keyring was locked are gone")
	}
}

// dropSessionBus closes the connection go-keyring shares and points the
// session bus address at address, as if the bus went away (the desktop
// session ended, the daemon died) or hung. It returns a func that points
// it back at the real bus.
func dropSessionBus(t *testing.T, address string) (back func()) {
	t.Helper()
	real := os.Getenv(busAddressVar)
	shared, err := dbus.SessionBus()
	if err != nil {
		t.Fatal(err)
	}
	shared.Close()
	t.Setenv(busAddressVar, address)
	return func() { os.Setenv(busAddressVar, real) }
}

func TestRealKeyringThatBecomesUnavailable(t *testing.T) {
	cases := map[string]func(*testing.T) (address string, stop func()){
		"bus gone": func(t *testing.T) (string, func()) {
			return "unix:path=" + filepath.Join(t.TempDir(), "gone"), func() {}
		},
		"bus hung": silentBus,
	}
	for name, bus := range cases {
		t.Run(name, func(t *testing.T) {
			needSecretService(t)
			ss := openSecretService(t)
			dir := t.TempDir()
			t.Cleanup(func() { ss.removeAll(serviceOf(dir)) })
			store, err := profile.Open(dir, profile.WithKeyring(newSystem(time.Second)), profile.WithSecretStorage(profile.StorageKeyring))
			if err != nil {
				t.Fatal(err)
			}
			want, filesUnchanged := savedBeforeFailure(t, store, dir)

			address, stop := bus(t)
			back := dropSessionBus(t, address)
			assertFailsInTime(t, "a refresh", refresh(store), systemName)
			assertFailsInTime(t, "a read", func() error { _, _, err := store.Get(profileName); return err }, systemName)
			filesUnchanged()

			back()
			stop() // a connection stuck on the hung bus lets go
			if got := getSecrets(t, store); !got.Equal(want) {
				t.Fatal("the secrets saved before the keyring went away are gone")
			}
		})
	}
}
