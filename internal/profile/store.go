package profile

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

var (
	// ErrNotFound: no profile has that name.
	ErrNotFound = errors.New("no such profile")
	// ErrExists: another profile already has that name.
	ErrExists = errors.New("a profile with that name already exists")
)

// Store keeps profiles in a directory: settings in profiles.toml, secrets in
// secrets.toml, both private to the user. Every change is a read-modify-write
// under a lock shared by all authwiz processes, written atomically with the
// previous version kept as a backup. A file that cannot be read is reported
// and never overwritten.
type Store struct {
	dir         string
	now         func() time.Time
	lockTimeout time.Duration
	warnings    []string
	keyring     Keyring
	probe       keyringProbe
	check       func(Profile, Secrets) error
	// defaultStorage is where new profiles keep their secrets; see
	// WithSecretStorage.
	defaultStorage string

	// mu orders this process's goroutines; the file lock orders processes.
	mu sync.RWMutex
}

// Option configures a Store.
type Option func(*Store)

// WithClock replaces the clock that stamps CreatedAt and UpdatedAt.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// WithCheck refuses to save a profile that check rejects; the command line
// uses it to keep rehearsal values out of real profiles.
func WithCheck(check func(Profile, Secrets) error) Option {
	return func(s *Store) { s.check = check }
}

// WithLockTimeout bounds every wait on a lock (default
// DefaultLockTimeout).
func WithLockTimeout(d time.Duration) Option { return func(s *Store) { s.lockTimeout = d } }

// Open opens the store in dir. It writes nothing: the directory is created
// by the first change, so listing and reading work in a directory authwiz
// may not write, or one that does not exist yet.
func Open(dir string, opts ...Option) (*Store, error) {
	s := &Store{dir: dir, now: time.Now, lockTimeout: DefaultLockTimeout}
	for _, o := range opts {
		o(s)
	}
	for _, path := range []string{dir, s.path(settingsFileName)} {
		msg, err := looseFile(path)
		if err != nil {
			return nil, fmt.Errorf("check permissions of %s: %w", path, err)
		}
		if msg != "" {
			s.warnings = append(s.warnings, msg)
		}
	}
	return s, nil
}

// Dir is the directory the store keeps its files in.
func (s *Store) Dir() string { return s.dir }

// Warnings are problems found on opening that do not stop authwiz, each with
// its fix (for example a settings file other users can read).
func (s *Store) Warnings() []string { return slices.Clone(s.warnings) }

func (s *Store) path(name string) string { return filepath.Join(s.dir, name) }

