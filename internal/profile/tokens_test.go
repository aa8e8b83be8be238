package profile

import (
	"path/filepath"
	"testing"
	"time"
)

func TestTokensFollowTheSecrets(t *testing.T) {
	s := openTest(t)
	p, _ := fullProfile()
	if err := s.Save(p, Secrets{ClientSecret: "x"}); err != nil {
		t.Fatal(err)
	}
	list, _ := s.List()
	if h, words := list[0].TokenState(fixedNow); h != NeedsConsent || words != "needs consent" {
		t.Errorf("no tokens: %v %q", h, words)
	}
	if err := s.Update(p.Name, func(p *Profile, sec *Secrets) error {
		sec.AccessToken, sec.RefreshToken, sec.Expiry, sec.RefreshIssuedAt = "a", "r", fixedNow.Add(time.Hour), fixedNow
		p.TokensStale = false
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// A second store reads the state from the settings alone.
	again, _ := Open(filepath.Clean(s.Dir()))
	list, _ = again.List()
	if h, words := list[0].TokenState(fixedNow); h != Healthy || words != "valid" {
		t.Errorf("after a consent: %v %q (%+v)", h, words, list[0].Tokens)
	}
}

func TestTokenState(t *testing.T) {
	now := fixedNow
	for _, tc := range []struct {
		name   string
		tokens Tokens
		stale  bool
		health Health
		words  string
	}{
		{"none", Tokens{}, false, NeedsConsent, "needs consent"},
		{"stale", Tokens{HasAccess: true, HasRefresh: true}, true, NeedsConsent, "needs consent (settings changed)"},
		{"refreshable", Tokens{HasAccess: true, HasRefresh: true, RefreshIssuedAt: now.Add(-89 * 24 * time.Hour)}, false, Healthy, "valid"},
		{"refresh unused 90 days", Tokens{HasRefresh: true, RefreshIssuedAt: now.Add(-91 * 24 * time.Hour)}, false, NeedsConsent, "needs consent (unused 90 days)"},
		{"access only", Tokens{HasAccess: true, AccessExpiry: now.Add(42 * time.Minute)}, false, Expiring, "expires in 42m"},
		{"access expired", Tokens{HasAccess: true, AccessExpiry: now.Add(-time.Minute)}, false, NeedsConsent, "needs consent (expired)"},
		{"rejected, access still valid", Tokens{HasAccess: true, AccessExpiry: now.Add(time.Hour), HasRefresh: true, RefreshFailure: RefreshRejected}, false, NeedsConsent, "needs consent (refresh token rejected)"},
		{"interrupted", Tokens{HasAccess: true, HasRefresh: true, RefreshFailure: RefreshInterrupted}, false, NeedsConsent, "needs consent (refresh interrupted)"},
		{"used often, consented 366 days ago", Tokens{HasRefresh: true, RefreshIssuedAt: now.Add(-time.Hour), ConsentedAt: now.Add(-366 * 24 * time.Hour)}, false, NeedsConsent, "needs consent (365-day limit reached)"},
		{"consented 364 days ago", Tokens{HasRefresh: true, RefreshIssuedAt: now.Add(-time.Hour), ConsentedAt: now.Add(-364 * 24 * time.Hour)}, false, Healthy, "valid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, words := Profile{Tokens: tc.tokens, TokensStale: tc.stale}.TokenState(now)
			if h != tc.health || words != tc.words {
				t.Errorf("got %v %q, want %v %q", h, words, tc.health, tc.words)
			}
		})
	}
}

func TestOutlookWarnsAheadOfBothLimits(t *testing.T) {
	now := fixedNow
	p := Profile{Tokens: Tokens{HasRefresh: true, RefreshIssuedAt: now.Add(-80 * 24 * time.Hour), ConsentedAt: now.Add(-300 * 24 * time.Hour)}}
	out := p.Outlook(now)
	if out.UnusedEnds.DaysLeft != 10 || !out.UnusedEnds.Soon || !out.UnusedEnds.At.Equal(now.Add(10*24*time.Hour)) {
		t.Errorf("90-day limit: %+v", out.UnusedEnds)
	}
	if out.GrantEnds.DaysLeft != 65 || out.GrantEnds.Soon {
		t.Errorf("365-day limit: %+v", out.GrantEnds)
	}
	p.Tokens.ConsentedAt = now.Add(-(365*24 + 1) * time.Hour)
	if out := p.Outlook(now); out.GrantEnds.DaysLeft != -1 || !out.GrantEnds.Soon {
		t.Errorf("365-day limit just passed: %+v", out.GrantEnds)
	}
	p.Tokens.ConsentedAt = time.Time{}
	if out := p.Outlook(now); out.GrantEnds.Known() {
		t.Errorf("an unknown consent time gives no deadline: %+v", out.GrantEnds)
	}
	if out := (Profile{}).Outlook(now); out.UnusedEnds.Known() || out.GrantEnds.Known() {
		t.Errorf("no refresh token, no deadlines: %+v", out)
	}
}

// A new refresh token set through Update is a new consent: it starts its
// 365 days and clears what was remembered about the old one.
func TestNewConsentStartsAFreshGrant(t *testing.T) {
	s := openTest(t)
	p, sec := fullProfile()
	p.TokensStale = false
	sec.RefreshFailure, sec.RefreshFailedAt = RefreshRejected, fixedNow
	if err := s.Create(p, sec); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(p.Name, func(_ *Profile, sec *Secrets) error { sec.AccessToken = "other"; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, got, _ := s.Get(p.Name); got.RefreshFailure != RefreshRejected {
		t.Fatalf("a change that keeps the refresh token forgot the failure")
	}
	later := fixedNow.Add(time.Hour)
	if err := s.Update(p.Name, func(_ *Profile, sec *Secrets) error {
		sec.RefreshToken, sec.RefreshIssuedAt = "from-a-new-consent", later
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got, gotSec, _ := s.Get(p.Name)
	if gotSec.RefreshFailure != "" || !gotSec.RefreshFailedAt.IsZero() || !gotSec.ConsentedAt.Equal(later) || !got.Tokens.ConsentedAt.Equal(later) {
		t.Errorf("after a new consent: failure %q at %v, consented %v (settings say %v)",
			gotSec.RefreshFailure, gotSec.RefreshFailedAt, gotSec.ConsentedAt, got.Tokens.ConsentedAt)
	}
	if h, words := got.TokenState(later); h != Healthy {
		t.Errorf("state after a new consent: %q", words)
	}
}
