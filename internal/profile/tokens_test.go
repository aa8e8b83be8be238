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
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, words := Profile{Tokens: tc.tokens, TokensStale: tc.stale}.TokenState(now)
			if h != tc.health || words != tc.words {
				t.Errorf("got %v %q, want %v %q", h, words, tc.health, tc.words)
			}
		})
	}
}