// List returns every profile, sorted by name, without secrets.
func (s *Store) List() ([]Profile, error) {
	var settings settingsFile
	err := s.read(func() (err error) {
		settings, err = s.loadSettings()
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(settings.Profiles, func(a, b Profile) int { return strings.Compare(nameKey(a.Name), nameKey(b.Name)) })
	return settings.Profiles, nil
}

// Get returns the profile called name (compared without regard to case)
// with its secrets.
func (s *Store) Get(name string) (Profile, Secrets, error) {
	var (
		p   Profile
		sec Secrets
	)
	err := s.read(func() error {
		st, err := s.load()
		if err != nil {
			return err
		}
		i := st.find(name)
		if i < 0 {
			return fmt.Errorf("profile %q: %w", name, ErrNotFound)
		}
		p = st.settings.Profiles[i]
		sec, err = s.secretsOf(&st, p)
		return err
	})
	return p, sec, err
}

// Create adds a new profile; it fails with ErrExists when the name is taken.
func (s *Store) Create(p Profile, sec Secrets) error {
	return s.write(func(st *state) error {
		if st.find(p.Name) >= 0 {
			return fmt.Errorf("create profile %q: %w", p.Name, ErrExists)
		}
		return s.put(st, -1, p, sec)
	})
}

// Save creates the profile or replaces the one with the same name.
func (s *Store) Save(p Profile, sec Secrets) error {
	return s.write(func(st *state) error {
		return s.put(st, st.find(p.Name), p, sec)
	})
}

// Update reads the profile called name, lets fn change it and its secrets,
// and writes the result, all under the exclusive lock, so concurrent
// processes never undo each other's changes. A new refresh token set by fn
// is a new grant (see stampGrant). fn may rename the profile by
// changing p.Name. When fn returns an error nothing is written; when it
// changes nothing nothing is written. fn must not call the Store.
func (s *Store) Update(name string, fn func(p *Profile, sec *Secrets) error) error {
	return s.write(func(st *state) error {
		i := st.find(name)
		if i < 0 {
			return fmt.Errorf("profile %q: %w", name, ErrNotFound)
		}
		old := st.settings.Profiles[i]
		sec, err := s.secretsOf(st, old)
		if err != nil {
			return err
		}
		p := cloneProfile(old)
		before := sec
		if err := fn(&p, &sec); err != nil {
			return err
		}
		stampGrant(before, &sec, s.now())
		p.Tokens = TokensOf(sec)
		if j := st.find(p.Name); j >= 0 && j != i {
			return fmt.Errorf("rename profile %q to %q: %w", old.Name, p.Name, ErrExists)
		}
		if same, err := sameSettings(p, old); err != nil || same {
			st.setSecrets(old, sec)
			return err
		}
		if nameKey(p.Name) != nameKey(old.Name) {
			s.moveRefreshRecords(old.Name, p.Name)
		}
		return s.put(st, i, p, sec)
	})
}

// Rename gives a profile a new name, keeping everything else.
func (s *Store) Rename(oldName, newName string) error {
	return s.Update(oldName, func(p *Profile, _ *Secrets) error {
		p.Name = newName
		return nil
	})
}

// Delete removes a profile and its secrets.
func (s *Store) Delete(name string) error {
	return s.write(func(st *state) error {
		i := st.find(name)
		if i < 0 {
			return fmt.Errorf("delete profile %q: %w", name, ErrNotFound)
		}
		st.settings.Profiles = slices.Delete(st.settings.Profiles, i, i+1)
		s.dropRefreshRecords(name)
		return nil
	})
}

// state is both files as read under the lock, plus the keyring entries an
// operation is about to write.
type state struct {
	settings    settingsFile
	secrets     secretsFile
	keyringSets map[string]Secrets
}

// setSecrets records sec as p's secrets, in the file or the keyring as p says.
func (st *state) setSecrets(p Profile, sec Secrets) {
	if p.SecretStorage == StorageKeyring {
		delete(st.secrets.Secrets, p.Name)
		if st.keyringSets == nil {
			st.keyringSets = map[string]Secrets{}
		}
		st.keyringSets[p.Name] = sec
		return
	}
	st.secrets.Secrets[p.Name] = sec
}

// usedSecrets are the file-kept secrets of the profiles that exist; entries
// left by a rename, a delete, a move to the keyring or an interrupted write
// are dropped.
func (st *state) usedSecrets() map[string]Secrets {
	used := make(map[string]Secrets, len(st.settings.Profiles))
	for _, p := range st.settings.Profiles {
		if p.SecretStorage != StorageKeyring {
			used[p.Name] = st.secrets.Secrets[p.Name]
		}
	}
	return used
}

func (st *state) find(name string) int {
	key := nameKey(name)
	return slices.IndexFunc(st.settings.Profiles, func(p Profile) bool { return nameKey(p.Name) == key })
}

// put stores p at index i (or appends it when i < 0) with its secrets,
// stamping the times and settling where the secrets are kept. The secrets of
// a renamed profile move with it when the files are written.
func (s *Store) put(st *state, i int, p Profile, sec Secrets) error {
	now := s.now().UTC().Truncate(time.Second)
	p.Type = cmp.Or(p.Type, TypeOAuth2)
	p.APIBaseURL = cmp.Or(p.APIBaseURL, DefaultAPIBaseURL)
	if s.check != nil {
		if err := s.check(p, sec); err != nil {
			return fmt.Errorf("save profile %q: %w", p.Name, err)
		}
	}
	storage, err := s.resolveStorage(p.SecretStorage)
	if err != nil {
		return fmt.Errorf("save profile %q: %w", p.Name, err)
	}
	p.SecretStorage = storage
	p.Tokens = TokensOf(sec)
	p.UpdatedAt = now
	if i < 0 {
		if p.CreatedAt.IsZero() {
			p.CreatedAt = now
		}
		st.settings.Profiles = append(st.settings.Profiles, p)
	} else {
		p.CreatedAt = st.settings.Profiles[i].CreatedAt
		if old := st.settings.Profiles[i].Name; old != p.Name {
			delete(st.secrets.Secrets, old)
		}
		st.settings.Profiles[i] = p
	}
	st.setSecrets(p, sec)
	return nil
}

func (s *Store) read(fn func() error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	unlock, err := s.lockFiles(false)
	if err != nil {
		return err
	}
	defer unlock()
	return fn()
}

// write runs change on the current state under the exclusive lock and
// writes what changed. Secrets are written before settings when they gain
// entries and pruned after, so a crash between the two writes can leave an
// unused secret behind but never a profile without its secret.
func (s *Store) write(change func(*state) error) error {
	return s.exclusive(func() error { return s.writeLocked(change, nil) })
}

// writeLocked is write for a caller holding the lock. reserved maps a
// file's path to space set aside for its next version (see writeAtomic);
// the files used are removed from it.
func (s *Store) writeLocked(change func(*state) error, reserved map[string]*os.File) error {
	removeStaleTemps(s.dir)

	st, err := s.load()
	if err != nil {
		return err
	}
	oldSettings, err := encodeSettings(st.settings.Profiles)
	if err != nil {
		return err
	}
	oldSecrets, err := encodeSecrets(st.secrets.Secrets)
	if err != nil {
		return err
	}
	kept := maps.Clone(st.secrets.Secrets)
	inKeyring := st.keyringNames()
	if err := change(&st); err != nil {
		return err
	}
	if err := s.keyringSet(st.keyringSets); err != nil {
		return err
	}

	maps.Copy(kept, st.secrets.Secrets)
	keptSecrets, err := s.writeSecrets(oldSecrets, kept, reserved)
	if err != nil {
		return err
	}
	newSettings, err := encodeSettings(st.settings.Profiles)
	if err != nil {
		return err
	}
	if !bytes.Equal(oldSettings, newSettings) {
		if err := writeAtomic(s.path(settingsFileName), newSettings, takeReserved(reserved, s.path(settingsFileName))); err != nil {
			return err
		}
	}
	if _, err = s.writeSecrets(keptSecrets, st.usedSecrets(), reserved); err != nil {
		return err
	}
	return s.keyringDelete(inKeyring, st.keyringNames())
}

// writeSecrets writes secrets unless their encoding equals current, and
// returns the encoding now on disk.
func (s *Store) writeSecrets(current []byte, secrets map[string]Secrets, reserved map[string]*os.File) ([]byte, error) {
	data, err := encodeSecrets(secrets)
	if err != nil || bytes.Equal(current, data) {
		return current, err
	}
	path := s.path(secretsFileName)
	return data, writeAtomic(path, data, takeReserved(reserved, path))
}

// takeReserved hands out the space reserved for path, once.
func takeReserved(reserved map[string]*os.File, path string) *os.File {
	f := reserved[path]
	delete(reserved, path)
	return f
}

// load reads both files; a missing file means nothing saved yet.
func (s *Store) load() (state, error) {
	settings, err := s.loadSettings()
	if err != nil {
		return state{}, err
	}
	secrets, err := s.loadSecrets()
	if err != nil {
		return state{}, err
	}
	return state{settings: settings, secrets: secrets}, nil
}

func (s *Store) loadSettings() (settingsFile, error) {
	path := s.path(settingsFileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return settingsFile{SchemaVersion: SchemaVersion}, nil
	}
	if err != nil {
		return settingsFile{}, fmt.Errorf("read %s: %w", path, err)
	}
	return parseSettings(path, data)
}

// loadSecrets refuses a secrets file other users can read: using it would
// hide the leak, and rewriting it would not undo it.
func (s *Store) loadSecrets() (secretsFile, error) {
	path := s.path(secretsFileName)
	if msg, err := looseFile(path); err != nil || msg != "" {
		if err != nil {
			return secretsFile{}, fmt.Errorf("check permissions of %s: %w", path, err)
		}
		return secretsFile{}, fmt.Errorf("refusing to use the secrets: %s. If someone else may have read it, also reset the client secret in the Atlassian Developer Console", msg)
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return secretsFile{SchemaVersion: SchemaVersion, Secrets: map[string]Secrets{}}, nil
	}
	if err != nil {
		return secretsFile{}, fmt.Errorf("read %s: %w", path, err)
	}
	return parseSecrets(path, data)
}
