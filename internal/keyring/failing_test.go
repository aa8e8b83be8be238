package keyring

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authwiz/authwiz/internal/profile"
)

// Helpers for the tests of a keyring that fails, the in-memory one and the
// real Secret Service alike.

func getSecrets(t *testing.T, store *profile.Store) profile.Secrets {
	t.Helper()
	p, sec, err := store.Get(profileName)
	if err != nil {
		t.Fatal(err)
	}
	if p.SecretStorage != profile.StorageKeyring {
		t.Fatalf("secrets kept in %q, want the keyring", p.SecretStorage)
	}
	return sec
}

// assertFailsInTime runs fn, which must fail within a deadline with an
// error containing each of words.
func assertFailsInTime(t *testing.T, what string, fn func() error, words ...string) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatalf("%s succeeded", what)
		}
		for _, w := range words {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: the error should say %q: %v", what, w, err)
			}
		}
	case <-time.After(3 * DefaultTimeout):
		t.Fatalf("%s hung", what)
	}
}

// savedBeforeFailure saves the profile in store, whose files are in dir,
// before its keyring fails; it returns the secrets saved and a check that
// the files still hold what they hold now (see unchangedFiles).
func savedBeforeFailure(t *testing.T, store *profile.Store, dir string) (profile.Secrets, func()) {
	t.Helper()
	want := tokensNumbered(1)
	if err := store.Save(profile.Profile{Name: profileName}, want); err != nil {
		t.Fatal(err)
	}
	return want, unchangedFiles(t, dir)
}

// unchangedFiles returns a check that the store's files still hold what
// they hold now.
func unchangedFiles(t *testing.T, dir string) func() {
	t.Helper()
	read := func() map[string]string {
		files := map[string]string{}
		for _, name := range []string{"profiles.toml", "secrets.toml"} {
			data, _ := os.ReadFile(filepath.Join(dir, name))
			files[name] = string(data)
		}
		return files
	}
	before := read()
	return func() {
		t.Helper()
		for name, data := range read() {
			if data != before[name] {
				t.Errorf("%s changed although the keyring failed", name)
			}
		}
	}
}

func refresh(store *profile.Store) func() error {
	return func() error { return store.Update(profileName, rotate) }
}
