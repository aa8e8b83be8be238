package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/authwiz/authwiz/internal/consent"
	"github.com/authwiz/authwiz/internal/loopback"
	"github.com/authwiz/authwiz/internal/profile"
)

// fakeStore keeps profiles in memory and records what it was asked.
type fakeStore struct {
	mu        sync.Mutex
	profiles  []profile.Profile
	secrets   map[string]profile.Secrets
	draft     *profile.Draft
	failSave  error
	failDraft error
	gets      []string
	now       time.Time
	// handEdits are the warnings HandEdits gives.
	handEdits []string
}

func newFakeStore(now time.Time, ps ...profile.Profile) *fakeStore {
	s := &fakeStore{secrets: map[string]profile.Secrets{}, now: now}
	s.profiles = append(s.profiles, ps...)
	return s
}

func (s *fakeStore) find(name string) int {
	return slices.IndexFunc(s.profiles, func(p profile.Profile) bool { return strings.EqualFold(p.Name, name) })
}

func (s *fakeStore) Get(name string) (profile.Profile, profile.Secrets, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gets = append(s.gets, name)
	i := s.find(name)
	if i < 0 {
		return profile.Profile{}, profile.Secrets{}, fmt.Errorf("profile %q: %w", name, profile.ErrNotFound)
	}
	return s.profiles[i], s.secrets[s.profiles[i].Name], nil
}

func (s *fakeStore) Create(p profile.Profile, sec profile.Secrets) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failSave != nil {
		return s.failSave
	}
	if s.find(p.Name) >= 0 {
		return profile.ErrExists
	}
	p.CreatedAt, p.UpdatedAt = s.now, s.now
	p.Tokens = profile.TokensOf(sec)
	s.profiles = append(s.profiles, p)
	s.secrets[p.Name] = sec
	return nil
}

func (s *fakeStore) Update(name string, fn func(p *profile.Profile, sec *profile.Secrets) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failSave != nil {
		return s.failSave
	}
	i := s.find(name)
	if i < 0 {
		return profile.ErrNotFound
	}
	p, sec := s.profiles[i], s.secrets[s.profiles[i].Name]
	if err := fn(&p, &sec); err != nil {
		return err
	}
	if j := s.find(p.Name); j >= 0 && j != i {
		return profile.ErrExists
	}
	delete(s.secrets, s.profiles[i].Name)
	p.Tokens = profile.TokensOf(sec)
	s.profiles[i], s.secrets[p.Name] = p, sec
	return nil
}

func (s *fakeStore) Delete(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(name)
	if i < 0 {
		return profile.ErrNotFound
	}
	delete(s.secrets, s.profiles[i].Name)
	s.profiles = slices.Delete(s.profiles, i, i+1)
	return nil
}

func (s *fakeStore) List() ([]profile.Profile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.profiles)
	slices.SortFunc(out, func(a, b profile.Profile) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return out, nil
}

func (s *fakeStore) LoadDraft() (profile.Draft, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.draft == nil {
		return profile.Draft{}, false, nil
	}
	return *s.draft, true, nil
}

func (s *fakeStore) SaveDraft(d profile.Draft) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failDraft != nil {
		return s.failDraft
	}
	s.draft = &d
	return nil
}

func (s *fakeStore) HandEdits() []string { return s.handEdits }

func (s *fakeStore) DeleteDraft() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.draft = nil
	return nil
}

func (s *fakeStore) saved(name string) (profile.Profile, profile.Secrets, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(name)
	if i < 0 {
		return profile.Profile{}, profile.Secrets{}, false
	}
	return s.profiles[i], s.secrets[s.profiles[i].Name], true
}

// fakePorts says a port is busy when its URL is in busy; which URLs are
// on this computer it leaves to the real loopback package.
type fakePorts struct {
	busy map[string]bool
	free int
}

func (p *fakePorts) Check(u string) error {
	if _, err := loopback.Addrs(u); err != nil {
		return err
	}
	if p.busy[u] {
		return errors.New("port 47613 is already taken by another program")
	}
	return nil
}

func (p *fakePorts) FreePort(string) (int, error) { return p.free, nil }

// fakeConsent hands out attempts whose outcome the test decides.
type fakeConsent struct {
	mu       sync.Mutex
	attempts []*fakeAttempt
	chosen   []string
	startErr error
	remote   bool // Redirect URLs are not on this computer
}

func (c *fakeConsent) Begin(_ context.Context, name string) (consent.Flow, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.startErr != nil {
		return nil, c.startErr
	}
	a := &fakeAttempt{name: name, done: make(chan outcome, 1), hint: make(chan string, 1),
		deadline: fixedNow.Add(5 * time.Minute), listening: !c.remote}
	c.attempts = append(c.attempts, a)
	return a, nil
}

func (c *fakeConsent) ChooseSite(name, cloudID string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.chosen = append(c.chosen, name+"="+cloudID)
	return nil
}

func (c *fakeConsent) last() *fakeAttempt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.attempts) == 0 {
		return nil
	}
	return c.attempts[len(c.attempts)-1]
}

type outcome struct {
	res consent.Result
	err error
}

type fakeAttempt struct {
	name      string
	deadline  time.Time
	done      chan outcome
	hint      chan string
	listening bool
	mu        sync.Mutex
	pasted    []string
	closed    bool
	pasteErr  error
}

// AuthURL is as long as Atlassian's, which no terminal shows on one line.
func (a *fakeAttempt) AuthURL() string {
	return "https://auth.atlassian.com/authorize?audience=api.atlassian.com&client_id=" + testClientID +
		"&scope=read%3Aconfluence-content.all%20offline_access&redirect_uri=http%3A%2F%2Flocalhost%3A47613%2Fcallback" +
		"&state=fixed-state-for-tests&response_type=code&prompt=consent"
}
func (a *fakeAttempt) RedirectURL() string { return "http://localhost:47613/callback" }
func (a *fakeAttempt) Deadline() time.Time { return a.deadline }
func (a *fakeAttempt) Listening() bool     { return a.listening }

func (a *fakeAttempt) Hint(ctx context.Context) (string, bool) {
	select {
	case text := <-a.hint:
		return text, true
	case <-ctx.Done():
		return "", false
	}
}
func (a *fakeAttempt) Paste(in string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.pasted = append(a.pasted, in)
	return a.pasteErr
}

func (a *fakeAttempt) Wait(ctx context.Context) (consent.Result, error) {
	select {
	case o := <-a.done:
		return o.res, o.err
	case <-ctx.Done():
		return consent.Result{}, ctx.Err()
	}
}

func (a *fakeAttempt) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.closed = true
	return nil
}

func (a *fakeAttempt) isClosed() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.closed
}
