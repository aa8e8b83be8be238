package profile

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"time"
)

// Damage is what is wrong with the store now.
type Damage struct {
	// Unreadable are the files that cannot be read, each a *ParseError.
	Unreadable []error
	// Lost are the profiles whose secrets the secrets file or the keyring
	// no longer holds.
	Lost []*LostSecretsError
}

// None reports whether the store is sound.
func (d Damage) None() bool { return len(d.Unreadable) == 0 && len(d.Lost) == 0 }

// Candidate is an earlier state of the store, kept in the backups, that
// Restore can put back.
type Candidate struct {
	// Number is what Restore takes: 1 is the newest.
	Number int
	// WrittenAt is when the newest of its files was written.
	WrittenAt time.Time
	// Files are the backups it is made of.
	Files    []string
	Profiles []CandidateProfile
}

// CandidateProfile is what a candidate holds for one profile, and what
// restoring it would do.
type CandidateProfile struct {
	Name                                    string
	ClientSecret, AccessToken, RefreshToken bool
	// InKeyring: the profile keeps its secrets in the OS keyring, which
	// no backup holds.
	InKeyring bool
	// PutBack: restoring puts back this profile's settings or secrets,
	// which the current files lost.
	PutBack bool
	// Rotated: the refresh token put back was replaced since (or spent
	// by a refresh that never finished), so Atlassian will likely refuse
	// it and the profile needs a new consent.
	Rotated bool
	// Shared: the profile's grant lives in a shared store, so only its
	// client secret is put back, never the tokens a backup holds.
	Shared bool
}

// RestorePlan is what Restore can do: the damage, and the candidates
// (newest first) to mend it from.
type RestorePlan struct {
	Damage     Damage
	Candidates []Candidate
}

// Restored says what Restore put back.
type Restored struct {
	// Files are the files rewritten.
	Files []string
	// KeptAs maps each file that could not be read to where it was kept.
	KeptAs map[string]string
	// Profiles are the profiles whose settings or secrets were put back.
	Profiles []string
	// Rotated are those of them whose refresh token was replaced since.
	Rotated []string
	// StillLost are the profiles whose secrets the candidate did not hold.
	StillLost []string
}

// PlanRestore looks at the store and its backups, changing nothing.
// shared names the profiles whose grant lives in a shared store (see
// Restore).
func (s *Store) PlanRestore(shared []string) (RestorePlan, error) {
	var plan RestorePlan
	err := s.read(func() error {
		cur, err := s.current()
		if err != nil {
			return err
		}
		plan.Damage = cur.damage
		plan.Candidates, err = s.candidates(cur, shared)
		return err
	})
	return plan, err
}

// Restore mends the store from the candidate numbered number (see
// PlanRestore). Only what is damaged is taken from it: a file that cannot
// be read is replaced (and kept beside under a new name, so nothing is
// lost), a profile missing from the settings is put back, and so are the
// secrets of a profile that lost them. Everything that is sound stays as it
// is, so a profile refreshed since keeps its newer tokens.
//
// Of the profiles named in shared, whose grant lives in a shared store,
// only the client secret is put back: tokens a backup holds of them are
// this host's copy from before sharing, already spent or soon to be by
// the other hosts, and a refresh with one would revoke the grant for
// every host.
func (s *Store) Restore(number int, shared []string) (Restored, error) {
	res := Restored{KeptAs: map[string]string{}}
	err := s.exclusive(func() error {
		removeStaleTemps(s.dir)
		cur, err := s.current()
		if err != nil {
			return err
		}
		if cur.damage.None() {
			return errors.New("nothing to restore: every profile file reads and agrees with the others")
		}
		pairs := s.pairs()
		i := slices.IndexFunc(pairs, func(c candidate) bool { return c.Number == number })
		if i < 0 {
			return fmt.Errorf("there is no backup numbered %d: %d can be restored", number, len(pairs))
		}
		for path := range cur.unreadable {
			kept := fmt.Sprintf("%s.damaged-%s", path, s.now().UTC().Format("20060102T150405Z"))
			if err := replaceWith(kept, cur.unreadable[path]); err != nil {
				return err
			}
			res.KeptAs[path] = kept
		}
		m := s.merger(cur, pairs[i], shared)
		err = s.writeState(cloneState(cur.st), m.apply, nil, false)
		res.Profiles, res.Rotated, res.StillLost = m.putBack, m.rotated, m.stillLost
		res.Files = []string{s.path(settingsFileName), s.path(secretsFileName)}
		return err
	})
	return res, err
}

// currentState is the store as it is, damage and all.
type currentState struct {
	st     state
	damage Damage
	// unreadable maps each unreadable file to its content.
	unreadable map[string][]byte
	// lost are the names (nameKey) of the profiles that lost secrets.
	lost map[string]bool
}

