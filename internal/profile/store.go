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

	"github.com/authwiz/authwiz/internal/fileacl"
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
	// readable are files others may read, made private by the next change.
	readable []string
	parsed   parsedFiles
	keyring  Keyring
	probe    keyringProbe
	check    func(Profile, Secrets) error
	// defaultStorage is where new profiles keep their secrets; see
	// WithSecretStorage.
	defaultStorage string
	// otherFiles: see WithOwnFiles.
	otherFiles []string

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

// WithOwnFiles names files (or name prefixes) that other parts of authwiz
// keep beside the store, such as the records of shared grants and the
// host key: Open checks them as it checks its own, since whoever may change
// them may change where tokens go or who may read them.
func WithOwnFiles(names ...string) Option {
	return func(s *Store) { s.otherFiles = append(s.otherFiles, names...) }
}

// Open opens the store in dir. It writes nothing: the directory is created
// by the first change, so listing and reading work in a directory authwiz
// may not write, or one that does not exist yet. A directory or file there
// that another user owns or may write is refused (*UnsafeError).
func Open(dir string, opts ...Option) (*Store, error) {
	s := &Store{dir: dir, now: time.Now, lockTimeout: DefaultLockTimeout}
	for _, o := range opts {
		o(s)
	}
	warnings, readable, err := checkPrivate(dir, s.otherFiles)
	if err != nil {
		return nil, err
	}
	s.warnings, s.readable = warnings, readable
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
		if p.Name != old.Name {
			st.dropped = append(st.dropped, renamed{From: old.Name, To: p.Name})
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

// Delete removes a profile and its secrets, from the backups too. A
// profile whose secrets were lost (see LostSecretsError) may still be
// deleted.
//
// A profile's OS keyring entry goes first, and a keyring that cannot be
// reached (or a store opened without one) stops the delete with the profile whole: deleted from the files
// alone, it would leave its client secret and refresh token in an entry
// nothing leads back to, and the entry's parts cannot be named for
// removal by hand on every platform.
func (s *Store) Delete(name string) error {
	return s.write(func(st *state) error {
		i := st.find(name)
		if i < 0 {
			return fmt.Errorf("delete profile %q: %w", name, ErrNotFound)
		}
		if p := st.settings.Profiles[i]; p.SecretStorage == StorageKeyring {
			// writeState refuses this change over a secrets file that lost
			// another profile's secrets: asked first, since the entry
			// removed cannot be put back.
			if _, err := s.fileLosses(st); err != nil {
				return err
			}
			if err := s.keyringDelete([]string{p.Name}, nil); err != nil {
				return fmt.Errorf("delete profile %q: its secrets are in the OS keyring (entry %q of %q), which could not be used: %w. Nothing was deleted: "+
					"run this again where that keyring answers, in the desktop session that made the profile, with the keyring unlocked",
					p.Name, p.Name, s.keyringService(), errors.Unwrap(err))
			}
		}
		st.dropped = append(st.dropped, renamed{From: st.settings.Profiles[i].Name})
		st.settings.Profiles = slices.Delete(st.settings.Profiles, i, i+1)
		return nil
	})
}

// state is both files as read under the lock, plus the keyring entries an
// operation is about to write.
type state struct {
	settings    settingsFile
	secrets     secretsFile
	keyringSets map[string]Secrets
	// dropped are the profiles the change deletes or renames: the user
	// asked for their old names to go, from the backups too.
	dropped []renamed
}

// renamed is a profile renamed From one name To another, or deleted when
// To is empty.
type renamed struct{ From, To string }

// deletes reports whether the change deletes the profile whose nameKey is
// key.
func (st *state) deletes(key string) bool {
	return slices.ContainsFunc(st.dropped, func(d renamed) bool { return d.To == "" && nameKey(d.From) == key })
}

// afterWrite carries what a delete or rename means beyond the two files,
// once they are written: the refresh journal follows a renamed profile,
// and backups forget a deleted profile's secrets.
func (s *Store) afterWrite(dropped []renamed) error {
	for _, d := range dropped {
		if d.To == "" {
			s.dropRefreshRecords(d.From)
		} else if nameKey(d.From) != nameKey(d.To) {
			s.moveRefreshRecords(d.From, d.To)
		}
	}
	return s.scrubBackups(dropped)
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
	return s.writeState(st, change, reserved, true)
}

// writeState applies change to st, as read from the files, and writes what
// changed, stamped with a new generation. With vouched set it refuses to
// write over a secrets file that lost what the settings vouch for — unless
// the change deletes every profile concerned — because the write would
// push the last good copy out of the backups.
func (s *Store) writeState(st state, change func(*state) error, reserved map[string]*os.File, vouched bool) error {
	var (
		lost    map[string]bool
		lossErr error
	)
	if vouched {
		lost, lossErr = s.fileLosses(&st)
	}
	oldSettings, oldSecrets, err := st.encodedContent()
	if err != nil {
		return err
	}
	kept := maps.Clone(st.secrets.Secrets)
	inKeyring := st.keyringNames()
	if err := change(&st); err != nil {
		return err
	}
	for name := range lost {
		if !st.deletes(name) {
			return lossErr
		}
	}
	newSettings, newSecrets, err := st.encodedContent()
	if err != nil {
		return err
	}
	if bytes.Equal(oldSettings, newSettings) && bytes.Equal(oldSecrets, newSecrets) && len(st.keyringSets) == 0 {
		return nil
	}
	// secrets.toml is rewritten only when its content changes: a refresh
	// of a keyring profile has reserved no space for it.
	secretsChanged := !bytes.Equal(oldSecrets, newSecrets)
	gen := st.nextGeneration()
	st.stamp(gen, secretsChanged)
	if err := s.keyringSet(st.keyringSets, gen); err != nil {
		return err
	}
	if secretsChanged {
		maps.Copy(kept, st.secrets.Secrets)
		if err := s.writeFile(secretsFileName, secretsFile{Generation: gen, Secrets: kept}, st.dropped, reserved); err != nil {
			return err
		}
	}
	if err := s.writeFile(settingsFileName, st.settings, st.dropped, reserved); err != nil {
		return err
	}
	if used := st.usedSecrets(); secretsChanged && !maps.EqualFunc(used, kept, sameSecrets) {
		// The pruned secrets replace the superset just written, which is
		// kept in no backup: it is only a step between two versions.
		data, err := encodeSecrets(secretsFile{Generation: gen, Secrets: used})
		if err == nil {
			err = replaceWith(s.path(secretsFileName), data)
		}
		if err != nil {
			return err
		}
	}
	if err := s.afterWrite(st.dropped); err != nil {
		return err
	}
	return s.keyringDelete(inKeyring, st.keyringNames())
}

// sameSecrets is Secrets.Equal, and what is remembered of a failed
// refresh alike too: everything secrets.toml holds.
func sameSecrets(a, b Secrets) bool {
	return a.Equal(b) && a.RefreshFailure == b.RefreshFailure && a.RefreshFailedAt.Equal(b.RefreshFailedAt)
}

// encodedContent is what the files would hold, apart from the generation
// stamps: equal before and after a change when it changed nothing.
func (st *state) encodedContent() (settings, secrets []byte, err error) {
	if settings, err = encodeSettings(settingsFile{Profiles: st.settings.Profiles}); err != nil {
		return nil, nil, err
	}
	secrets, err = encodeSecrets(secretsFile{Secrets: st.usedSecrets()})
	return settings, secrets, err
}

// writeFile encodes f (a settingsFile or secretsFile) and writes it
// atomically as the file called name, keeping backups (see keepBackup).
func (s *Store) writeFile(name string, f any, dropped []renamed, reserved map[string]*os.File) error {
	var (
		data []byte
		err  error
	)
	switch f := f.(type) {
	case settingsFile:
		data, err = encodeSettings(f)
	case secretsFile:
		data, err = encodeSecrets(f)
	}
	if err != nil {
		return err
	}
	path := s.path(name)
	return writeAtomic(path, data, takeReserved(reserved, path), dropped)
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
	return parse(&s.parsed, path, data, parseSettings)
}

// loadSecrets refuses a secrets file other users can read: using it would
// hide the leak, and rewriting it would not undo it.
func (s *Store) loadSecrets() (secretsFile, error) {
	path := s.path(secretsFileName)
	if msg, err := fileacl.ReadableByOthers(path); err != nil || msg != "" {
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
	return parse(&s.parsed, path, data, parseSecrets)
}
