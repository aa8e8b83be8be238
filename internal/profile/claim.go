package profile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// claim is the file store's GrantClaim: the profile's lock in the refresh
// directory, held across the refresh; the directory-wide lock is taken
// only for the short reads and writes inside it.
type claim struct {
	store  *Store
	recs   refreshRecords
	grant  Grant
	since  time.Time
	unlock func()
	once   sync.Once
	// reserved maps a file's path to the space set aside for its next
	// version (the settings, the secrets file, the kept answer).
	reserved map[string]*os.File
}

// ClaimGrant takes the right to refresh the profile called name, waiting
// (at most the lock timeout, and no longer than ctx allows) while another
// process refreshes it. Reads never wait for a claim, and claims of other
// profiles never wait for each other.
func (s *Store) ClaimGrant(ctx context.Context, name string) (GrantClaim, error) {
	p, err := s.settingsOf(name)
	if err != nil {
		return nil, err
	}
	recs := s.refreshRecords(p.Name)
	if err := os.MkdirAll(recs.dir, privateDir); err != nil {
		return nil, &CannotSaveError{Dir: s.dir, Err: err}
	}
	lock := fileLock{path: recs.lockPath(), what: fmt.Sprintf("the tokens of profile %q", p.Name), timeout: s.lockTimeout}
	unlock, err := lock.acquire(ctx, true)
	if err != nil {
		if cannotWrite(err) {
			return nil, &CannotSaveError{Dir: s.dir, Err: err}
		}
		return nil, err
	}
	recs.removeLeftovers()
	g, err := s.ReadGrant(ctx, p.Name)
	if err != nil {
		unlock()
		return nil, err
	}
	if g.Pending == nil {
		recs.clear()
	}
	c := &claim{store: s, recs: recs, grant: g, unlock: unlock, reserved: map[string]*os.File{}}
	if g.Pending != nil {
		c.since = g.Pending.Since
	}
	return c, nil
}

func (c *claim) Grant() Grant { return c.grant }

func (c *claim) Begin(at time.Time) error {
	s, sec := c.store, c.grant.Secrets
	if err := s.checkSecretsFile(); err != nil {
		return err
	}
	tokens := tokenGrowthFactor * (len(sec.AccessToken) + len(sec.RefreshToken))
	type space struct {
		target, name string
		size         int
	}
	spaces := []space{
		{s.path(settingsFileName), settingsFileName, fileSize(s.path(settingsFileName)) + reserveSlack},
		{c.recs.answerPath(), "answer", tokens + reserveSlack},
	}
	if c.grant.Profile.SecretStorage != StorageKeyring {
		spaces = append(spaces, space{s.path(secretsFileName), secretsFileName, fileSize(s.path(secretsFileName)) + tokens + reserveSlack})
	}
	for _, sp := range spaces {
		f, err := reserve(c.recs.path("."+sp.name+reserveSuffix), sp.size)
		if err != nil {
			c.dropReserved()
			return &CannotSaveError{Dir: s.dir, Err: err}
		}
		c.reserved[sp.target] = f
	}
	since := at.UTC()
	if c.grant.Pending != nil && !c.grant.Pending.Since.IsZero() {
		since = c.grant.Pending.Since
	}
	err := c.recs.writeJournal(journalEntry{Profile: c.grant.Profile.Name, Generation: generation(sec.RefreshToken), Since: since})
	if err != nil {
		c.dropReserved()
		return &CannotSaveError{Dir: s.dir, Err: err}
	}
	c.since = since
	return nil
}

func (c *claim) Commit(o Outcome) (Grant, error) {
	var (
		keptIn  string
		keepErr error
	)
	if o.Refreshed != nil {
		keptIn, keepErr = c.recs.keep(generation(c.grant.Secrets.RefreshToken), *o.Refreshed, takeReserved(c.reserved, c.recs.answerPath()))
	}
	saved, err := c.save(o)
	switch {
	case errors.Is(err, ErrSuperseded):
		c.recs.clear()
		return Grant{}, err
	case err != nil && o.Refreshed != nil:
		return Grant{}, &NotSavedError{Err: err, KeptIn: keptIn, KeepErr: keepErr, Since: c.since}
	case err != nil:
		return Grant{}, err
	}
	// Once a refresh is saved the entry is about a spent token and means
	// nothing; otherwise it must go, or the next call would think the
	// refresh token spent.
	if err := c.recs.clear(); err != nil && o.Refreshed == nil {
		return Grant{}, err
	}
	c.grant = saved
	return saved, nil
}

// save writes the outcome under the directory lock, onto the grant that
// was claimed: found by its name or, renamed meanwhile, by its refresh
// token. A grant replaced meanwhile is left alone.
func (c *claim) save(o Outcome) (Grant, error) {
	if o.Refreshed == nil && o.Failure == "" {
		return c.grant, nil
	}
	s := c.store
	var saved Grant
	err := s.exclusive(func() error {
		return s.writeLocked(func(st *state) error {
			i, sec, err := s.findGeneration(st, c.grant.Profile.Name, generation(c.grant.Secrets.RefreshToken))
			if err != nil {
				return err
			}
			if o.Refreshed != nil {
				o.Refreshed.apply(&sec)
			} else {
				sec.RefreshFailure, sec.RefreshFailedAt = o.Failure, o.FailedAt.UTC()
			}
			// Only the tokens change: the checks a save of settings passes
			// (WithCheck) have no say, or a rule added since the profile
			// was saved could refuse an answer the server already gave.
			p := cloneProfile(st.settings.Profiles[i])
			p.Tokens = TokensOf(sec)
			p.UpdatedAt = s.now().UTC().Truncate(time.Second)
			st.settings.Profiles[i] = p
			st.setSecrets(p, sec)
			saved = Grant{Profile: p, Secrets: sec}
			return nil
		}, c.reserved)
	})
	return saved, err
}

// findGeneration finds the profile holding the refresh token of gen:
// the one called name, or any other it was renamed to.
func (s *Store) findGeneration(st *state, name, gen string) (int, Secrets, error) {
	order := []int{st.find(name)}
	for i := range st.settings.Profiles {
		order = append(order, i)
	}
	for _, i := range order {
		if i < 0 {
			continue
		}
		sec, err := s.secretsOf(st, st.settings.Profiles[i])
		if err != nil {
			return 0, Secrets{}, err
		}
		if generation(sec.RefreshToken) == gen {
			return i, sec, nil
		}
	}
	return 0, Secrets{}, fmt.Errorf("profile %q: %w", name, ErrSuperseded)
}

func (c *claim) Release() {
	c.once.Do(func() {
		c.dropReserved()
		c.unlock()
	})
}

func (c *claim) dropReserved() {
	for path, f := range c.reserved {
		f.Close()
		os.Remove(f.Name())
		delete(c.reserved, path)
	}
}

// settingsOf is the profile called name without its secrets, which may
// take a keyring call to read.
func (s *Store) settingsOf(name string) (Profile, error) {
	list, err := s.List()
	if err != nil {
		return Profile{}, err
	}
	key := nameKey(name)
	for _, p := range list {
		if nameKey(p.Name) == key {
			return p, nil
		}
	}
	return Profile{}, fmt.Errorf("profile %q: %w", name, ErrNotFound)
}