func (s *Store) current() (currentState, error) {
	cur := currentState{unreadable: map[string][]byte{}, lost: map[string]bool{}}
	var perr *ParseError
	settings, err := s.loadSettings()
	switch {
	case errors.As(err, &perr):
		settings = settingsFile{SchemaVersion: SchemaVersion}
		cur.noteUnreadable(err, perr.Path)
	case err != nil:
		return currentState{}, err
	}
	secrets, err := s.loadSecrets()
	switch {
	case errors.As(err, &perr):
		secrets = secretsFile{SchemaVersion: SchemaVersion, Secrets: map[string]Secrets{}}
		cur.noteUnreadable(err, perr.Path)
	case err != nil:
		return currentState{}, err
	}
	cur.st = state{settings: settings, secrets: secrets}
	for _, p := range settings.Profiles {
		var lost *LostSecretsError
		switch _, err := s.secretsOf(&cur.st, p); {
		case errors.As(err, &lost):
			cur.damage.Lost = append(cur.damage.Lost, lost)
			cur.lost[nameKey(p.Name)] = true
		case err != nil:
			return currentState{}, err
		}
	}
	return cur, nil
}

func (cur *currentState) noteUnreadable(err error, path string) {
	cur.damage.Unreadable = append(cur.damage.Unreadable, err)
	if data, readErr := os.ReadFile(path); readErr == nil {
		cur.unreadable[path] = data
	}
}

// backupCopy is one readable backup of one of the files.
type backupCopy struct {
	path     string
	gen      uint64
	written  time.Time
	settings settingsFile
	secrets  secretsFile
}

// readableBackups are the backups of the file called name that can be
// read, newest first.
func (s *Store) readableBackups(name string) []backupCopy {
	var out []backupCopy
	for _, path := range backupsOf(s.path(name)) {
		data, err := os.ReadFile(path)
		info, statErr := os.Stat(path)
		if err != nil || statErr != nil {
			continue
		}
		c := backupCopy{path: path, written: info.ModTime()}
		if name == settingsFileName {
			if c.settings, err = parseSettings(path, data); err != nil {
				continue
			}
			c.gen = c.settings.Generation
		} else {
			if c.secrets, err = parseSecrets(path, data); err != nil {
				continue
			}
			c.gen = c.secrets.Generation
		}
		out = append(out, c)
	}
	return out
}

// candidate pairs a settings backup with the secrets backup written with
// it or before it (the secrets file is rewritten only when it changes).
type candidate struct {
	Candidate
	settings, secrets *backupCopy
}

// candidates describes every pair: what each holds and what restoring it
// would do, found by trying it on a copy of the current state.
func (s *Store) candidates(cur currentState, shared []string) ([]Candidate, error) {
	pairs := s.pairs()
	out := make([]Candidate, len(pairs))
	for i, c := range pairs {
		m := s.merger(cur, c, shared)
		st := cloneState(cur.st)
		if err := m.apply(&st); err != nil {
			return nil, err
		}
		out[i] = m.describe()
	}
	return out, nil
}

// pairs are the candidates without their profiles described yet.
func (s *Store) pairs() []candidate {
	settings, secrets := s.readableBackups(settingsFileName), s.readableBackups(secretsFileName)
	var gens []uint64
	for _, c := range append(slices.Clone(settings), secrets...) {
		gens = append(gens, c.gen)
	}
	slices.Sort(gens)
	gens = slices.Compact(gens)
	slices.Reverse(gens)
	// asOf is the newest copy written at or before change gen.
	asOf := func(copies []backupCopy, gen uint64) *backupCopy {
		var best *backupCopy
		for i := range copies {
			if copies[i].gen <= gen && (best == nil || copies[i].gen > best.gen) {
				best = &copies[i]
			}
		}
		return best
	}
	var out []candidate
	for _, gen := range gens {
		c := candidate{settings: asOf(settings, gen), secrets: asOf(secrets, gen)}
		if slices.ContainsFunc(out, func(o candidate) bool { return o.settings == c.settings && o.secrets == c.secrets }) {
			continue
		}
		for _, b := range []*backupCopy{c.settings, c.secrets} {
			if b != nil {
				c.Files = append(c.Files, b.path)
				if b.written.After(c.WrittenAt) {
					c.WrittenAt = b.written
				}
			}
		}
		c.Number = len(out) + 1
		out = append(out, c)
	}
	return out
}

func cloneState(st state) state {
	st.settings.Profiles = slices.Clone(st.settings.Profiles)
	st.settings.Held = maps.Clone(st.settings.Held)
	st.secrets.Secrets = maps.Clone(st.secrets.Secrets)
	st.keyringSets = maps.Clone(st.keyringSets)
	return st
}

// merger takes from a candidate what the current state lost.
type merger struct {
	s   *Store
	cur currentState
	c   candidate
	// shared holds the nameKey of each profile whose grant lives in a
	// shared store.
	shared map[string]bool
	// putBack, rotated and stillLost are what apply did, by profile name.
	putBack, rotated, stillLost []string
}

func (s *Store) merger(cur currentState, c candidate, shared []string) *merger {
	m := &merger{s: s, cur: cur, c: c, shared: map[string]bool{}}
	for _, name := range shared {
		m.shared[nameKey(name)] = true
	}
	return m
}

// apply mends st: the settings from the candidate when the current ones
// cannot be read, else the profiles they lack; then the secrets of every
// profile whose secrets were lost, from the candidate's secrets.
func (m *merger) apply(st *state) error {
	var from settingsFile
	if m.c.settings != nil {
		from = m.c.settings.settings
	}
	_, settingsLost := m.cur.unreadable[m.s.path(settingsFileName)]
	added := map[string]bool{}
	if settingsLost {
		st.settings = settingsFile{SchemaVersion: SchemaVersion, Generation: from.Generation}
	}
	if st.settings.Held == nil {
		st.settings.Held = map[string]held{}
	}
	for _, p := range from.Profiles {
		if st.find(p.Name) >= 0 {
			continue
		}
		st.settings.Profiles = append(st.settings.Profiles, cloneProfile(p))
		if h, ok := from.Held[p.Name]; ok {
			st.settings.Held[p.Name] = h
		}
		added[nameKey(p.Name)] = true
	}
	var secrets map[string]Secrets
	if m.c.secrets != nil {
		secrets = m.c.secrets.secrets.Secrets
	}
	for i, p := range st.settings.Profiles {
		kept, err := m.s.secretsOf(st, p)
		var lost *LostSecretsError
		switch {
		case err == nil:
			if added[nameKey(p.Name)] {
				// Settings from a backup can be older than the secrets
				// here, which are then the truth: their token flags would
				// say what that older copy held (tokens of a grant shared
				// since, say), not what is here.
				st.settings.Profiles[i].Tokens = TokensOf(kept)
				m.putBack = append(m.putBack, p.Name)
			}
			continue
		case !errors.As(err, &lost):
			return err
		}
		sec, ok := secretsNamed(secrets, p.Name)
		if !ok {
			m.stillLost = append(m.stillLost, p.Name)
			continue
		}
		// The backup's tokens of a shared grant predate sharing: see Restore.
		if m.shared[nameKey(p.Name)] {
			sec = Secrets{ClientSecret: sec.ClientSecret}
		}
		p.Tokens = TokensOf(sec)
		st.settings.Profiles[i] = p
		st.setSecrets(p, sec)
		m.putBack = append(m.putBack, p.Name)
		if m.rotatedSince(p.Name, sec) {
			m.rotated = append(m.rotated, p.Name)
		}
	}
	return nil
}

// rotatedSince reports whether sec's refresh token was replaced after the
// candidate was written: the current settings say a newer one was issued,
// or the refresh journal says it was spent by a refresh never saved.
func (m *merger) rotatedSince(name string, sec Secrets) bool {
	if sec.RefreshToken == "" {
		return false
	}
	if i := m.cur.st.find(name); i >= 0 {
		t := m.cur.st.settings.Profiles[i].Tokens
		if t.HasRefresh && t.RefreshIssuedAt.After(sec.RefreshIssuedAt) {
			return true
		}
	}
	e, found := m.s.refreshRecords(name).readJournal()
	return found && e.Generation == generation(sec.RefreshToken)
}

// describe is the candidate with what it holds for each profile and what
// apply did with it.
func (m *merger) describe() Candidate {
	c := m.c.Candidate
	var profiles []Profile
	if m.c.settings != nil {
		profiles = m.c.settings.settings.Profiles
	}
	var secrets map[string]Secrets
	if m.c.secrets != nil {
		secrets = m.c.secrets.secrets.Secrets
	}
	names := slices.Clone(m.putBack)
	for _, p := range profiles {
		names = append(names, p.Name)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(nameKey(a), nameKey(b)) })
	names = slices.CompactFunc(names, func(a, b string) bool { return nameKey(a) == nameKey(b) })
	for _, name := range names {
		sec, inFile := secretsNamed(secrets, name)
		i := slices.IndexFunc(profiles, func(p Profile) bool { return nameKey(p.Name) == nameKey(name) })
		c.Profiles = append(c.Profiles, CandidateProfile{
			Name:         name,
			ClientSecret: sec.ClientSecret != "",
			AccessToken:  sec.AccessToken != "",
			RefreshToken: sec.RefreshToken != "",
			InKeyring:    !inFile && i >= 0 && profiles[i].SecretStorage == StorageKeyring,
			PutBack:      slices.Contains(m.putBack, name),
			Rotated:      slices.Contains(m.rotated, name),
			Shared:       m.shared[nameKey(name)],
		})
	}
	return c
}

// secretsNamed finds the secrets of the profile called name, compared as
// names are.
func secretsNamed(secrets map[string]Secrets, name string) (Secrets, bool) {
	for key, sec := range secrets {
		if nameKey(key) == nameKey(name) {
			return sec, true
		}
	}
	return Secrets{}, false
}
